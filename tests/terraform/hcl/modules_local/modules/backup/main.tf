variable "name" {
  type = string
}

variable "table_arns" {
  type = list(string)
}

resource "aws_backup_vault" "this" {
  name = var.name
}

resource "aws_backup_plan" "this" {
  name = "${var.name}-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.this.name
    schedule          = "cron(0 3 * * ? *)"

    lifecycle {
      delete_after = 14
    }
  }
}

resource "aws_backup_selection" "tables" {
  name         = "${var.name}-tables"
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = "arn:aws:iam::222222222222:role/backup"
  resources    = var.table_arns
}
