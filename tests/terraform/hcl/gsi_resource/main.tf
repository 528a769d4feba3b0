resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_global_secondary_index" "by_user" {
  table_name = aws_dynamodb_table.orders.name
  index_name = "OrdersByUser"

  projection {
    projection_type = "ALL"
  }

  key_schema {
    attribute_name = "userId"
    attribute_type = "S"
    key_type       = "HASH"
  }
}
