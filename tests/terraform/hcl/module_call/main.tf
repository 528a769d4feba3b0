module "orders_table" {
  source  = "terraform-aws-modules/dynamodb-table/aws"
  version = "4.0.1"

  name     = "orders"
  hash_key = "id"
  attributes = [
    { name = "id", type = "S" }
  ]
}

# module "legacy_table" {
#   source = "./modules/table"
# }

/*
module "old_users" {
  source = "./modules/table"
}
*/

// module "also_gone" { source = "./x" }

resource "aws_dynamodb_table" "users" {
  name     = "users"
  hash_key = "userId"

  attribute {
    name = "userId"
    type = "S"
  }

  tags = {
    OrdersTable = module.orders_table.dynamodb_table_id
  }
}
