cloudwatch_log_group_enable_cmk_encryption = false
backup_recovery_point_retention            = 35
