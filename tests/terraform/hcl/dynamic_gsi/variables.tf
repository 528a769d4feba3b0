variable "environment" {
  description = "Deployment environment"
  type        = string
  default     = "dev"
}

variable "global_secondary_indexes" {
  description = "GSIs of the orders table"
  type = list(object({
    name               = string
    hash_key           = string
    range_key          = optional(string)
    projection_type    = optional(string, "ALL")
    non_key_attributes = optional(list(string), [])
  }))
  default = [
    { name = "OrdersByUser", hash_key = "userId", range_key = "createdAt" },
    { name = "OrdersByStatus", hash_key = "status", projection_type = "INCLUDE", non_key_attributes = ["total"] },
  ]
}

variable "key_attributes" {
  type    = map(string)
  default = { id = "S", userId = "S", createdAt = "N", status = "S" }
}
