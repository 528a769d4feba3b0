resource "aws_dynamodb_table" "orders_sit" {
  name     = "orders"
  hash_key = "id"

  attribute {
    name = "id"
    type = "S"
  }
}
