"""The typed, format-neutral vocabulary every adapter builds and every rule judges.

A model field is a `Field`: the value plus where it came from (attribute path and
line, or API field for live scans) and whether it is written, defaulted, absent or
unknown. Rules never see the source format; findings still point at the exact line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar


class FieldState(str, Enum):
    SET = "set"  # written in the source (the value may still be a Branches choice)
    DEFAULT = "default"  # not written; the provider/service default applies and is the value
    ABSENT = "absent"  # not written and no default applies; value is None
    UNKNOWN = "unknown"  # written, but cannot be known statically


@dataclass(frozen=True)
class Field:
    """One judged value of a model, with its state and where the source sets it."""

    value: Any
    state: FieldState
    attribute: str  # path in the source's own terms: `encrypted`, `Properties.Encrypted`
    line: int | None = None  # None: the finding falls back to the resource's first line
    reason: str = ""  # for UNKNOWN: why; for DEFAULT: which default applied
    # The file that holds the attribute when another resource, in another file, sets it
    # (an S3 bucket's encryption set by a separate resource). None: the resource's file.
    path: str | None = None

    @property
    def is_known(self) -> bool:
        return self.state is not FieldState.UNKNOWN

    @classmethod
    def absent(cls, attribute: str) -> Field:
        return cls(None, FieldState.ABSENT, attribute)

    @classmethod
    def default(cls, value: Any, attribute: str, reason: str = "") -> Field:
        return cls(value, FieldState.DEFAULT, attribute, None, reason or "provider default")

    @classmethod
    def derived(cls, value: Any, attribute: str, line: int | None = None) -> Field:
        """A value the adapter computed from written source (e.g. a policy's effect)."""
        return cls(value, FieldState.SET, attribute, line)


@dataclass(frozen=True)
class SourceLocation:
    """Where a resource or finding is: a file's lines, or a live resource's virtual path."""

    path: str  # relative POSIX path from the scan root, or a virtual path for live resources
    start_line: int
    end_line: int


@dataclass(frozen=True, kw_only=True)
class Element:
    """A repeated part of a resource (a cache behaviour, an ingress rule, a port)."""

    label: str  # `ordered_cache_behavior[1]`, `spec.rules[0]`: names the part in messages
    line: int


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """What a finding keeps of the resource it judged: its name and place, not its fields.

    Outcomes hold this instead of the model, so a scan keeps only its findings (not every
    model it built) until the report, and an outcome pickles small between processes.
    """

    address: str
    source_type: str
    source_format: str
    location: SourceLocation
    scope: str
    model: str  # the model's MODEL name (`aws.s3.Bucket`)

    @property
    def MODEL(self) -> str:  # read like a model's MODEL (linter.metrics)
        return self.model


@dataclass(frozen=True, kw_only=True)
class Resource:
    """A thing the rules judge, whatever format declared it."""

    MODEL: ClassVar[str] = ""

    address: str  # aws_s3_bucket.photos | PhotoBucket | Ingress/portal/web
    source_type: str  # aws_s3_bucket | AWS::S3::Bucket | networking.k8s.io/v1/Ingress
    source_format: str  # terraform | cloudformation | kubernetes
    location: SourceLocation
    # The scope that makes `address` unique: the Terraform module directory, or the file
    # for CloudFormation and Kubernetes. Part of the finding's fingerprint.
    scope: str = ""
    notes: tuple[str, ...] = field(default=())

    def ref(self) -> ResourceRef:
        """The resource's name and place, for the outcomes that judge it."""
        return ResourceRef(self.address, self.source_type, self.source_format, self.location,
                           self.scope, self.MODEL)


def model_fields(model: Any) -> dict[str, Any]:
    """The model's judged attributes by name (Fields, Elements and lists of them)."""
    return {name: value for name, value in vars(model).items() if not name.startswith("_")}


def derived_switch(field: Field, is_on: Any) -> Field:
    """A yes/no view of a field (e.g. "encryption is on"), keeping its line and state.

    Used for properties that let one rule read the same idea from models that store it
    differently (a boolean here, an algorithm name there).
    """
    from linter.values import Branches

    if field.state is FieldState.UNKNOWN:
        return field
    if isinstance(field.value, Branches):
        options = tuple(bool(is_on(option)) for option in field.value.options)
        return Field(Branches(options, field.value.labels), field.state, field.attribute,
                     field.line, field.reason, field.path)
    return Field(bool(is_on(field.value)), field.state, field.attribute, field.line,
                 field.reason, field.path)
