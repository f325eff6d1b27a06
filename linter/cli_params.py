"""Command-line values converted without pydantic.

typer (0.2x) converts every parameter through a pydantic TypeAdapter built on first use:
importing pydantic and building ~30 adapters cost ~0.2 s of every `ephi-lint scan`,
longer than the scan of one file. Our commands only take str, bool, int, float, Path, an
Enum, and lists of those; for them `install()` gives typer a plain converter that returns
the same values and reports the same errors (tests/test_startup.py holds the two to each
other over every parameter of every command). Any other annotation, or a typer without
this hook, keeps typer's own conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_WHOLE_DECIMAL = re.compile(r"([+-]?[0-9_]+)\.0*")


def _leaf(annotation: Any, parameter_info: Any) -> Any:
    """A function converting one value to `annotation`, or None when not ours to do."""
    from typer import _param_types as types
    from typer._click.exceptions import BadParameter

    if parameter_info.parser is not None or getattr(parameter_info, "click_type", None):
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices = tuple(annotation)
        sensitive = parameter_info.case_sensitive

        def choice(value: Any, param: Any, ctx: Any) -> Any:
            try:
                return types.coerce_cli_choice(value, choices=choices,
                                               case_sensitive=sensitive, ctx=ctx)
            except ValueError as error:  # pydantic's wording, as typer shows it
                raise _bad(f"Value error, {error}", param, ctx) from None
        return choice
    if annotation is bool:
        return _boolean
    if annotation is str:
        return _text
    if annotation is float and parameter_info.min is None and parameter_info.max is None:
        return _float
    if annotation is int and not parameter_info.clamp:
        low, high = parameter_info.min, parameter_info.max

        def integer(value: Any, param: Any, ctx: Any) -> Any:
            number = _integer(value, param, ctx)
            if low is not None and number < low:
                raise _bad(f"Input should be greater than or equal to {low}", param, ctx)
            if high is not None and number > high:
                raise _bad(f"Input should be less than or equal to {high}", param, ctx)
            return number
        return integer
    if annotation is Path and parameter_info.path_type is None:
        def path(value: Any, param: Any, ctx: Any) -> Any:
            if not isinstance(value, (str, Path)):
                return None
            converted = Path(value)  # what pydantic's Path adapter makes of it
            try:
                return types.coerce_cli_path(converted, parameter_info, path_type=Path,
                                             param=param, ctx=ctx)
            except BadParameter as error:  # typer names the path as it was given
                error.message = error.message.replace(
                    repr(types.format_filename(converted)), repr(types.format_filename(value)),
                    1)
                raise
        return path
    return None


def _bad(message: str, param: Any, ctx: Any) -> Exception:
    from typer._click.exceptions import BadParameter

    return BadParameter(message, ctx=ctx, param=param)


def _text(value: Any, param: Any, ctx: Any) -> str:
    if value is None:
        raise _bad("Value error, None is not a valid string", param, ctx)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _boolean(value: Any, param: Any, ctx: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "":
            return False
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _bad("Input should be a valid boolean, unable to interpret input", param, ctx)


def _float(value: Any, param: Any, ctx: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        raise _bad("Input should be a valid number, unable to parse string as a number",
                   param, ctx) from None


def _integer(value: Any, param: Any, ctx: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    whole = _WHOLE_DECIMAL.fullmatch(text)  # pydantic reads "10.0" as 10, never "1e1"
    try:
        return int(whole.group(1) if whole else text)
    except ValueError:
        raise _bad("Input should be a valid integer, unable to parse string as an integer",
                   param, ctx) from None


def converter(annotation: Any, parameter_info: Any) -> Any:
    """The plain conversion of a parameter typed `annotation`, or None (typer's own)."""
    if get_origin(annotation) is list:
        arguments = get_args(annotation)
        leaf = _leaf(arguments[0], parameter_info) if len(arguments) == 1 else None
        if leaf is None:
            return None

        def each(value: Any, param: Any, ctx: Any) -> Any:
            items = value if isinstance(value, (list, tuple)) else [value]
            converted = [leaf(item, param, ctx) for item in items]
            return None if any(item is None for item in converted) else converted
        return each
    if get_origin(annotation) is not None:
        return None
    return _leaf(annotation, parameter_info)


def install() -> None:
    """Give typer the plain converters; a typer without the hook is left as it is."""
    try:
        from typer import _coercion, core
    except ImportError:
        return
    original = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if original is None or base is None or getattr(original, "_ephi_lint", False):
        return

    @dataclass(frozen=True)
    class PlainRuntimeParam(base):  # type: ignore[misc, valid-type]
        """A typer parameter converted by our own converter, with typer's as the fallback."""

        convert: Any = None
        fallback: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            converted = self.convert(value, param, ctx)
            if converted is None:  # a value of a kind we do not convert: typer's way
                return self.fallback()._coerce_value(value, param, ctx)
            return converted

    def build_runtime_param(descriptor: Any) -> Any:
        convert = None
        if getattr(descriptor, "file_annotation", None) is None:
            convert = converter(descriptor.annotation, descriptor.parameter_info)
        if convert is None:
            return original(descriptor)
        return PlainRuntimeParam(parameter_info=descriptor.parameter_info,
                                 annotation=descriptor.annotation, convert=convert,
                                 fallback=lambda: original(descriptor))

    build_runtime_param._ephi_lint = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param
