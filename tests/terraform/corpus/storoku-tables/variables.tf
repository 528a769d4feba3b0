variable "environment" {
  description = "The environment we are deploying to (your name, dev, prod, staging, warm-prod, warm-staging)"
  type        = string
}

variable "app" {
  description = "The name of the application"
  type        = string
}

variable "tables" {
  description = "dynamodb tables to create"
  type = list(object({
    name = string
    attributes = list(object({
      name = string
      type = string
    }))
    hash_key  = string
    range_key = optional(string)
    global_secondary_indexes = optional(list(object({
      name               = string
      hash_key           = string
      range_key          = optional(string)
      projection_type    = string
      non_key_attributes = optional(list(string))
    })), [])
    local_secondary_indexes = optional(list(object({
      name               = string
      range_key          = string
      projection_type    = string
      non_key_attributes = optional(list(string))
    })), [])
  }))
  default = []
}
