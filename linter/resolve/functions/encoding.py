"""Encoding functions: base64, CSV, JSON, YAML, URL and text encodings."""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse
from typing import Any

from linter.resolve.functions.base import (
    MAX_BYTES,
    FunctionError,
    NotEvaluated,
    check_count,
    check_text,
    known,
    lenient,
    not_evaluated,
)
from linter.resolve.functions.conversions import as_string
from linter.resolve.functions.serialization import json_text, to_values, yaml_text
from linter.values import ConfigNode, PartialText, is_known


def decode_base64(text: str) -> bytes:
    """Go's StdEncoding: padding required, no whitespace or URL alphabet."""
    if len(text) > MAX_BYTES * 4 // 3 + 4:
        raise NotEvaluated(f"input exceeds the {MAX_BYTES:,}-byte limit")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise FunctionError("the string is not valid base64 (standard alphabet, padded)") from None


def _base64decode(text: Any) -> str:
    decoded = decode_base64(as_string(text))
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError("the decoded bytes are not valid UTF-8") from None


def _base64encode(text: Any) -> str:
    return check_text(base64.b64encode(as_string(text).encode("utf-8")).decode("ascii"))


def jsonencode(value: Any) -> Any:
    """JSON text; unknown leaves become `${...}` placeholders inside a PartialText."""
    text = check_text(json_text(value))
    return text if is_known(value) else PartialText("jsonencode() of partly unknown values", text)


def _reject_constant(name: str) -> Any:
    raise FunctionError(f"{name} is not valid JSON")


def _jsondecode(text: Any) -> Any:
    source = as_string(text)
    if len(source) > MAX_BYTES:
        raise NotEvaluated(f"input exceeds the {MAX_BYTES:,}-byte limit")
    try:
        data = json.loads(source, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise FunctionError(f"invalid JSON at line {error.lineno} column {error.colno}") from None
    except ValueError:  # an integer past Python's int->str digit limit
        raise NotEvaluated("a number in the JSON exceeds the 3,900-digit limit") from None
    return to_values(data, 0)


def _yamldecode(text: Any) -> Any:
    source = as_string(text)
    if len(source) > MAX_BYTES:
        raise NotEvaluated(f"input exceeds the {MAX_BYTES:,}-byte limit")
    import yaml  # here: only yamldecode() needs PyYAML

    from linter.parsers.yaml_source import SafeLoader  # libyaml's when present

    try:
        data = yaml.load(source, Loader=SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FunctionError(f"invalid YAML{where}") from None
    except ValueError:
        raise NotEvaluated("a number in the YAML exceeds the 3,900-digit limit") from None
    return to_values(data, 0)


def _yamlencode(value: Any) -> str:
    return check_text(yaml_text(value))


def _quoted_field(text: str, index: int) -> tuple[str, int]:
    """A quoted field from just after its opening quote: its text and the index after it."""
    pieces = []
    while True:
        close = text.find('"', index)
        if close < 0:
            raise FunctionError('invalid CSV: extraneous or missing " in quoted-field')
        pieces.append(text[index:close])
        index = close + 1
        if text.startswith('"', index):
            pieces.append('"')
            index += 1
        elif index == len(text) or text[index] in ",\n":
            return "".join(pieces), index
        else:
            raise FunctionError('invalid CSV: extraneous or missing " in quoted-field')


def csv_records(source: str) -> list[list[str]]:
    """Go's encoding/csv, strict quotes: a quote inside an unquoted field is an error,
    blank lines are skipped."""
    text = source.replace("\r\n", "\n")
    records: list[list[str]] = []
    record: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == '"':
            field, index = _quoted_field(text, index + 1)
        else:
            end = len(text)
            for stop in (",", "\n"):
                found = text.find(stop, index)
                end = found if 0 <= found < end else end
            field = text[index:end]
            if '"' in field:
                raise FunctionError('invalid CSV: bare " in non-quoted-field')
            index = end
        record.append(field)
        if index < len(text) and text[index] == ",":
            index += 1
            if index == len(text):
                record.append("")
            continue
        index += 1  # the line break, or past the end
        if record != [""]:
            records.append(record)
            check_count(len(records))
        record = []
    return records


def _csvdecode(text: Any) -> list[ConfigNode]:
    source = as_string(text)
    if len(source) > MAX_BYTES:
        raise NotEvaluated(f"input exceeds the {MAX_BYTES:,}-byte limit")
    rows = csv_records(source)
    if not rows:
        raise FunctionError("missing header line")
    header, records = rows[0], rows[1:]
    result = []
    for number, row in enumerate(records, start=2):
        if len(row) != len(header):
            raise FunctionError(f"record {number}: wrong number of fields")
        node = ConfigNode(0)
        for key, field in zip(header, row):
            node.set(key, field, 0)
        result.append(node)
    return result


def _urlencode(text: Any) -> str:
    # Go's url.QueryEscape: space as "+", everything but A-Z a-z 0-9 - _ . ~ escaped.
    return check_text(urllib.parse.quote_plus(as_string(text), safe=""))


# Terraform accepts any IANA name or alias; these are the ones whose Go and Python codecs
# agree. A name not listed is not necessarily an error in Terraform, so it is unknown.
_ENCODINGS = {
    "utf-8": "utf-8", "csutf8": "utf-8",
    "utf-16le": "utf-16-le", "csutf16le": "utf-16-le",
    "utf-16be": "utf-16-be", "csutf16be": "utf-16-be",
    "iso-8859-1": "latin-1", "iso_8859-1": "latin-1", "iso_8859-1:1987": "latin-1",
    "latin1": "latin-1", "l1": "latin-1", "iso-ir-100": "latin-1", "ibm819": "latin-1",
    "cp819": "latin-1", "csisolatin1": "latin-1",
    "windows-1252": "cp1252", "cswindows1252": "cp1252",
    "utf-16": "utf-16", "csutf16": "utf-16",
}
_BIG_ENDIAN_MARK, _LITTLE_ENDIAN_MARK = b"\xfe\xff", b"\xff\xfe"


def _encode(text: str, codec: str) -> bytes:
    # Go's "UTF-16" writes a big-endian byte-order mark; Python's follows the machine.
    if codec == "utf-16":
        return _BIG_ENDIAN_MARK + text.encode("utf-16-be")
    return text.encode(codec)


def _decode(data: bytes, codec: str) -> str:
    if codec == "utf-16":
        if data.startswith(_LITTLE_ENDIAN_MARK):
            return data[2:].decode("utf-16-le")
        return data.removeprefix(_BIG_ENDIAN_MARK).decode("utf-16-be")
    return data.decode(codec)


def _codec(name: Any) -> str:
    label = as_string(name, "encoding")
    codec = _ENCODINGS.get(label.lower())
    if codec is None:
        raise NotEvaluated(f"encoding {label!r} is not evaluated")
    return codec


def _textencodebase64(text: Any, encoding: Any) -> str:
    codec = _codec(encoding)
    try:
        encoded = _encode(as_string(text), codec)
    except UnicodeEncodeError:
        raise FunctionError("the string has characters the encoding cannot represent") from None
    return check_text(base64.b64encode(encoded).decode("ascii"))


def _textdecodebase64(text: Any, encoding: Any) -> str:
    codec = _codec(encoding)
    try:
        decoded = _decode(decode_base64(as_string(text)), codec)
    except UnicodeDecodeError:
        raise FunctionError("the bytes are not defined in the encoding") from None
    if "\ufffd" in decoded:
        raise FunctionError("the bytes are not defined in the encoding")
    return decoded


FUNCTIONS = {
    "base64decode": known("base64decode", _base64decode, 1),
    "base64encode": known("base64encode", _base64encode, 1),
    # Go's gzip stream differs from zlib's byte for byte; a different value would mislead.
    "base64gzip": not_evaluated("base64gzip", "output depends on Go's compressor"),
    "csvdecode": known("csvdecode", _csvdecode, 1),
    "jsondecode": known("jsondecode", _jsondecode, 1),
    "jsonencode": lenient("jsonencode", jsonencode, 1),
    "textdecodebase64": known("textdecodebase64", _textdecodebase64, 2),
    "textencodebase64": known("textencodebase64", _textencodebase64, 2),
    "urlencode": known("urlencode", _urlencode, 1),
    "yamldecode": known("yamldecode", _yamldecode, 1),
    "yamlencode": known("yamlencode", _yamlencode, 1),
}
