# A .tf file beside the .tf.json one: Terraform reads both as one module.
variable "env" {
  type = string
}
