resource "aws_dynamodb_table" "this" {
  for_each = var.tables

  name         = "${var.env}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key
  range_key    = each.value.range_key

  dynamic "attribute" {
    for_each = compact([each.value.hash_key, each.value.range_key])
    content {
      name = attribute.value
      type = "S"
    }
  }

  tags = {
    Table = each.key
  }
}

resource "aws_dynamodb_table" "shard" {
  count = 2

  name         = "${var.env}-shard-${count.index}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_dynamodb_table" "audit" {
  for_each = var.audit_tables

  name     = "${var.env}-audit-${each.key}"
  hash_key = "pk"
}

resource "aws_dynamodb_table" "global" {
  name     = "${var.env}-global"
  hash_key = "pk"

  dynamic "replica" {
    for_each = var.replicas
    content {
      region_name = replica.value
    }
  }
}

resource "aws_backup_selection" "shards" {
  name         = "shards"
  plan_id      = "plan-1"
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  resources    = aws_dynamodb_table.shard[*].arn
}
