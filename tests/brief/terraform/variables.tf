variable "env" {
  description = "Deployment environment: dev, sit or prod. Physical table names are <table>-<env>."
  type        = string

  validation {
    condition     = contains(["dev", "sit", "prod"], var.env)
    error_message = "env must be one of dev, sit, prod."
  }
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "eu-west-1"
}

variable "tags" {
  description = "Tags applied to every table."
  type        = map(string)
  default = {
    Project   = "bbws"
    Stack     = "dynamodb-schemas"
    ManagedBy = "terraform"
  }
}
