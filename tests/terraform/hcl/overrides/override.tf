# Merged into main.tf's blocks of the same name after every other file, as Terraform merges it.
resource "aws_dynamodb_table" "orders" {
  billing_mode   = "PAY_PER_REQUEST"
  read_capacity  = null
  write_capacity = null

  global_secondary_index {
    name            = "ByUser"
    hash_key        = "user"
    projection_type = "KEYS_ONLY"
  }

  lifecycle {
    prevent_destroy = false
  }
}
