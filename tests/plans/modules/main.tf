resource "aws_kms_key" "phi" {
  enable_key_rotation = true
}

module "store" {
  source  = "./modules/store"
  count   = 2
  key_arn = aws_kms_key.phi.arn
  encrypt = count.index == 0
}

resource "aws_kms_key" "tenant" {
  for_each            = toset(["raw", "derived"])
  enable_key_rotation = each.key == "raw"
}
