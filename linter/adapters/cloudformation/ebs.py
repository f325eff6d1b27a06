"""EBS volumes: AWS::EC2::Volume, and the volumes AWS::EC2::Instance,
AWS::EC2::LaunchTemplate and AWS::AutoScaling::LaunchConfiguration create at launch
(BlockDeviceMappings[].Ebs).

CloudFormation declares no EBS snapshots, so a device made from a snapshot is UNKNOWN
unless it asks for encryption itself.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.cloudformation import TemplateContext
from linter.adapters.fields import as_bool, blocks, field_at
from linter.models.aws.ec2 import Volume, device_encryption, is_root_device_name
from linter.models.base import Field, FieldState, SourceLocation
from linter.resolve.cloudformation import ResolvedResource
from linter.tables import default_for
from linter.values import ConfigNode, Unknown


def build_volume(resource: ResolvedResource, context: TemplateContext) -> list[Volume]:
    properties = resource.properties
    # Absent Encrypted: DEFAULT false (tables/defaults/aws_ec2.yaml). A SnapshotId is not
    # followed: CloudFormation cannot declare the snapshot.
    return [Volume(**context.identity(resource),
                   encrypted=as_bool(field_at(properties, "Encrypted", resource.type,
                                              attribute="Properties.Encrypted")),
                   kms_key=field_at(properties, "KmsKeyId", resource.type,
                                    attribute="Properties.KmsKeyId"))]


def build_instance_volumes(resource: ResolvedResource,
                           context: TemplateContext) -> list[Volume]:
    # An instance launched from a template gets its devices from the template, judged
    # there; otherwise the AMI's root volume exists whether a mapping names it or not.
    implicit_root = resource.properties.get("LaunchTemplate") is None
    return _volumes(resource, context, resource.properties, "BlockDeviceMappings",
                    implicit_root)


def build_template_volumes(resource: ResolvedResource,
                           context: TemplateContext) -> list[Volume]:
    data = resource.properties.get("LaunchTemplateData")
    return _volumes(resource, context, data if isinstance(data, ConfigNode) else None,
                    "LaunchTemplateData.BlockDeviceMappings", True)


def build_launch_configuration_volumes(resource: ResolvedResource,
                                      context: TemplateContext) -> list[Volume]:
    # A launch configuration names no KMS key: the account's default EBS key encrypts.
    return _volumes(resource, context, resource.properties, "BlockDeviceMappings", True)


def _volumes(resource: ResolvedResource, context: TemplateContext, node: ConfigNode | None,
             path: str, implicit_root: bool) -> list[Volume]:
    """One Volume per EBS mapping, plus the AMI's root volume when no mapping can be it."""
    name = path.rsplit(".", 1)[-1]
    mappings: list[tuple[Any, int]] = (
        [(node.get(name), node.line_of(name) or resource.line)]
        if node is not None and isinstance(node.get(name), Unknown) else blocks(node, name))
    volumes, root_seen = [], False
    for index, (mapping, line) in enumerate(mappings):
        ebs = mapping.get("Ebs") if isinstance(mapping, ConfigNode) else mapping
        if ebs is None or (isinstance(mapping, ConfigNode)
                           and as_bool(field_at(mapping, "NoDevice", "")).value is True):
            continue  # an instance store volume (VirtualName) or a suppressed device
        label = f"{name}[{index}]"
        root = (is_root_device_name(mapping.get("DeviceName"))
                if isinstance(mapping, ConfigNode) else None)
        root_seen = root_seen or root is not False
        volumes.append(_device(resource, context, label, path, f"[{index}]", ebs, line, root))
    if implicit_root and not root_seen:
        volumes.append(_device(resource, context, "RootDevice", path, "", None, None, True))
    return volumes


def _device(resource: ResolvedResource, context: TemplateContext, label: str, path: str,
            index: str, ebs: Any, line: int | None, root: bool | None) -> Volume:
    """One volume created at launch; `ebs` is its Ebs mapping (None: none is written)."""
    prefix = f"Properties.{path}{index}.Ebs."
    identity = context.identity(resource)
    identity["address"] = f"{resource.logical_id}.{label}"
    if line is not None:
        identity["location"] = SourceLocation(context.path, line, resource.end_line)
    if not isinstance(ebs, ConfigNode) and ebs is not None:
        reason = ebs.reason if isinstance(ebs, Unknown) else "the mapping is not known"
        unknown = Field(None, FieldState.UNKNOWN, prefix.rstrip("."), line, reason)
        return Volume(**identity, encrypted=unknown, kms_key=unknown)
    written = as_bool(field_at(ebs, "Encrypted", resource.type, attribute=f"{prefix}Encrypted"))
    snapshot = None
    if ebs is not None and ebs.get("SnapshotId") is not None:
        value = ebs.get("SnapshotId")
        snapshot = Field(None, FieldState.UNKNOWN, f"{prefix}SnapshotId",
                         ebs.line_of("SnapshotId"),
                         value.reason if isinstance(value, Unknown) else
                         f"the volume takes the encryption of snapshot {value}, which a "
                         "template cannot declare")
    # The documented default for a new, empty volume (tables/defaults/aws_ebs.yaml).
    found, value, note = default_for(resource.type, f"{path}.Ebs.Encrypted")
    blank = Field.default(value, written.attribute, note) if found else written
    return Volume(**identity, encrypted=device_encryption(written, snapshot, root, blank),
                  kms_key=field_at(ebs, "KmsKeyId", resource.type,
                                   attribute=f"{prefix}KmsKeyId"))


BUILDERS = {
    "AWS::EC2::Volume": build_volume,
    "AWS::EC2::Instance": build_instance_volumes,
    "AWS::EC2::LaunchTemplate": build_template_volumes,
    "AWS::AutoScaling::LaunchConfiguration": build_launch_configuration_volumes,
}
