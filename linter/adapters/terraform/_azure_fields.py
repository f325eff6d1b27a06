"""Reading azurerm arguments that were renamed between provider versions."""

from __future__ import annotations

from linter.adapters.fields import field_at
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode


def renamed_field(node: ConfigNode | None, current: str, previous: str,
                  source_type: str) -> Field:
    """The argument under its azurerm 4.x name, else its 3.x name, else the default.

    azurerm 4.0 renamed several flags (`enable_https_traffic_only` ->
    `https_traffic_only_enabled`, `enable_non_ssl_port` -> `non_ssl_port_enabled`);
    configurations in the wild use both. The default is recorded under the 3.x name.
    """
    written = field_at(node, current, source_type)
    if node is not None and node.get(current) is not None:
        return written
    return field_at(node, previous, source_type)


def configured_by(key_field: Field, others: list[ResolvedBlock],
                  key_names: tuple[str, ...], attribute: str) -> Field:
    """True at the first key attribute written inline or on a companion resource.

    A written key reference whose value is unknown (a variable) still shows that a
    customer-managed key is configured, which is what the key rules ask.
    """
    if key_field.state in (FieldState.SET, FieldState.UNKNOWN):
        return Field.derived(True, key_field.attribute, key_field.line)
    for other in others:
        for name in key_names:
            if other.config.get(name) is not None:
                return Field(True, FieldState.SET, f"{other.type}.{name}",
                             other.config.line_of(name), "", other.path)
    return Field.absent(attribute)
