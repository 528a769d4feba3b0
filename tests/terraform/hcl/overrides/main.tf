variable "env" {
  type    = string
  default = "dev"
}

locals {
  prefix = "shop"
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "orders" {
  name           = "${local.prefix}-orders-${var.env}"
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "id"

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "user"
    type = "S"
  }

  global_secondary_index {
    name            = "ByUser"
    hash_key        = "user"
    projection_type = "ALL"
    read_capacity   = 1
    write_capacity  = 1
  }

  global_secondary_index {
    name            = "ById"
    hash_key        = "id"
    projection_type = "KEYS_ONLY"
    read_capacity   = 1
    write_capacity  = 1
  }

  point_in_time_recovery {
    enabled = false
  }

  tags = {
    Team = "orders"
  }

  lifecycle {
    ignore_changes = [write_capacity]
  }
}
