"""Collectors for keys and audit: KMS keys (and the region's key inventory), CloudTrail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from linter.live.collectors import (
    ALL_FIELDS,
    DENIED_CODES,
    CollectContext,
    Record,
    Service,
    error_code,
    paginate,
    plain,
)


@dataclass
class KeyInventory:
    """Every KMS key of the region with its metadata and aliases.

    Store ARNs name keys by key ARN even when the key is AWS-managed (alias/aws/rds);
    only DescribeKey's KeyManager tells the two apart, so KEY-001 needs this table.
    """

    keys: dict[str, dict[str, Any]] = field(default_factory=dict)  # key id -> metadata
    aliases: dict[str, list[str]] = field(default_factory=dict)  # key id -> alias names
    alias_targets: dict[str, str] = field(default_factory=dict)  # alias name -> key id
    unreadable: str = ""  # why the inventory could not be read (then keys are UNKNOWN)


def key_inventory(context: CollectContext) -> KeyInventory:
    kms = context.client_for("kms")
    inventory = KeyInventory()
    try:
        for alias in paginate(kms, "list_aliases", "Aliases"):
            target = alias.get("TargetKeyId")
            if target:  # predefined AWS aliases may exist before their key does
                inventory.aliases.setdefault(target, []).append(alias["AliasName"])
                inventory.alias_targets[alias["AliasName"]] = target
        for key in paginate(kms, "list_keys", "Keys"):
            metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
            inventory.keys[metadata["KeyId"]] = metadata
    except ClientError as error:
        if error_code(error) not in DENIED_CODES:
            raise
        inventory.unreadable = f"the region's KMS keys are not readable ({error_code(error)})"
    return inventory


def collect_kms(context: CollectContext, inventory: KeyInventory) -> list[Record]:
    """Customer-managed keys only: AWS-managed keys are not the practice's to configure."""
    if inventory.unreadable:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": inventory.unreadable}},
                          "ListKeys")
    kms = context.client_for("kms")
    records = []
    for key_id, metadata in sorted(inventory.keys.items()):
        # An alias/aws/... alias marks a key AWS-managed whatever else is reported.
        aws_alias = any(name.startswith("alias/aws/")
                        for name in inventory.aliases.get(key_id, []))
        if metadata.get("KeyManager") != "CUSTOMER" or aws_alias:
            continue
        record = Record("kms.key", "kms", key_id, metadata["Arn"], {"DescribeKey": metadata})
        usable = metadata.get("KeyState") in ("Enabled", "Disabled")
        if context.wants("GetKeyRotationStatus"):
            if usable:
                # Asymmetric and HMAC keys cannot rotate: the API refuses the question.
                record.data["GetKeyRotationStatus"] = context.call(
                    record, "kms", "GetKeyRotationStatus", kms.get_key_rotation_status,
                    ("UnsupportedOperationException",), KeyId=key_id)
            else:
                record.unreadable["GetKeyRotationStatus"] = (
                    f"kms:GetKeyRotationStatus cannot be asked of a key in state "
                    f"{metadata.get('KeyState')}")
        else:
            record.skipped.add("GetKeyRotationStatus")
        if context.wants("GetKeyPolicy"):
            # "default" is the only policy name KMS has ever had.
            response = context.call(record, "kms", "GetKeyPolicy", kms.get_key_policy,
                                    KeyId=key_id, PolicyName="default")
            record.data["GetKeyPolicy"] = response
        else:
            record.skipped.add("GetKeyPolicy")
        records.append(record)
    return records


def collect_cloudtrail(context: CollectContext) -> list[Record]:
    cloudtrail = context.client_for("cloudtrail")
    records = []
    # A multi-Region trail shows up in every Region; it is judged once, in its home Region.
    response = cloudtrail.describe_trails(includeShadowTrails=False)
    for trail in response.get("trailList", []):
        if trail.get("HomeRegion", context.region) != context.region:
            continue
        record = Record("cloudtrail.trail", "cloudtrail", trail["Name"], trail["TrailARN"],
                        {"DescribeTrails": trail})
        if context.wants("GetTrailStatus"):
            try:
                record.data["GetTrailStatus"] = cloudtrail.get_trail_status(
                    Name=trail["TrailARN"])
            except ClientError as error:
                record.unreadable["GetTrailStatus"] = (
                    f"cloudtrail:GetTrailStatus failed ({error_code(error)})")
        records.append(record)
    return records


def _collect_kms(context: CollectContext, region: Any) -> list[Record]:
    return collect_kms(context, region.key_inventory())


SERVICES = (
    Service("kms", {"ListKeys": ("aws.kms.Key", ALL_FIELDS),
                    "GetKeyRotationStatus": ("aws.kms.Key", frozenset({"rotation_enabled"})),
                    "GetKeyPolicy": ("aws.kms.Key", frozenset({"policy"})),
                    "DescribeKey": ("aws.live.KeyStatus", ALL_FIELDS)},
            _collect_kms),
    Service("cloudtrail", {"DescribeTrails": ("aws.cloudtrail.Trail", ALL_FIELDS),
                           "GetTrailStatus": ("aws.live.TrailStatus", ALL_FIELDS)},
            plain(collect_cloudtrail)),
)
