data "aws_caller_identity" "current" {}

data "aws_kms_key" "dynamodb" {
  key_id = "alias/dynamodb"
}

resource "aws_dynamodb_table" "payments" {
  name     = "payments-${data.aws_caller_identity.current.account_id}"
  hash_key = "paymentId"

  attribute {
    name = "paymentId"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = data.aws_kms_key.dynamodb.arn
  }

  table_class = coalesce(var.table_class, "STANDARD")
  tags        = { Owner = jsonencode({ team = "payments" }) }
}

variable "table_class" {
  default = null
}
