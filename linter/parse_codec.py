"""The parse cache's storage format: a parse outcome as plain data, never as code.

The cache used to hold pickles, and loading a pickle can run any code its author chose:
a cache folder an attacker can write to (a CI cache restored into a checkout) was a way
to run a command. Here an entry is JSON: `[class names, value]`, the value's arrays
tagged, and decoding only ever builds
- JSON's own values (None, bool, int, float, str);
- list, tuple, dict, set, frozenset, bytes, and integers or floats JSON cannot spell;
- `ConfigNode` and `MarkedList`, the line-marked containers of the YAML/JSON documents;
- dataclasses defined in the modules of `_MODULES` (the parse model: TerraformFile,
  HclBlock, HclAttribute, the hcl_expressions nodes, ParsedDocuments, TerraformPlan,
  PemBlock, FileProblem, ...), found by their fields, so a parser that produces the
  same dataclasses (python-hcl2's or tree-sitter's) needs no change here. An entry names
  each class it uses once, in its list of class names; a dataclass is an array whose
  tag is the position of its class in that list, followed by its fields in order.
Instances are made with `object.__new__` and their fields set directly: no `__init__`,
`__post_init__` or `__new__` of the stored data's choosing runs. A name that is not on
the list, a field list that does not match the class, or any malformed array is a
`CodecError`, and the cache treats it as a miss.
"""

from __future__ import annotations

import base64
import dataclasses
import gc
import importlib
import json
import math
import types
from collections.abc import Callable
from itertools import islice
from operator import attrgetter
from typing import Any

# Bumped whenever the encoding changes: part of the parser fingerprint, so entries of an
# older codec are never read. 2: one list of class names per entry, dataclasses tagged by
# their position in it (a fifth of the size; version 1 spelled each class's full name).
CODEC_VERSION = 2

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
# Values stored as themselves, read back without a look at their tag (ints and floats
# are written so only when JSON spells them exactly).
_PLAIN = frozenset({str, int, float, bool, type(None)})
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class CodecError(ValueError):
    """A value that cannot be stored, or stored data that is not a valid entry."""


def encode(value: Any) -> bytes:
    """`value` as UTF-8 JSON; CodecError for a type outside the parse model."""
    writer = _Writer()
    try:
        stored = writer.value(value)
        return _JSON.encode([writer.names, stored]).encode()
    except RecursionError:
        raise CodecError("nested too deep to store") from None


def decode(data: bytes) -> Any:
    """The value `encode` stored; CodecError for anything else (the cache's miss)."""
    # An entry is thousands of new containers and no cycle: the collector, run every 700
    # allocations over everything the scan holds, found nothing and cost a third of the
    # time of decoding. It is off while one entry is read, and as it was afterwards.
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        stored = json.loads(data)
        if type(stored) is not list or len(stored) != 2 or type(stored[0]) is not list:
            raise CodecError("not a stored parse outcome (no list of class names)")
        return _Reader(stored[0]).value(stored[1])
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, UnicodeDecodeError) as error:
        raise CodecError(f"not a stored parse outcome ({type(error).__name__})") from None
    finally:
        if collecting:
            gc.enable()


class _Writer:
    """One entry's encoding: its values, and the classes they use in order of first use."""

    __slots__ = ("names", "tags")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.tags: dict[type, tuple[int, Callable[[Any], Any], int]] = {}

    def value(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind is bool or kind is str:
            return value
        tag = self.tags.get(kind)  # a dataclass of the model: the most common value
        if tag is not None:
            index, fields, count = tag
            encode = self.value
            return [index, *[
                item if type(item) is str or type(item) is int and -_SAFE_INTEGER < item
                < _SAFE_INTEGER else encode(item)
                for item in (fields(value) if count > 1 else (fields(value),))]]
        if kind is int:
            return value if -_SAFE_INTEGER < value < _SAFE_INTEGER else ["I", format(value, "x")]
        if kind is float:
            return value if math.isfinite(value) else ["F", repr(value)]
        if kind is tuple:
            return ["t", *self.items(value)]
        if kind is list:
            return ["l", *self.items(value)]
        if kind is dict:
            return ["d", *self.pairs(value)]
        if kind is set or kind is frozenset:
            return ["s" if kind is set else "f", *self.items(value)]
        if kind is bytes:
            return ["b", base64.b64encode(value).decode("ascii")]
        special = _special_types()
        if kind is special["ConfigNode"]:
            return ["C", value.line, value.end_line, ["d", *self.pairs(value.values)],
                    ["d", *self.pairs(value.lines)]]
        if kind is special["MarkedList"]:
            return ["M", value.line, list(value.lines), *self.items(value)]
        return self.dataclass(kind, value)

    def items(self, values: Any) -> list[Any]:
        encode = self.value
        return [item if type(item) is str or type(item) is int and -_SAFE_INTEGER < item
                < _SAFE_INTEGER else encode(item) for item in values]

    def pairs(self, mapping: dict[Any, Any]) -> list[Any]:
        encode = self.value
        return [encoded for key, item in mapping.items()
                for encoded in (key if type(key) is str else encode(key),
                                item if type(item) is str else encode(item))]

    def dataclass(self, kind: type, value: Any) -> Any:
        name = f"{kind.__module__}.{kind.__qualname__}"
        if _allowed_class(name) is not kind:
            raise CodecError(f"{name} is not part of the parse model")
        names = tuple(item.name for item in _fields(kind))
        # attrgetter of one name gives the value, of several a tuple; of none, ().
        fields = attrgetter(*names) if names else (lambda _: ())
        self.tags[kind] = (len(self.names), fields, len(names) if names else 2)
        self.names.append(name)
        return self.value(value)


class _Reader:
    """One entry's decoding, with the classes its list of names allows."""

    __slots__ = ("builders",)

    def __init__(self, names: list[Any]) -> None:
        self.builders = [_builder(*_class(name), self.value) for name in names]

    def value(self, stored: Any) -> Any:
        kind = type(stored)
        if kind in _PLAIN:
            return stored
        if kind is not list or not stored:
            raise CodecError("not a stored parse outcome (untagged value)")
        tag = stored[0]
        if type(tag) is int:
            if tag < 0:
                raise CodecError("not a stored parse outcome (no such class)")
            return self.builders[tag](stored)  # IndexError past the end: a CodecError
        if tag == "t":
            return tuple(self.items(stored, 1))
        if tag == "l":
            return self.items(stored, 1)
        if tag == "d":
            return self.mapping(stored)
        if tag == "C":
            return self.config_node(stored)
        if tag == "M":
            return self.marked_list(stored)
        if tag == "s":
            return set(self.items(stored, 1))
        if tag == "f":
            return frozenset(self.items(stored, 1))
        if tag == "I" and len(stored) == 2 and type(stored[1]) is str:
            return int(stored[1], 16)
        if tag == "F" and len(stored) == 2 and stored[1] in ("nan", "inf", "-inf"):
            return float(stored[1])
        if tag == "b" and len(stored) == 2 and type(stored[1]) is str:
            return base64.b64decode(stored[1], validate=True)
        raise CodecError(f"not a stored parse outcome (tag {str(tag)[:20]!r})")

    def items(self, stored: list[Any], start: int) -> list[Any]:
        decode = self.value
        return [item if type(item) in _PLAIN else decode(item)
                for item in islice(stored, start, None)]

    def mapping(self, stored: Any) -> dict[Any, Any]:
        if type(stored) is not list or not stored or stored[0] != "d" or len(stored) % 2 == 0:
            raise CodecError("not a stored parse outcome (malformed mapping)")
        items = self.items(stored, 1)
        return dict(zip(islice(items, 0, None, 2), islice(items, 1, None, 2)))

    def config_node(self, stored: list[Any]) -> Any:
        if len(stored) != 5:
            raise CodecError("not a stored parse outcome (malformed ConfigNode)")
        node = _special_types()["ConfigNode"](_number(stored[1]), _number(stored[2]))
        node.values = self.mapping(stored[3])
        lines = self.mapping(stored[4])
        if not all(type(line) is int for line in lines.values()):
            raise CodecError("not a stored parse outcome (a line is not a number)")
        node.lines = lines
        return node

    def marked_list(self, stored: list[Any]) -> Any:
        if len(stored) < 3 or type(stored[2]) is not list:
            raise CodecError("not a stored parse outcome (malformed MarkedList)")
        marked = _special_types()["MarkedList"](_number(stored[1]))
        marked.extend(self.items(stored, 3))
        marked.lines = [_number(line) for line in stored[2]]
        return marked


def _number(value: Any) -> int:
    if type(value) is not int:
        raise CodecError("not a stored parse outcome (a line is not a number)")
    return value


_Setter = Callable[[Any, Any], None]
_CLASSES: dict[str, tuple[type, tuple[_Setter, ...]]] = {}


def _class(name: Any) -> tuple[type, tuple[_Setter, ...]]:
    """The class a stored name stands for, and a setter for each of its fields in order
    (a slot's own descriptor, or object.__setattr__ past a frozen class's guard)."""
    if type(name) is not str:
        raise CodecError("not a stored parse outcome (a class name is not text)")
    if name not in _CLASSES:
        cls = _allowed_class(name)
        if cls is None:
            raise CodecError(f"not a stored parse outcome ({name[:80]!r} is not part of "
                             "the parse model)")
        _CLASSES[name] = (cls, tuple(_setter(cls, item.name) for item in _fields(cls)))
    return _CLASSES[name]


def _setter(cls: type, name: str) -> _Setter:
    slot = next((vars(klass)[name] for klass in cls.__mro__ if name in vars(klass)), None)
    if isinstance(slot, types.MemberDescriptorType):
        return slot.__set__

    def set_field(instance: Any, value: Any) -> None:
        object.__setattr__(instance, name, value)

    return set_field


def _builder(cls: type, setters: tuple[_Setter, ...], decode: Callable[[Any], Any]
             ) -> Callable[[list[Any]], Any]:
    """A function making an instance of `cls` from its stored array `[tag, *fields]`,
    each field decoded. The parse model's classes have two to four fields (an Expr node,
    an HclAttribute): for those it is written out, a third faster than a loop."""
    new, plain, count = object.__new__, _PLAIN, len(setters) + 1

    def wrong(stored: list[Any]) -> CodecError:
        return CodecError(f"not a stored parse outcome ({cls.__qualname__} with "
                          f"{len(stored) - 1} fields, not {count - 1})")

    if count == 3:
        first, second = setters

        def build_two(stored: list[Any]) -> Any:
            if len(stored) != 3:
                raise wrong(stored)
            instance = new(cls)
            item = stored[1]
            first(instance, item if type(item) in plain else decode(item))
            item = stored[2]
            second(instance, item if type(item) in plain else decode(item))
            return instance

        return build_two
    if count == 4:
        first, second, third = setters

        def build_three(stored: list[Any]) -> Any:
            if len(stored) != 4:
                raise wrong(stored)
            instance = new(cls)
            item = stored[1]
            first(instance, item if type(item) in plain else decode(item))
            item = stored[2]
            second(instance, item if type(item) in plain else decode(item))
            item = stored[3]
            third(instance, item if type(item) in plain else decode(item))
            return instance

        return build_three
    if count == 5:
        first, second, third, fourth = setters

        def build_four(stored: list[Any]) -> Any:
            if len(stored) != 5:
                raise wrong(stored)
            instance = new(cls)
            item = stored[1]
            first(instance, item if type(item) in plain else decode(item))
            item = stored[2]
            second(instance, item if type(item) in plain else decode(item))
            item = stored[3]
            third(instance, item if type(item) in plain else decode(item))
            item = stored[4]
            fourth(instance, item if type(item) in plain else decode(item))
            return instance

        return build_four

    def build(stored: list[Any]) -> Any:
        if len(stored) != count:
            raise wrong(stored)
        instance = new(cls)
        for setter, item in zip(setters, islice(stored, 1, None)):
            setter(instance, item if type(item) in plain else decode(item))
        return instance

    return build


_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    if cls not in _FIELDS:
        _FIELDS[cls] = dataclasses.fields(cls)
    return _FIELDS[cls]


_ALLOWED: dict[str, type] = {}
_SPECIAL: dict[str, type] = {}
_LOADED: set[str] = set()


def _allowed_class(name: str) -> type | None:
    """The class of qualified name `name` when it is a plain dataclass defined in one of
    `_MODULES`, else None. Only that module is imported: a Terraform entry does not load
    the YAML side (and PyYAML) to be read."""
    for module_name in _MODULES:
        if name.startswith(module_name + "."):
            _load(module_name)
    return _ALLOWED.get(name)


def _allowed() -> dict[str, type]:
    """Qualified name -> class, for every plain dataclass defined in `_MODULES`."""
    for module_name in _MODULES:
        _load(module_name)
    return _ALLOWED


def _load(module_name: str) -> None:
    if module_name in _LOADED:
        return
    module = importlib.import_module(module_name)
    for value in vars(module).values():
        if (isinstance(value, type) and value.__module__ == module_name
                and dataclasses.is_dataclass(value) and _plain(value)):
            _ALLOWED[f"{module_name}.{value.__qualname__}"] = value
    _LOADED.add(module_name)


def _plain(cls: type) -> bool:
    """Whether `object.__new__` can make the class: no builtin base with its own layout
    (a dataclass deriving from tuple or str would need that type's constructor)."""
    return all(base is object or dataclasses.is_dataclass(base) for base in cls.__mro__[1:])


def _special_types() -> dict[str, type]:
    if not _SPECIAL:
        from linter.values import ConfigNode, MarkedList

        _SPECIAL.update(ConfigNode=ConfigNode, MarkedList=MarkedList)
    return _SPECIAL
