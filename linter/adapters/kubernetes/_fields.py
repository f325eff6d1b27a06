"""Reading Kubernetes annotations and string-typed settings into model Fields.

Annotation keys contain dots and slashes, so they cannot go through the dotted paths of
`field_at`; they are read by name here and shown as `metadata.annotations[<key>]`.
Annotations, ConfigMap data and StorageClass parameters are all strings that the
controllers parse with Go's strconv.ParseBool, so booleans are read the same way.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import value_field
from linter.models.base import Field, FieldState
from linter.tables import default_for, load_table
from linter.values import ConfigNode

# strconv.ParseBool's accepted spellings; anything else makes the controller reject or
# ignore the value, so it stays the written string and fails an `equals: true` check.
_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_GO_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def annotations_table() -> dict[str, Any]:
    return load_table("k8s_annotations")


def annotation_attribute(key: str) -> str:
    return f"metadata.annotations[{key}]"


def annotation_field(body: ConfigNode, key: str, source_type: str) -> Field:
    """The annotation's Field, with the default from tables/defaults/k8s.yaml when absent."""
    attribute = annotation_attribute(key)
    metadata = body.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, ConfigNode) else None
    if isinstance(annotations, ConfigNode) and annotations.get(key) is not None:
        return value_field(annotations.get(key), attribute, annotations.line_of(key))
    has_default, default, note = default_for(source_type, attribute)
    if has_default:
        return Field(default, FieldState.DEFAULT, attribute, None, note)
    return Field.absent(attribute)


def metadata_value(body: ConfigNode, key: str) -> Any:
    metadata = body.get("metadata")
    return metadata.get(key) if isinstance(metadata, ConfigNode) else None


def go_bool(field: Field) -> Field:
    """A string setting read the way Go's strconv.ParseBool reads it."""
    value = field.value
    if isinstance(value, bool):
        return field
    if isinstance(value, str) and value.strip() in _GO_TRUE | _GO_FALSE:
        return Field(value.strip() in _GO_TRUE, field.state, field.attribute, field.line,
                     field.reason, field.path)
    return field
