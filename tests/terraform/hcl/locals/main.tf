variable "env" {
  default = "sit"
}

variable "extra_tags" {
  type    = map(string)
  default = { CostCentre = "1234" }
}

locals {
  name_prefix = "bbws-${var.env}"
  is_prod     = var.env == "prod"
  table_name  = "${local.name_prefix}-campaigns"
  common_tags = merge(var.extra_tags, {
    Environment = var.env
    ManagedBy   = "terraform"
  })
  billing = local.is_prod ? "PROVISIONED" : "PAY_PER_REQUEST"
  ttl     = lookup({ sit = "expiresAt" }, var.env, null)
}

resource "aws_dynamodb_table" "campaigns" {
  name                        = local.table_name
  billing_mode                = local.billing
  hash_key                    = "campaignId"
  deletion_protection_enabled = local.is_prod
  stream_enabled              = true
  stream_view_type            = upper("new_and_old_images")

  attribute {
    name = "campaignId"
    type = "S"
  }

  ttl {
    attribute_name = local.ttl
    enabled        = local.ttl != null
  }

  tags = merge(local.common_tags, { Table = format("%s-%s", local.name_prefix, "campaigns") })
}
