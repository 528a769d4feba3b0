output "table_names" {
  description = "Physical names of the tables, by logical name."
  value = {
    tenants   = aws_dynamodb_table.tenants.name
    products  = aws_dynamodb_table.products.name
    campaigns = aws_dynamodb_table.campaigns.name
  }
}

output "table_arns" {
  description = "ARNs of the tables, by logical name."
  value = {
    tenants   = aws_dynamodb_table.tenants.arn
    products  = aws_dynamodb_table.products.arn
    campaigns = aws_dynamodb_table.campaigns.arn
  }
}

output "stream_arns" {
  description = "Stream ARNs of the tables, for the Lambda event source mappings."
  value = {
    tenants   = aws_dynamodb_table.tenants.stream_arn
    products  = aws_dynamodb_table.products.stream_arn
    campaigns = aws_dynamodb_table.campaigns.stream_arn
  }
}
