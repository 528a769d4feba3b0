env = "sit
