# Example for ephi-lint: a fictional practice with deliberate mistakes (see ../EXPECTED.md).
# Not for deployment. Account 111122223333 and every ARN below are placeholders.

# Providers and patients view photos through CloudFront; the bucket is reachable only
# through origin access control.
resource "aws_cloudfront_origin_access_control" "photos" {
  name                              = "lakeshore-dermoscopy-photos"
  description                       = "CloudFront to the dermoscopy photo bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "photos" {
  enabled         = true
  comment         = "Dermoscopy and total-body photographs"
  aliases         = ["photos.lakeshore-derm.example"]
  price_class     = "PriceClass_100"
  http_version    = "http2and3"
  is_ipv6_enabled = true

  origin {
    origin_id                = "photos-s3"
    domain_name              = aws_s3_bucket.photos.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.photos.id
  }

  # The portal's image API (thumbnails, annotations). The origin protocol list was
  # copied from a vendor example when the distribution was first built.
  origin {
    origin_id   = "portal-image-api"
    domain_name = "portal.lakeshore-derm.example"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1", "TLSv1.1", "TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = "photos-s3"
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = "658327ea-f89d-4fab-a63d-7e88639e58f6" # Managed-CachingOptimized
    response_headers_policy_id = "67f7725c-6f97-4210-82d7-5512b31e9d03" # Managed-SecurityHeadersPolicy (HSTS)
  }

  ordered_cache_behavior {
    path_pattern               = "/api/images/*"
    target_origin_id           = "portal-image-api"
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    cache_policy_id            = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" # Managed-CachingDisabled
    origin_request_policy_id   = "b689b0a8-53d0-40ab-baf2-68738e2966ac" # Managed-AllViewerExceptHostHeader
    response_headers_policy_id = "67f7725c-6f97-4210-82d7-5512b31e9d03"
  }

  restrictions {
    geo_restriction {
      restriction_type = "whitelist"
      locations        = ["US"]
    }
  }

  viewer_certificate {
    acm_certificate_arn      = var.cdn_certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  logging_config {
    bucket          = "lakeshore-derm-cdn-logs-777788889999.s3.amazonaws.com"
    prefix          = "photos/"
    include_cookies = false
  }

  tags = {
    DataClass = "ePHI"
    Service   = "clinical-imaging"
  }
}

# Lab-results API used by the reference laboratory's LIS. TLS_1_2 is the floor the
# laboratory's client supports today.
resource "aws_api_gateway_domain_name" "lab_api" {
  domain_name              = "api.lakeshore-derm.example"
  regional_certificate_arn = var.portal_certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = {
    DataClass = "ePHI"
    Service   = "lab-integration"
  }
}
