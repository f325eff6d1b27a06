"""Instances and module calls of a Terraform module scope (a mixin of ModuleScope).

- `count` / `for_each` on resources and module calls expand to instances, evaluated with
  `count.index` / `each.key` / `each.value` bound; an unknown count or for_each gives ONE
  instance with key `[*]` and those values unknown (never dropped silently, trivy#7099).
- `dynamic "x"` blocks expand into repeated `x` blocks when for_each is known.
- A module call is evaluated once per call and instance, its variables bound to the
  caller's arguments (never the module's defaults when the caller passes a value,
  trivy#10926); `module.x.out` is the output evaluated in that call.
- Limits (see linter.resolve.terraform_modules): instances per resource or call, resource
  instances and module instances per root module, module nesting depth; a module that
  calls its own directory or an ancestor's (a cycle, which Terraform rejects) is an
  error naming the call path.
- `contained_blocks` evaluates each resource instance and module call on its own: one
  that crashes is an error for it alone, and the others are judged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from linter.discover import FileProblem
from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclBlock
from linter.resolve.terraform_modules import (
    MAX_MODULE_INSTANCES,
    MAX_RESOURCE_INSTANCES,
    META_ARGUMENTS,
    NO_REPETITION,
    UNKNOWN_KEY,
    Instance,
    ModuleSource,
    expand,
    key_suffix,
    over_limit,
)
from linter.values import ConfigNode, Unknown, is_known

if TYPE_CHECKING:
    from linter.resolve.terraform import ModuleScope, ResolvedBlock


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
    _repetition: dict[Any, dict[str, Any]]  # a resource's evaluated count / for_each
    _instance_index: dict[Any, tuple[list[Instance], dict[Any, Instance]]]
    _children: dict[tuple[str, Any], Any]
    _in_progress: set[Any]
    # The directories of the calling modules, outermost first (set on each child scope).
    _ancestor_dirs: tuple[str, ...] = ()

    def evaluate(self, expression: hx.Expr) -> Any:
        raise NotImplementedError

    def block_config(self, mode: str, block_type: str, name: str,
                     instance_key: Any = None) -> ConfigNode:
        raise NotImplementedError

    def contained_blocks(self, problems: list[FileProblem],
                         eager: Callable[[str], bool] | None = None) -> list[ResolvedBlock]:
        """Every resource and data source instance, then those of the module calls, as
        ModuleScope.resolved_blocks gives them; an instance or a module call whose
        evaluation raises is an error in `problems` (at its file and line, naming its
        address), and everything else is still evaluated. With `eager`, only the blocks
        whose source type (`aws_s3_bucket`, `data.aws_iam_policy_document`) it accepts
        are evaluated now; the others when first read (LazyResolvedBlock)."""
        from linter.resolve.terraform import LazyResolvedBlock, ResolvedBlock

        resolved: list[ResolvedBlock] = []
        for key, (block, path) in self._blocks.items():
            mode, block_type, name = key
            now = eager is None or eager(f"data.{block_type}" if mode == "data" else block_type)
            for instance in self._contained_instances(key, path, block, problems):
                if not now:
                    resolved.append(LazyResolvedBlock(
                        mode, block_type, name, path, block.line, block.end_line, None,
                        self.module_dir, self.module_address, instance.key, self.root_dir,
                        evaluate=functools.partial(self.block_config, mode, block_type, name,
                                                   instance.key)))
                    continue
                try:
                    config = self.block_config(mode, block_type, name, instance.key)
                except Exception as error:
                    self._crashed(problems, path, block,
                                  _label(key) + key_suffix(instance.key), error)
                    continue
                resolved.append(ResolvedBlock(
                    mode, block_type, name, path, block.line, block.end_line, config,
                    self.module_dir, self.module_address, instance.key, self.root_dir))
        for call_name, (block, path) in self._calls.items():
            label = f"module.{call_name}"
            for instance in self._contained_instances(("module", call_name), path,
                                                      block, problems):
                try:
                    child = self._child(call_name, instance)
                except Exception as error:
                    self._crashed(problems, path, block, label + key_suffix(instance.key),
                                  error)
                    continue
                if not isinstance(child, Unknown):
                    resolved.extend(child.contained_blocks(problems, eager))
        return resolved

    def _contained_instances(self, key: tuple[str, ...], path: str, block: HclBlock,
                             problems: list[FileProblem]) -> list[Instance]:
        try:
            return self._instances(key)
        except Exception as error:
            self._crashed(problems, path, block, f"{_label(key)} (its count or for_each)",
                          error)
            return []

    def _crashed(self, problems: list[FileProblem], path: str, block: HclBlock, label: str,
                 error: Exception) -> None:
        address = f"{self.module_address}.{label}" if self.module_address else label
        problems.append(FileProblem.internal_error(path, block.line, f"evaluating {address}",
                                                   error))

    def _instance(self, key: tuple[str, ...], instance_key: Any) -> Instance:
        """The instance of `key` whose key is `instance_key` (one without bindings when
        there is none): by a dict of the instances, built once per resource."""
        instances = self._instances(key)
        if len(instances) == 1:
            only = instances[0]
            return only if only.key == instance_key else Instance(instance_key)
        indexed = self._instance_index.get(key)
        if indexed is None or indexed[0] is not instances:  # the list changed since
            by_key: dict[Any, Instance] = {}
            for instance in instances:
                by_key.setdefault(instance.key, instance)  # the first, as a scan would find
            indexed = self._instance_index[key] = (instances, by_key)
        found = indexed[1].get(instance_key)
        return found if found is not None else Instance(instance_key)

    def _instances(self, key: tuple[str, ...]) -> list[Instance]:
        """count/for_each evaluated (in the module, never per instance) and expanded."""
        cached = self._instance_cache.get(key)
        if cached is not None:
            return cached
        block = (self._calls[key[1]] if key[0] == "module" else self._blocks[key])[0]  # type: ignore[index]
        count, for_each = block.attributes.get("count"), block.attributes.get("for_each")
        if count is None and for_each is None:
            # Neither: one instance, no bindings, nothing to evaluate.
            instances = [NO_REPETITION]
            if key[0] != "module" and self.library is not None:
                instances = self._within_root_budget(instances, "")
            self._instance_cache[key] = instances
            return instances
        label = _label(key)
        saved, self._bindings = self._bindings, {}
        self._instance_cache[key] = [Instance(UNKNOWN_KEY)]  # guards a self-reference
        try:
            count_value = self.evaluate(count.expression) if count else None
            for_each_value = self.evaluate(for_each.expression) if for_each else None
        finally:
            self._bindings = saved
        if key[0] != "module":
            # The instances' own `count` / `for_each` arguments (block_config): Terraform
            # forbids count.index, each.* and the resource itself in them, so each
            # instance would evaluate them again to the same value.
            self._repetition[key] = {name: value for name, value, attribute in (
                ("count", count_value, count), ("for_each", for_each_value, for_each))
                if attribute is not None}
        instances = expand(count_value, for_each_value, count is not None,
                           for_each is not None, label)
        if key[0] != "module" and self.library is not None:
            instances = self._within_root_budget(instances, label)
        self._instance_cache[key] = instances
        return instances

    def _within_root_budget(self, instances: list[Instance], label: str) -> list[Instance]:
        """Resource instances of the whole root module (every module instance) stay
        under MAX_RESOURCE_INSTANCES: past it, a resource is one `[*]` instance."""
        budget = self.library.budget(self.root_dir)
        if len(instances) > 1 and \
                budget.resource_instances + len(instances) > MAX_RESOURCE_INSTANCES:
            where = f"{self.module_address}.{label}" if self.module_address else label
            instances = [over_limit(
                f"{where} has {len(instances):,} instances, past the limit of "
                f"{MAX_RESOURCE_INSTANCES:,} resource instances judged one by one for root "
                f"module {self.root_dir}")]
        budget.resource_instances += len(instances)
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

    def _module_output(self, steps: Sequence[Any]) -> Any:
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
            if not isinstance(found, Unknown):
                found = self._refusal(name, instance, source, found, (path, block.line)) \
                    or found
            child: ModuleScope | Unknown = found if isinstance(found, Unknown) else \
                self._new_child(name, instance, block, found)
        finally:
            self._bindings = saved
            self._in_progress.discard(("module", key))
        self._children[key] = child
        return child

    def _refusal(self, name: str, instance: Instance, source: Any, found: ModuleSource,
                 where: tuple[str, int]) -> Unknown | None:
        """Why this module instance is not evaluated (a cycle, the fan-out limit), or
        None. Both are errors: the module's resources would go unjudged."""
        lineage = (*self._ancestor_dirs, self.module_dir)
        call = self._call_address(name, instance)
        if found.directory in lineage:
            # Terraform builds the module tree before count/for_each: any cycle is endless.
            chain = " -> ".join((*lineage, found.directory))
            return self.library.refuse(
                where, f'module "{name}" (source "{source}") calls {found.directory}, which '
                       f"is already a module of this call path ({call}: {chain}): a module "
                       "cycle, which Terraform rejects; not evaluated", f"module {name}")
        budget = self.library.budget(self.root_dir)
        budget.module_instances += 1
        if budget.module_instances <= MAX_MODULE_INSTANCES:
            return None
        if budget.module_instances == MAX_MODULE_INSTANCES + 1:  # said once per root
            self.library.refuse(
                where, f"root module {self.root_dir} calls more than {MAX_MODULE_INSTANCES:,} "
                       f"module instances (calls x count/for_each x nesting): {call} and "
                       "every instance after it are not evaluated", f"module {name}")
        return Unknown(f"output of module {name}, past the limit of {MAX_MODULE_INSTANCES:,} "
                       "module instances")

    def _new_child(self, name: str, instance: Instance, block: HclBlock,
                   source: ModuleSource) -> ModuleScope:
        inputs = {argument: self.evaluate(attribute.expression)
                  for argument, attribute in block.attributes.items()
                  if argument not in META_ARGUMENTS}
        child = type(self)(source.directory, source.files, library=self.library,
                           inputs=inputs, call_path=(*self.call_path, name),
                           module_address=self._call_address(name, instance),
                           root_dir=self.root_dir)
        child._ancestor_dirs = (*self._ancestor_dirs, self.module_dir)
        return child

    def _call_address(self, name: str, instance: Instance) -> str:
        """`module.a[0].module.b["x"]`: the address of one instance of a call made here."""
        call = f"module.{name}{key_suffix(instance.key)}"
        return f"{self.module_address}.{call}" if self.module_address else call


def _label(key: tuple[str, ...]) -> str:
    """`module.x`, `data.t.n` or `t.n`: a module call or resource as Terraform names it
    (made only when needed: for a message, or a count/for_each to expand)."""
    if key[0] == "module":
        return f"module.{key[1]}"
    return ("data." if key[0] == "data" else "") + f"{key[1]}.{key[2]}"


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
