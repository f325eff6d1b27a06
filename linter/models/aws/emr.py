"""Amazon EMR security configurations (the JSON document clusters name)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from linter.models.base import Field, FieldState, Resource
from linter.values import Branches, ConfigNode, PartialText, Unknown


@dataclass(frozen=True, kw_only=True)
class SecurityConfiguration(Resource):
    """An EMR security configuration: encryption of S3 data, local disks and node traffic."""

    MODEL = "aws.emr.SecurityConfiguration"

    # EncryptionConfiguration.EnableAtRestEncryption: true encrypts EMRFS data in S3 and
    # local disks as configured below; false or absent: neither is encrypted.
    at_rest_encryption: Field
    # True when AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration is present
    # (instance store and EBS volumes of the nodes are encrypted).
    local_disk_encryption: Field
    # EncryptionConfiguration.EnableInTransitEncryption: true makes Hadoop, Spark, Tez and
    # Presto traffic between nodes use TLS; false or absent: plaintext.
    in_transit_encryption: Field
    # LocalDiskEncryptionConfiguration.EnableEbsEncryption: true also encrypts the nodes'
    # EBS root volumes (EBS encryption instead of LUKS); false or absent: only instance
    # store and attached data volumes are encrypted, the root volume is not.
    ebs_encryption: Field
    # AtRestEncryptionConfiguration.S3EncryptionConfiguration.EncryptionMode: SSE-S3,
    # SSE-KMS, CSE-KMS or CSE-Custom, how EMRFS encrypts what clusters write to S3;
    # ABSENT when no S3 encryption is configured.
    s3_encryption_mode: Field


def encryption_fields(document: Any, attribute: str, line: int | None,
                      path: str = "EncryptionConfiguration") -> dict[str, Field]:
    """The three switches read from a security configuration document, any format.

    Terraform passes the JSON text (from jsonencode or a heredoc), CloudFormation the
    object itself; text with unknown parts keeps its skeleton, and a switch that is one
    of those parts is UNKNOWN.
    """
    names = ("at_rest_encryption", "local_disk_encryption", "in_transit_encryption",
             "s3_encryption_mode", "ebs_encryption")
    if isinstance(document, PartialText):
        document = document.text
    elif isinstance(document, (Unknown, Branches)):
        reason = getattr(document, "reason", "the document is chosen by a conditional")
        return {name: Field(None, FieldState.UNKNOWN, attribute, line, reason)
                for name in names}
    if isinstance(document, ConfigNode):
        document = document.to_plain()
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return {name: Field(None, FieldState.UNKNOWN, attribute, line,
                                "the document is not valid JSON") for name in names}
    settings = document.get("EncryptionConfiguration") if isinstance(document, dict) else None
    if not isinstance(settings, dict):
        return {name: Field(None, FieldState.ABSENT, f"{attribute} {path}", line)
                for name in names}
    at_rest = settings.get("AtRestEncryptionConfiguration")
    local_disk = isinstance(at_rest, dict) and isinstance(
        at_rest.get("LocalDiskEncryptionConfiguration"), dict)
    return {
        "at_rest_encryption": _switch(settings, "EnableAtRestEncryption", attribute, path, line),
        "local_disk_encryption": Field.derived(
            local_disk, f"{attribute} {path}.AtRestEncryptionConfiguration."
                        "LocalDiskEncryptionConfiguration", line),
        "in_transit_encryption": _switch(settings, "EnableInTransitEncryption", attribute,
                                         path, line),
        "s3_encryption_mode": _s3_mode(at_rest, attribute, path, line),
        "ebs_encryption": _ebs(at_rest, attribute, path, line),
    }


def _ebs(at_rest: Any, attribute: str, path: str, line: int | None) -> Field:
    local = at_rest.get("LocalDiskEncryptionConfiguration") if isinstance(at_rest, dict) \
        else None
    if not isinstance(local, dict):
        return Field(None, FieldState.ABSENT, f"{attribute} {path}.AtRestEncryption"
                     "Configuration.LocalDiskEncryptionConfiguration", line)
    return _switch(local, "EnableEbsEncryption", attribute,
                   f"{path}.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration",
                   line, default=False)


def _s3_mode(at_rest: Any, attribute: str, path: str, line: int | None) -> Field:
    shown = (f"{attribute} {path}.AtRestEncryptionConfiguration.S3EncryptionConfiguration."
             "EncryptionMode")
    s3 = at_rest.get("S3EncryptionConfiguration") if isinstance(at_rest, dict) else None
    mode = s3.get("EncryptionMode") if isinstance(s3, dict) else None
    if mode is None:
        return Field(None, FieldState.ABSENT, shown, line)
    if not isinstance(mode, str) or mode.startswith("${"):
        return Field(None, FieldState.UNKNOWN, shown, line, "the value is not known statically")
    # EMR reads the mode without case ("SSE-KMS", "sse-kms"); compare it upper-cased.
    return Field.derived(mode.upper(), shown, line)


def _switch(settings: dict[str, Any], key: str, attribute: str, path: str,
            line: int | None, default: bool | None = None) -> Field:
    shown = f"{attribute} {path}.{key}"
    value = settings.get(key)
    if value is None and default is not None:
        return Field(default, FieldState.DEFAULT, shown, line, "EMR default")
    if value is None:
        # Point at the document, where the switch has to be written.
        return Field(None, FieldState.ABSENT, shown, line)
    if isinstance(value, str) and value.startswith("${"):
        return Field(None, FieldState.UNKNOWN, shown, line, "the value is not known statically")
    if isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    return Field.derived(value, shown, line)
