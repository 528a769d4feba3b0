env          = "dr"
table_suffix = "orders-replica"
