"""Amazon EC2: EBS volumes and snapshots, and the security-group rules that admit traffic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from linter.models.base import Element, Field, FieldState, Resource, derived_switch
from linter.tables import load_table
from linter.values import Unknown


@dataclass(frozen=True, kw_only=True)
class Volume(Resource):
    """A stand-alone EBS volume, or one an instance or launch template creates at launch
    (its root device or an extra block device)."""

    MODEL = "aws.ec2.Volume"

    # True when the volume is encrypted; false or absent: stored in plaintext (the API
    # default, unless the account-level "EBS encryption by default" is on). A volume
    # restored from a snapshot keeps the snapshot's encryption (see restored_encryption).
    encrypted: Field
    # The KMS key that encrypts it; absent: the AWS-managed alias/aws/ebs key.
    kms_key: Field

    @property
    def encryption_enabled(self) -> Field:
        """Whether data at rest is encrypted at all (KEY-001 judges the key only then)."""
        return derived_switch(self.encrypted, lambda value: value is True)


# Source types that copy a snapshot and choose the copy's key.
SNAPSHOT_COPY_TYPES = ("aws_ebs_snapshot_copy",)


@dataclass(frozen=True, kw_only=True)
class Snapshot(Resource):
    """An EBS snapshot, a copy of one, or a disk image imported as one.

    No `encryption_enabled`: a snapshot's key is its volume's (KEY-001 judges that key on
    the volume), or the key a copy names.
    """

    MODEL = "aws.ec2.Snapshot"

    # True when the snapshot is encrypted: inherited from its volume, from the snapshot
    # a copy is made of, or asked for by the copy or import. Its line is the argument
    # that names the source when the source decides.
    encrypted: Field
    # The KMS key of the snapshot; absent: the source's key, or alias/aws/ebs.
    kms_key: Field

    @property
    def is_copy(self) -> Field:
        """Whether this snapshot is a copy made by the configuration (aws_ebs_snapshot_copy).

        A copy names its own key: CopySnapshot encrypts it with the account's default EBS
        key (alias/aws/ebs) unless KmsKeyId names another, whatever the source's key.
        """
        return Field.derived(self.source_type in SNAPSHOT_COPY_TYPES, "source_type")


def _is(field: Field, value: bool) -> bool:
    return field.state is not FieldState.UNKNOWN and field.value is value


def restored_encryption(written: Field, source: Field) -> Field:
    """Encryption of what is made from a snapshot (a volume, a snapshot copy).

    EBS never removes encryption: the result is encrypted when it asks for encryption or
    when its source is encrypted (CopySnapshot: "Encrypted snapshots are encrypted, even
    if you omit this parameter"; volumes "created from encrypted snapshots are
    automatically encrypted"). `source` is shown at the argument naming the source.
    """
    if _is(written, True):
        return written
    if _is(source, True):
        return source
    if _is(source, False) and written.state in (FieldState.SET, FieldState.UNKNOWN):
        return written  # the written flag alone decides (a conditional, or false)
    if written.state in (FieldState.ABSENT, FieldState.DEFAULT) or _is(written, False):
        return source  # nothing asked for: the source's state is the result
    reason = source.reason or "the source's encryption is chosen by a conditional"
    return Field(None, FieldState.UNKNOWN, source.attribute, source.line,
                 f"{written.attribute} is not known and {reason}")


def is_root_device_name(name: Any) -> bool | None:
    """Whether a block device mapping names the AMI's root device; None: not known.

    The AMI decides its root device name; the EC2 user guide ("Device names for volumes
    on Amazon EC2 instances") reserves the names in tables/defaults/aws_ebs.yaml for it.
    """
    if not isinstance(name, str):
        return None
    return name in load_table("defaults/aws_ebs")["ebs_root_device_names"]["names"]


def device_encryption(written: Field, snapshot: Field | None, root: bool | None,
                      blank_default: Field) -> Field:
    """Encryption of a volume an instance or launch template creates at launch.

    `snapshot` is the encryption of the snapshot the device names (None: it names none);
    `root` whether the device is the AMI's root device (None: cannot tell);
    `blank_default` the documented default for a new, empty volume (unencrypted unless
    account-level EBS encryption by default is on).
    A root device without a snapshot is restored from the AMI's root snapshot and keeps
    its encryption, which the configuration cannot show: UNKNOWN, not a guess.
    """
    if snapshot is not None:
        return restored_encryption(written, snapshot)
    if written.state not in (FieldState.ABSENT, FieldState.DEFAULT):
        return written
    if root is False:
        return blank_default
    why = ("the root volume is restored from the AMI's root snapshot and keeps its "
           "encryption" if root else "the device name is not known, so it may be the "
           "AMI's root device, which keeps the encryption of the AMI's snapshot")
    return Field(None, FieldState.UNKNOWN, written.attribute, written.line,
                 f"{why}; the AMI is not judged (write encrypted = true to decide)")


@dataclass(frozen=True, kw_only=True)
class IngressRule(Element):
    """One rule that admits inbound traffic."""

    # tcp, udp, icmp, or -1 / all (every protocol and every port); numbers are IANA ids.
    protocol: Field
    # The first and last port of the admitted range (ignored when the protocol is all).
    from_port: Field
    to_port: Field
    # The IPv4 and IPv6 CIDR ranges admitted; 0.0.0.0/0 and ::/0 mean the whole internet.
    # Rules that admit another security group or a prefix list have no CIDR sources.
    sources: Field
    # Everything above in one value for the port checks: {protocol, from_port, to_port,
    # sources, redirect_only_ports}. `redirect_only_ports` lists the ports on which every
    # load balancer using the group only redirects HTTP to HTTPS. Its line is the line
    # of the CIDR attribute that opens the rule.
    exposure: Field


@dataclass(frozen=True, kw_only=True)
class SecurityGroup(Resource):
    """A security group, or a stand-alone rule resource that adds ingress to one."""

    MODEL = "aws.ec2.SecurityGroup"
    ELEMENTS: ClassVar[dict[str, type]] = {"ingress": IngressRule}

    # Every inbound rule, each judged on its own.
    ingress: tuple[IngressRule, ...]


def exposure_field(protocol: Field, from_port: Field, to_port: Field, sources: Field,
                   redirect_only_ports: tuple[int, ...] = ()) -> Field:
    """The combined value a port check judges, located at the CIDR attribute.

    Unknown parts stay inside the value as `Unknown`: a rule that admits an unknown CIDR
    to a port that carries no plaintext protocol can still pass.
    """
    def part(field: Field) -> object:
        return field.value if field.is_known else Unknown(field.reason)

    value = {"protocol": part(protocol), "from_port": part(from_port),
             "to_port": part(to_port), "sources": part(sources),
             "redirect_only_ports": list(redirect_only_ports)}
    return Field(value, FieldState.SET, sources.attribute, sources.line, "", sources.path)
