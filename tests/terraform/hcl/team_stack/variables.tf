variable "env" {
  type = string
}

variable "audit_streams" {
  description = "Set by the pipeline"
  type        = set(string)
}
