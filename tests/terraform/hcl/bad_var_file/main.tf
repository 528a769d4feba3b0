variable "env" {}

resource "aws_dynamodb_table" "orders" {
  name     = "${var.env}-orders"
  hash_key = "id"
}
