"""Amazon Redshift provisioned clusters."""

from __future__ import annotations

from dataclasses import dataclass

from linter.adapters.fields import as_bool
from linter.models.aws.docdb import parameter_in_force
from linter.models.aws.rds import GroupChoice
from linter.models.base import Field, Resource, derived_switch


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A Redshift cluster: encryption at rest and its key, `require_ssl`, and public access."""

    MODEL = "aws.redshift.Cluster"

    # True when the cluster and its snapshots are encrypted at rest; false: plaintext.
    encrypted: Field
    # The KMS key; absent: the AWS-managed (or AWS-owned) default key.
    kms_key: Field
    # The `require_ssl` parameter of the cluster parameter group in force: true refuses
    # unencrypted client connections. Absent when no group is named (the default group's
    # value depends on when the cluster was created); the line is the parameter's, in the
    # group's file.
    require_ssl: Field
    # True when the cluster has a public endpoint (PubliclyAccessible); absent in Terraform
    # when not written, since the provider default changed (see tables/defaults).
    publicly_accessible: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted, lambda value: value is True)


def require_ssl_in_force(group: GroupChoice, argument: Field) -> Field:
    """`require_ssl` as a boolean: a custom group that leaves it out keeps the engine
    default (false), and so does the documented default group default.redshift-1.0."""
    field = parameter_in_force(group, "require_ssl", argument, unset="false",
                               default_groups={"default.redshift-1.0": "false"})
    # fields.as_bool would drop `path` (the group's file), so convert here.
    converted = as_bool(field)
    return Field(converted.value, converted.state, field.attribute, field.line, field.reason,
                 field.path)
