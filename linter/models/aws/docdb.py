"""Amazon DocumentDB (with MongoDB compatibility) clusters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linter.adapters.fields import value_field
from linter.models.aws.rds import GroupChoice, ParameterGroup
from linter.models.base import Field, FieldState, Resource, derived_switch
from linter.tables import load_table
from linter.values import Unknown


@dataclass(frozen=True, kw_only=True)
class Cluster(Resource):
    """A DocumentDB cluster: storage encryption and its key, and the `tls` parameter in force."""

    MODEL = "aws.docdb.Cluster"

    # True when the cluster volume, its backups and snapshots are encrypted; false or
    # absent: plaintext (the API default).
    storage_encrypted: Field
    # The KMS key of the storage; absent: the AWS-managed alias/aws/rds key.
    kms_key: Field
    # The `tls` cluster parameter in force: enabled, tls1.2+, tls1.3+ or fips-140-3 make
    # clients use TLS; disabled accepts plaintext. The line is the parameter's, in the
    # parameter group's file; the default group keeps `enabled`.
    tls: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.storage_encrypted, lambda value: value is True)


def parameter_in_force(group: GroupChoice, parameter: str, argument: Field, *,
                       unset: Any, default_groups: dict[str, Any],
                       unnamed: Any = None) -> Field:
    """The value of one cluster parameter, for any format (DocumentDB `tls`, Redshift
    `require_ssl`).

    `group` is what the cluster names (a group of the scan, a `default.*` name, None or
    Unknown); `argument` is the cluster's group argument, whose line a default points at.
    `unset` is the engine default when a custom group leaves the parameter out;
    `default_groups` maps default group name prefixes to their documented value;
    `unnamed` is the value when no group is named (None: nothing can be assumed, ABSENT).
    """
    if isinstance(group, Unknown):
        return Field(None, FieldState.UNKNOWN, argument.attribute, argument.line, group.reason)
    if isinstance(group, ParameterGroup):
        attribute = f"{group.address} parameter {parameter}"
        if parameter not in group.parameters:
            return Field(unset, FieldState.DEFAULT, attribute, argument.line,
                         f"{group.address} does not set {parameter}, so the engine default "
                         "applies")
        value, line = group.parameters[parameter]
        shown = value_field(value, attribute, line)
        return Field(shown.value, shown.state, attribute, line, shown.reason, group.path)
    if group is None:
        if unnamed is None:
            return Field.absent(argument.attribute)
        return Field(unnamed, FieldState.DEFAULT, parameter, argument.line,
                     "no parameter group is named, so the default group applies")
    for prefix, value in default_groups.items():
        if str(group).startswith(prefix):
            return Field(value, FieldState.DEFAULT, parameter, argument.line,
                         f"the default parameter group {group}")
    return Field(None, FieldState.UNKNOWN, parameter, argument.line,
                 f"the value of {parameter} in the default group {group} is not documented")


def tls_in_force(group: GroupChoice, argument: Field) -> Field:
    """The `tls` parameter a DocumentDB cluster runs with; every default group keeps
    `enabled`, and so does a custom group that leaves the parameter out."""
    default = load_table("defaults/aws_docdb")["docdb_cluster_parameter_defaults"]["tls"]
    return parameter_in_force(group, "tls", argument, unset=default,
                              default_groups={"default.docdb": default}, unnamed=default)
