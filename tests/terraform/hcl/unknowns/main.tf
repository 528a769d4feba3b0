# What stays unknown before apply stays as small as it is (issue 18, item 4): one tag, one selection entry, one
# rule's lifecycle, one index's keys. Alarms and splat selections are read (item 5). var.build and
# var.weekly_days have no value here; data sources are read by Terraform only.

variable "env" {
  type    = string
  default = "sit"
}

variable "build" {
  type = string
}

variable "weekly_days" {
  type = list(number)
}

variable "gsi_key" {
  type = string
}

data "aws_dynamodb_table" "shared" {
  name = "shared-${var.env}"
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
    name = var.gsi_key
    type = "S"
  }

  global_secondary_index {
    name            = "OrdersByCustomer"
    hash_key        = var.gsi_key
    projection_type = "ALL"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.tables.arn
  }

  tags = {
    Project = "bbws"
    Team    = "payments"
    Build   = var.build
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
      for_each = var.weekly_days
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
  resources    = [aws_dynamodb_table.orders.arn, data.aws_dynamodb_table.shared.arn]
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
  dimensions          = { TableName = data.aws_dynamodb_table.shared.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
}
