"""Terraform plan JSON to ResolvedBlocks, so the Terraform adapters judge plans unchanged.

A plan knows every value the configuration computes from variables, locals, modules,
count and for_each: `planned_values` holds one object per resource instance. What the
plan cannot know is what only exists after apply (a new key's ARN): such attributes are
listed in `resource_changes[].change.after_unknown`. For those, the `configuration`
section still says which objects the expression refers to (`references`), so
`kms_key_id = aws_kms_key.phi.arn` becomes a ResourceRef to the key even though its
ARN is unknown; an unknown value that refers to no single resource stays Unknown.
An attribute that is unknown but not written in the configuration is left absent,
exactly as the HCL path sees it (the provider computes it; tables/defaults applies).

Source mapping: when the .tf files of the planned configuration are in the same scan,
each instance points at its resource block and attribute lines in those files
(linter.resolve.tfplan_sources); otherwise at the resource's object in the plan JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from linter.parsers.terraform import HclBlock
from linter.parsers.tfplan import TerraformPlan
from linter.resolve.terraform import ResolvedBlock
from linter.resolve.tfplan_sources import SourceIndex, block_mode
from linter.values import ConfigNode, ResourceRef, Unknown

AFTER_APPLY = "known only after apply"
_MODULE_STEP = re.compile(r'module\.([A-Za-z0-9_-]+)((?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?)\.?')
_INDEX = re.compile(r'^([A-Za-z0-9_-]+)\[("(?:[^"\\]|\\.)*"|\d+)\]$')
# Reference roots that say which instance is meant, not which object.
_INSTANCE_ROOTS = ("count", "each", "self")


@dataclass
class PlanBlock(ResolvedBlock):
    """One resource instance of a plan; `address` is Terraform's own instance address."""

    instance_address: str = ""
    module_address: str = ""  # `module.a["x"].module.b`; "" in the root module
    declared_at: tuple[str, int] | None = None  # (.tf path, line) when mapped to the source

    @property
    def address(self) -> str:  # type: ignore[override]
        return self.instance_address


@dataclass
class _Frame:
    """One module instance: its configuration, address prefix and source directory."""

    config: ConfigNode | None  # the configuration's module object (resources, module_calls)
    prefix: str  # `module.a[0].` or ""
    parent: _Frame | None = None
    call: ConfigNode | None = None  # the module call in the parent's configuration
    key: Any = None  # the module instance's count index or for_each key
    directory: str | None = None  # scanned source directory, when mapped


class PlanResolver:
    """Every resource instance of one plan as a PlanBlock."""

    def __init__(self, plan: TerraformPlan, sources: SourceIndex | None = None) -> None:
        self.plan = plan
        self.sources = sources
        document = plan.document
        configuration = document.get("configuration")
        root_config = configuration.get("root_module") if isinstance(
            configuration, ConfigNode) else None
        self.root = _Frame(root_config if isinstance(root_config, ConfigNode) else None, "")
        if sources is not None and self.root.config is not None:
            self.root.directory = sources.root_directory(self.root.config, plan.path)
        self._frames: dict[str, _Frame] = {"": self.root}
        self._unknown: dict[str, Any] = {}
        for change in _items(document.get("resource_changes")):
            after = change.get("change")
            if isinstance(after, ConfigNode) and isinstance(change.get("address"), str):
                self._unknown[change.get("address")] = after.get("after_unknown")
        self._instances: dict[str, tuple[ConfigNode, str]] = {}
        for section in ("planned_values", "prior_state"):
            values = document.get(section)
            if section == "prior_state" and isinstance(values, ConfigNode):
                values = values.get("values")  # data sources read while planning
            if isinstance(values, ConfigNode) and isinstance(values.get("root_module"),
                                                             ConfigNode):
                self._collect(values.get("root_module"), "", data_only=section != "planned_values")
        self._configs: dict[str, ConfigNode] = {}
        self._in_progress: set[str] = set()

    @property
    def root_directory(self) -> str | None:
        return self.root.directory

    def _collect(self, module: ConfigNode, module_address: str, data_only: bool) -> None:
        for resource in _items(module.get("resources")):
            address = resource.get("address")
            if not isinstance(address, str) or address in self._instances:
                continue
            if data_only and resource.get("mode") != "data":
                continue
            self._instances[address] = (resource, module_address)
        for child in _items(module.get("child_modules")):
            child_address = child.get("address")
            if isinstance(child_address, str):
                self._collect(child, child_address, data_only)

    def blocks(self) -> list[PlanBlock]:
        return [self._block(address) for address in self._instances]

    def _block(self, address: str) -> PlanBlock:
        resource, module_address = self._instances[address]
        frame = self._frame(module_address)
        mode = block_mode(resource.get("mode"))
        block_type, name = str(resource.get("type")), str(resource.get("name"))
        declared = self.sources.block(frame.directory, mode, block_type, name) \
            if self.sources is not None else None
        if declared is not None:
            hcl, path = declared
            line, end_line, scope = hcl.line, hcl.end_line, self.root.directory or path
        else:
            path, line, end_line, scope = self.plan.path, resource.line, resource.end_line, \
                self.plan.path
        index = resource.get("index")
        instance_name = name + _index_text(index) if index is not None else name
        return PlanBlock(mode, block_type, instance_name, path, line, end_line,
                         self._config(address), scope, instance_address=address,
                         module_address=module_address,
                         declared_at=(path, line) if declared is not None else None)

    # --- values -------------------------------------------------------------------------

    def _config(self, address: str) -> ConfigNode:
        cached = self._configs.get(address)
        if cached is not None:
            return cached
        resource, module_address = self._instances[address]
        if address in self._in_progress:  # a reference cycle: the inner use sees no arguments
            return ConfigNode(resource.line, resource.end_line)
        self._in_progress.add(address)
        try:
            frame = self._frame(module_address)
            mode = block_mode(resource.get("mode"))
            declaration = _find_resource(frame.config, resource)
            expressions = declaration.get("expressions") if declaration is not None else None
            declared = self.sources.block(frame.directory, mode, str(resource.get("type")),
                                          str(resource.get("name"))) if self.sources else None
            hcl = declared[0] if declared else None
            values = resource.get("values")
            builder = _NodeBuilder(self, frame, resource.get("index"), hcl is not None)
            config = builder.node(values if isinstance(values, ConfigNode) else None,
                                  self._unknown.get(address), expressions, hcl,
                                  hcl.line if hcl else resource.line,
                                  hcl.end_line if hcl else resource.end_line)
        finally:
            self._in_progress.discard(address)
        self._configs[address] = config
        return config

    def after_apply(self, expression: Any, frame: _Frame, index: Any, depth: int = 0) -> Any:
        """What an attribute known only after apply refers to: a ResourceRef or Unknown."""
        references = expression.get("references") if isinstance(expression, ConfigNode) else None
        if not isinstance(references, list) or depth > 20:
            return Unknown(AFTER_APPLY)
        targets: dict[tuple[str, str], ResourceRef] = {}
        others: list[str] = []
        for reference in references:
            if not isinstance(reference, str):
                continue
            steps = _split(reference)
            root = steps[0]
            if root in _INSTANCE_ROOTS:
                continue
            if root == "var" and len(steps) >= 2 and frame.parent is not None \
                    and frame.call is not None:
                passed = _get(frame.call, "expressions", steps[1])
                found = self.after_apply(passed, frame.parent, frame.key, depth + 1)
            elif root == "module":
                if len(steps) < 3:
                    continue  # `module.keys`: the prefix form of `module.keys.arn`
                found = self._module_output(frame, steps[1], steps[2], depth)
            elif root in ("var", "local", "path", "terraform") or len(steps) < 2:
                found = None
            else:
                found = self._resource_ref(frame, steps, references, index)
            if isinstance(found, ResourceRef):
                targets.setdefault((found.resource_type, found.name.split("[")[0]), found)
            else:
                others.append(reference)
        if len(targets) == 1 and not others:
            return next(iter(targets.values()))
        named = ", ".join(sorted({str(ref) for ref in targets.values()} | set(others)))
        return Unknown(f"{AFTER_APPLY} (refers to {named})" if named else AFTER_APPLY)

    def _module_output(self, frame: _Frame, step: str, output: str, depth: int) -> Any:
        call_name, key = _split_index(step)
        call = _get(frame.config, "module_calls", call_name)
        child = self._frame(f"{frame.prefix}module.{call_name}{_index_text(key)}"
                            if key is not None else f"{frame.prefix}module.{call_name}")
        expression = _get(call, "module", "outputs", output, "expression")
        return self.after_apply(expression, child, key, depth + 1)

    def _resource_ref(self, frame: _Frame, steps: list[str], references: list[Any],
                      own_index: Any) -> ResourceRef | None:
        mode = "data" if steps[0] == "data" else "resource"
        steps = steps[1:] if mode == "data" else steps
        if len(steps) < 2:
            return None
        name, index = _split_index(steps[1])
        if index is None and ("count.index" in references or any(
                isinstance(r, str) and r.startswith("each.") for r in references)):
            index = own_index  # `aws_s3_bucket.b[count.index]` in instance N means N
        local = f"{steps[0]}.{name}" if mode == "resource" else f"data.{steps[0]}.{name}"
        address = frame.prefix + local + (_index_text(index) if index is not None else "")
        if index is not None and address not in self._instances:
            address, index = frame.prefix + local, None  # the target is not an instance set
        arguments = self._config(address) if address in self._instances else None
        label = steps[0] if mode == "resource" else f"data.{steps[0]}"
        return ResourceRef(label, name + (_index_text(index) if index is not None else ""),
                           steps[2] if len(steps) > 2 else None, arguments)

    def _frame(self, module_address: str) -> _Frame:
        frame = self._frames.get(module_address)
        if frame is not None:
            return frame
        parent = self.root
        prefix = ""
        for match in _MODULE_STEP.finditer(module_address):
            name, key_text = match.group(1), match.group(2)
            prefix += f"module.{name}{key_text}."
            known = self._frames.get(prefix[:-1])
            if known is not None:
                parent = known
                continue
            call = _get(parent.config, "module_calls", name)
            module = _get(call, "module")
            directory = self.sources.module_directory(parent.directory, _get(call, "source")) \
                if self.sources is not None else None
            key = json.loads(key_text[1:-1]) if key_text else None
            frame = _Frame(module if isinstance(module, ConfigNode) else None, prefix, parent,
                           call if isinstance(call, ConfigNode) else None, key, directory)
            self._frames[prefix[:-1]] = frame
            parent = frame
        return parent


class _NodeBuilder:
    """Planned values + after_unknown + configuration expressions -> a ConfigNode."""

    def __init__(self, resolver: PlanResolver, frame: _Frame, index: Any, mapped: bool) -> None:
        self.resolver, self.frame, self.index, self.mapped = resolver, frame, index, mapped

    def node(self, values: ConfigNode | None, unknown: Any, expressions: Any,
             hcl: HclBlock | None, line: int, end_line: int) -> ConfigNode:
        node = ConfigNode(line, end_line)
        keys = values.keys() if values is not None else []
        if isinstance(unknown, ConfigNode):
            keys += [key for key in unknown.keys() if key not in keys]
        for key in keys:
            value = values.get(key) if values is not None else None
            marker = unknown.get(key) if isinstance(unknown, ConfigNode) else unknown is True
            expression = expressions.get(key) if isinstance(expressions, ConfigNode) else None
            key_line = self._line(key, values, hcl, line)
            if marker is True:
                if isinstance(expressions, ConfigNode) and expression is None:
                    continue  # not written: computed by the provider, absent as in HCL
                node.set(key, self.resolver.after_apply(expression, self.frame, self.index),
                         key_line)
            elif value is not None:
                children = hcl.blocks_of(key) if hcl is not None else []
                node.set(key, self._value(value, marker, expression, children, key_line),
                         key_line)
        return node

    def _value(self, value: Any, marker: Any, expression: Any, children: list[HclBlock],
               line: int) -> Any:
        if isinstance(value, ConfigNode):
            child = children[0] if children else None
            return self.node(value, marker, expression, child, *self._span(value, child, line))
        if not isinstance(value, list):
            return value
        items = []
        for position, item in enumerate(value):
            item_marker = _at(marker, position)
            item_expression = _at(expression, position)
            child = children[position] if position < len(children) else None
            if item_marker is True:
                items.append(self.resolver.after_apply(item_expression, self.frame, self.index))
            elif isinstance(item, ConfigNode):
                items.append(self.node(item, item_marker, item_expression, child,
                                       *self._span(item, child, line)))
            else:
                items.append(item)
        return items

    def _line(self, key: str, values: ConfigNode | None, hcl: HclBlock | None,
              line: int) -> int:
        if not self.mapped:
            return values.line_of(key) if values is not None and key in values else line
        if hcl is not None:
            if key in hcl.attributes:
                return hcl.attributes[key].line
            written = hcl.blocks_of(key)
            if written:
                return written[0].line
        return line  # not written in the .tf file: the enclosing block's line

    def _span(self, value: ConfigNode, child: HclBlock | None, line: int) -> tuple[int, int]:
        if not self.mapped:
            return value.line, value.end_line
        return (child.line, child.end_line) if child is not None else (line, line)


def _items(value: Any) -> list[ConfigNode]:
    return [item for item in value if isinstance(item, ConfigNode)] \
        if isinstance(value, list) else []


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, ConfigNode):
            return None
        node = node.get(key)
    return node


def _at(value: Any, position: int) -> Any:
    if isinstance(value, list):
        return value[position] if position < len(value) else None
    return value if isinstance(value, bool) else None


def _find_resource(module: ConfigNode | None, resource: ConfigNode) -> ConfigNode | None:
    for item in _items(module.get("resources") if module is not None else None):
        if (item.get("mode"), item.get("type"), item.get("name")) == (
                resource.get("mode"), resource.get("type"), resource.get("name")):
            return item
    return None


def _index_text(index: Any) -> str:
    return f"[{json.dumps(index)}]" if isinstance(index, str) else f"[{index}]"


def _split_index(step: str) -> tuple[str, Any]:
    match = _INDEX.match(step)
    if match is None:
        return step, None
    return match.group(1), json.loads(match.group(2))


def _split(reference: str) -> list[str]:
    """`module.a["x.y"].out` -> ["module", 'a["x.y"]', "out"]: dots inside keys stay."""
    steps, current, quoted, escaped = [], "", False, False
    for character in reference:
        if quoted:
            quoted = not (character == '"' and not escaped)
            escaped = character == "\\" and not escaped
        elif character == '"':
            quoted = True
        elif character == ".":
            steps.append(current)
            current = ""
            continue
        current += character
    steps.append(current)
    return steps
