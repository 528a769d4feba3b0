# Written by benchmarks/peer/make_terraform.py from contracts/ (sit): do not edit by hand.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_dynamodb_table" "campaigns" {
  name         = "campaigns-sit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenantId"
  range_key    = "campaignId"
  attribute {
    name = "campaignId"
    type = "S"
  }
  attribute {
    name = "endDate"
    type = "S"
  }
  attribute {
    name = "productId"
    type = "S"
  }
  attribute {
    name = "startDate"
    type = "S"
  }
  attribute {
    name = "status"
    type = "S"
  }
  attribute {
    name = "tenantId"
    type = "S"
  }
  global_secondary_index {
    name            = "CampaignsByStatus"
    hash_key        = "status"
    range_key       = "startDate"
    projection_type = "ALL"
  }
  global_secondary_index {
    name               = "CampaignsByProduct"
    hash_key           = "productId"
    range_key          = "endDate"
    projection_type    = "INCLUDE"
    non_key_attributes = ["campaignName", "discountPercent"]
  }
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  server_side_encryption {
    enabled = true
  }
  point_in_time_recovery {
    enabled = true
  }
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }
  deletion_protection_enabled = true
  tags = {
    "ManagedBy" = "dynamo-contracts"
    "Project"   = "bbws"
    "Stack"     = "dynamodb-schemas"
  }
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders-sit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenantId"
  range_key    = "orderId"
  attribute {
    name = "orderDate"
    type = "S"
  }
  attribute {
    name = "orderId"
    type = "S"
  }
  attribute {
    name = "tenantId"
    type = "S"
  }
  attribute {
    name = "userId"
    type = "S"
  }
  global_secondary_index {
    name            = "OrdersByDate"
    hash_key        = "tenantId"
    range_key       = "orderDate"
    projection_type = "ALL"
  }
  global_secondary_index {
    name               = "OrdersByUser"
    hash_key           = "userId"
    range_key          = "orderDate"
    projection_type    = "INCLUDE"
    non_key_attributes = ["orderTotal", "status"]
  }
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  server_side_encryption {
    enabled = true
  }
  point_in_time_recovery {
    enabled = true
  }
  deletion_protection_enabled = true
  tags = {
    "ManagedBy" = "dynamo-contracts"
    "Project"   = "bbws"
    "Stack"     = "dynamodb-schemas"
  }
}

resource "aws_dynamodb_table" "products" {
  name         = "products-sit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenantId"
  range_key    = "productId"
  attribute {
    name = "categoryId"
    type = "S"
  }
  attribute {
    name = "productId"
    type = "S"
  }
  attribute {
    name = "productName"
    type = "S"
  }
  attribute {
    name = "status"
    type = "S"
  }
  attribute {
    name = "tenantId"
    type = "S"
  }
  attribute {
    name = "updatedAt"
    type = "S"
  }
  global_secondary_index {
    name               = "ProductsByCategory"
    hash_key           = "categoryId"
    range_key          = "productName"
    projection_type    = "INCLUDE"
    non_key_attributes = ["price", "status"]
  }
  global_secondary_index {
    name            = "ProductsByStatus"
    hash_key        = "status"
    range_key       = "updatedAt"
    projection_type = "KEYS_ONLY"
  }
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  server_side_encryption {
    enabled = true
  }
  point_in_time_recovery {
    enabled = true
  }
  deletion_protection_enabled = true
  tags = {
    "ManagedBy" = "dynamo-contracts"
    "Project"   = "bbws"
    "Stack"     = "dynamodb-schemas"
  }
}

resource "aws_dynamodb_table" "tenants" {
  name         = "tenants-sit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenantId"
  attribute {
    name = "domain"
    type = "S"
  }
  attribute {
    name = "tenantId"
    type = "S"
  }
  global_secondary_index {
    name            = "TenantsByDomain"
    hash_key        = "domain"
    projection_type = "ALL"
  }
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  server_side_encryption {
    enabled = true
  }
  point_in_time_recovery {
    enabled = true
  }
  deletion_protection_enabled = true
  tags = {
    "ManagedBy" = "dynamo-contracts"
    "Project"   = "bbws"
    "Stack"     = "dynamodb-schemas"
  }
}

resource "aws_dynamodb_table" "users" {
  name         = "users-sit"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenantId"
  range_key    = "userId"
  attribute {
    name = "email"
    type = "S"
  }
  attribute {
    name = "tenantId"
    type = "S"
  }
  attribute {
    name = "userId"
    type = "S"
  }
  global_secondary_index {
    name               = "UsersByEmail"
    hash_key           = "email"
    projection_type    = "INCLUDE"
    non_key_attributes = ["displayName", "role", "status"]
  }
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"
  server_side_encryption {
    enabled = true
  }
  point_in_time_recovery {
    enabled = true
  }
  deletion_protection_enabled = true
  tags = {
    "ManagedBy" = "dynamo-contracts"
    "Project"   = "bbws"
    "Stack"     = "dynamodb-schemas"
  }
}

resource "aws_backup_vault" "bbws_dynamodb" {
  name = "bbws-dynamodb-sit"
  tags = {
    "ManagedBy" = "dynamo-contracts"
  }
}

resource "aws_backup_plan" "bbws_dynamodb_daily" {
  name = "bbws-dynamodb-daily-sit"
  rule {
    rule_name         = "bbws-dynamodb-daily-rule"
    target_vault_name = aws_backup_vault.bbws_dynamodb.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 14
    }
  }
  tags = {
    "ManagedBy" = "dynamo-contracts"
  }
}

resource "aws_backup_selection" "bbws_dynamodb_daily" {
  name         = "bbws-dynamodb-daily-sit-tables"
  plan_id      = aws_backup_plan.bbws_dynamodb_daily.id
  iam_role_arn = "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"
  resources    = [aws_dynamodb_table.campaigns.arn, aws_dynamodb_table.orders.arn, aws_dynamodb_table.products.arn, aws_dynamodb_table.tenants.arn, aws_dynamodb_table.users.arn]
}
