"""The parse cache's storage format: a parse outcome as plain data, never as code.

The cache used to hold pickles, and loading a pickle can run any code its author chose:
a cache folder an attacker can write to (a CI cache restored into a checkout) was a way
to run a command. Here an entry is JSON whose arrays are tagged, and decoding only ever
builds
- JSON's own values (None, bool, int, float, str);
- list, tuple, dict, set, frozenset, bytes, and integers or floats JSON cannot spell;
- `ConfigNode` and `MarkedList`, the line-marked containers of the YAML/JSON documents;
- dataclasses defined in the modules of `_MODULES` (the parse model: TerraformFile,
  HclBlock, HclAttribute, the hcl_expressions nodes, ParsedDocuments, TerraformPlan,
  PemBlock, FileProblem, ...), found by their fields, so a parser that produces the
  same dataclasses (python-hcl2's or tree-sitter's) needs no change here.
Instances are made with `object.__new__` and their fields set directly: no `__init__`,
`__post_init__` or `__new__` of the stored data's choosing runs. A name that is not on
the list, a field list that does not match the class, or any malformed array is a
`CodecError`, and the cache treats it as a miss.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib
import json
import math
from typing import Any

# Bumped whenever the encoding changes: part of the parser fingerprint, so entries of an
# older codec are never read.
CODEC_VERSION = 1

# The modules whose dataclasses a parse outcome holds. A parser module that adds a new
# dataclass to the parse model must be listed here (tests/test_cache.py round-trips every
# fixture and fails on a type the codec does not know).
_MODULES = (
    "linter.parsers.terraform",
    "linter.parsers.hcl_expressions",
    "linter.parsers.documents",
    "linter.parsers.yaml_source",
    "linter.parsers.tfplan",
    "linter.certificates",
    "linter.discover",
    "linter.values",
)

# Integers beyond this are stored as hexadecimal text: JSON readers differ on large
# numbers, and Python refuses to turn one of more than 4,300 digits into decimal text.
_SAFE_INTEGER = 2 ** 53


class CodecError(ValueError):
    """A value that cannot be stored, or stored data that is not a valid entry."""


def encode(value: Any) -> bytes:
    """`value` as UTF-8 JSON; CodecError for a type outside the parse model."""
    try:
        return json.dumps(_encode(value), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode()
    except RecursionError:
        raise CodecError("nested too deep to store") from None


def decode(data: bytes) -> Any:
    """The value `encode` stored; CodecError for anything else (the cache's miss)."""
    try:
        return _decode(json.loads(data))
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, UnicodeDecodeError) as error:
        raise CodecError(f"not a stored parse outcome ({type(error).__name__})") from None


def _encode(value: Any) -> Any:
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return value if -_SAFE_INTEGER < value < _SAFE_INTEGER else ["I", format(value, "x")]
    if kind is float:
        return value if math.isfinite(value) else ["F", repr(value)]
    if kind is list:
        return ["l", *map(_encode, value)]
    if kind is tuple:
        return ["t", *map(_encode, value)]
    if kind is dict:
        return ["d", *_pairs(value)]
    if kind is set or kind is frozenset:
        return ["s" if kind is set else "f", *map(_encode, value)]
    if kind is bytes:
        return ["b", base64.b64encode(value).decode("ascii")]
    special = _special_types()
    if kind is special["ConfigNode"]:
        return ["C", value.line, value.end_line, ["d", *_pairs(value.values)],
                ["d", *_pairs(value.lines)]]
    if kind is special["MarkedList"]:
        return ["M", value.line, list(value.lines), *map(_encode, value)]
    name = f"{kind.__module__}.{kind.__qualname__}"
    if _allowed().get(name) is not kind:
        raise CodecError(f"{name} is not part of the parse model")
    return ["D", name, *(_encode(getattr(value, item.name)) for item in _fields(kind))]


def _pairs(mapping: dict[Any, Any]) -> list[Any]:
    return [encoded for key, item in mapping.items()
            for encoded in (_encode(key), _encode(item))]


def _decode(stored: Any) -> Any:
    kind = type(stored)
    if stored is None or kind is bool or kind is str or kind is int or kind is float:
        return stored
    if kind is not list or not stored or type(stored[0]) is not str:
        raise CodecError("not a stored parse outcome (untagged value)")
    tag = stored[0]
    if tag == "l":
        return [_decode(item) for item in stored[1:]]
    if tag == "t":
        return tuple(_decode(item) for item in stored[1:])
    if tag == "d":
        return _mapping(stored)
    if tag == "D":
        return _dataclass(stored)
    if tag == "C":
        return _config_node(stored)
    if tag == "M":
        return _marked_list(stored)
    if tag == "s":
        return {_decode(item) for item in stored[1:]}
    if tag == "f":
        return frozenset(_decode(item) for item in stored[1:])
    if tag == "I" and len(stored) == 2 and type(stored[1]) is str:
        return int(stored[1], 16)
    if tag == "F" and len(stored) == 2 and stored[1] in ("nan", "inf", "-inf"):
        return float(stored[1])
    if tag == "b" and len(stored) == 2 and type(stored[1]) is str:
        return base64.b64decode(stored[1], validate=True)
    raise CodecError(f"not a stored parse outcome (tag {tag[:20]!r})")


def _mapping(stored: list[Any]) -> dict[Any, Any]:
    if type(stored) is not list or not stored or stored[0] != "d" or len(stored) % 2 == 0:
        raise CodecError("not a stored parse outcome (malformed mapping)")
    return {_decode(stored[index]): _decode(stored[index + 1])
            for index in range(1, len(stored), 2)}


def _number(value: Any) -> int:
    if type(value) is not int:
        raise CodecError("not a stored parse outcome (a line is not a number)")
    return value


def _config_node(stored: list[Any]) -> Any:
    if len(stored) != 5:
        raise CodecError("not a stored parse outcome (malformed ConfigNode)")
    node = _special_types()["ConfigNode"](_number(stored[1]), _number(stored[2]))
    node.values = _mapping(stored[3])
    lines = _mapping(stored[4])
    if not all(type(line) is int for line in lines.values()):
        raise CodecError("not a stored parse outcome (a line is not a number)")
    node.lines = lines
    return node


def _marked_list(stored: list[Any]) -> Any:
    if len(stored) < 3 or type(stored[2]) is not list:
        raise CodecError("not a stored parse outcome (malformed MarkedList)")
    marked = _special_types()["MarkedList"](_number(stored[1]))
    marked.extend(_decode(item) for item in stored[3:])
    marked.lines = [_number(line) for line in stored[2]]
    return marked


def _dataclass(stored: list[Any]) -> Any:
    if len(stored) < 2 or type(stored[1]) is not str:
        raise CodecError("not a stored parse outcome (malformed dataclass)")
    cls = _allowed().get(stored[1])
    if cls is None:
        raise CodecError(f"not a stored parse outcome ({stored[1][:80]!r} is not part of "
                         "the parse model)")
    fields = _fields(cls)
    if len(stored) - 2 != len(fields):
        raise CodecError(f"not a stored parse outcome ({stored[1]} with "
                         f"{len(stored) - 2} fields, not {len(fields)})")
    instance = object.__new__(cls)
    for item, value in zip(fields, stored[2:]):
        object.__setattr__(instance, item.name, _decode(value))
    return instance


_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    if cls not in _FIELDS:
        _FIELDS[cls] = dataclasses.fields(cls)
    return _FIELDS[cls]


_ALLOWED: dict[str, type] = {}
_SPECIAL: dict[str, type] = {}


def _allowed() -> dict[str, type]:
    """Qualified name -> class, for every plain dataclass defined in `_MODULES`."""
    if not _ALLOWED:
        for module_name in _MODULES:
            module = importlib.import_module(module_name)
            for value in vars(module).values():
                if (isinstance(value, type) and value.__module__ == module_name
                        and dataclasses.is_dataclass(value) and _plain(value)):
                    _ALLOWED[f"{module_name}.{value.__qualname__}"] = value
    return _ALLOWED


def _plain(cls: type) -> bool:
    """Whether `object.__new__` can make the class: no builtin base with its own layout
    (a dataclass deriving from tuple or str would need that type's constructor)."""
    return all(base is object or dataclasses.is_dataclass(base) for base in cls.__mro__[1:])


def _special_types() -> dict[str, type]:
    if not _SPECIAL:
        from linter.parsers.yaml_source import MarkedList
        from linter.values import ConfigNode

        _SPECIAL.update(ConfigNode=ConfigNode, MarkedList=MarkedList)
    return _SPECIAL
