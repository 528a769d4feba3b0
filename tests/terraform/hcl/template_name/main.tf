terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "orders" {
  name           = "${var.env}-${var.table_suffix}"
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "orderId"

  attribute {
    name = "orderId"
    type = "S"
  }

  tags = {
    Name     = "${var.env}-${var.table_suffix}"
    Template = "$${not_interpolated}"
  }
}
