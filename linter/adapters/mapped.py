"""Plain mappings, declared as data: a source type's attributes onto a model's fields.

Most services map one or two attributes onto a model (a key name, a TLS flag). Those
mappings live in tables/mappings/*.yaml, one file per cloud family, instead of one adapter
function per format: a section per format (`terraform`, `cloudformation`, `aws_live`)
maps each source type to its model and each model field to how it is read. Adapter code
stays for real logic (relations between resources, engine-dependent defaults, chains of
snapshots). The builders made here join the format's hand-written ones in
`collect_builders`, so a model may be built by both.

A field is read by one of (see schemas/mapping.schema.json):
- `"a.b"`: the attribute at that path, with its default from tables/defaults;
- `{path: "a.b", as: bool}`: the same, read as true or false ("true" strings included);
- `{path: "a.b", as: nonempty}`: true when the map or list there holds an entry (false
  when empty or left out): "declares any environment variables";
- `{path: "a.b", shown: "a[0].b"}`: the same, shown to users under another name (the
  index of a one-item list, say); `shown_when_absent: "a"` names the block to add when
  neither the attribute nor a default is there;
- `{path: "a.b", spelling: upper}`: an enumeration the service reads without case, in
  its documented spelling (`upper`, `lower` or the list of documented values);
- `{first: ["a", "b"]}`: the first of several spellings that is written;
- `{written: "a.b"}`: whether the attribute or block is written at all (true/false);
- `{constant: VALUE, note: "..."}`: a fact of the source type, the same for every resource;
- `{each: "a.b", fields: {...}}`: a list of elements, one per item of a repeated block.
Live sections read `{operation: Op, path: "A.B"}` from the collector's record, with
`key: true` for KMS keys (shown as alias/aws/... when AWS manages them) and `as: bool` or
`as: nonempty` as above.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from linter.adapters.fields import as_bool, blocks, canonical, field_at, lookup, value_field
from linter.models.base import Field, FieldState, Resource
from linter.values import Branches, ConfigNode

MAPPINGS_DIRECTORY = Path(__file__).parent.parent / "tables" / "mappings"
FORMATS = ("terraform", "cloudformation", "aws_live")
Builder = Callable[..., list[Any]]


class MappingError(ValueError):
    """A mapping table names a model, field or reading that does not exist."""


def read_mapping_tables() -> dict[str, dict[str, Any]]:
    """Every table by file name, parsed from its YAML file (for the source index: a scan
    reads them compiled, without PyYAML)."""
    from linter.tables import read_yaml

    return {path.stem: read_yaml(path) or {}
            for path in sorted(MAPPINGS_DIRECTORY.glob("*.yaml"))}


@cache
def mapping_tables() -> dict[str, dict[str, Any]]:
    """Every table by file name, as the source index holds them (no YAML parsed when it
    is compiled already; linter.source_index)."""
    from linter.source_index import source_index

    return source_index()["mappings"]


@cache
def mapped_builders(fmt: str) -> dict[str, Builder]:
    """The builders the tables declare for one format, by source type (or record kind),
    every table entry checked against its model (MappingError names the first wrong)."""
    return {source_type: mapped_builder(fmt, source_type)
            for source_type in check_tables(fmt, mapping_tables())}


def check_tables(fmt: str, tables: dict[str, dict[str, Any]]) -> list[str]:
    """The source types `tables` map for one format, once each model and field they name
    is checked to exist and every field of each model is mapped; MappingError if not."""
    from linter.engine import model_classes

    classes = model_classes()
    found: list[str] = []
    for table_name, table in tables.items():
        for source_type, entry in (table.get(fmt) or {}).items():
            if source_type in found:
                raise MappingError(f"tables/mappings/{table_name}.yaml: {fmt} {source_type} "
                                   "is mapped twice")
            model = classes.get(entry["model"])
            if model is None:
                raise MappingError(f"tables/mappings/{table_name}.yaml: {source_type}: "
                                   f"model {entry['model']} does not exist")
            _check_fields(model, entry["fields"], f"{table_name}.yaml {source_type}")
            found.append(source_type)
    return found


@cache
def mapped_builder(fmt: str, source_type: str) -> Builder:
    """The builder of one mapped source type, importing only its model's module (the
    tables were checked when the source index was built). KeyError if none is mapped."""
    for table in mapping_tables().values():
        entry = (table.get(fmt) or {}).get(source_type)
        if entry is not None:
            return _builder(fmt, source_type, _model_class(entry["model"]), entry)
    raise KeyError(source_type)


def _model_class(name: str) -> type[Resource]:
    import importlib

    from linter.source_index import model_module

    module = model_module(name)
    if module is not None:
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, type) and issubclass(value, Resource) \
                    and getattr(value, "MODEL", None) == name:
                return value
    from linter.engine import model_classes

    found = model_classes().get(name)
    if found is None:
        raise MappingError(f"tables/mappings: model {name} does not exist")
    return found


def _check_fields(model: type, fields: dict[str, Any], where: str) -> None:
    import dataclasses

    declared = {item.name: item for item in dataclasses.fields(model)}
    for name, spec in fields.items():
        if name not in declared or name in Resource.__dataclass_fields__:
            raise MappingError(f"tables/mappings/{where}: {model.__name__} has no field {name}")
        if isinstance(spec, dict) and "each" in spec:
            element = getattr(model, "ELEMENTS", {}).get(name)
            if element is None:
                raise MappingError(f"tables/mappings/{where}: {model.__name__}.{name} "
                                   "declares no element type (ELEMENTS)")
            _check_fields(element, spec["fields"], where)
    missing = [name for name, item in declared.items()
               if name not in fields and name not in Resource.__dataclass_fields__
               and name not in ("label", "line")]
    if missing:
        raise MappingError(f"tables/mappings/{where}: {model.__name__} fields not mapped: "
                           f"{', '.join(missing)}")


def _builder(fmt: str, source_type: str, model: type[Resource],
             entry: dict[str, Any]) -> Builder:
    fields: dict[str, Any] = entry["fields"]
    if fmt == "aws_live":
        shown_type = entry["source_type"]

        def build_live(record: Any, context: Any) -> list[Resource]:
            from linter.adapters.aws_live import complete

            return [complete(model, record, context, shown_type,
                             **{name: _live_field(spec, name, record, context, model)
                                for name, spec in fields.items()})]

        build_live.__annotations__ = {"return": list[model]}  # type: ignore[valid-type]
        return build_live

    def build(source: Any, context: Any) -> list[Resource]:
        node = source.config if fmt == "terraform" else source.properties
        return [model(**context.identity(source),
                      **{name: _field(spec, name, node, source.type, fmt, model)
                         for name, spec in fields.items()})]

    build.__annotations__ = {"return": list[model]}  # type: ignore[valid-type]
    build.__name__ = build.__qualname__ = f"build_{source_type}"
    return build


def _shown(path: str, fmt: str) -> str:
    return f"Properties.{path}" if fmt == "cloudformation" else path


def _field(spec: Any, name: str, node: Any, source_type: str, fmt: str,
           owner: type) -> Any:
    """One model field (or tuple of elements) read from a resource's configuration."""
    if isinstance(spec, str):
        return field_at(node, spec, source_type, attribute=_shown(spec, fmt))
    if "constant" in spec:
        return Field(spec["constant"], FieldState.DEFAULT, name, None,
                     spec.get("note", f"every {source_type} has this setting"))
    if "written" in spec:
        path = spec["written"]
        value, line, found = lookup(node, path)
        if found and value is not None:
            if isinstance(value, list) and not value:
                return Field(False, FieldState.SET, _shown(path, fmt), line)
            written = value_field(value, _shown(path, fmt), line)
            if written.state is FieldState.UNKNOWN:
                return written
            return Field(True, FieldState.SET, _shown(path, fmt), line)
        return Field(False, FieldState.DEFAULT, _shown(path, fmt), None, "not written")
    if "first" in spec:
        for path in spec["first"]:
            value, _, found = lookup(node, path)
            if found and value is not None:
                return _converted(field_at(node, path, source_type,
                                           attribute=_shown(path, fmt)), spec)
        first = spec["first"][0]
        return _converted(field_at(node, first, source_type, attribute=_shown(first, fmt)),
                          spec)
    if "each" in spec:
        return _elements(spec, owner.ELEMENTS[name], node, source_type, fmt)  # type: ignore[attr-defined]
    path = spec["path"]
    field = _converted(field_at(node, path, source_type,
                                attribute=_shown(spec.get("shown", path), fmt)), spec)
    if "shown_when_absent" in spec and field.state is FieldState.ABSENT:
        # Nothing written and no default: the finding names the block to add.
        return Field(None, FieldState.ABSENT, _shown(spec["shown_when_absent"], fmt),
                     field.line, field.reason)
    return field


def _converted(field: Field, spec: dict[str, Any]) -> Field:
    if spec.get("as") == "bool":
        return as_bool(field)
    if spec.get("as") == "nonempty":
        return nonempty(field)
    if "spelling" in spec and field.state is not FieldState.UNKNOWN:
        spelling = spec["spelling"]
        return Field(canonical(field.value, tuple(spelling) if isinstance(spelling, list)
                               else spelling),
                     field.state, field.attribute, field.line, field.reason, field.path)
    return field


def nonempty(field: Field) -> Field:
    """True when the map or list in `field` holds at least one entry, keeping its state,
    line and attribute; a value chosen by a condition is judged branch by branch."""
    if field.state is FieldState.UNKNOWN:
        return field
    value = field.value
    if isinstance(value, Branches):
        return Field(Branches(tuple(bool(_entries(option)) for option in value.options),
                              value.labels), field.state, field.attribute, field.line)
    return Field(bool(_entries(value)), field.state, field.attribute, field.line,
                 field.reason)


def _entries(value: Any) -> list[Any]:
    if isinstance(value, ConfigNode):
        return list(value.keys())
    return list(value) if isinstance(value, (dict, list)) else []


def _elements(spec: dict[str, Any], element_type: type, node: Any, source_type: str,
              fmt: str) -> tuple[Any, ...]:
    path = spec["each"]
    return tuple(
        element_type(label=f"{_shown(path, fmt)}[{index}]", line=line,
                     **{field_name: _field(field_spec, field_name, item, source_type, fmt,
                                           element_type)
                        for field_name, field_spec in spec["fields"].items()})
        for index, (item, line) in enumerate(blocks(node, path)))


def _live_field(spec: dict[str, Any], name: str, record: Any, context: Any,
                model: type[Resource]) -> Field:
    from linter.adapters import aws_live

    if "constant" in spec:
        return Field(spec["constant"], FieldState.DEFAULT, name, None,
                     spec.get("note", "the same for every resource of this kind"))
    if spec.get("key"):
        return aws_live.key_field(record, spec["operation"], spec["path"], context, model)
    convert = aws_live.as_bool if spec.get("as") == "bool" else None
    field = aws_live.api_field(record, spec["operation"], spec["path"], convert=convert)
    return nonempty(field) if spec.get("as") == "nonempty" else field
