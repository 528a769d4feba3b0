resource "aws_dynamodb_table" "orders_prod" {
  name     = "orders"
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
