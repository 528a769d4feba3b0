# values for sit
env = "sit"
