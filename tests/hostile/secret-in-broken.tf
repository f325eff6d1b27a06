resource "aws_db_instance" "ehr" {
  password = "Sup3rS3cretPHIpassw0rd" "trailing"
}
