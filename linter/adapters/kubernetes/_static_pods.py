"""Reading the flags of control-plane static Pods (kube-apiserver, etcd).

Flags are read from the container's command and args as Go's flag packages read them:
`--name=value`, or `--name value` for flags that take a value; a boolean flag alone means
true. When a flag is repeated the last one wins. Which flags are booleans, the defaults
and the recognised binaries live in tables/k8s_control_plane.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from linter.adapters.fields import blocks, value_field
from linter.adapters.kubernetes._fields import go_bool, metadata_value
from linter.models.base import Field, FieldState
from linter.tables import load_table
from linter.values import ConfigNode


@dataclass(frozen=True)
class Flag:
    """A flag's value as written, and its line."""

    value: Any
    line: int | None


class ComponentFlags:
    """One component's flags with the defaults of its table entry."""

    def __init__(self, flags: dict[str, Flag], component: dict[str, Any]) -> None:
        """`component`: the table entry of tables/k8s_control_plane.yaml (its `defaults`
        apply to flags that are not written)."""
        self.flags = flags
        self.defaults = component.get("defaults") or {}

    def field(self, name: str) -> Field:
        attribute = f"--{name}"
        flag = self.flags.get(name)
        if flag is not None:
            return value_field(flag.value, attribute, flag.line)
        default = self.defaults.get(name)
        if default is not None:
            return Field(default["value"], FieldState.DEFAULT, attribute, None,
                         default.get("note", "default"))
        return Field.absent(attribute)

    def boolean(self, name: str) -> Field:
        return go_bool(self.field(name))

    def number(self, name: str) -> Field:
        field = self.field(name)
        if isinstance(field.value, str) and field.value.strip().lstrip("-").isdigit():
            return Field(int(field.value), field.state, field.attribute, field.line,
                         field.reason)
        return field

    def comma_list(self, name: str) -> Field:
        field = self.field(name)
        if isinstance(field.value, str):
            items = [item.strip() for item in field.value.split(",") if item.strip()]
            return Field(items, field.state, field.attribute, field.line, field.reason)
        return field


def component_flags(body: ConfigNode, binary: str) -> list[ComponentFlags]:
    """The flags of every container of this static Pod that runs `binary`."""
    component = load_table("k8s_control_plane")["components"][binary]
    if metadata_value(body, "namespace") not in component["namespaces"]:
        return []
    return [ComponentFlags(_parse_flags(tokens, component), component)
            for name, tokens in _containers(body) if name == binary]


def _containers(body: ConfigNode) -> list[tuple[str, list[tuple[Any, int]]]]:
    """(binary, command-line tokens after the binary, with lines) for every container."""
    multiplexers = load_table("k8s_control_plane")["multiplexers"]
    found = []
    for container, _ in blocks(body.get("spec"), "containers"):
        command = _tokens(container, "command")
        args = _tokens(container, "args")
        if command:
            binary = _basename(command[0][0])
            tokens = command[1:] + args
        else:
            image = str(container.get("image") or "")
            binary = _basename(image.split("@")[0].rsplit(":", 1)[0]
                               if "/" in image or ":" in image else image)
            tokens = args
        # `hyperkube apiserver ...`: the first argument names the component it runs.
        # (The image name may carry an architecture: hyperkube-amd64.)
        components = multiplexers.get(binary.split("-")[0]) or {}
        if tokens and isinstance(tokens[0][0], str) and tokens[0][0] in components:
            binary, tokens = components[tokens[0][0]], tokens[1:]
        found.append((binary, tokens))
    return found


def _tokens(container: ConfigNode, key: str) -> list[tuple[Any, int]]:
    items = container.get(key)
    if not isinstance(items, list):
        return []
    lines = getattr(items, "lines", None) or [container.line_of(key)] * len(items)
    return list(zip(items, lines))


def _basename(value: Any) -> str:
    return str(value).rsplit("/", 1)[-1] if isinstance(value, str) else ""


def _parse_flags(tokens: list[tuple[Any, int]],
                 component: dict[str, Any]) -> dict[str, Flag]:
    booleans = set(component.get("boolean_flags") or ())
    aliases = component.get("flag_aliases") or {}
    flags: dict[str, Flag] = {}
    index = 0
    while index < len(tokens):
        token, line = tokens[index]
        index += 1
        if not isinstance(token, str) or not token.startswith("-"):
            continue
        name, has_value, value = token.lstrip("-").partition("=")
        name = aliases.get(name, name)
        if not has_value:
            next_token = tokens[index][0] if index < len(tokens) else None
            if (name not in booleans and isinstance(next_token, str)
                    and not next_token.startswith("-")):
                value = next_token
                index += 1
            elif name in booleans:
                value = "true"
            else:
                continue
        flags[name] = Flag(value, line)
    return flags


