"""The JSON Schemas that validate rule files (and, later, config files)."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

SCHEMAS_DIRECTORY = Path(__file__).parent


def _import_jsonschema() -> Any:
    # jsonschema's format module imports rfc3987_syntax when it is installed (the
    # format-nongpl extra), which compiles ~40 Lark grammars: 2-3 s on every start.
    # It only serves the "iri" formats, which none of our schemas use, so the import is
    # declined for the duration of jsonschema's own import.
    declined = "rfc3987_syntax" not in sys.modules
    if declined:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        import jsonschema
    finally:
        if declined:
            del sys.modules["rfc3987_syntax"]
    return jsonschema


@cache
def schema_bytes(name: str) -> bytes:
    return (SCHEMAS_DIRECTORY / f"{name}.schema.json").read_bytes()


@cache
def load_schema(name: str) -> dict[str, Any]:
    return json.loads(schema_bytes(name))


@cache
def validator(name: str) -> Any:
    jsonschema = _import_jsonschema()
    return jsonschema.Draft7Validator(load_schema(name),
                                      format_checker=jsonschema.FormatChecker())
