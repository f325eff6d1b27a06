# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.

# Recovery points are sealed with the dedicated backup key, not the clinical data key,
# and copied nightly to a vault in the disaster-recovery account (its own key there).
resource "aws_backup_vault" "clinical" {
  name        = "lakeshore-clinical"
  kms_key_arn = aws_kms_key.backup.arn

  tags = {
    DataClass = "ePHI"
  }
}

# Governance-mode lock: nobody can shorten retention below 35 days or purge the vault
# early, including an attacker holding admin credentials.
resource "aws_backup_vault_lock_configuration" "clinical" {
  backup_vault_name  = aws_backup_vault.clinical.name
  min_retention_days = 35
  max_retention_days = 2557
}

resource "aws_backup_plan" "clinical" {
  name = "lakeshore-clinical"

  rule {
    rule_name         = "daily-35-days"
    target_vault_name = aws_backup_vault.clinical.name
    schedule          = "cron(0 7 * * ? *)"
    start_window      = 60
    completion_window = 360

    lifecycle {
      delete_after = 35
    }

    copy_action {
      destination_vault_arn = var.dr_backup_vault_arn

      lifecycle {
        delete_after = 35
      }
    }
  }

  rule {
    rule_name         = "monthly-7-years"
    target_vault_name = aws_backup_vault.clinical.name
    schedule          = "cron(0 8 1 * ? *)"

    lifecycle {
      cold_storage_after = 90
      delete_after       = 2557
    }

    copy_action {
      destination_vault_arn = var.dr_backup_vault_arn

      lifecycle {
        cold_storage_after = 90
        delete_after       = 2557
      }
    }
  }
}

resource "aws_backup_selection" "clinical" {
  name         = "lakeshore-ephi-stores"
  plan_id      = aws_backup_plan.clinical.id
  iam_role_arn = "arn:aws:iam::111122223333:role/lakeshore-backup-service"

  resources = [
    aws_db_instance.ehr.arn,
    aws_rds_cluster.reporting.arn,
    aws_dynamodb_table.appointments.arn,
    aws_efs_file_system.teledermatology.arn,
    aws_ebs_volume.imaging_workstation.arn,
    aws_s3_bucket.photos.arn,
    aws_s3_bucket.exports.arn,
  ]
}
