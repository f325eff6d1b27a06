"""Amazon RDS and Aurora: DB instances, DB clusters and their manual snapshots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from linter.models.base import Field, FieldState, Resource, derived_switch
from linter.tables import load_table
from linter.values import Branches, Unknown


@dataclass(frozen=True, kw_only=True)
class _Database(Resource):
    """What DB instances and DB clusters share: storage, backups and TLS enforcement."""

    # True when storage (and so backups, replicas, snapshots) is encrypted; false or
    # absent: plaintext (the API default).
    storage_encrypted: Field
    # The KMS key of the storage; absent: the AWS-managed alias/aws/rds key.
    kms_key: Field
    # Days automated backups are kept; 0 turns automated backups off (instances only).
    backup_retention_period: Field
    # The engine family whose parameter forces TLS (postgres, aurora-postgresql, mysql,
    # aurora-mysql, mariadb, sqlserver; other engines by name); absent for an instance
    # of a DB cluster, which is judged through its cluster.
    engine_family: Field
    # True when the parameter group in force makes the engine refuse unencrypted
    # connections (rds.force_ssl = 1, require_secure_transport = ON); the line is the
    # parameter's, in the group's file, or the argument naming a default group.
    tls_required: Field
    # True when Performance Insights collects the database's load and query text (which
    # can quote ePHI in literals); false or absent: off (the API default).
    performance_insights_enabled: Field
    # The KMS key that encrypts Performance Insights data; absent: the AWS-managed
    # alias/aws/rds key. ABSENT (not judged) for an instance of an Aurora cluster only
    # when the source gives no such setting.
    performance_insights_kms_key: Field
    # The certificate authority of the server certificate clients verify (rds-ca-rsa2048-g1,
    # rds-ca-2019, ...); absent: the Region's default CA for new databases, see
    # tables/rds_certificates.yaml. ABSENT for Aurora clusters, whose instances carry it.
    ca_certificate: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.storage_encrypted, lambda value: value is True)


@dataclass(frozen=True, kw_only=True)
class DBInstance(_Database):
    """An RDS DB instance, stand-alone or in a cluster: storage, backups, TLS and public access."""

    MODEL = "aws.rds.DBInstance"

    # The Aurora / Multi-AZ DB cluster the instance belongs to, which then owns storage
    # encryption and backups; absent for a stand-alone instance.
    cluster: Field
    # The instance this one replicates (a read replica inherits encryption); absent
    # for a primary.
    replica_source: Field
    # True when RDS gives the instance a public DNS name and address (PubliclyAccessible);
    # whether the internet then reaches it is up to its subnets and security groups.
    publicly_accessible: Field


@dataclass(frozen=True, kw_only=True)
class DBCluster(_Database):
    """An Aurora or Multi-AZ DB cluster: storage encryption and its key, backups and TLS."""

    MODEL = "aws.rds.DBCluster"


@dataclass(frozen=True, kw_only=True)
class Snapshot(Resource):
    """A manual DB or DB-cluster snapshot, or a copy of one."""

    MODEL = "aws.rds.Snapshot"

    # True for a copy (aws_db_snapshot_copy, aws_rds_cluster_snapshot_copy), which may
    # name a KMS key of its own; false for a snapshot taken of a database.
    copy: Field

    # True when the snapshot is encrypted: inherited from its source database, or set
    # by the copy's KMS key. Its line is the argument that names the source.
    encrypted: Field
    # The KMS key a copy is encrypted with; absent: the source's key (or none).
    kms_key: Field


@dataclass(frozen=True)
class DataSource:
    """The snapshot or database a new DB instance or cluster takes its data from.

    Without settings of its own the new database keeps the source's storage encryption
    and KMS key (RestoreDBClusterFromSnapshot, RestoreDB*ToPointInTime, CreateDBCluster
    with ReplicationSourceIdentifier, read replicas), which its own configuration does
    not show; the source is not followed, even when the scan declares it.
    """

    kind: str  # "snapshot", "replication source", "point-in-time restore source"
    argument: Field  # the argument naming the source; findings point at its line

    @property
    def reason(self) -> str:
        name = self.argument.value
        if self.argument.state is FieldState.UNKNOWN:
            return (f"inherited from the {self.kind} if `{self.argument.attribute}` names "
                    f"one ({self.argument.reason})")
        if isinstance(name, str):
            return f"inherited from the {self.kind} {name}"
        return f"inherited from the {self.kind} that `{self.argument.attribute}` names"


def data_source(*candidates: tuple[str, Field]) -> DataSource | None:
    """The first source written among (kind, argument naming it) pairs, if any."""
    for kind, argument in candidates:
        if argument.state is not FieldState.ABSENT:
            return DataSource(kind, argument)
    return None


def storage_encryption(written: Field, source: DataSource | None,
                       serverless: bool = False) -> Field:
    """Storage encryption when the attribute is left out, for every source format.

    A database restored from a snapshot or to a point in time, or replicating another
    cluster, inherits the source's encryption, which the configuration cannot show;
    Aurora Serverless v1 clusters are always encrypted.
    """
    if written.state not in (FieldState.ABSENT, FieldState.DEFAULT):
        return written
    if serverless:
        return Field.default(True, written.attribute, "Aurora Serverless v1 is always encrypted")
    if source is not None:
        return Field(None, FieldState.UNKNOWN, written.attribute, source.argument.line,
                     source.reason)
    return written


def inherited_key(key: Field, source: DataSource | None) -> Field:
    """The KMS key when none is written: a database restored or replicated from a source
    is encrypted with the source's key (or not at all), never the service default."""
    if key.state not in (FieldState.ABSENT, FieldState.DEFAULT) or source is None:
        return key
    return Field(None, FieldState.UNKNOWN, key.attribute, source.argument.line, source.reason)


# --- TLS enforcement through parameter groups ------------------------------------------


@dataclass(frozen=True)
class ParameterGroup:
    """A DB or DB cluster parameter group declared in the scan, as adapters read it."""

    address: str
    path: str  # the file that declares it (findings point at its parameter)
    family: Any  # `postgres14`, `aurora-mysql8.0`, ...; None when not written
    parameters: dict[str, tuple[Any, int]]  # parameter name -> (value, line)


# What an instance or cluster names as its parameter group: one of the scan's groups, a
# default group (None, or its `default.*` name), or Unknown (outside the scan).
GroupChoice = ParameterGroup | str | None | Unknown


def engine_family(engine: Any) -> Any:
    """The family in tables/defaults/aws_rds.yaml engine_tls_parameters for an engine name."""
    if not isinstance(engine, str):
        return engine
    if engine == "aurora":  # Aurora MySQL 5.6 (version 1) kept the bare name
        return "aurora-mysql"
    if engine.startswith("sqlserver-"):
        return "sqlserver"
    return engine


def _tls_parameters() -> dict[str, Any]:
    return dict(load_table("defaults/aws_rds")["engine_tls_parameters"])


def tls_engine(family: Any) -> bool:
    """True when the engine family forces TLS through a parameter this linter knows."""
    return isinstance(family, str) and family in _tls_parameters()


def tls_requirement(family: str, version: Any, group: GroupChoice, argument: Field) -> Field:
    """Whether the parameter group in force refuses unencrypted connections.

    `argument` is the instance's or cluster's parameter group argument (its line is
    where a default group is named). A parameter the group leaves out keeps the engine
    default for the group's family version, or the engine version when no group is named.
    """
    spec = _tls_parameters()[family]
    parameter = spec["parameter"]
    if isinstance(group, Unknown):
        return Field(None, FieldState.UNKNOWN, argument.attribute, argument.line, group.reason)
    if isinstance(group, ParameterGroup):
        attribute = f"{group.address} parameter {parameter}"
        if parameter in group.parameters:
            value, line = group.parameters[parameter]
            return _written(value, attribute, line, group.path)
        version = _version_of(group.family) or version
        where = f"{group.address} does not set {parameter}"
    else:
        attribute = parameter
        where = (f"the default parameter group {group}" if isinstance(group, str)
                 else "no parameter group is named, so the default group applies")
    if not isinstance(version, str) or not _version_tuple(version):
        return Field(None, FieldState.UNKNOWN, attribute, argument.line,
                     f"{where}, and the {family} default of {parameter} depends on the "
                     "engine version, which is not known")
    default = _default_for(spec["defaults"], version)
    if default is None:
        return Field(None, FieldState.UNKNOWN, attribute, argument.line,
                     f"the default of {parameter} for {family} {version} is not documented")
    forced = _is_on(default)
    source = "the engine default" if isinstance(group, ParameterGroup) else \
        "the default parameter group"
    verdict = "forces TLS" if forced else "does not force TLS"
    return Field(forced, FieldState.DEFAULT, attribute, argument.line,
                 f"{where}; {source} {verdict}: {parameter} defaults to {default} for "
                 f"{family} {version}")


def _written(value: Any, attribute: str, line: int, path: str) -> Field:
    if isinstance(value, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, line, value.reason, path)
    if isinstance(value, Branches):
        options = tuple(option if isinstance(option, Unknown) else _is_on(option)
                        for option in value.options)
        return Field(Branches(options, value.labels), FieldState.SET, attribute, line, "", path)
    return Field(_is_on(value), FieldState.SET, attribute, line, "", path)


def _is_on(value: Any) -> bool:
    # rds.force_ssl takes 0/1; require_secure_transport takes ON/OFF or 1/0.
    return str(value).strip().upper() in ("1", "ON", "TRUE")


def _version_of(family: Any) -> str | None:
    match = re.search(r"(\d+(?:\.\d+)*)$", family) if isinstance(family, str) else None
    return match.group(1) if match else None


def _version_tuple(version: str) -> tuple[int, ...]:
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


def _default_for(defaults: list[dict[str, Any]], version: str) -> Any:
    chosen = None
    for entry in defaults:
        if _version_tuple(str(entry["from"])) <= _version_tuple(version):
            chosen = entry["value"]
    return chosen


def tls_fields(engine: Field, engine_version: Field, group: GroupChoice, argument: Field,
               cluster_member: bool = False) -> dict[str, Field]:
    """`engine_family` and `tls_required` for a DB instance or cluster, any format."""
    absent = Field.absent(argument.attribute)
    if cluster_member:
        return {"engine_family": Field.absent(engine.attribute), "tls_required": absent}
    value = engine.value
    if engine.state is FieldState.UNKNOWN or not isinstance(value, str):
        reason = engine.reason or ("the engine is inherited from a snapshot or source "
                                   "database" if value is None else "the engine is chosen "
                                   "by a conditional")
        return {"engine_family": Field(None, FieldState.UNKNOWN, engine.attribute,
                                       engine.line, reason), "tls_required": absent}
    family = engine_family(value)
    family_field = Field(family, engine.state, engine.attribute, engine.line)
    if not tls_engine(family):
        return {"engine_family": family_field, "tls_required": absent}
    version = engine_version.value if isinstance(engine_version.value, str) else None
    return {"engine_family": family_field,
            "tls_required": tls_requirement(family, version, group, argument)}
