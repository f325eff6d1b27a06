"""Instances and module calls of a Terraform module scope (a mixin of ModuleScope).

- `count` / `for_each` on resources and module calls expand to instances, evaluated with
  `count.index` / `each.key` / `each.value` bound; an unknown count or for_each gives ONE
  instance with key `[*]` and those values unknown (never dropped silently, trivy#7099).
- `dynamic "x"` blocks expand into repeated `x` blocks when for_each is known.
- A module call is evaluated once per call and instance, its variables bound to the
  caller's arguments (never the module's defaults when the caller passes a value,
  trivy#10926); `module.x.out` is the output evaluated in that call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclBlock
from linter.resolve.terraform_modules import (
    META_ARGUMENTS,
    UNKNOWN_KEY,
    Instance,
    ModuleSource,
    expand,
    key_suffix,
)
from linter.values import ConfigNode, Unknown, is_known

if TYPE_CHECKING:
    from linter.resolve.terraform import ModuleScope


class InstancesMixin:
    """Part of ModuleScope; the state below is set by ModuleScope.__init__."""

    module_dir: str
    module_address: str
    root_dir: str
    call_path: tuple[str, ...]
    library: Any
    _blocks: dict[tuple[str, str, str], tuple[HclBlock, str]]
    _calls: dict[str, tuple[HclBlock, str]]
    _outputs: dict[str, hx.Expr]
    _bindings: dict[str, Any]
    _instance_cache: dict[Any, list[Instance]]
    _children: dict[tuple[str, Any], Any]
    _in_progress: set[Any]

    def evaluate(self, expression: hx.Expr) -> Any:
        raise NotImplementedError

    def _instances(self, key: tuple[str, ...]) -> list[Instance]:
        """count/for_each evaluated (in the module, never per instance) and expanded."""
        if key in self._instance_cache:
            return self._instance_cache[key]
        block = (self._calls[key[1]] if key[0] == "module" else self._blocks[key])[0]  # type: ignore[index]
        count, for_each = block.attributes.get("count"), block.attributes.get("for_each")
        label = (f"module.{key[1]}" if key[0] == "module"
                 else ("data." if key[0] == "data" else "") + f"{key[1]}.{key[2]}")
        saved, self._bindings = self._bindings, {}
        self._instance_cache[key] = [Instance(UNKNOWN_KEY)]  # guards a self-reference
        try:
            instances = expand(self.evaluate(count.expression) if count else None,
                               self.evaluate(for_each.expression) if for_each else None,
                               count is not None, for_each is not None, label)
        finally:
            self._bindings = saved
        self._instance_cache[key] = instances
        return instances

    def _dynamic(self, node: ConfigNode, dynamic: HclBlock) -> None:
        """`dynamic "x" { for_each = ...; content { ... } }`: one `x` block per element,
        with `x.key`/`x.value` (or the `iterator` name) bound while evaluating content."""
        label = dynamic.labels[0]
        iterator = dynamic.attributes.get("iterator")
        name = iterator.expression.name if iterator is not None and isinstance(
            iterator.expression, hx.Variable) else label
        source = dynamic.attributes.get("for_each")
        contents = dynamic.blocks_of("content")
        value = self.evaluate(source.expression) if source is not None else None
        if isinstance(value, ConfigNode):
            pairs: list[tuple[Any, Any]] = sorted(value.items(), key=lambda item: item[0])
        elif isinstance(value, list):
            pairs = list(enumerate(value))  # a list's key is the element index
        else:
            reason = value.reason if isinstance(value, Unknown) else "not a known collection"
            # Whatever static `x` blocks say, the generated ones are not known.
            node.set(label, Unknown(f'dynamic "{label}" block: for_each is not known '
                                    f"({reason})"), dynamic.line)
            return
        for key, item in pairs:
            iteration = ConfigNode(dynamic.line)
            iteration.set("key", key, dynamic.line)
            iteration.set("value", item, dynamic.line)
            saved = self._bindings
            self._bindings = {**saved, name: iteration}
            try:
                for content in contents:
                    append_block(node, label, self._block_node(content), dynamic.line)
            finally:
                self._bindings = saved

    # --- module calls ----------------------------------------------------------------

    def _module_output(self, steps: list[Any]) -> Any:
        """`module.x.out`, `module.x[0].out`, `module.x["k"].out`: the output's value in
        that call, evaluated in the module with the caller's arguments."""
        name = steps[0]
        if not isinstance(name, str) or name not in self._calls or self.library is None:
            return Unknown(f"output of module {name}")
        rest = steps[1:]
        index = self.evaluate(rest[0]) if rest and isinstance(rest[0], hx.Expr) else None
        if index is not None:
            rest = rest[1:]
        instances = self._instances(("module", name))
        if index is None and instances and instances[0].key not in (None, UNKNOWN_KEY):
            return Unknown(f"module.{name} has several instances; the reference names none")
        instance = pick(instances, index)
        if instance is None:
            return Unknown(f"module.{name} has no such instance")
        child = self._child(name, instance)
        if isinstance(child, Unknown) or not rest:
            return child if isinstance(child, Unknown) else Unknown(
                f"module.{name} as a whole object is not evaluated")
        output = rest[0]
        if not isinstance(output, str) or output not in child._outputs:
            return Unknown(f"module {name} has no output {output}")
        value = child._cached_eval(("output", output), child._outputs[output])
        return self._walk(value, rest[1:])

    def _child(self, name: str, instance: Instance) -> ModuleScope | Unknown:
        """The scope of one module call instance, bound to the caller's arguments."""
        key = (name, instance.key)
        if key in self._children:
            return self._children[key]
        if self.library is None:
            return Unknown(f"output of module {name}")
        if ("module", key) in self._in_progress:
            return Unknown(f"module {name} refers to itself through its arguments")
        block, path = self._calls[name]
        self._in_progress.add(("module", key))
        saved, self._bindings = self._bindings, dict(instance.bindings)
        try:
            source_attribute = block.attributes.get("source")
            source = self.evaluate(source_attribute.expression) if source_attribute else None
            found = self.library.find(self.root_dir, (*self.call_path, name), self.module_dir,
                                      source, (path, block.line))
            child: ModuleScope | Unknown = found if isinstance(found, Unknown) else \
                self._new_child(name, instance, block, found)
        finally:
            self._bindings = saved
            self._in_progress.discard(("module", key))
        self._children[key] = child
        return child

    def _new_child(self, name: str, instance: Instance, block: HclBlock,
                   source: ModuleSource) -> ModuleScope:
        inputs = {argument: self.evaluate(attribute.expression)
                  for argument, attribute in block.attributes.items()
                  if argument not in META_ARGUMENTS}
        call = f"module.{name}{key_suffix(instance.key)}"
        address = f"{self.module_address}.{call}" if self.module_address else call
        return type(self)(source.directory, source.files, library=self.library,
                           inputs=inputs, call_path=(*self.call_path, name),
                           module_address=address, root_dir=self.root_dir)


def append_block(node: ConfigNode, block_type: str, child: ConfigNode, line: int) -> None:
    existing = node.get(block_type)
    if isinstance(existing, list):
        existing.append(child)
    elif not isinstance(existing, Unknown):  # unknown dynamic blocks keep the key unknown
        node.set(block_type, [child], line)


def pick(instances: list[Instance], index: Any) -> Instance | None:
    """The instance a reference names: by its index when known, else the only one."""
    if not instances:
        return None
    if index is not None and is_known(index):
        for instance in instances:
            if instance.key == index or (isinstance(instance.key, str)
                                         and instance.key == str(index)):
                return instance
        if instances[0].key not in (None, UNKNOWN_KEY):
            return None
    return instances[0]
