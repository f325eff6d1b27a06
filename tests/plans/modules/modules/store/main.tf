variable "key_arn" {
  type = string
}

variable "encrypt" {
  type = bool
}

resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 20
  encrypted         = var.encrypt
  kms_key_id        = var.key_arn
}
