# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.

resource "aws_db_subnet_group" "clinical" {
  name       = "lakeshore-clinical"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

# ---------------------------------------------------------------------------
# EHR database (PostgreSQL)
# ---------------------------------------------------------------------------

# TLS is forced even though PostgreSQL 16 defaults to it, so a parameter-group change
# cannot quietly turn it off; pgaudit records who read which chart.
resource "aws_db_parameter_group" "ehr" {
  name   = "lakeshore-ehr-postgres16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name         = "shared_preload_libraries"
    value        = "pgaudit"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "pgaudit.log"
    value = "read,write,ddl,role"
  }
}

resource "aws_db_instance" "ehr" {
  identifier     = "lakeshore-ehr"
  engine         = "postgres"
  engine_version = "16.4"
  instance_class = "db.m6g.large"

  allocated_storage     = 200
  max_allocated_storage = 500
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.clinical.arn

  db_name                             = "ehr"
  username                            = "ehr_admin"
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = aws_kms_key.clinical.arn
  iam_database_authentication_enabled = true

  parameter_group_name   = aws_db_parameter_group.ehr.name
  db_subnet_group_name   = aws_db_subnet_group.clinical.name
  vpc_security_group_ids = [aws_security_group.data_tier.id]
  publicly_accessible    = false
  multi_az               = true
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = 35
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "lakeshore-ehr-final"
  copy_tags_to_snapshot     = true

  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.clinical.arn
  performance_insights_retention_period = 7

  tags = {
    DataClass = "ePHI"
    Service   = "ehr"
  }
}

# ---------------------------------------------------------------------------
# Reporting cluster (Aurora PostgreSQL) - nightly copy of the EHR for dashboards
# ---------------------------------------------------------------------------

resource "aws_rds_cluster_parameter_group" "reporting" {
  name   = "lakeshore-reporting-aurora-pg16"
  family = "aurora-postgresql16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

# Restored in 2021 from a snapshot of the old, unencrypted reporting database; Aurora
# cannot encrypt a cluster in place, and the re-platforming ticket is still open.
resource "aws_rds_cluster" "reporting" {
  cluster_identifier = "lakeshore-reporting"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  database_name      = "reporting"

  master_username               = "reporting_admin"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.clinical.arn

  storage_encrypted = false

  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.reporting.name
  db_subnet_group_name            = aws_db_subnet_group.clinical.name
  vpc_security_group_ids          = [aws_security_group.data_tier.id]

  backup_retention_period         = 14
  deletion_protection             = true
  skip_final_snapshot             = false
  final_snapshot_identifier       = "lakeshore-reporting-final"
  copy_tags_to_snapshot           = true
  enabled_cloudwatch_logs_exports = ["postgresql"]

  tags = {
    DataClass = "ePHI"
    Service   = "reporting"
  }
}

resource "aws_rds_cluster_instance" "reporting" {
  identifier          = "lakeshore-reporting-1"
  cluster_identifier  = aws_rds_cluster.reporting.id
  instance_class      = "db.r6g.large"
  engine              = aws_rds_cluster.reporting.engine
  engine_version      = aws_rds_cluster.reporting.engine_version
  publicly_accessible = false

  tags = {
    DataClass = "ePHI"
    Service   = "reporting"
  }
}

# ---------------------------------------------------------------------------
# Appointments (DynamoDB) - online booking from the patient portal
# ---------------------------------------------------------------------------

resource "aws_dynamodb_table" "appointments" {
  name                        = "lakeshore-appointments"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "clinic_id"
  range_key                   = "appointment_id"
  deletion_protection_enabled = true

  attribute {
    name = "clinic_id"
    type = "S"
  }

  attribute {
    name = "appointment_id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.clinical.arn
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = {
    DataClass = "ePHI"
    Service   = "scheduling"
  }
}

# ---------------------------------------------------------------------------
# Portal session cache (ElastiCache for Redis OSS)
# ---------------------------------------------------------------------------

resource "aws_elasticache_subnet_group" "sessions" {
  name       = "lakeshore-portal-sessions"
  subnet_ids = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}

# Sessions hold the signed-in patient's id, name and the last chart page viewed.
# In-transit encryption was turned off after the portal's Redis client timed out on
# TLS handshakes during the 2023 load test.
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "lakeshore-portal-sessions"
  description                = "Patient portal session store"
  engine                     = "redis"
  engine_version             = "7.1"
  node_type                  = "cache.t4g.small"
  num_cache_clusters         = 2
  automatic_failover_enabled = true
  multi_az_enabled           = true
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.sessions.name
  security_group_ids         = [aws_security_group.data_tier.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.clinical.arn
  transit_encryption_enabled = false

  snapshot_retention_limit = 7

  tags = {
    DataClass = "ePHI"
    Service   = "patient-portal"
  }
}

# ---------------------------------------------------------------------------
# Clinical note search (OpenSearch) - lets providers search prior visit notes
# ---------------------------------------------------------------------------

# The TLS policy was left at the setting from the original 2019 domain so that the
# practice-management vendor's old Java 7 connector keeps working.
resource "aws_opensearch_domain" "clinical_search" {
  domain_name    = "lakeshore-clinical-search"
  engine_version = "OpenSearch_2.17"

  cluster_config {
    instance_type          = "r6g.large.search"
    instance_count         = 2
    zone_awareness_enabled = true

    zone_awareness_config {
      availability_zone_count = 2
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_size = 100
    volume_type = "gp3"
  }

  encrypt_at_rest {
    enabled    = true
    kms_key_id = aws_kms_key.clinical.arn
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }

  vpc_options {
    subnet_ids         = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    security_group_ids = [aws_security_group.data_tier.id]
  }

  advanced_security_options {
    enabled                        = true
    anonymous_auth_enabled         = false
    internal_user_database_enabled = false

    master_user_options {
      master_user_arn = "arn:aws:iam::111122223333:role/lakeshore-search-admin"
    }
  }

  log_publishing_options {
    cloudwatch_log_group_arn = aws_cloudwatch_log_group.opensearch_audit.arn
    log_type                 = "AUDIT_LOGS"
  }

  depends_on = [aws_cloudwatch_log_resource_policy.opensearch]

  tags = {
    DataClass = "ePHI"
    Service   = "clinical-search"
  }
}
