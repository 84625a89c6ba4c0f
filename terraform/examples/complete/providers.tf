# Region and account come from variables, and the provider is told not to
# call AWS while planning, so that `terraform plan` (and the ztait checks run
# on its JSON) work offline with placeholder credentials. Set
# provider_skip_checks = false for a real deployment to have credentials
# validated up front.
provider "aws" {
  region = var.region

  skip_credentials_validation = var.provider_skip_checks
  skip_requesting_account_id  = var.provider_skip_checks
  skip_metadata_api_check     = var.provider_skip_checks
  skip_region_validation      = var.provider_skip_checks

  default_tags {
    tags = merge(var.tags, { "ztait:system" = "ztait" })
  }
}
