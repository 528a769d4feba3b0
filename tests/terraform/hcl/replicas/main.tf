# A global table (issue 18, item 6): orders replicated to us-east-1 (without point-in-time recovery) and
# eu-central-1; the contracts of the test want us-east-1 and ap-southeast-2 instead.

provider "aws" {
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "orders" {
  name             = "orders-sit"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "tenantId"
  range_key        = "orderId"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "tenantId"
    type = "S"
  }

  attribute {
    name = "orderId"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  replica {
    region_name = "us-east-1"
  }

  replica {
    region_name            = "eu-central-1"
    point_in_time_recovery = true
    propagate_tags         = true
  }
}
