"""String functions (format and formatlist are in formatting.py, regex in regex.py)."""

from __future__ import annotations

import re
from typing import Any

from linter.resolve.functions import regex
from linter.resolve.functions.base import (
    CallContext,
    FunctionError,
    NotEvaluated,
    check_count,
    check_length,
    check_text,
    is_unknown,
    known,
    lenient,
    with_context,
)
from linter.resolve.functions.conversions import (
    as_integer,
    as_map,
    as_string,
    as_strings,
    type_name,
)
from linter.resolve.functions.text import (
    go_lower,
    go_title,
    go_trim_space,
    go_upper,
    graphemes,
)
from linter.values import PartialText, ResourceRef, Unknown

_TRAILING_NEWLINES = re.compile(r"(?:\r\n?|\n)*\Z")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_TEMPLATE_PART = re.compile(r"\$\$\{|%%\{|\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}|\$\{|%\{")


def _unary(transform: Any) -> Any:
    return lambda text: transform(as_string(text))


def _chomp(text: Any) -> str:
    return _TRAILING_NEWLINES.sub("", as_string(text), count=1)


def _indent(spaces: Any, text: Any) -> str:
    width, body = as_integer(spaces, "spaces"), as_string(text)
    if width < 0:
        raise FunctionError("spaces must not be negative")
    check_length(len(body) + body.count("\n") * width)
    return body.replace("\n", "\n" + " " * width)


def _join(separator: Any, *lists: Any) -> Any:
    if not lists:
        raise FunctionError("at least one list is required")
    if is_unknown(separator) or any(not isinstance(value, (list, tuple)) and is_unknown(value)
                                    for value in lists):
        return Unknown("join() of an unknown value")
    glue = as_string(separator, "separator")
    given = [item for value in lists for item in value] \
        if all(isinstance(value, (list, tuple)) for value in lists) else None
    if given is not None and any(is_unknown(item) for item in given):
        # `join("", aws_x.y[*].arn)` over a single resource is that resource's attribute:
        # keep the reference, so relations and keys still resolve.
        written = [item for item in given if item != ""]
        if len(written) == 1 and isinstance(written[0], ResourceRef) \
                and (glue == "" or len(given) == 1):
            return written[0]
        return Unknown("join() of an unknown value")
    items = [item for value in lists for item in as_strings(value, "list")]
    check_length(sum(map(len, items)) + len(glue) * max(len(items) - 1, 0))
    return glue.join(items)


def _split(separator: Any, text: Any) -> list[str]:
    glue, body = as_string(separator, "separator"), as_string(text)
    if glue == "":  # Go splits into single characters (code points)
        check_count(len(body))
        return list(body)
    return body.split(glue)


def _replace(text: Any, search: Any, replacement: Any) -> str:
    body, needle, new = as_string(text), as_string(search, "substring"), as_string(replacement)
    if len(needle) > 1 and needle.startswith("/") and needle.endswith("/"):
        return regex.replace_pattern(body, needle[1:-1], new)
    occurrences = body.count(needle) if needle else len(body) + 1
    check_length(len(body) + occurrences * (len(new) - len(needle)))
    return body.replace(needle, new)


def _startswith(text: Any, prefix: Any) -> Any:
    if is_unknown(prefix):
        return Unknown("startswith() of an unknown value")
    wanted = as_string(prefix, "prefix")
    if isinstance(text, PartialText):
        # Terraform answers from the known start of a partly unknown string.
        known_start = text.text.split("${", 1)[0]
        if wanted == "" or known_start.startswith(wanted):
            return True
        if len(known_start) >= len(wanted):
            return False
        return Unknown("startswith() of an unknown value")
    if is_unknown(text):
        return True if wanted == "" else Unknown("startswith() of an unknown value")
    return as_string(text).startswith(wanted)


def _strrev(text: Any) -> str:
    return "".join(reversed(graphemes(as_string(text))))


def _substr(text: Any, offset: Any, length: Any) -> str:
    body = as_string(text)
    start, count = as_integer(offset, "offset"), as_integer(length, "length")
    clusters = graphemes(body)
    total = len(clusters)
    if start < 0:
        start = max(start + total, 0)
    elif count == 0:
        return ""
    if start >= total:
        return ""
    # A length of zero with a negative offset reads to the end, as Terraform does.
    end = total if count <= 0 else start + count
    return "".join(clusters[start:end])


def _trim(text: Any, cutset: Any) -> str:
    return as_string(text).strip(as_string(cutset, "cutset"))


def _trimprefix(text: Any, prefix: Any) -> str:
    return as_string(text).removeprefix(as_string(prefix, "prefix"))


def _trimsuffix(text: Any, suffix: Any) -> str:
    return as_string(text).removesuffix(as_string(suffix, "suffix"))


def _strcontains(text: Any, substring: Any) -> bool:
    return as_string(substring, "substring") in as_string(text)


def _endswith(text: Any, suffix: Any) -> bool:
    return as_string(text).endswith(as_string(suffix, "suffix"))


def render_simple(template: str, variables: dict[str, Any]) -> Any:
    """A template that is plain text with `${name}` interpolations only, rendered.

    Anything more (directives, expressions) needs the evaluator's renderer.
    """
    out, position = [], 0
    for match in _TEMPLATE_PART.finditer(template):
        out.append(template[position:match.start()])
        position = match.end()
        token = match.group()
        if token in ("$${", "%%{"):
            out.append(token[1:])
        elif match.group(1) is None:
            raise NotEvaluated("the template uses expressions or directives, which need the "
                               "evaluator's renderer")
        else:
            name = match.group(1)
            if name not in variables:
                raise FunctionError(f"vars map does not contain key {name!r}")
            value = variables[name]
            if value is None:
                raise FunctionError(f"template variable {name!r} is null")
            if is_unknown(value):
                raise NotEvaluated("the template interpolates an unknown value")
            if type_name(value) not in ("string", "number", "bool"):
                raise FunctionError(f"template variable {name!r} is a {type_name(value)}, "
                                    "not a string")
            out.append(as_string(value))
    out.append(template[position:])
    return check_text("".join(out))


def template_variables(vars_value: Any) -> dict[str, Any]:
    mapping = as_map(vars_value, "vars")
    for name in mapping.values:
        if not _IDENTIFIER.fullmatch(name):
            raise FunctionError(f"invalid template variable name {name!r}")
    return dict(mapping.items())


def render(context: CallContext, template: str, vars_value: Any) -> Any:
    variables = template_variables(vars_value)
    if context.render_template is not None:
        return context.render_template(template, variables)
    return render_simple(template, variables)


def _templatestring(context: CallContext, template: Any, vars_value: Any) -> Any:
    # The variables may be partly unknown: the renderer shows those parts as `${...}`.
    if is_unknown(template) or is_unknown(vars_value):
        return Unknown("templatestring() of an unknown value")
    return render(context, as_string(template, "template"), vars_value)


FUNCTIONS = {
    "chomp": known("chomp", _chomp, 1),
    "endswith": known("endswith", _endswith, 2),
    "indent": known("indent", _indent, 2),
    "join": lenient("join", _join, 1, None),
    "lower": known("lower", _unary(go_lower), 1),
    "upper": known("upper", _unary(go_upper), 1),
    "regex": known("regex", regex.regex, 2),
    "regexall": known("regexall", regex.regexall, 2),
    "replace": known("replace", _replace, 3),
    "split": known("split", _split, 2),
    "startswith": lenient("startswith", _startswith, 2),
    "strcontains": known("strcontains", _strcontains, 2),
    "strrev": known("strrev", _strrev, 1),
    "substr": known("substr", _substr, 3),
    "title": known("title", _unary(go_title), 1),
    "trim": known("trim", _trim, 2),
    "trimprefix": known("trimprefix", _trimprefix, 2),
    "trimspace": known("trimspace", _unary(go_trim_space), 1),
    "trimsuffix": known("trimsuffix", _trimsuffix, 2),
}

CONTEXT_FUNCTIONS = {
    "templatestring": with_context("templatestring", _templatestring, 2, wholly_known=False),
}
