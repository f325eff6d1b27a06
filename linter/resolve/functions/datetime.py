"""Date and time functions over RFC 3339 timestamps (formatdate, timeadd, timecmp).

Times keep the UTC offset they were written with, and durations are Go's
`time.ParseDuration` syntax ("1h30m", "-10s", "1.5h"), added in whole nanoseconds.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from linter.resolve.functions.base import FunctionError, known, not_evaluated
from linter.resolve.functions.conversions import as_string

_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                        r"(?:(Z)|([+-])(\d{2}):(\d{2}))")
_DURATION_PART = re.compile(r"(\d*\.?\d*)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")
_UNIT_NANOSECONDS = {"ns": 1, "us": 1_000, "\u00b5s": 1_000, "\u03bcs": 1_000,
                     "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Timestamp:
    """An RFC 3339 timestamp as Terraform's date functions read it."""

    local: datetime  # wall-clock time at `offset_minutes`, whole seconds, no tzinfo
    nanoseconds: int
    offset_minutes: int

    @property
    def instant(self) -> tuple[datetime, int]:
        return self.local - timedelta(minutes=self.offset_minutes), self.nanoseconds


def parse_timestamp(value: Any) -> Timestamp:
    text = as_string(value, "timestamp")
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise FunctionError("not a valid RFC 3339 timestamp")
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction, utc, sign, offset_hours, offset_minutes = match.groups()[6:]
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
            and hour <= 23 and minute <= 59 and second <= 59):
        raise FunctionError("not a valid RFC 3339 timestamp: a field is out of range")
    offset = 0
    if not utc:
        if int(offset_hours) > 23 or int(offset_minutes) > 59:
            raise FunctionError("not a valid RFC 3339 timestamp: UTC offset out of range")
        offset = (int(offset_hours) * 60 + int(offset_minutes)) * (-1 if sign == "-" else 1)
    nanoseconds = int((fraction[1:] + "000000000")[:9]) if fraction else 0
    return Timestamp(datetime(year, month, day, hour, minute, second), nanoseconds, offset)


def _offset_text(minutes: int, colon: bool) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{rest:02d}"


def rfc3339(stamp: Timestamp) -> str:
    zone = "Z" if stamp.offset_minutes == 0 else _offset_text(stamp.offset_minutes, True)
    return stamp.local.strftime("%Y-%m-%dT%H:%M:%S") + zone


def _quoted_end(spec: str, index: int) -> int:
    """Where the quoted literal starting at `index` ends ('' inside it is a quote)."""
    if spec.startswith("'", index + 1):
        return index + 2
    end = index + 1
    while end < len(spec):
        if spec[end] == "'":
            if not spec.startswith("'", end + 1):
                return end + 1
            end += 1
        end += 1
    return len(spec)


def _tokens(spec: str) -> list[str]:
    """Runs of one repeated letter, quoted literals and other text, as Terraform splits."""
    tokens, index = [], 0
    while index < len(spec):
        char, end = spec[index], index + 1
        if char == "'":
            end = _quoted_end(spec, index)
        elif char.isascii() and char.isalpha():
            while end < len(spec) and spec[end] == char:
                end += 1
        else:
            while end < len(spec) and spec[end] != "'" and not (
                    spec[end].isascii() and spec[end].isalpha()):
                end += 1
        tokens.append(spec[index:end])
        index = end
    return tokens


def _literal(token: str) -> str:
    if token == "''":
        return "'"
    if len(token) < 2 or not token.endswith("'"):
        raise FunctionError("unterminated literal '")
    return token[1:-1].replace("''", "'")


def _verb(token: str, stamp: Timestamp) -> str:  # noqa: C901 - one table of verbs
    moment, letter, size = stamp.local, token[0], len(token)
    twelve_hour = moment.hour % 12 or 12
    numeric = {"M": moment.month, "D": moment.day, "h": moment.hour, "H": twelve_hour,
               "m": moment.minute, "s": moment.second}
    if letter == "Y" and size in (2, 4):
        return f"{moment.year % 100:02d}" if size == 2 else f"{moment.year:04d}"
    if letter in numeric and size in (1, 2):
        return f"{numeric[letter]:0{size}d}"
    if letter == "M" and size in (3, 4):
        name = _MONTHS[moment.month - 1]
        return name[:3] if size == 3 else name
    if letter == "E" and size in (3, 4):
        name = _WEEKDAYS[moment.weekday()]
        return name[:3] if size == 3 else name
    if letter in "aA" and size == 2:
        half = "am" if moment.hour < 12 else "pm"
        return half.upper() if letter == "A" else half
    if letter == "Z" and size in (1, 3, 4, 5):
        offset = stamp.offset_minutes
        if size == 1:
            return "Z" if offset == 0 else _offset_text(offset, True)
        if size == 3:
            return "UTC" if offset == 0 else _offset_text(offset, False)
        return _offset_text(offset, size == 5)
    raise FunctionError(f"invalid date format verb {token!r}")


def _formatdate(spec: Any, timestamp: Any) -> str:
    stamp = parse_timestamp(timestamp)
    out = []
    for token in _tokens(as_string(spec, "format")):
        if token[0] == "'":
            out.append(_literal(token))
        elif token[0].isascii() and token[0].isalpha():
            out.append(_verb(token, stamp))
        else:
            out.append(token)
    return "".join(out)


def parse_duration(value: Any) -> int:
    """Go's time.ParseDuration, in nanoseconds."""
    text = as_string(value, "duration")
    body = text[1:] if text[:1] in ("+", "-") else text
    if body == "0":
        return 0
    total, index = Decimal(0), 0
    while index < len(body):
        match = _DURATION_PART.match(body, index)
        if match is None or match.group(1) in ("", "."):
            raise FunctionError("invalid duration")
        total += Decimal(match.group(1)) * _UNIT_NANOSECONDS[match.group(2)]
        index = match.end()
    if not body:
        raise FunctionError("invalid duration")
    nanoseconds = int(total)
    if nanoseconds >= 2**63:
        raise FunctionError("invalid duration: out of range")
    return -nanoseconds if text.startswith("-") else nanoseconds


def _timeadd(timestamp: Any, duration: Any) -> str:
    stamp = parse_timestamp(timestamp)
    seconds, nanoseconds = divmod(stamp.nanoseconds + parse_duration(duration), 10**9)
    local = stamp.local + timedelta(seconds=seconds)
    return rfc3339(Timestamp(local, nanoseconds, stamp.offset_minutes))


def _timecmp(first: Any, second: Any) -> int:
    a, b = parse_timestamp(first).instant, parse_timestamp(second).instant
    return (a > b) - (a < b)


FUNCTIONS = {
    "formatdate": known("formatdate", _formatdate, 2),
    "timeadd": known("timeadd", _timeadd, 2),
    "timecmp": known("timecmp", _timecmp, 2),
    "timestamp": not_evaluated("timestamp", "is the time of the run"),
    "plantimestamp": not_evaluated("plantimestamp", "is the time of the plan"),
}
