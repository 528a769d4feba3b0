env = "sit"
