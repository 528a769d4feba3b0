# The stack as a platform team writes it: one table written out, one through a local module, one through the
# registry module terraform-aws-modules/dynamodb-table (not installed: `terraform init` never ran here), tables
# for the audit log over a set the pipeline gives, backups by tag. tests/provision/observed/terraform/test_gaps.py plants defects
# in copies of it.

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      Project   = "bbws"
      Stack     = "dynamodb-schemas"
      ManagedBy = "dynamo-contracts"
      Backup    = "daily"
    }
  }
}

resource "aws_dynamodb_table" "orders" {
  name                        = "orders-${var.env}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "tenantId"
  range_key                   = "orderId"
  stream_enabled              = true
  stream_view_type            = "NEW_AND_OLD_IMAGES"
  deletion_protection_enabled = true

  attribute {
    name = "tenantId"
    type = "S"
  }

  attribute {
    name = "orderId"
    type = "S"
  }

  attribute {
    name = "orderDate"
    type = "S"
  }

  attribute {
    name = "userId"
    type = "S"
  }

  global_secondary_index {
    name            = "OrdersByDate"
    hash_key        = "tenantId"
    range_key       = "orderDate"
    projection_type = "ALL"
  }

  global_secondary_index {
    name               = "OrdersByUser"
    hash_key           = "userId"
    range_key          = "orderDate"
    projection_type    = "INCLUDE"
    non_key_attributes = ["orderTotal", "status"]
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}

module "users" {
  source = "./modules/table"

  name      = "users-${var.env}"
  hash_key  = "tenantId"
  range_key = "userId"
  gsis = [
    {
      name               = "UsersByEmail"
      hash_key           = "email"
      projection_type    = "INCLUDE"
      non_key_attributes = ["displayName", "role", "status"]
    },
  ]
}

module "campaigns" {
  source  = "terraform-aws-modules/dynamodb-table/aws"
  version = "4.0.1"

  name      = "campaigns-${var.env}"
  hash_key  = "tenantId"
  range_key = "campaignId"
}

resource "aws_dynamodb_table" "audit" {
  for_each = var.audit_streams

  name         = "audit-${each.key}-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "eventId"

  attribute {
    name = "eventId"
    type = "S"
  }
}
