# DynamoDB tables of the BBWS stack: one file per environment through var.env (see sit.tfvars).
# All tables: on-demand billing, streams with new and old images, encryption at rest with the
# AWS managed key (aws/dynamodb), point-in-time recovery.

locals {
  common_tags = merge(var.tags, {
    Environment = var.env
  })

  # The product catalogue's indexes, one entry per GSI (a null range_key or non_key_attributes
  # leaves the argument unset).
  product_indexes = {
    ProductCategoryIndex = {
      hash_key           = "categoryId"
      range_key          = "productName"
      projection_type    = "INCLUDE"
      non_key_attributes = ["price", "status"]
    }
    ActiveProductsIndex = {
      hash_key           = "status"
      range_key          = "updatedAt"
      projection_type    = "KEYS_ONLY"
      non_key_attributes = null
    }
    ProductSkuIndex = {
      hash_key           = "sku"
      range_key          = null
      projection_type    = "KEYS_ONLY"
      non_key_attributes = null
    }
  }
}

resource "aws_dynamodb_table" "tenants" {
  name             = "tenants-${var.env}"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "tenantId"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "tenantId"
    type = "S"
  }

  attribute {
    name = "domain"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  global_secondary_index {
    name            = "TenantDomainIndex"
    hash_key        = "domain"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "TenantStatusIndex"
    hash_key        = "status"
    projection_type = "KEYS_ONLY"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = merge(local.common_tags, {
    Name = "tenants-${var.env}"
  })
}

resource "aws_dynamodb_table" "products" {
  name             = "products-${var.env}"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "tenantId"
  range_key        = "productId"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "tenantId"
    type = "S"
  }

  attribute {
    name = "productId"
    type = "S"
  }

  attribute {
    name = "categoryId"
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
    name = "updatedAt"
    type = "S"
  }

  attribute {
    name = "sku"
    type = "S"
  }

  dynamic "global_secondary_index" {
    for_each = local.product_indexes

    content {
      name               = global_secondary_index.key
      hash_key           = global_secondary_index.value.hash_key
      range_key          = global_secondary_index.value.range_key
      projection_type    = global_secondary_index.value.projection_type
      non_key_attributes = global_secondary_index.value.non_key_attributes
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = merge(local.common_tags, {
    Name = "products-${var.env}"
  })
}

resource "aws_dynamodb_table" "campaigns" {
  name             = "campaigns-${var.env}"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "tenantId"
  range_key        = "campaignId"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "tenantId"
    type = "S"
  }

  attribute {
    name = "campaignId"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  attribute {
    name = "startDate"
    type = "S"
  }

  attribute {
    name = "productId"
    type = "S"
  }

  attribute {
    name = "endDate"
    type = "S"
  }

  global_secondary_index {
    name            = "CampaignActiveIndex"
    hash_key        = "status"
    range_key       = "startDate"
    projection_type = "ALL"
  }

  global_secondary_index {
    name               = "CampaignProductIndex"
    hash_key           = "productId"
    range_key          = "endDate"
    projection_type    = "INCLUDE"
    non_key_attributes = ["campaignName", "discountPercent"]
  }

  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = merge(local.common_tags, {
    Name = "campaigns-${var.env}"
  })
}
