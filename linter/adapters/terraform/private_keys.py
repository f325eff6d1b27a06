"""Private keys written into Terraform configuration: the `private_key` of IAM server
certificates and ACM imports, and PEM keys in Kubernetes Secrets' `data`.

Only key text written in the configuration (a heredoc, a string, a variable default
or tfvars value that resolves to one) is committed key material. A reference to a
secret store (a data source or resource attribute) passes; `file()` builds nothing
here (a scanned .pem/.key file is judged as a file).
"""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.adapters.pem_values import private_keys_from_field
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform.certificates import secret_entries
from linter.models.certificates import PrivateKey
from linter.resolve.terraform import ResolvedBlock


def build_uploaded_private_key(block: ResolvedBlock,
                               context: TerraformContext) -> list[PrivateKey]:
    field = field_at(block.config, "private_key", block.type)
    return private_keys_from_field(field, context.identity(block),
                                   block.config.get("private_key"))


def build_secret_private_keys(block: ResolvedBlock,
                              context: TerraformContext) -> list[PrivateKey]:
    identity = context.identity(block)
    return [key for _, field in secret_entries(block.config)
            for key in private_keys_from_field(field, identity)]


BUILDERS = {
    "aws_iam_server_certificate": build_uploaded_private_key,
    "aws_acm_certificate": build_uploaded_private_key,
    "kubernetes_secret": build_secret_private_keys,
    "kubernetes_secret_v1": build_secret_private_keys,
}
