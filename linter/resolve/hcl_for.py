"""`for` expressions and splats (a mixin of ModuleScope).

- `[for v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`
  iterate a list by index, a map or object by key in lexical order (as Terraform does);
  an `if` condition not known for some element makes the whole result unknown, never a
  guess; a collection past MAX_COLLECTION_SIZE elements gives an Unknown naming the limit.
- `coll[*].a` / `coll.*.a`: the steps applied to each element; a single non-list value
  is wrapped in a list, null gives []; on a resource with `count` one reference per
  instance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from linter.parsers import hcl_expressions as hx
from linter.parsers.terraform import HclBlock
from linter.resolve.hcl_operators import LimitReached, error_in, to_bool, to_text
from linter.resolve.terraform_modules import Instance
from linter.values import Branches, ConfigNode, EvaluationError, ResourceRef, Unknown

# Elements one for expression (or template `for` directive) may iterate over.
MAX_COLLECTION_SIZE = 100_000
# Roots of a traversal that never name a resource.
_NOT_RESOURCE_ROOTS = frozenset({"var", "local", "module", "count", "each", "self", "path",
                                 "terraform"})


def iteration_pairs(collection: Any, what: str) -> list[tuple[Any, Any]] | Unknown:
    """(key, element) pairs of a collection: a list by index, a map or object by key in
    lexical order; or why it cannot be iterated (EvaluationError) or is not known."""
    if isinstance(collection, EvaluationError):
        return collection
    if isinstance(collection, list):
        pairs: list[tuple[Any, Any]] = list(enumerate(collection))
    elif isinstance(collection, ConfigNode):
        pairs = sorted(collection.items(), key=lambda item: item[0])
    elif collection is None:
        return EvaluationError(f"{what} over null")
    elif isinstance(collection, Unknown):
        return Unknown(f"{what} over a value that is not known ({collection.reason})")
    elif isinstance(collection, (Branches, ResourceRef)):
        return Unknown(f"{what} over a value that is not known until apply ({collection})")
    else:
        return EvaluationError(f"{what} over a {type(collection).__name__}, not a collection")
    if len(pairs) > MAX_COLLECTION_SIZE:
        return LimitReached(f"{what} over {len(pairs)} elements: past the limit of "
                            f"{MAX_COLLECTION_SIZE} elements")
    return pairs


class IterationMixin:
    """Part of ModuleScope; the state below is set by ModuleScope.__init__."""

    _bindings: dict[str, Any]
    _blocks: dict[tuple[str, str, str], tuple[HclBlock, str]]

    if TYPE_CHECKING:  # provided by ModuleScope and its other mixins
        def evaluate(self, expression: hx.Expr) -> Any: ...
        def _walk(self, value: Any, steps: Sequence[Any]) -> Any: ...
        def _reference(self, mode: str, block_type: str, name: str,
                       rest: Sequence[Any]) -> Any: ...
        def _instances(self, key: tuple[str, ...]) -> list[Instance]: ...
        def _whole_resource(self, key: tuple[str, str, str]) -> Any: ...
        def budget_spent(self) -> Unknown | None: ...

    def iterate(self, pairs: list[tuple[Any, Any]], key_name: str | None, value_name: str,
                body: Any) -> Any:
        """Call `body()` once per pair with the symbols bound; stop at the first result
        that is an Unknown (returned) instead of None."""
        saved = self._bindings
        try:
            for key, item in pairs:
                names = {value_name: item} if key_name is None else {key_name: key,
                                                                     value_name: item}
                self._bindings = {**saved, **names}
                stop = body()
                if stop is not None:
                    return stop
                spent = self.budget_spent()
                if spent is not None:
                    return spent
        finally:
            self._bindings = saved
        return None

    def _for_expression(self, expression: hx.ForExpr) -> Any:
        pairs = iteration_pairs(self.evaluate(expression.collection),
                                f"for expression (line {expression.line})")
        if isinstance(pairs, Unknown):
            return pairs
        keys: list[str] = []
        values: list[Any] = []

        def element() -> Unknown | None:
            if expression.condition is not None:
                keep = to_bool(self.evaluate(expression.condition))
                if isinstance(keep, EvaluationError):
                    return keep
                if isinstance(keep, Unknown):
                    return Unknown(f"the if condition of the for expression (line "
                                   f"{expression.line}) is not known ({keep.reason})")
                if not keep:
                    return None
            if expression.key is not None:
                key = to_text(self.evaluate(expression.key))
                if isinstance(key, Unknown):
                    return key if isinstance(key, EvaluationError) else Unknown(
                        f"a key of the for expression (line {expression.line}) is not known")
                keys.append(key)
            value = self.evaluate(expression.value)
            if isinstance(value, EvaluationError):
                return value
            values.append(value)
            return None

        stop = self.iterate(pairs, expression.key_name, expression.value_name, element)
        if stop is not None:
            return stop
        if expression.key is None:
            return values
        return _object(expression, keys, values)

    def _splat(self, expression: hx.Splat) -> Any:
        resource = self._splat_resource(expression.target)
        if resource is not None:
            return self._resource_splat(resource, list(expression.steps), expression.line)
        return self._value_splat(self.evaluate(expression.target), list(expression.steps))

    def _value_splat(self, value: Any, steps: list[Any]) -> Any:
        if value is None:
            return []
        if isinstance(value, Branches):
            return Branches(tuple(self._value_splat(option, steps) for option in value.options),
                            value.labels)
        if isinstance(value, Unknown):
            return value
        items = value if isinstance(value, list) else [value]  # a single value is wrapped
        if len(items) > MAX_COLLECTION_SIZE:
            return LimitReached(f"splat over {len(items)} elements: past the limit of "
                                f"{MAX_COLLECTION_SIZE} elements")
        results = [self._walk(item, steps) for item in items]
        return error_in(results) or results

    def _splat_resource(self, target: hx.Expr) -> tuple[str, str, str] | None:
        """(mode, type, name) when the splat's target names a declared resource or data
        source as a whole (`aws_s3_bucket.b[*]`, `data.aws_iam_role.r[*]`)."""
        if not isinstance(target, hx.GetAttr):
            return None
        inner = target.target
        if isinstance(inner, hx.Variable) and inner.name not in self._bindings and \
                inner.name not in _NOT_RESOURCE_ROOTS and inner.name != "data":
            key = ("resource", inner.name, target.name)
        elif isinstance(inner, hx.GetAttr) and isinstance(inner.target, hx.Variable) and \
                inner.target.name == "data" and "data" not in self._bindings:
            key = ("data", inner.name, target.name)
        else:
            return None
        return key if key in self._blocks else None

    def _resource_splat(self, key: tuple[str, str, str], steps: list[Any], line: int) -> Any:
        mode, block_type, name = key
        whole = self._whole_resource(key)
        if isinstance(whole, Unknown):
            return whole
        if isinstance(whole, ConfigNode):
            # A for_each resource is a map of instances: Terraform wraps the whole map.
            return EvaluationError(f"{'data.' if mode == 'data' else ''}{block_type}.{name} "
                                   "uses for_each: a splat over it needs values()")
        results = [self._reference(mode, block_type, name,
                                   [hx.Literal(line, instance.key), *steps]
                                   if instance.key is not None else steps)
                   for instance in self._instances(key)]
        return error_in(results) or results


def _object(expression: hx.ForExpr, keys: list[str], values: list[Any]) -> Any:
    node = ConfigNode(expression.line)
    if expression.grouping:
        groups: dict[str, list[Any]] = {}
        for key, value in zip(keys, values):
            groups.setdefault(key, []).append(value)
        for key, group in groups.items():
            node.set(key, group, expression.line)
        return node
    for key, value in zip(keys, values):
        if key in node:
            return EvaluationError(f'duplicate key "{key}" in the for expression (line '
                                   f"{expression.line}); add ... after the value to group")
        node.set(key, value, expression.line)
    return node
