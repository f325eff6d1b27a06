"""Which services a live scan can read, the models each yields, and the calls each field needs.

A service is read only when a selected rule judges one of its models, and an optional
per-resource call is made only when a selected rule judges a field that call feeds:
a scan restricted to `--include-rule ENC-001` never asks for bucket policies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from linter.engine import Rule, condition_leaves, model_classes
from linter.live.collectors import (
    CollectContext,
    Record,
    databases,
    live_only,
    messaging,
    network,
    security,
    storage,
)

# operation -> (model, the fields it feeds; empty: every field of the model)
Needs = dict[str, tuple[str, frozenset[str]]]
_ALL: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Service:
    name: str  # the --services name
    needs: Needs
    collect: Callable[..., list[Record]]  # (CollectContext, RegionState) -> Records
    models: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", tuple(sorted({m for m, _ in self.needs.values()})))


def _plain(collect: Callable[[CollectContext], list[Record]]) -> Callable[..., list[Record]]:
    """A collector that needs nothing from the region beyond its clients."""
    def run(context: CollectContext, _: Any) -> list[Record]:
        return collect(context)
    return run


def _kms(context: CollectContext, region: Any) -> list[Record]:
    return security.collect_kms(context, region.key_inventory())


_ENCRYPTION = frozenset({"encryption_algorithm", "kms_key", "encryption_enabled"})

SERVICES: dict[str, Service] = {service.name: service for service in (
    Service("s3", {"ListBuckets": ("aws.s3.Bucket", _ALL),
                   "GetBucketEncryption": ("aws.s3.Bucket", _ENCRYPTION),
                   "GetBucketPolicy": ("aws.s3.Bucket", frozenset({"policy"})),
                   "GetBucketVersioning": ("aws.s3.Bucket", frozenset({"versioning_status"})),
                   "GetBucketLogging": ("aws.s3.Bucket",
                                        frozenset({"access_logging", "is_log_target"})),
                   "GetPublicAccessBlock": ("aws.s3.Bucket", frozenset({
                       "block_public_acls", "block_public_policy", "ignore_public_acls",
                       "restrict_public_buckets"}))},
            _plain(storage.collect_s3)),
    Service("ec2", {"DescribeVolumes": ("aws.ec2.Volume", _ALL),
                    "DescribeSecurityGroups": ("aws.ec2.SecurityGroup", _ALL),
                    "GetEbsEncryptionByDefault": ("aws.live.EbsDefaultEncryption", _ALL)},
            _plain(live_only.collect_ec2)),
    Service("rds", {"DescribeDBInstances": ("aws.rds.DBInstance", _ALL),
                    "DescribeDBClusters": ("aws.rds.DBCluster", _ALL),
                    "DescribeDBSnapshots": ("aws.rds.Snapshot", _ALL),
                    "DescribeDBClusterSnapshots": ("aws.rds.Snapshot", _ALL),
                    "DescribeDBParameters": ("aws.rds.DBInstance",
                                             frozenset({"tls_required"})),
                    "DescribeDBClusterParameters": ("aws.rds.DBCluster",
                                                    frozenset({"tls_required"}))},
            _plain(databases.collect_rds)),
    Service("kms", {"ListKeys": ("aws.kms.Key", _ALL),
                    "GetKeyRotationStatus": ("aws.kms.Key", frozenset({"rotation_enabled"})),
                    "GetKeyPolicy": ("aws.kms.Key", frozenset({"policy"})),
                    "DescribeKey": ("aws.live.KeyStatus", _ALL)},
            _kms),
    Service("cloudtrail", {"DescribeTrails": ("aws.cloudtrail.Trail", _ALL),
                           "GetTrailStatus": ("aws.live.TrailStatus", _ALL)},
            _plain(security.collect_cloudtrail)),
    Service("dynamodb", {"ListTables": ("aws.dynamodb.Table", _ALL)},
            _plain(storage.collect_dynamodb)),
    Service("efs", {"DescribeFileSystems": ("aws.efs.FileSystem", _ALL)},
            _plain(storage.collect_efs)),
    Service("logs", {"DescribeLogGroups": ("aws.logs.LogGroup", _ALL)},
            _plain(messaging.collect_logs)),
    Service("sqs", {"ListQueues": ("aws.sqs.Queue", _ALL)}, _plain(messaging.collect_sqs)),
    Service("sns", {"ListTopics": ("aws.sns.Topic", _ALL)}, _plain(messaging.collect_sns)),
    Service("kinesis", {"ListStreams": ("aws.kinesis.Stream", _ALL)},
            _plain(messaging.collect_kinesis)),
    Service("elasticache", {"DescribeReplicationGroups":
                            ("aws.elasticache.ReplicationGroup", _ALL)},
            _plain(databases.collect_elasticache)),
    Service("redshift", {"DescribeClusters": ("aws.redshift.Cluster", _ALL)},
            _plain(databases.collect_redshift)),
    Service("opensearch", {"DescribeDomains": ("aws.opensearch.Domain", _ALL)},
            _plain(databases.collect_opensearch)),
    Service("elbv2", {"DescribeListeners": ("aws.elbv2.Listener", _ALL),
                      "DescribeRules": ("aws.elbv2.Listener",
                                        frozenset({"http_handling", "default_actions"}))},
            _plain(network.collect_elbv2)),
    Service("backup", {"ListBackupVaults": ("aws.backup.Vault", _ALL)},
            _plain(messaging.collect_backup)),
    Service("acm", {"ListCertificates": ("aws.live.Certificate", _ALL),
                    "DescribeCertificate": ("aws.live.Certificate", _ALL)},
            _plain(live_only.collect_acm)),
)}


# The models whose keys KEY-006 compares a trail's key with (those KEY-001 judges).
STORE_MODELS = frozenset({
    "aws.s3.Bucket", "aws.ec2.Volume", "aws.rds.DBInstance", "aws.rds.DBCluster",
    "aws.dynamodb.Table", "aws.efs.FileSystem", "aws.redshift.Cluster",
    "aws.elasticache.ReplicationGroup", "aws.opensearch.Domain", "aws.sqs.Queue",
    "aws.kinesis.Stream",
})


def judged_fields(rules: list[Rule]) -> dict[str, set[str]]:
    """Model name -> the fields (and derived properties) selected rules judge."""
    judged: dict[str, set[str]] = {}
    for rule in rules:
        names = {leaf["field"] for condition in (rule.condition, rule.when)
                 for leaf in condition_leaves(condition)}
        if rule.each:
            names.add(rule.each)
        for model in rule.models:
            judged.setdefault(model, set()).update(names)
    return judged


def needed_operations(service: Service, judged: dict[str, set[str]]) -> frozenset[str]:
    operations = set()
    for operation, (model, fields) in service.needs.items():
        if model in judged and (not fields or fields & judged[model]):
            operations.add(operation)
    return frozenset(operations)


def selected_services(rules: list[Rule], names: list[str] | None) -> list[Service]:
    """The services to read: asked for (or all), and judged by at least one rule."""
    judged = judged_fields(rules)
    chosen = [SERVICES[name] for name in names] if names else list(SERVICES.values())
    return [service for service in chosen
            if any(model in judged for model in service.models)]


def live_models() -> set[str]:
    """Every model some live collector yields (the rest are IaC- or Kubernetes-only)."""
    known = model_classes()
    return {model for service in SERVICES.values() for model in service.models
            if model in known}
