resource "aws_backup_vault" "main" {
  name = "bbws-dynamodb-${var.env}"
}

resource "aws_backup_plan" "daily" {
  name = "bbws-dynamodb-daily-${var.env}"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.main.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = 14
    }
  }
}

resource "aws_backup_selection" "tagged" {
  name         = "bbws-dynamodb-tables"
  plan_id      = aws_backup_plan.daily.id
  iam_role_arn = "arn:aws:iam::222222222222:role/backup"

  selection_tag {
    type  = "STRINGEQUALS"
    key   = "Backup"
    value = "daily"
  }
}
