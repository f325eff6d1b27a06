"""Live AWS API answers (collector Records) to the same models the IaC adapters build.

The rules never learn that a model came from an API: a field holds the API's value and
its `attribute` names the API call and response field it came from (`s3:GetBucket
Encryption ServerSideEncryptionConfiguration.Rules[0]...SSEAlgorithm`). A resource's
location is a virtual path `aws/ACCOUNT/REGION/SERVICE/NAME` (line 1), or with
`--templates` the template line that declared it (linter/live/templates.py), and its
address is its ARN, which is what text, JSON and SARIF outputs show.

Every builder module declares `BUILDERS = {record kind: builder}`, like the IaC adapters.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from linter.adapters import collect_builders
from linter.adapters.policy_documents import normalise
from linter.live.collectors import Record
from linter.live.collectors.security import KeyInventory
from linter.live.templates import TemplateIndex, resource_tags
from linter.models.base import Field, FieldState, Resource, SourceLocation
from linter.values import Unknown

SOURCE_FORMAT = "aws"
ModelT = TypeVar("ModelT", bound=Resource)

_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
                      r"key/(?P<id>[A-Za-z0-9-]+)$")
_KEY_ID = re.compile(r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12})$")


@dataclass
class BuildContext:
    """What building one Region's live models needs beyond the API reads: the account and
    Region, the keys, the fields judged."""

    account: str
    region: str
    # The region's KMS keys, read on first use (only when a rule judges a store's key).
    key_inventory: Callable[[], KeyInventory]
    # Field names that some selected rule judges, per model name.
    judged: dict[str, set[str]]
    # `--templates`: where tagged resources were declared (None: virtual paths only).
    templates: TemplateIndex | None = None

    def judges(self, model: type[Resource], name: str) -> bool:
        return name in self.judged.get(model.MODEL, set())


def build_models(records: list[Record], context: BuildContext) -> list[Resource]:
    builders = collect_builders("linter.adapters.aws_live")
    models: list[Resource] = []
    for record in records:
        for builder in builders.get(record.kind, ()):
            models.extend(builder(record, context))
    return models


def identity(record: Record, context: BuildContext, source_type: str) -> dict[str, Any]:
    service = record.kind.split(".")[0]
    path = f"aws/{context.account}/{context.region}/{service}/{record.name.strip('/')}"
    location = SourceLocation(path, 1, 1)
    if context.templates is not None:
        location = context.templates.locate(resource_tags(record.data),
                                            record.arn) or location
    return {"address": record.arn, "source_type": source_type,
            "source_format": SOURCE_FORMAT, "location": location,
            "scope": f"aws/{context.account}/{context.region}"}


def read_path(data: Any, path: str) -> tuple[Any, bool]:
    """(value, found) at a dotted path with [index] parts: `Rules[0].Key`."""
    value = data
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(value, list) or index >= len(value):
                return None, False
            value = value[index]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None, False
    return value, value is not None


def api_field(record: Record, operation: str, path: str, *, shown: str = "",
              convert: Callable[[Any], Any] | None = None) -> Field:
    """The Field for `path` in `operation`'s answer about this resource.

    Absent in the answer: ABSENT (the API omits unset settings). The call denied or not
    made: UNKNOWN with the reason, never a guess that could pass.
    """
    attribute = f"{record.api}:{operation} {shown or path}"
    if operation in record.unreadable:
        return Field(None, FieldState.UNKNOWN, attribute, None, record.unreadable[operation])
    if operation in record.skipped:
        return Field(None, FieldState.UNKNOWN, attribute, None,
                     f"{record.api}:{operation} was not called (no selected rule needs it)")
    value, found = read_path(record.data.get(operation), path)
    if not found:
        return Field.absent(attribute)
    return Field(convert(value) if convert else value, FieldState.SET, attribute)


def unknown(attribute: str, reason: str) -> Field:
    return Field(None, FieldState.UNKNOWN, attribute, None, reason)


def complete(model: type[ModelT], record: Record, context: BuildContext, source_type: str,
             **fields: Any) -> ModelT:
    """The model with every field the live scan does not read yet marked UNKNOWN.

    Models gain fields as rules are added; a field this adapter does not fill must read
    as "cannot be decided", never as an absent setting that fails or passes.
    """
    for item in dataclasses.fields(model):
        if item.name in fields or item.name in Resource.__dataclass_fields__:
            continue
        if item.type in ("Field", Field):
            fields[item.name] = unknown(item.name, "not read by the live AWS scan yet")
        elif str(item.type).startswith("tuple"):
            fields[item.name] = ()
    return model(**identity(record, context, source_type), **fields)


def key_field(record: Record, operation: str, path: str, context: BuildContext,
              model: type[Resource], *, shown: str = "") -> Field:
    """A store's KMS key, with AWS-managed keys shown as their alias/aws/... name.

    APIs name the key by ARN whoever manages it; the rules tell customer keys from
    AWS-managed ones by the alias, so the key is looked up in the region's inventory.
    """
    written = api_field(record, operation, path, shown=shown)
    if written.state is not FieldState.SET or not context.judges(model, "kms_key"):
        return written
    value = str(written.value)
    if value.startswith("alias/") or ":alias/" in value:
        return written  # an alias already says who manages it
    match = _KEY_ARN.match(value)
    if match and match["account"] != context.account:
        return written  # AWS-managed keys are never shared: another account's is a customer's
    key_id = match["id"] if match else value if _KEY_ID.match(value) else None
    inventory = context.key_inventory()
    if inventory.unreadable:
        return unknown(written.attribute, f"key {value}: {inventory.unreadable}")
    metadata = inventory.keys.get(key_id or "")
    # Only AWS may point an alias/aws/... alias at a key: that alone marks it AWS-managed,
    # even when the key itself is not listed (it is created on first use).
    managed_aliases = [name for name in inventory.aliases.get(key_id or "", [])
                       if name.startswith("alias/aws/")]
    if managed_aliases or (metadata is not None and metadata.get("KeyManager") == "AWS"):
        shown_value = managed_aliases[0] if managed_aliases else "alias/aws/ (AWS-managed)"
        return Field(shown_value, FieldState.SET, written.attribute)
    if metadata is None:
        return unknown(written.attribute,
                       f"key {value} is not among this region's KMS keys (kms:ListKeys)")
    return Field(metadata["Arn"], FieldState.SET, written.attribute)


def policy_field(written: Field) -> Field:
    """The policy JSON text, normalised like an IaC policy document."""
    if written.state is not FieldState.SET:
        return written
    document = normalise(written.value)
    if isinstance(document, Unknown):
        return unknown(written.attribute, document.reason)
    return Field(document, FieldState.SET, written.attribute)


def as_bool(value: Any) -> Any:
    """SQS and SNS return attributes as strings."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value
