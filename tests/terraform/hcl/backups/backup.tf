variable "retention_days" {
  type    = number
  default = 35
}

resource "aws_backup_vault" "main" {
  name = "bbws-dynamodb-vault"
  tags = {
    Purpose = "dynamodb"
  }
}

resource "aws_backup_plan" "daily" {
  name = "bbws-dynamodb-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = var.retention_days
    }
  }
}

resource "aws_backup_selection" "orders" {
  name         = "orders"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"
  resources    = [aws_dynamodb_table.orders.arn]
}

resource "aws_backup_selection" "tagged" {
  name         = "tagged"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::123456789012:role/backup"

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "Backup"
    value = aws_dynamodb_table.orders.tags["Backup"]
  }
}
