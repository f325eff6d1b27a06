"""aws_ssm_parameter, and aws_ssm_document Session documents that hold Session Manager
preferences (sessionType Standard_Stream).

A document's content is JSON or YAML text: it is parsed with a safe loader, and its
`inputs` are read like any other configuration. Values the resolver could not know show
up inside the text as `${...}` placeholders: a reference to a resource in the scan (a KMS
key) is kept as that reference's text, anything else is UNKNOWN.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.ssm import Parameter, SessionPreferences
from linter.models.base import Field, FieldState
from linter.parsers.yaml_source import SafeLoader
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, PartialText, Unknown

# The largest document content read (SSM's own limit is 64 KB).
_MAX_CONTENT = 256 * 1024
# `${aws_kms_key.ssm.arn}`: a reference the resolver left inside jsonencode() text.
_REFERENCE = re.compile(r"^\$\{(data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+[^}]*\}$")
PREFERENCE_INPUTS = {"kms_key": "kmsKeyId", "log_bucket": "s3BucketName",
                     "log_group": "cloudWatchLogGroupName",
                     "log_bucket_encryption": "s3EncryptionEnabled",
                     "log_group_encryption": "cloudWatchEncryptionEnabled"}


def build_parameter(block: ResolvedBlock, context: TerraformContext) -> list[Parameter]:
    config = block.config
    return [Parameter(**context.identity(block),
                      name=field_at(config, "name", block.type),
                      description=field_at(config, "description", block.type),
                      type=field_at(config, "type", block.type),
                      kms_key=field_at(config, "key_id", block.type))]


def build_document(block: ResolvedBlock,
                   context: TerraformContext) -> list[SessionPreferences]:
    if block.config.get("document_type") != "Session":
        return []
    line = block.config.line_of("content")
    content = parsed_content(block.config.get("content"), line)
    if content is None:
        return []
    return [SessionPreferences(**context.identity(block),
                               **preference_fields(content, block.type, "content.inputs", line))]


def parsed_content(value: Any, line: int) -> ConfigNode | Unknown | None:
    """The document's content as configuration; Unknown when it cannot be read; None
    when it is not a Session Manager preferences document (another session type)."""
    if isinstance(value, PartialText):
        value = value.text
    elif isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        if len(value) > _MAX_CONTENT:
            return Unknown("the document content is larger than SSM allows")
        try:
            value = _node(yaml.load(value, Loader=SafeLoader), line)  # noqa: S506 - safe loader
        except yaml.YAMLError:
            return Unknown("the document content is not valid JSON or YAML")
    if not isinstance(value, ConfigNode):
        return Unknown("the document content is not an object")
    session_type = value.get("sessionType")
    if isinstance(session_type, str) and session_type != "Standard_Stream":
        return None
    if session_type is None or not isinstance(session_type, str):
        return Unknown("the document's sessionType is not known")
    return value


def preference_fields(content: ConfigNode | Unknown, source_type: str, shown: str,
                      line: int) -> dict[str, Field]:
    """The SessionPreferences fields read from the content's `inputs`, shown under
    `shown` (`content.inputs` or `Properties.Content.inputs`); the defaults of inputs left
    out are in tables/defaults/aws_ssm_document.yaml under `source_type`."""
    if isinstance(content, Unknown):
        unknown = Field(None, FieldState.UNKNOWN, shown, line, content.reason)
        return {name: unknown for name in PREFERENCE_INPUTS}
    inputs = content.get("inputs")
    inputs = inputs if isinstance(inputs, ConfigNode) else ConfigNode(content.line)
    fields = {}
    for name, key in PREFERENCE_INPUTS.items():
        field = _placeholders(field_at(inputs, key, source_type,
                                       attribute=f"{shown}.{key}"))
        if name.endswith("_encryption"):
            field = as_bool(field)
        fields[name] = field
    return fields


def _placeholders(field: Field) -> Field:
    value = field.value
    if isinstance(value, str) and "${" in value and not _REFERENCE.match(value):
        return Field(None, FieldState.UNKNOWN, field.attribute, field.line,
                     "the value is known only when the configuration is applied")
    return field


def _node(value: Any, line: int) -> Any:
    """Parsed JSON or YAML as ConfigNodes, every key at the `content` argument's line."""
    if isinstance(value, dict):
        node = ConfigNode(line)
        for key, item in value.items():
            node.set(str(key), _node(item, line), line)
        return node
    if isinstance(value, list):
        return [_node(item, line) for item in value]
    return value


BUILDERS = {"aws_ssm_parameter": build_parameter, "aws_ssm_document": build_document}
