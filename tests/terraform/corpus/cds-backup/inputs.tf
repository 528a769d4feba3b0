variable "url_shortener_table_arn" {
  description = "DynamoDB arn for the URL shortener"
  type        = string
}
