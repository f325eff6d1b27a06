# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.
#
# Lakeshore Dermatology Associates: three clinics, ~40 staff. ePHI handled here:
# EHR notes, dermoscopy and total-body photographs, lab results, teledermatology visits.
# Account-wide guardrails (S3 account public access block, IAM roles, SSO) live in the
# separate landing-zone repository; the log-archive buckets live in the log-archive account.

terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Practice   = "lakeshore-dermatology"
      ManagedBy  = "terraform"
      Repository = "lakeshore-derm/infrastructure"
    }
  }
}

# ---------------------------------------------------------------------------
# Patient portal platform (EKS)
# ---------------------------------------------------------------------------

# Kubernetes Secrets (portal DB credentials, OAuth client keys) are envelope-encrypted
# in etcd with the practice's clinical key instead of the AWS-owned default.
resource "aws_eks_cluster" "portal" {
  name     = "lakeshore-portal"
  role_arn = "arn:aws:iam::111122223333:role/lakeshore-eks-cluster"
  version  = "1.33"

  vpc_config {
    subnet_ids              = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    endpoint_private_access = true
    endpoint_public_access  = false
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.clinical.arn
    }
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  depends_on = [aws_cloudwatch_log_group.eks_cluster]

  tags = {
    DataClass = "ePHI"
    Service   = "patient-portal"
  }
}

# ---------------------------------------------------------------------------
# Messaging
# ---------------------------------------------------------------------------

# Results from the reference laboratory (biopsy pathology, patch tests) land here before
# the EHR integration worker files them into the chart.
resource "aws_sqs_queue" "lab_results" {
  name                              = "lakeshore-lab-results"
  kms_master_key_id                 = aws_kms_key.clinical.arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
  visibility_timeout_seconds        = 120

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.lab_results_dlq.arn
    maxReceiveCount     = 5
  })

  tags = {
    DataClass = "ePHI"
    Service   = "lab-integration"
  }
}

resource "aws_sqs_queue" "lab_results_dlq" {
  name                              = "lakeshore-lab-results-dlq"
  kms_master_key_id                 = aws_kms_key.clinical.arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600

  tags = {
    DataClass = "ePHI"
    Service   = "lab-integration"
  }
}

# Appointment reminders and "your results are ready" notices. Messages carry the
# patient's first name, clinic and appointment type, so they are ePHI.
resource "aws_sns_topic" "patient_notifications" {
  name         = "lakeshore-patient-notifications"
  display_name = "Lakeshore Dermatology"

  tags = {
    DataClass = "ePHI"
    Service   = "patient-portal"
  }
}

# Instrument feeds from the in-house lab (KOH preps, cultures) and the biopsy tracking
# system. The old analyzer bridge cannot speak TLS yet, so plaintext was left open
# "for the migration" and client auth had to allow unauthenticated sessions with it.
resource "aws_msk_cluster" "lab_feeds" {
  cluster_name           = "lakeshore-lab-feeds"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 2

  broker_node_group_info {
    instance_type   = "kafka.t3.small"
    client_subnets  = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_groups = [aws_security_group.data_tier.id]

    storage_info {
      ebs_storage_info {
        volume_size = 100
      }
    }
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = aws_kms_key.clinical.arn

    encryption_in_transit {
      client_broker = "TLS_PLAINTEXT"
      in_cluster    = true
    }
  }

  client_authentication {
    unauthenticated = true

    sasl {
      iam = true
    }
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.msk_brokers.name
      }
    }
  }

  tags = {
    DataClass = "ePHI"
    Service   = "lab-integration"
  }
}

# ---------------------------------------------------------------------------
# File exchange with the reference laboratory and the billing clearinghouse
# ---------------------------------------------------------------------------

# SFTP is what the contract requires. FTP was added for the clearinghouse's legacy
# batch uploader and never removed.
resource "aws_transfer_server" "partner_exchange" {
  protocols              = ["SFTP", "FTP"]
  identity_provider_type = "AWS_LAMBDA"
  function               = "arn:aws:lambda:us-east-1:111122223333:function:lakeshore-transfer-idp"
  domain                 = "S3"
  endpoint_type          = "VPC"
  security_policy_name   = "TransferSecurityPolicy-2025-03"
  logging_role           = "arn:aws:iam::111122223333:role/lakeshore-transfer-logging"

  endpoint_details {
    vpc_id             = aws_vpc.clinic.id
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.partner_transfer.id]
  }

  structured_log_destinations = ["${aws_cloudwatch_log_group.transfer.arn}:*"]

  tags = {
    DataClass = "ePHI"
    Service   = "partner-exchange"
  }
}
