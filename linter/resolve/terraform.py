"""Evaluate one Terraform module: variables, locals, references, conditionals, instances.

The result is one `ResolvedBlock` per resource and data source instance (`count` and
`for_each` expanded, `dynamic` blocks expanded, module calls evaluated once per call
and instance with the caller's arguments), whose arguments are a ConfigNode of values
(see linter.values). What cannot be known statically stays `Unknown` with a reason, so
rules say UNKNOWN instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclAttribute, HclBlock, TerraformFile
from linter.resolve.hcl_functions import call
from linter.resolve.terraform_instances import InstancesMixin, append_block, pick
from linter.resolve.terraform_modules import Instance, ModuleLibrary, key_suffix
from linter.values import (
    Branches,
    ConfigNode,
    EvaluationError,
    PartialText,
    ResourceRef,
    Unknown,
    is_known,
    plain,
)

# Roots of references that are only known during a plan or apply.
_RUNTIME_ROOTS = {
    "count": "count.index is only known per instance",
    "each": "each.key/each.value are only known per instance",
    "self": "self is only known during provisioning",
    "path": "filesystem paths are not evaluated",
    "terraform": "terraform.workspace is not evaluated",
}


@dataclass
class ResolvedBlock:
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

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        local = f"{prefix}{self.type}.{self.name}{key_suffix(self.key)}"
        return f"{self.module_address}.{local}" if self.module_address else local


class ModuleScope(InstancesMixin):
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
        self._blocks: dict[tuple[str, str, str], tuple[HclBlock, str]] = {}
        self._calls: dict[str, tuple[HclBlock, str]] = {}
        self._outputs: dict[str, hx.Expr] = {}
        self._variable_defaults: dict[str, hx.Expr] = {}
        self._locals: dict[str, hx.Expr] = {}
        self._given = dict(variable_values or {})
        self._inputs = dict(inputs or {})
        self._cache: dict[tuple[Any, ...], ConfigNode] = {}
        self._local_cache: dict[tuple[str, str], Any] = {}
        self._instance_cache: dict[Any, list[Instance]] = {}
        self._children: dict[tuple[str, Any], ModuleScope | Unknown] = {}
        self._in_progress: set[Any] = set()
        # count / each / dynamic iterators of the instance being evaluated.
        self._bindings: dict[str, Any] = {}
        for terraform_file in files:
            for block in terraform_file.blocks:
                self._index(block, terraform_file.path)

    def _index(self, block: HclBlock, path: str) -> None:
        if block.type in ("resource", "data") and len(block.labels) == 2:
            self._blocks[(block.type, block.labels[0], block.labels[1])] = (block, path)
        elif block.type == "variable" and block.labels:
            default = block.attributes.get("default")
            if default is not None:
                self._variable_defaults[block.labels[0]] = default.expression
        elif block.type == "locals":
            for name, attribute in block.attributes.items():
                self._locals[name] = attribute.expression
        elif block.type == "module" and block.labels:
            self._calls[block.labels[0]] = (block, path)
        elif block.type == "output" and block.labels and "value" in block.attributes:
            self._outputs[block.labels[0]] = block.attributes["value"].expression

    def resolved_blocks(self) -> list[ResolvedBlock]:
        """Every resource and data source instance, then those of the module calls, in
        declaration order (files sorted by path): the same input gives the same order."""
        resolved = []
        for (mode, block_type, name), (block, path) in self._blocks.items():
            for instance in self._instances((mode, block_type, name)):
                config = self.block_config(mode, block_type, name, instance.key)
                resolved.append(ResolvedBlock(
                    mode, block_type, name, path, block.line, block.end_line, config,
                    self.module_dir, self.module_address, instance.key, self.root_dir))
        for call_name in self._calls:
            for instance in self._instances(("module", call_name)):
                child = self._child(call_name, instance)
                if isinstance(child, ModuleScope):
                    resolved.extend(child.resolved_blocks())
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
        instance = next((item for item in self._instances((mode, block_type, name))
                         if item.key == instance_key), Instance(instance_key))
        self._in_progress.add(key)
        saved, self._bindings = self._bindings, dict(instance.bindings)
        try:
            config = self._block_node(block)
        finally:
            self._bindings = saved
            self._in_progress.discard(key)
        self._cache[key] = config
        return config

    def _block_node(self, block: HclBlock) -> ConfigNode:
        node = ConfigNode(block.line, block.end_line)
        for name, attribute in block.attributes.items():
            node.set(name, self.evaluate(attribute.expression), attribute.line)
        for child in block.blocks:
            if child.type == "dynamic" and child.labels:
                self._dynamic(node, child)
                continue
            append_block(node, child.type, self._block_node(child), child.line)
        return node

    # --- expressions -------------------------------------------------------------------

    def evaluate(self, expression: hx.Expr) -> Any:  # noqa: C901 - one dispatch over node kinds
        if isinstance(expression, hx.Literal):
            return expression.value
        if isinstance(expression, hx.Template):
            return self._template(expression)
        if isinstance(expression, (hx.Variable, hx.GetAttr, hx.Index)):
            return self._traversal(expression)
        if isinstance(expression, hx.TupleExpr):
            return [self.evaluate(item) for item in expression.items]
        if isinstance(expression, hx.ObjectExpr):
            node = ConfigNode(expression.line)
            for key_expression, value_expression in expression.items:
                key = (key_expression.name if isinstance(key_expression, hx.Variable)
                       else self.evaluate(key_expression))
                if not isinstance(key, str):
                    return Unknown("object key is not known")
                node.set(key, self.evaluate(value_expression), value_expression.line)
            return node
        if isinstance(expression, hx.Conditional):
            return self._conditional(expression)
        if isinstance(expression, hx.Call):
            if expression.name in ("try", "can"):
                return self._try(expression)
            args = [self.evaluate(arg) for arg in expression.args]
            if expression.expand_last and args and isinstance(args[-1], list):
                args = args[:-1] + list(args[-1])
            return call(expression.name, args)
        if isinstance(expression, hx.BinaryOp):
            return _binary(expression.operator, self.evaluate(expression.left),
                           self.evaluate(expression.right))
        if isinstance(expression, hx.UnaryOp):
            operand = self.evaluate(expression.operand)
            if not is_known(operand):
                return Unknown("operand is not known")
            if expression.operator == "!":
                return not operand if isinstance(operand, bool) else Unknown("! of a non-bool")
            return -operand if isinstance(operand, (int, float)) else Unknown("- of a non-number")
        if isinstance(expression, hx.Opaque):
            return Unknown(f"{expression.kind} is not evaluated")
        return Unknown("expression is not evaluated")

    def _template(self, expression: hx.Template) -> Any:
        pieces: list[str] = []
        complete = True
        for part in expression.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            value = self.evaluate(part)
            if isinstance(value, bool):
                pieces.append("true" if value else "false")
            elif isinstance(value, (str, int, float)):
                pieces.append(str(value))
            elif isinstance(value, PartialText):
                pieces.append(value.text)
                complete = False
            else:
                pieces.append("${" + (str(value) if isinstance(value, ResourceRef) else "unknown")
                              + "}")
                complete = False
        text = "".join(pieces)
        return text if complete else PartialText("string interpolates unknown values", text)

    def _conditional(self, expression: hx.Conditional) -> Any:
        condition = self.evaluate(expression.condition)
        if isinstance(condition, bool):
            return self.evaluate(expression.if_true if condition else expression.if_false)
        if_true = self.evaluate(expression.if_true)
        if_false = self.evaluate(expression.if_false)
        if is_known(if_true) and is_known(if_false) and if_true == if_false:
            return if_true
        return Branches((if_true, if_false), (f"true branch (line {expression.if_true.line})",
                                               f"false branch (line {expression.if_false.line})"))

    def _try(self, expression: hx.Call) -> Any:
        # Terraform falls back only from errors; a value that is merely unknown here
        # (a variable with no value) may be fine at apply time, so it stays unknown.
        for arg in expression.args:
            value = self.evaluate(arg)
            if expression.name == "can":
                if isinstance(value, EvaluationError):
                    return False
                return True if is_known(value) else Unknown("can() of an unknown value")
            if not isinstance(value, EvaluationError):
                return value
        return Unknown("every argument of try() fails")

    def _traversal(self, expression: hx.Expr) -> Any:
        steps: list[Any] = []
        node = expression
        while isinstance(node, (hx.GetAttr, hx.Index)):
            steps.append(node.name if isinstance(node, hx.GetAttr) else node.key)
            node = node.target
        steps.reverse()
        if not isinstance(node, hx.Variable):
            return self._walk(self.evaluate(node), steps)
        root = node.name
        names = [step for step in steps if isinstance(step, str)]
        if root in self._bindings:  # count.index, each.value.x, a dynamic block's iterator
            return self._walk(self._bindings[root], steps)
        if root == "var" and names:
            return self._walk(self._variable(steps[0]), steps[1:])
        if root == "local" and names:
            return self._walk(self._local(steps[0]), steps[1:])
        if root == "module" and names:
            return self._module_output(steps)
        if root in _RUNTIME_ROOTS:
            return Unknown(_RUNTIME_ROOTS[root])
        if root == "data" and len(steps) >= 2 and isinstance(steps[1], str):
            return self._reference("data", steps[0], steps[1], steps[2:])
        if steps and isinstance(steps[0], str):
            return self._reference("resource", root, steps[0], steps[1:])
        return Unknown(f"{root} is not a known reference")

    def _reference(self, mode: str, block_type: str, name: str, rest: list[Any]) -> Any:
        key = (mode, block_type, name)
        label = f"data.{block_type}" if mode == "data" else block_type
        if key not in self._blocks:
            return Unknown(f"{label}.{name} is not declared in the scanned files")
        index = self.evaluate(rest[0]) if rest and isinstance(rest[0], hx.Expr) else None
        instances = self._instances(key)
        instance = pick(instances, index)
        # With an unknown index into several instances, which one is meant is not known:
        # the reference still names the resource, but none of its arguments is read back.
        exact = len(instances) == 1 or (index is not None and is_known(index))
        if instance is None:
            return Unknown(f"{label}.{name}{key_suffix(index) if is_known(index) else ''} "
                           "is not an instance (count is 0 or for_each is empty)")
        # Further indexes (`.tags["x"]`) do not change which block it is.
        rest = [step for step in rest if isinstance(step, str)]
        arguments = self.block_config(*key, instance.key)
        attribute = rest[0] if rest else None
        if exact and attribute is not None and attribute in arguments and mode == "resource" \
                and len(rest) == 1 and attribute not in ("id", "arn"):
            # An argument read back (`aws_s3_bucket.b.bucket`) is the argument's value.
            value = arguments.get(attribute)
            if is_known(value):
                return value
        return ResourceRef(label, name, attribute, arguments)

    def _variable(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unknown("variable name is not known")
        if name in self._inputs:  # the module call's argument wins over the default
            return self._inputs[name]
        if name in self._given:
            return self._cached_eval(("var", name), self._given[name].expression)
        if name in self._variable_defaults:
            return self._cached_eval(("var", name), self._variable_defaults[name])
        if self.module_address:
            return Unknown(f"var.{name} has no value ({self.module_address} does not pass it "
                           "and it has no default)")
        return Unknown(f"var.{name} has no value (no default, no tfvars)")

    def _local(self, name: Any) -> Any:
        if not isinstance(name, str) or name not in self._locals:
            return Unknown(f"local.{name} is not declared in the scanned files")
        return self._cached_eval(("local", name), self._locals[name])

    def _cached_eval(self, key: tuple[str, str], expression: hx.Expr) -> Any:
        if key in self._local_cache:
            return self._local_cache[key]
        if key in self._in_progress:
            return Unknown(f"{key[0]}.{key[1]} refers to itself")
        self._in_progress.add(key)
        try:
            value = self.evaluate(expression)
        finally:
            self._in_progress.discard(key)
        self._local_cache[key] = value
        return value

    def _walk(self, value: Any, steps: list[Any]) -> Any:
        for step in steps:
            if isinstance(step, hx.Expr):
                step = self.evaluate(step)
            if isinstance(value, ConfigNode) and isinstance(step, str):
                if step not in value:
                    return EvaluationError(f"attribute {step} is not set")
                value = value.get(step)
            elif (isinstance(value, list) and isinstance(step, int)
                  and -len(value) <= step < len(value)):
                value = value[step]
            elif isinstance(value, (Unknown, Branches, ResourceRef)):
                return value if isinstance(value, Unknown) else Unknown(f"attribute of {value}")
            else:
                return EvaluationError("value has no such attribute or index")
        return value


_COMPARISONS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
}


def _binary(operator: str, left: Any, right: Any) -> Any:
    if operator == "&&":
        if left is False or right is False:
            return False
    if operator == "||":
        if left is True or right is True:
            return True
    if not (is_known(left) and is_known(right)):
        return Unknown(f"operand of {operator} is not known")
    if operator in ("&&", "||"):
        return (left and right) if operator == "&&" else (left or right)
    if isinstance(left, (ConfigNode, list)) or isinstance(right, (ConfigNode, list)):
        if operator in ("==", "!="):
            equal = json.dumps(plain(left)) == json.dumps(plain(right))
            return equal if operator == "==" else not equal
        return Unknown(f"{operator} of collections")
    try:
        return _COMPARISONS[operator](left, right)
    except (TypeError, ZeroDivisionError, KeyError):
        return Unknown(f"{operator} could not be evaluated")

