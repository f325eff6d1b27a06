# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.

variable "region" {
  description = "Primary Region for the practice's workloads."
  type        = string
  default     = "us-east-1"
}

variable "clinic_office_cidr" {
  description = "Public egress range of the clinic's front office (documentation range)."
  type        = string
  default     = "203.0.113.0/24"
}

variable "lab_partner_cidr" {
  description = "Address range the reference laboratory connects from over the site-to-site VPN."
  type        = string
  default     = "198.51.100.0/24"
}

variable "portal_certificate_arn" {
  description = "ACM certificate for portal.lakeshore-derm.example and api.lakeshore-derm.example."
  type        = string
  default     = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000001"
}

variable "cdn_certificate_arn" {
  description = "ACM certificate (us-east-1) for photos.lakeshore-derm.example on CloudFront."
  type        = string
  default     = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000002"
}

variable "dr_backup_vault_arn" {
  description = "Vault in the separate disaster-recovery account, encrypted with that account's own key."
  type        = string
  default     = "arn:aws:backup:us-west-2:444455556666:backup-vault:lakeshore-derm-dr"
}
