# A normal file beside the hostile ones: it must still be scanned.
resource "aws_s3_bucket" "exports" {
  bucket = "clinic-exports"
}
