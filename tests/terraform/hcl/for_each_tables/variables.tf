variable "env" {
  type    = string
  default = "dev"
}

variable "tables" {
  description = "Tables by short name"
  type = map(object({
    hash_key  = string
    range_key = optional(string)
  }))
  default = {
    orders = { hash_key = "orderId" }
    users  = { hash_key = "userId", range_key = "email" }
  }
}

variable "audit_tables" {
  description = "Set by the pipeline"
  type        = set(string)
}

variable "replicas" {
  type = list(string)
}
