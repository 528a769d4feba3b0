# One orders table; the caller names it and chooses its recovery and class.

variable "name" {
  type = string
}

variable "point_in_time_recovery" {
  type = bool
}

variable "table_class" {
  type    = string
  default = null
}

resource "aws_dynamodb_table" "orders" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "orderId"
  table_class  = var.table_class

  attribute {
    name = "orderId"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }
}
