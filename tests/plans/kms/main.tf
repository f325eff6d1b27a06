variable "rotate" {
  type = bool
}

variable "export_key" {
  type = string
}

resource "aws_kms_key" "phi" {
  description         = "ePHI data key"
  enable_key_rotation = var.rotate
}

resource "aws_s3_bucket" "photos" {
  bucket = "derm-photos"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "photos" {
  bucket = aws_s3_bucket.photos.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.phi.arn
    }
  }
}

resource "aws_s3_bucket" "exports" {
  bucket = "derm-exports"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exports" {
  bucket = aws_s3_bucket.exports.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.export_key
    }
  }
}
