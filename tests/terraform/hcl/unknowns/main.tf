# What stays unknown before apply stays as small as it is (issue 18, item 4): one tag, one selection entry, one
# rule's lifecycle, one index's keys. Alarms and splat selections are read (item 5). What the KMS key and the
# topic get is known after apply; terraform.workspace is chosen when Terraform runs (a plan knows it).

provider "aws" {
  region = "eu-west-1"
}

variable "env" {
  type    = string
  default = "sit"
}

locals {
  customer_key = terraform.workspace == "default" ? "customerId" : "customerKey"
  shared_table = "shared-${terraform.workspace}"
}

resource "aws_kms_key" "tables" {
  description = "tables and backups"
}

resource "aws_sns_topic" "alarms" {
  name = "dynamodb-alarms-${var.env}"
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "orderId"

  attribute {
    name = "orderId"
    type = "S"
  }

  attribute {
    name = local.customer_key
    type = "S"
  }

  global_secondary_index {
    name            = "OrdersByCustomer"
    hash_key        = local.customer_key
    projection_type = "ALL"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.tables.arn
  }

  tags = {
    Project = "bbws"
    Team    = "payments"
    KeyId   = aws_kms_key.tables.key_id
  }
}

resource "aws_dynamodb_table" "audit" {
  count        = 2
  name         = "audit${count.index}-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_dynamodb_table" "events" {
  for_each     = toset(["clicks", "views"])
  name         = "${each.key}-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }
}

resource "aws_dynamodb_table" "users" {
  name         = "users-${var.env}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "userId"

  attribute {
    name = "userId"
    type = "S"
  }
}

resource "aws_backup_vault" "main" {
  name        = "bbws-dynamodb-${var.env}"
  kms_key_arn = aws_kms_key.tables.arn
}

resource "aws_backup_plan" "daily" {
  name = "bbws-dynamodb-daily-${var.env}"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"
    lifecycle {
      delete_after = 35
    }
  }

  rule {
    rule_name         = "weekly"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 4 ? * SUN *)"
    dynamic "lifecycle" {
      for_each = terraform.workspace == "prod" ? [90] : [14]
      content {
        delete_after = lifecycle.value
      }
    }
  }
}

resource "aws_backup_selection" "orders" {
  name         = "orders-and-shared"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::222222222222:role/backup"
  resources    = [aws_dynamodb_table.orders.arn, "arn:aws:dynamodb:eu-west-1:222222222222:table/${local.shared_table}"]
}

resource "aws_backup_selection" "audit" {
  name         = "audit"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::222222222222:role/backup"
  resources    = aws_dynamodb_table.audit[*].arn
}

resource "aws_backup_selection" "events" {
  name         = "events"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::222222222222:role/backup"
  resources    = values(aws_dynamodb_table.events)[*].arn
}

resource "aws_cloudwatch_metric_alarm" "orders_read_throttles" {
  alarm_name          = "orders-${var.env}-read-throttles"
  namespace           = "AWS/DynamoDB"
  metric_name         = "ReadThrottleEvents"
  dimensions          = { TableName = aws_dynamodb_table.orders.name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "shared_errors" {
  alarm_name          = "shared-${var.env}-system-errors"
  namespace           = "AWS/DynamoDB"
  metric_name         = "SystemErrors"
  dimensions          = { TableName = local.shared_table }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
}
