# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.

resource "aws_vpc" "clinic" {
  cidr_block           = "10.40.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "lakeshore-clinic"
  }
}

resource "aws_internet_gateway" "clinic" {
  vpc_id = aws_vpc.clinic.id
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.clinic.id
  cidr_block        = "10.40.0.0/24"
  availability_zone = "us-east-1a"

  tags = {
    Name = "lakeshore-public-a"
  }
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.clinic.id
  cidr_block        = "10.40.1.0/24"
  availability_zone = "us-east-1b"

  tags = {
    Name = "lakeshore-public-b"
  }
}

resource "aws_subnet" "private_a" {
  vpc_id            = aws_vpc.clinic.id
  cidr_block        = "10.40.10.0/24"
  availability_zone = "us-east-1a"

  tags = {
    Name = "lakeshore-private-a"
  }
}

resource "aws_subnet" "private_b" {
  vpc_id            = aws_vpc.clinic.id
  cidr_block        = "10.40.11.0/24"
  availability_zone = "us-east-1b"

  tags = {
    Name = "lakeshore-private-b"
  }
}

# All traffic, accepted and rejected, for the incident-response timeline.
resource "aws_flow_log" "clinic" {
  vpc_id               = aws_vpc.clinic.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.vpc_flow_logs.arn
  iam_role_arn         = "arn:aws:iam::111122223333:role/lakeshore-flow-logs"
}

# ---------------------------------------------------------------------------
# Security groups
# ---------------------------------------------------------------------------

resource "aws_security_group" "portal_alb" {
  name        = "lakeshore-portal-alb"
  description = "Patient portal load balancer"
  vpc_id      = aws_vpc.clinic.id

  ingress {
    description = "HTTPS from patients"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTP, answered only with a redirect to HTTPS"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "Front-desk check-in kiosks"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [var.clinic_office_cidr]
  }

  egress {
    description = "To portal pods"
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.clinic.cidr_block]
  }
}

# The reference lab reaches the transfer endpoint over the site-to-site VPN. Port 21 was
# opened to everyone while chasing the clearinghouse's changing NAT address.
resource "aws_security_group" "partner_transfer" {
  name        = "lakeshore-partner-transfer"
  description = "AWS Transfer Family endpoint for lab and clearinghouse"
  vpc_id      = aws_vpc.clinic.id

  ingress {
    description = "SFTP from the reference laboratory"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.lab_partner_cidr]
  }

  ingress {
    description = "FTP for the clearinghouse batch uploader"
    from_port   = 21
    to_port     = 21
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "data_tier" {
  name        = "lakeshore-data-tier"
  description = "Databases, cache, search and Kafka; reachable from inside the VPC only"
  vpc_id      = aws_vpc.clinic.id

  ingress {
    description = "PostgreSQL (EHR, reporting)"
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.clinic.cidr_block]
  }

  ingress {
    description = "Redis session cache"
    from_port   = 6379
    to_port     = 6379
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.clinic.cidr_block]
  }

  ingress {
    description = "OpenSearch HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.clinic.cidr_block]
  }

  ingress {
    description = "Kafka brokers (plaintext 9092, TLS 9094, IAM 9098)"
    from_port   = 9092
    to_port     = 9098
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.clinic.cidr_block]
  }
}

# ---------------------------------------------------------------------------
# Patient portal load balancer
# ---------------------------------------------------------------------------

resource "aws_lb" "portal" {
  name                       = "lakeshore-portal"
  internal                   = false
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.portal_alb.id]
  subnets                    = [aws_subnet.public_a.id, aws_subnet.public_b.id]
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "strictest"
  enable_deletion_protection = true

  access_logs {
    bucket  = "lakeshore-derm-alb-logs-777788889999"
    prefix  = "portal"
    enabled = true
  }

  tags = {
    DataClass = "ePHI"
    Service   = "patient-portal"
  }
}

# Portal pods terminate TLS themselves, so the load-balancer-to-pod hop is encrypted too.
resource "aws_lb_target_group" "portal" {
  name        = "lakeshore-portal"
  port        = 8443
  protocol    = "HTTPS"
  target_type = "ip"
  vpc_id      = aws_vpc.clinic.id

  health_check {
    path     = "/healthz"
    protocol = "HTTPS"
    matcher  = "200"
  }
}

# Copied from the 2019 portal stack; the security policy was never revisited.
resource "aws_lb_listener" "portal_https" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = var.portal_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.portal.arn
  }
}

resource "aws_lb_listener" "portal_http_redirect" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

# The check-in kiosks' embedded browser has no SNI support and failed the HTTPS
# handshake, so a plain-HTTP listener forwards straight to the portal.
resource "aws_lb_listener" "portal_kiosk" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.portal.arn
  }
}
