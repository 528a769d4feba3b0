variable "env" {
  description = "sit, prod ..."
  type        = string
}

variable "table_suffix" {
  type    = string
  default = "orders"
}
