"""The PrivateKey of AWS::IAM::ServerCertificate when the template spells it out.

A `{{resolve:secretsmanager:...}}` (or `ssm-secure`) dynamic reference keeps the key
out of the template and passes; a parameter without a value builds nothing.
"""

from __future__ import annotations

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import field_at
from linter.adapters.pem_values import private_keys_from_field
from linter.models.certificates import PrivateKey
from linter.resolve.cloudformation import ResolvedResource


def build_server_certificate_key(resource: ResolvedResource,
                                 context: TemplateContext) -> list[PrivateKey]:
    field = field_at(resource.properties, "PrivateKey", resource.type,
                     attribute="Properties.PrivateKey")
    return private_keys_from_field(field, context.identity(resource),
                                   resource.properties.get("PrivateKey"))


BUILDERS = {"AWS::IAM::ServerCertificate": build_server_certificate_key}
