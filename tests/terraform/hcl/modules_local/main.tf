# A stack written as teams write it: one local module per table (for_each over a map), a backup module fed
# by the tables' outputs, provider default tags, and a copy in another region through an aliased provider.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Backup  = "daily"
      Project = "bbws"
    }
  }
}

provider "aws" {
  alias  = "dr"
  region = "eu-central-1"
}

locals {
  tables = {
    orders = {
      hash_key  = "tenantId"
      range_key = "orderId"
      gsis      = [{ name = "OrdersByUser", hash_key = "userId", range_key = "orderDate" }]
    }
    users = {
      hash_key  = "userId"
      range_key = null
      gsis      = []
    }
  }
}

module "tables" {
  source   = "./modules/table"
  for_each = local.tables

  name      = "${each.key}-${var.env}"
  hash_key  = each.value.hash_key
  range_key = each.value.range_key
  gsis      = each.value.gsis
  tags      = { Owner = "${each.key}-team", Critical = each.key == "orders" }
}

module "backup" {
  source = "./modules/backup"

  name       = "bbws-dynamodb-${var.env}"
  table_arns = [for table in module.tables : table.arn]
}

module "orders_dr" {
  source    = "./modules/table"
  providers = { aws = aws.dr }

  name     = "orders-dr"
  hash_key = "tenantId"
}
