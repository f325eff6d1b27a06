"""Evaluate one Terraform module: variables, locals, references, conditionals, instances.

The result is one `ResolvedBlock` per resource and data source instance (`count` and
`for_each` expanded, `dynamic` blocks expanded, module calls evaluated once per call
and instance with the caller's arguments), whose arguments are a ConfigNode of values
(see linter.values). What cannot be known statically stays `Unknown` with a reason, so
rules say UNKNOWN instead of guessing.

The expression language is split by job: linter.resolve.hcl_evaluate (dispatch, calls,
try/can, traversal steps, limits), hcl_operators, hcl_for (for expressions, splats),
hcl_templates (string templates and directives) and hcl_types (variable type
constraints and optional() defaults).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from linter.discover import FileProblem
from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclAttribute, HclBlock, TerraformFile
from linter.resolve.hcl_evaluate import ExpressionsMixin, handlers, resource_attribute
from linter.resolve.hcl_for import IterationMixin
from linter.resolve.hcl_templates import TemplatesMixin
from linter.resolve.hcl_types import TypeSpec, convert, type_spec
from linter.resolve.terraform_instances import InstancesMixin, append_block, pick
from linter.resolve.terraform_modules import UNKNOWN_KEY, Instance, ModuleLibrary, key_suffix
from linter.values import (
    ConfigNode,
    EvaluationError,
    ResourceRef,
    Unknown,
    bound_numbers,
    is_known,
)

# Roots of references that are only known during a plan or apply.
_RUNTIME_ROOTS = {
    "count": "count.index is only known per instance",
    "each": "each.key/each.value are only known per instance",
    "self": "self is only known during provisioning",
    "path": "filesystem paths are not evaluated",
    "terraform": "terraform.workspace is not evaluated",
}
# Terraform's own arguments and blocks of a resource or data source, which no adapter
# reads: evaluating them would read the blocks they name (`depends_on`,
# `replace_triggered_by`, a precondition's references) for nothing, and a security group
# named in `depends_on = [aws_security_group.web]` would pass for a user of the group.
# count and for_each are kept, with the values the instances were expanded from.
UNREAD_META_ARGUMENTS = frozenset({"depends_on", "provider", "lifecycle", "provisioner",
                                   "connection"})
_NOTHING_GIVEN: dict[str, Any] = {}


@dataclass
class ResolvedBlock:
    """One resource or data block of a module instance, its values resolved."""

    mode: str  # "resource" or "data"
    type: str
    name: str
    path: str  # the file that declares it
    line: int
    end_line: int
    config: ConfigNode
    module_dir: str  # the directory that declares it (a module's own directory)
    # The module call path, `module.photos` or `module.a[0].module.b`; "" in a root module.
    module_address: str = ""
    # count/for_each instance key: None (neither), int, str, or UNKNOWN_KEY (`[*]`).
    key: Any = None
    # The root module whose evaluation produced it ("": module_dir); with the address it
    # makes a finding's fingerprint unique when two roots call the same module.
    root_dir: str = ""

    @cached_property
    def address(self) -> str:
        """Made once: adapters, findings and fingerprints each ask for it (the fields it
        is made of are never changed)."""
        prefix = "data." if self.mode == "data" else ""
        local = f"{prefix}{self.type}.{self.name}{key_suffix(self.key)}"
        return f"{self.module_address}.{local}" if self.module_address else local


class LazyResolvedBlock(ResolvedBlock):
    """A block whose configuration is evaluated when first read (`evaluate`): most
    resource types have no builder (IAM attachments, caller identity, null resources: five
    of six blocks in terraform-aws-modules), and are read only when a builder asks for the
    blocks of their type, or through a reference."""

    def __init__(self, *fields: Any, evaluate: Callable[[], ConfigNode]) -> None:
        self._evaluate: Callable[[], ConfigNode] | None = evaluate
        super().__init__(*fields)

    @property  # type: ignore[override]
    def config(self) -> ConfigNode:
        if self._evaluate is not None:
            self._config, self._evaluate = self._evaluate(), None
        return self._config

    @config.setter
    def config(self, value: ConfigNode) -> None:
        self._config = value


def _has_name(steps: Sequence[Any]) -> bool:
    """Whether a traversal has an attribute step (`.name`), not only indexes."""
    for step in steps:
        if isinstance(step, str):
            return True
    return False


# A value not in a cache (None is a value).
_NOT_COMPUTED: Any = object()


def _traversal_parts(expression: hx.Expr) -> tuple[hx.Expr, Any, tuple[Any, ...],
                                                   tuple[str, str] | None]:
    """`a.b[0].c` taken apart: (the expression itself, kept so that its id is not reused
    while the parts are kept by it; the root, a name or the expression the steps apply
    to; the steps, attribute names (str) and index expressions; the key of
    ModuleScope._local_cache its value is kept under, for `var.x...` and `local.x...`)."""
    steps: list[Any] = []
    node = expression
    while isinstance(node, (hx.GetAttr, hx.Index)):
        steps.append(node.name if isinstance(node, hx.GetAttr) else node.key)
        node = node.target
    steps.reverse()
    if not isinstance(node, hx.Variable):
        return expression, node, tuple(steps), None
    cache_key = None
    if node.name in ("var", "local") and steps and isinstance(steps[0], str):
        cache_key = (node.name, steps[0])
    return expression, node.name, tuple(steps), cache_key


class ModuleDeclarations:
    """What one module directory's files declare, indexed by name.

    Built once per directory and shared by every scope that evaluates it (the root, each
    call and instance of a module; see ModuleLibrary.declarations): a module called 200
    times is indexed once, and each variable's type constraint is read once. Nothing
    here depends on a call's arguments, and no scope writes to it.
    """

    __slots__ = ("blocks", "calls", "outputs", "variable_defaults", "variable_types",
                 "not_nullable", "locals")

    def __init__(self, files: Iterable[TerraformFile]) -> None:
        self.blocks: dict[tuple[str, str, str], tuple[HclBlock, str]] = {}
        self.calls: dict[str, tuple[HclBlock, str]] = {}
        self.outputs: dict[str, hx.Expr] = {}
        self.variable_defaults: dict[str, hx.Expr] = {}
        self.variable_types: dict[str, TypeSpec] = {}
        self.not_nullable: set[str] = set()
        self.locals: dict[str, hx.Expr] = {}
        for terraform_file in files:
            for block in terraform_file.blocks:
                self._index(block, terraform_file.path)

    def _index(self, block: HclBlock, path: str) -> None:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            self.blocks[(block.type, block.labels[0], block.labels[1])] = (block, path)
        elif block.type == "variable" and block.labels:
            self._index_variable(block.labels[0], block)
        elif block.type == "locals":
            for name, attribute in block.attributes.items():
                self.locals[name] = attribute.expression
        elif block.type == "module" and block.labels:
            self.calls[block.labels[0]] = (block, path)
        elif block.type == "output" and block.labels and "value" in block.attributes:
            self.outputs[block.labels[0]] = block.attributes["value"].expression

    def _index_variable(self, name: str, block: HclBlock) -> None:
        default, declared_type = block.attributes.get("default"), block.attributes.get("type")
        nullable = block.attributes.get("nullable")
        if default is not None:
            self.variable_defaults[name] = default.expression
        spec = type_spec(declared_type.expression) if declared_type is not None else None
        if spec is not None:
            self.variable_types[name] = spec
        if nullable is not None and isinstance(nullable.expression, hx.Literal) and \
                nullable.expression.value is False:
            self.not_nullable.add(name)


class ModuleScope(ExpressionsMixin, InstancesMixin, IterationMixin, TemplatesMixin):
    """Everything one module directory declares, evaluated lazily and once."""

    def __init__(self, module_dir: str, files: Iterable[TerraformFile],
                 variable_values: dict[str, HclAttribute] | None = None, *,
                 library: ModuleLibrary | None = None, inputs: dict[str, Any] | None = None,
                 call_path: tuple[str, ...] = (), module_address: str = "",
                 root_dir: str | None = None) -> None:
        """`variable_values` are a root module's tfvars/-var values (expressions);
        `inputs` are a module call's arguments, already evaluated in the caller;
        `library` finds module sources (None: module calls are not followed)."""
        self.module_dir = module_dir
        self.library = library
        self.call_path = call_path
        self.module_address = module_address
        self.root_dir = module_dir if root_dir is None else root_dir
        declarations = library.declarations(files, ModuleDeclarations) \
            if library is not None and isinstance(files, list) else ModuleDeclarations(files)
        # Shared with every other scope of the same module directory: read, never written.
        self._blocks = declarations.blocks
        self._calls = declarations.calls
        self._outputs = declarations.outputs
        self._variable_defaults = declarations.variable_defaults
        self._variable_types = declarations.variable_types
        self._not_nullable = declarations.not_nullable
        self._locals = declarations.locals
        self._given = dict(variable_values or {})
        self._inputs = dict(inputs or {})
        self._cache: dict[tuple[Any, ...], ConfigNode] = {}
        self._local_cache: dict[tuple[str, str], Any] = {}
        self._instance_cache: dict[Any, list[Instance]] = {}
        self._repetition: dict[Any, dict[str, Any]] = {}
        self._instance_index: dict[Any, tuple[list[Instance], dict[Any, Instance]]] = {}
        self._children: dict[tuple[str, Any], ModuleScope | Unknown] = {}
        self._in_progress: set[Any] = set()
        # count / each / dynamic / for iterators of the instance being evaluated.
        self._bindings: dict[str, Any] = {}
        self._isolated = False  # a templatefile() template: only its variables are bound
        self._steps = 0
        self._depth = 0
        self._dispatch = handlers(type(self))
        # Traversals taken apart (_traversal_parts), shared by every scope of the scan.
        self._traversals: dict[int, tuple[Any, ...]] = \
            library.traversals if library is not None else {}

    def resolved_blocks(self) -> list[ResolvedBlock]:
        """Every resource and data source instance, then those of the module calls, in
        declaration order (files sorted by path): the same input gives the same order.
        The scan uses `contained_blocks`, which reports a crash and goes on; here (tests,
        tools) a crash is raised."""
        problems: list[FileProblem] = []
        resolved = self.contained_blocks(problems)
        if problems:
            raise RuntimeError(f"{problems[0].where}: {problems[0].reason}")
        return resolved

    def block_config(self, mode: str, block_type: str, name: str,
                     instance_key: Any = None) -> ConfigNode:
        key = (mode, block_type, name, instance_key)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        block, _ = self._blocks[(mode, block_type, name)]
        if key in self._in_progress:  # a reference cycle: report the inner use as unknown
            return ConfigNode(block.line, block.end_line)
        instance = self._instance((mode, block_type, name), instance_key)
        self._in_progress.add(key)
        # Bindings are replaced, never changed in place: the instance's own dict serves.
        saved, self._bindings = self._bindings, instance.bindings
        try:
            config = self._block_node(block, UNREAD_META_ARGUMENTS,
                                      self._repetition.get(key[:3], _NOTHING_GIVEN))
        finally:
            self._bindings = saved
            self._in_progress.discard(key)
        # Before anything reads it (a builder, or another block through a reference).
        bound_numbers(config)
        self._cache[key] = config
        return config

    def _block_node(self, block: HclBlock, left_out: frozenset[str] = frozenset(),
                    given: dict[str, Any] = _NOTHING_GIVEN) -> ConfigNode:
        """The block's arguments and nested blocks, but for the names in `left_out`;
        the arguments in `given` are already evaluated."""
        node = ConfigNode(block.line, block.end_line)
        for name, attribute in block.attributes.items():
            if name in given:
                node.set(name, given[name], attribute.line)
            elif name not in left_out:
                node.set(name, self.evaluate(attribute.expression), attribute.line)
        for child in block.blocks:
            if child.type == "dynamic" and child.labels:
                self._dynamic(node, child)
            elif child.type not in left_out:
                append_block(node, child.type, self._block_node(child), child.line)
        return node

    # --- references ----------------------------------------------------------------------

    def _traversal(self, expression: hx.Expr) -> Any:
        parts = self._traversals.get(id(expression))
        if parts is None:  # once per expression node for the whole scan
            parts = self._traversals[id(expression)] = _traversal_parts(expression)
        _, root, steps, cache_key = parts
        if type(root) is not str:  # `f(x).a`, `(x)[0]`: the steps apply to a value
            return self._walk(self.evaluate(root), steps)
        if root in self._bindings:  # count.index, each.value.x, a for or dynamic iterator
            return self._walk(self._bindings[root], steps)
        if self._isolated:
            return EvaluationError(f"{root} is not a variable of the template")
        if cache_key is not None:  # var.x / local.x
            value = self._local_cache.get(cache_key, _NOT_COMPUTED)
            if value is _NOT_COMPUTED:  # not computed yet in this scope
                value = self._variable(steps[0]) if root == "var" else self._local(steps[0])
            return self._walk(value, steps[1:]) if len(steps) > 1 else value
        if root in ("var", "local", "module") and _has_name(steps):
            if root == "var":
                return self._walk(self._variable(steps[0]), steps[1:])
            if root == "local":
                return self._walk(self._local(steps[0]), steps[1:])
            return self._module_output(steps)
        if root == "path" and steps and (steps[0] == "module" or (
                steps[0] == "root" and not self.module_address)):
            # File functions read relative paths from the module folder (base_dir).
            return self._walk(".", steps[1:])
        if root in _RUNTIME_ROOTS:
            return Unknown(_RUNTIME_ROOTS[root])
        if root == "data" and len(steps) >= 2 and isinstance(steps[1], str):
            return self._reference("data", steps[0], steps[1], steps[2:])
        if steps and isinstance(steps[0], str):
            return self._reference("resource", root, steps[0], steps[1:])
        return Unknown(f"{root} is not a known reference")

    def _reference(self, mode: str, block_type: str, name: str, rest: Sequence[Any]) -> Any:
        key = (mode, block_type, name)
        label = f"data.{block_type}" if mode == "data" else block_type
        if key not in self._blocks:
            return Unknown(f"{label}.{name} is not declared in the scanned files")
        if not rest:
            whole = self._whole_resource(key)
            if whole is not None:
                return whole
        index = self.evaluate(rest[0]) if rest and isinstance(rest[0], hx.Expr) else None
        instances = self._instances(key)
        instance = pick(instances, index)
        # With an unknown index into several instances, which one is meant is not known:
        # the reference still names the resource, but none of its arguments is read back.
        exact = len(instances) == 1 or (index is not None and is_known(index))
        if instance is None:
            # Terraform rejects an instance key the known instances do not have: the
            # error `try(aws_kms_key.this[0].arn, null)` falls back from when count is 0.
            return EvaluationError(f"{label}.{name}{key_suffix(index) if is_known(index) else ''}"
                                   " is not an instance (count is 0 or for_each is empty)")
        # Further indexes (`.tags["x"]`) do not change which block it is.
        rest = [step for step in rest if isinstance(step, str)]
        arguments = self.block_config(*key, instance.key)
        if exact and len(rest) == 1:
            return resource_attribute(ResourceRef(label, name, None, arguments), rest[0])
        return ResourceRef(label, name, rest[0] if rest else None, arguments)

    def _whole_resource(self, key: tuple[str, str, str]) -> Any:
        """`aws_kms_key.k` as a whole: with count the list of its instances, with for_each
        a map of them by key, as Terraform has it (`length(aws_kms_key.k)`,
        `[for b in aws_s3_bucket.b : b.arn]`); None for a resource with neither."""
        block = self._blocks[key][0]
        if "count" not in block.attributes and "for_each" not in block.attributes:
            return None
        mode, block_type, name = key
        label = f"data.{block_type}" if mode == "data" else block_type
        instances = self._instances(key)
        if any(instance.key is UNKNOWN_KEY for instance in instances):
            return Unknown(f"the instances of {label}.{name} are not known (count or "
                           "for_each is not known)")
        references = [(instance.key, ResourceRef(label, name, None,
                                                 self.block_config(*key, instance.key)))
                      for instance in instances]
        if "count" in block.attributes:
            return [reference for _, reference in references]
        node = ConfigNode(block.line, block.end_line)
        for instance_key, reference in references:
            node.set(str(instance_key), reference, block.line)
        return node

    def _variable(self, name: Any) -> Any:
        """The variable's value converted to its type: the module call's argument, else
        tfvars/-var, else the default (also for null when `nullable = false`)."""
        if not isinstance(name, str):
            return Unknown("variable name is not known")
        key = ("var", name)
        if key not in self._local_cache:
            self._local_cache[key] = self._scoped(key, self._variable_value, name)
        return self._local_cache[key]

    def _variable_value(self, name: str) -> Any:
        default = self._variable_defaults.get(name)
        if name in self._inputs:  # the module call's argument wins over the default
            value = self._inputs[name]
        elif name in self._given:
            value = self.evaluate(self._given[name].expression)
        elif default is not None:
            value = self.evaluate(default)
        elif self.module_address:
            return Unknown(f"var.{name} has no value ({self.module_address} does not pass it "
                           "and it has no default)")
        else:
            return Unknown(f"var.{name} has no value (no default, no tfvars)")
        if value is None and name in self._not_nullable and default is not None:
            value = self.evaluate(default)
        spec = self._variable_types.get(name)
        return convert(value, spec, self.evaluate) if spec is not None else value

    def _local(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self._locals:
            return Unknown(f"local.{name} is not declared in the scanned files")
        return self._cached_eval(("local", name), self._locals[name])

    def _cached_eval(self, key: tuple[str, str], expression: hx.Expr) -> Any:
        if key not in self._local_cache:
            self._local_cache[key] = self._scoped(key, self.evaluate, expression)
        return self._local_cache[key]

    def _scoped(self, key: tuple[str, str], compute: Callable[[Any], Any], argument: Any) -> Any:
        """A local, variable or output computed once, outside any instance's or for
        expression's symbols (Terraform evaluates them in the module's own scope)."""
        if key in self._in_progress:
            return Unknown(f"{key[0]}.{key[1]} refers to itself")
        self._in_progress.add(key)
        saved, self._bindings = self._bindings, {}
        try:
            return compute(argument)
        finally:
            self._bindings = saved
            self._in_progress.discard(key)
