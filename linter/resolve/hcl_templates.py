"""String templates: interpolation, `%{ if }` / `%{ for }` directives and the templates
`templatefile()` renders (a mixin of ModuleScope).

A template's parts are rendered as Terraform writes them (`true`, `2`, `2.5`); a part
that is not known leaves a `${...}` placeholder in a PartialText, so policy documents
keep their known skeleton. An error in any part (a null or a list interpolated, an `if`
condition that is not a bool) is the template's error, for `try()` to fall back from.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from linter.parsers import hcl_expressions as hx
from linter.parsers.hcl_template_syntax import template_text
from linter.resolve.hcl_for import iteration_pairs
from linter.resolve.hcl_operators import LimitReached, collapse, to_bool, to_text
from linter.values import Branches, ConfigNode, EvaluationError, PartialText, ResourceRef, Unknown

# Characters one template may produce: string doubling through locals must not exhaust
# memory (2**40 characters after forty doublings).
MAX_TEXT_LENGTH = 10 * 1024 * 1024


class TemplatesMixin:
    """Part of ModuleScope; the state below is set by ModuleScope.__init__."""

    _bindings: dict[str, Any]
    # True while a templatefile() template is rendered: only its variables are in scope.
    _isolated: bool

    if TYPE_CHECKING:  # provided by ModuleScope and its other mixins
        def evaluate(self, expression: hx.Expr) -> Any: ...
        def iterate(self, pairs: list[tuple[Any, Any]], key_name: str | None, value_name: str,
                    body: Any) -> Any:
            ...

    def _template(self, expression: hx.Template) -> Any:
        values: list[Any] = []
        for part in expression.parts:
            value = part if isinstance(part, str) else self.evaluate(part)
            if isinstance(value, EvaluationError):
                return value  # the parts after an error are not evaluated
            values.append(value)
        choices = [position for position, value in enumerate(values)
                   if isinstance(value, Branches)]
        if len(choices) == 1:
            # `"p-${var.x ? "a" : "b"}"` is judged per branch, like the conditional itself.
            position = choices[0]
            branches: Branches = values[position]
            return collapse(Branches(tuple(
                _join([*values[:position], option, *values[position + 1:]])
                for option in branches.options), branches.labels))
        return _join(values)

    def _template_if(self, expression: hx.TemplateIf) -> Any:
        condition = to_bool(self.evaluate(expression.condition))
        if isinstance(condition, Unknown):
            return condition if isinstance(condition, EvaluationError) else Unknown(
                f"the if directive's condition (line {expression.line}) is not known "
                f"({condition.reason})")
        return _join([self.evaluate(expression.if_true if condition else expression.if_false)])

    def _template_for(self, expression: hx.TemplateFor) -> Any:
        pairs = iteration_pairs(self.evaluate(expression.collection),
                                f"for directive (line {expression.line})")
        if isinstance(pairs, Unknown):
            return pairs
        rendered: list[Any] = []

        def element() -> Unknown | None:
            text = _join([self.evaluate(expression.body)])
            if isinstance(text, EvaluationError):
                return text
            rendered.append(text)
            return None

        stop = self.iterate(pairs, expression.key_name, expression.value_name, element)
        return stop if stop is not None else _join(rendered)

    def render_template(self, text: str, variables: Any) -> Any:
        """`templatefile()`'s rendering: `text` parsed as a template and evaluated with
        only `variables` (a dict or object of already evaluated values) in scope."""
        if isinstance(variables, ConfigNode):
            variables = dict(variables.items())
        if not isinstance(variables, dict):
            return Unknown("templatefile() variables are not a known object")
        expression = _parsed_template(text)
        saved = self._bindings, self._isolated
        self._bindings, self._isolated = dict(variables), True
        try:
            return self.evaluate(expression)
        finally:
            self._bindings, self._isolated = saved


@functools.lru_cache(maxsize=32)
def _parsed_template(text: str) -> hx.Expr:
    """A template file's text parsed once, however many instances render it (the tree
    is immutable)."""
    return template_text(text, 0)


def _join(values: Iterable[Any]) -> Any:
    """The text of template parts: a str, a PartialText when a part is not known, or the
    first part's error."""
    pieces: list[str] = []
    complete = True
    length = 0
    for value in values:
        text = value if isinstance(value, str) else _text_of(value)
        if isinstance(text, PartialText):
            complete = False
            text = text.text
        elif isinstance(text, Unknown):
            return text  # an error (or a limit reached) in a part is the template's
        length += len(text)
        if length > MAX_TEXT_LENGTH:
            return LimitReached(f"string template longer than the limit of {MAX_TEXT_LENGTH} "
                                "characters")
        pieces.append(text)
    text = "".join(pieces)
    return text if complete else PartialText("string interpolates unknown values", text)


def _text_of(value: Any) -> str | Unknown:
    """The text a part contributes: a placeholder (in a PartialText) for unknown parts."""
    if isinstance(value, (PartialText, EvaluationError, LimitReached)):
        return value
    if isinstance(value, (Unknown, Branches, ResourceRef)):
        placeholder = str(value) if isinstance(value, ResourceRef) else "unknown"
        return PartialText("string interpolates unknown values", "${" + placeholder + "}")
    return to_text(value)
