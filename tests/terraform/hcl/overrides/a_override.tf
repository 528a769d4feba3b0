resource "aws_dynamodb_table" "orders" {
  point_in_time_recovery {
    enabled = true
  }

  tags = {
    Team    = "orders"
    Backups = "daily"
  }
}
