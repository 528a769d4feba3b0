# Two modules each declare aws_dynamodb_table.orders under one physical name, in one account and region:
# Terraform plans both, AWS refuses the second.

module "live" {
  source                 = "./modules/orders"
  name                   = "orders-sit"
  point_in_time_recovery = true
}

module "archive" {
  source                 = "./modules/orders"
  name                   = "orders-sit"
  point_in_time_recovery = false
  table_class            = "STANDARD_INFREQUENT_ACCESS"
}
