"""Expressions of a Terraform module scope: the dispatch over node kinds, objects,
operators, calls, conditionals, try()/can() and traversal steps (a mixin of ModuleScope).

Every evaluation counts against the scope's budget (MAX_EVALUATION_STEPS) and nesting
depth (MAX_EVALUATION_DEPTH): past either the value is an Unknown naming the limit, so a
hostile configuration ends in UNKNOWN findings instead of a hang or a stack overflow.
An error Terraform itself would report (a missing attribute, an index out of range, a
failing function) is an `EvaluationError` that spreads to the enclosing expression, so
`try()` falls back from it and `can()` is false.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from linter.parsers import hcl_expressions as hx
from linter.resolve.hcl_functions import call
from linter.resolve.hcl_operators import (
    NEVER_NULL_ATTRIBUTES,
    LimitReached,
    binary,
    collapse,
    error_in,
    to_bool,
    to_number,
    to_text,
    unary,
)
from linter.values import (
    Branches,
    ConfigNode,
    EvaluationError,
    PartialText,
    ResourceRef,
    Unknown,
    is_known,
)

# Evaluation steps one module scope may take: a hostile or runaway configuration (nested
# for expressions over large ranges) ends as Unknown values naming the limit, not a hang.
MAX_EVALUATION_STEPS = 2_000_000
# Expressions evaluated inside one another (locals referring to locals, nested calls):
# deeper chains end as Unknown instead of overflowing Python's stack. A level takes at
# most 5 Python frames (a resource read through its arguments), so 120 levels stay well
# inside Python's default limit of 1000 frames.
MAX_EVALUATION_DEPTH = 120


class ExpressionsMixin:
    """Part of ModuleScope; the state below is set by ModuleScope.__init__."""

    module_dir: str
    module_address: str
    library: Any  # a ModuleLibrary, or None
    _bindings: dict[str, Any]
    _isolated: bool
    _steps: int
    _depth: int
    _dispatch: dict[type, Callable[[Any, Any], Any]]  # handlers(type(self))
    _folder: str | None = None  # _base_dir, once known

    if TYPE_CHECKING:  # provided by ModuleScope and its other mixins
        def _traversal(self, expression: hx.Expr) -> Any: ...
        def _for_expression(self, expression: hx.ForExpr) -> Any: ...
        def _splat(self, expression: hx.Splat) -> Any: ...
        def _template(self, expression: hx.Template) -> Any: ...
        def _template_if(self, expression: hx.TemplateIf) -> Any: ...
        def _template_for(self, expression: hx.TemplateFor) -> Any: ...
        def render_template(self, text: str, variables: Any) -> Any: ...

    def evaluate(self, expression: hx.Expr) -> Any:
        """The value of an expression; never raises for any input."""
        self._steps += 1
        if self._steps > MAX_EVALUATION_STEPS:
            return self.budget_spent()
        kind = type(expression)
        if kind is hx.Literal:
            return expression.value
        if self._depth >= MAX_EVALUATION_DEPTH:
            return LimitReached(f"expressions nested deeper than the limit of "
                                f"{MAX_EVALUATION_DEPTH} (locals referring to locals?)")
        handler = self._dispatch.get(kind)
        if handler is None:
            return Unknown("expression is not evaluated")
        self._depth += 1
        try:
            # Handlers call evaluate() directly: the fewer Python frames per level, the
            # deeper an expression can be before Python's own stack limit.
            return handler(self, expression)
        except RecursionError:
            return LimitReached("expression nested too deeply to evaluate (stack limit)")
        finally:
            self._depth -= 1

    def budget_spent(self) -> Unknown | None:
        if self._steps <= MAX_EVALUATION_STEPS:
            return None
        return LimitReached(f"evaluation stopped at the limit of {MAX_EVALUATION_STEPS} steps "
                            f"for module {self.module_address or self.module_dir}")

    def _tuple(self, expression: hx.TupleExpr) -> Any:
        items = [self.evaluate(item) for item in expression.items]
        return error_in(items) or items

    def _binary(self, expression: hx.BinaryOp) -> Any:
        left = self.evaluate(expression.left)
        if expression.operator in ("&&", "||") and \
                to_bool(left) is (expression.operator == "||"):
            # `false && x` and `true || x` are decided without evaluating x (as HCL does).
            return expression.operator == "||"
        return binary(expression.operator, left, self.evaluate(expression.right))

    def _unary(self, expression: hx.UnaryOp) -> Any:
        return unary(expression.operator, self.evaluate(expression.operand))

    def _opaque(self, expression: hx.Opaque) -> Any:
        return Unknown(f"{expression.kind} is not evaluated")

    def _object(self, expression: hx.ObjectExpr) -> Any:
        node = ConfigNode(expression.line)
        for key_expression, value_expression in expression.items:
            # A bare name is the key itself; anything else (a string, `(var.k)`) is evaluated.
            key = (key_expression.name if isinstance(key_expression, hx.Variable)
                   else to_text(self.evaluate(key_expression)))
            if isinstance(key, Unknown):
                return key if isinstance(key, EvaluationError) else Unknown(
                    "object key is not known")
            value = self.evaluate(value_expression)
            if isinstance(value, EvaluationError):
                return value
            node.set(key, value, value_expression.line)
        return node

    def _call(self, expression: hx.Call) -> Any:
        if expression.name in ("try", "can"):
            return self._try(expression)
        args = [self.evaluate(arg) for arg in expression.args]
        if expression.expand_last and args:
            last = args.pop()
            if not isinstance(last, list):
                return last if isinstance(last, Unknown) else EvaluationError(
                    f"{expression.name}(...): the expanded argument is not a list")
            args.extend(last)
        error = error_in(args)
        if error is not None:
            return error
        if self._isolated and expression.name == "templatefile":
            return EvaluationError("templatefile() cannot be called from a template file")
        # The library answers impure functions (timestamp(), uuid()) with Unknown itself.
        return call(expression.name, args, base_dir=self._base_dir(),
                    render_template=self.render_template)

    def _base_dir(self) -> str:
        """The module folder on disk: module_dir is relative to the scan root, which need
        not be the folder the scan runs in (made once per scope: every call passes it)."""
        if self._folder is None:
            self._folder = self.module_dir if self.library is None else \
                os.path.join(self.library.root, self.module_dir)
        return self._folder

    def _conditional(self, expression: hx.Conditional) -> Any:
        condition = to_bool(self.evaluate(expression.condition))
        if isinstance(condition, EvaluationError):
            return condition
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
        if expression.name == "can":
            if len(expression.args) != 1:
                return EvaluationError("can() takes exactly one argument")
            value = self.evaluate(expression.args[0])
            if isinstance(value, EvaluationError):
                return False
            return True if is_known(value) else Unknown("can() of an unknown value")
        for arg in expression.args:
            value = self.evaluate(arg)
            if isinstance(value, Branches) and error_in(value.options):
                # Which branch applies, and so whether try() falls back, is not known.
                return Unknown("try() of a conditional whose unknown condition picks "
                               "between an error and a value")
            if not isinstance(value, EvaluationError):
                return value
        return EvaluationError("every argument of try() fails")

    def _walk(self, value: Any, steps: Sequence[Any]) -> Any:
        """`value.a[0]["k"]...`: a missing attribute or key, an index out of range or
        any step into null is an EvaluationError (what try() falls back from)."""
        for position, step in enumerate(steps):
            if type(value) is ConfigNode and type(step) is str and step in value.values:
                # The common step, an attribute an object has (what _step would give).
                value = value.values[step]
                if isinstance(value, Unknown):
                    return value
                continue
            if isinstance(value, Branches):  # each branch walked on its own
                return collapse(Branches(tuple(self._walk(option, steps[position:])
                                               for option in value.options), value.labels))
            attribute = isinstance(step, str)  # `.name`, as opposed to an index `[...]`
            value = _step(value, self.evaluate(step) if isinstance(step, hx.Expr) else step,
                          attribute)
            if isinstance(value, Unknown):
                return value
        return value


def _step(value: Any, step: Any, attribute: bool) -> Any:
    """One attribute (`attribute`) or index step of a traversal."""
    if isinstance(value, EvaluationError):
        return value
    if isinstance(step, EvaluationError):
        return step
    if isinstance(step, (Unknown, ResourceRef, Branches)):
        return value if isinstance(value, Unknown) else Unknown(
            f"an index is not known ({step.reason if isinstance(step, Unknown) else step})")
    if isinstance(value, PartialText):
        return EvaluationError("a string has no attributes or elements")
    if isinstance(value, Unknown):
        return value
    if isinstance(value, ResourceRef):
        if value.attribute is None and attribute:
            return resource_attribute(value, step)
        return Unknown(f"attribute of {value}")
    if value is None:
        return EvaluationError(f"cannot read {'attribute ' if attribute else 'index '}"
                               f"{step} of null")
    if isinstance(value, ConfigNode):
        key = to_text(step)
        if isinstance(key, Unknown) or key not in value:
            return EvaluationError(f"attribute {step} is not set" if attribute
                                   else f"key {step!r} is not in the map")
        return value.get(key)
    if isinstance(value, list):
        index = to_number(step)
        if attribute or isinstance(index, Unknown) or not float(index).is_integer():
            return EvaluationError(f"a list has no attribute {step}" if attribute
                                   else "a list index must be a whole number")
        if not 0 <= index < len(value):
            return EvaluationError(f"index {step!r} is out of range (the list has "
                                   f"{len(value)} elements)")
        return value[int(index)]
    return EvaluationError(f"a {type(value).__name__} has no attribute or element {step!r}")


def resource_attribute(resource: ResourceRef, attribute: str) -> Any:
    """`aws_s3_bucket.b.bucket`: an argument the block writes, when known, is read back as
    its value; anything else (`id`, `arn`, computed attributes, a data source's results)
    is a reference known only at apply."""
    arguments = resource.arguments
    if not resource.resource_type.startswith("data.") and \
            attribute not in NEVER_NULL_ATTRIBUTES and isinstance(arguments, ConfigNode) \
            and attribute in arguments and is_known(arguments.get(attribute)):
        return arguments.get(attribute)
    return ResourceRef(resource.resource_type, resource.name, attribute, arguments)


def handlers(scope_class: type) -> dict[type, Callable[[Any, Any], Any]]:
    """The methods of `scope_class` named in _HANDLERS by node kind, looked up once per
    class (not once per evaluated node); a scope keeps them as `_dispatch`."""
    found = _HANDLER_METHODS.get(scope_class)
    if found is None:
        found = _HANDLER_METHODS[scope_class] = {
            kind: getattr(scope_class, name) for kind, name in _HANDLERS.items()}
    return found


# The ExpressionsMixin (or other mixin) method evaluating each kind of node.
_HANDLERS: dict[type, str] = {
    hx.Template: "_template",
    hx.Variable: "_traversal",
    hx.GetAttr: "_traversal",
    hx.Index: "_traversal",
    hx.TupleExpr: "_tuple",
    hx.ObjectExpr: "_object",
    hx.Conditional: "_conditional",
    hx.Call: "_call",
    hx.BinaryOp: "_binary",
    hx.UnaryOp: "_unary",
    hx.ForExpr: "_for_expression",
    hx.Splat: "_splat",
    hx.TemplateIf: "_template_if",
    hx.TemplateFor: "_template_for",
    hx.Opaque: "_opaque",
}
_HANDLER_METHODS: dict[type, dict[type, Callable[[Any, Any], Any]]] = {}
