resource "aws_db_instance" "ehr" {
  password          = "Sup3rS3cretPHIpassw0rd"
  storage_encrypted = false
}

resource "aws_s3_bucket" "notes" {
  bucket = "Sup3rS3cretPHIpassw0rd"
}
