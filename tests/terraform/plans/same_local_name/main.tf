# Two modules each declare aws_dynamodb_table.orders: two tables, told apart by their full addresses.

module "live" {
  source                 = "./modules/orders"
  name                   = "orders-sit"
  point_in_time_recovery = true
}

module "archive" {
  source                 = "./modules/orders"
  name                   = "orders-archive-sit"
  point_in_time_recovery = false
  table_class            = "STANDARD_INFREQUENT_ACCESS"
}
