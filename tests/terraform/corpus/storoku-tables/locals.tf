locals {
  is_production = var.environment == "prod" || startswith(var.environment, "prod-") || endswith(var.environment, "-prod") || var.environment == "forge-test"
}
