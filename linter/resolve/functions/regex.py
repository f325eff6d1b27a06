"""regex, regexall and replace's `/pattern/` form: RE2 patterns run on Python's `re`.

Terraform uses Go's RE2 syntax. The translation below keeps what both engines read the
same way, rewrites what differs (`\\z`, `$`, ASCII-only `\\d \\w \\s \\b`, POSIX classes,
`(?<name>`, octal and `\\x{...}` escapes, `\\Q...\\E`) and refuses what RE2 rejects
(lookaround, backreferences, possessive quantifiers, repeat counts over 1000) as the
Terraform error it is. What `re` cannot express (`\\p{Greek}`, the U flag) is unknown.

RE2 runs in linear time and `re` backtracks, so patterns that could backtrack
exponentially (a repeated group that itself repeats or alternates) are not run, and
inputs are bounded by how many unbounded repetitions a pattern has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from linter.resolve.functions.base import (
    FunctionError,
    NotEvaluated,
    check_count,
    check_length,
    check_text,
)
from linter.resolve.functions.conversions import as_string
from linter.values import ConfigNode

_WORD = "0-9A-Za-z_"
_CLASS_ESCAPES = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": _WORD}
_ESCAPES = {"d": "[0-9]", "D": "[^0-9]", "s": "[\\t\\n\\f\\r ]", "S": "[^\\t\\n\\f\\r ]",
            "w": f"[{_WORD}]", "W": f"[^{_WORD}]", "A": "\\A", "z": "\\Z",
            "b": f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))",
            "B": f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))",
            "a": "\\a", "f": "\\f", "t": "\\t", "n": "\\n", "r": "\\r", "v": "\\v"}
_POSIX = {"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
          "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
          "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ",
          "upper": "A-Z", "word": _WORD, "xdigit": "0-9A-Fa-f"}
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")
_GROUP_NAME = re.compile(r"[A-Za-z0-9_]+")
_MAX_REPEAT = 1000  # RE2's own bound on {n,m}
_WORK_BUDGET = 10**8  # input length ** unbounded repetitions, roughly re's worst case
_NESTED_INPUT_LIMIT = 20  # characters a nested repetition may run over (2**20 steps)


@dataclass(frozen=True)
class Pattern:
    """A Terraform (RE2) pattern translated to Python's, with its backtracking risk."""

    compiled: re.Pattern[str]
    unbounded: int  # how many *, + or {n,} the pattern has
    nested: bool  # repeats a group that itself repeats or alternates: (a+)+, (a|b)*

    def check_input(self, text: str) -> None:
        if self.nested and len(text) > _NESTED_INPUT_LIMIT:
            raise NotEvaluated("input is over the backtracking limit for a pattern that "
                               "repeats a repeating group (Python's engine backtracks, RE2 "
                               "does not)")
        if self.unbounded >= 2 and len(text) ** self.unbounded > _WORK_BUDGET:
            raise NotEvaluated("input is over the backtracking limit for this pattern")


@dataclass
class _Group:
    """One open group of a pattern being translated."""

    repeats: bool = False  # holds an unbounded repetition or an alternation
    scoped_flags: bool = False  # opened for `(?i)` in the middle: closes with its group


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.source, self.index, self.out = pattern, 0, []
        self.groups = [_Group()]
        self.unbounded = 0
        self.nested = False
        self.multiline = False
        self.last_group: _Group | None = None  # the group just closed, if the atom is one
        self.can_repeat = False

    def peek(self, offset: int = 0) -> str:
        position = self.index + offset
        return self.source[position] if position < len(self.source) else ""

    def run(self) -> str:
        while self.index < len(self.source):
            char = self.source[self.index]
            self.index += 1
            if char == "\\":
                self.atom(self.escape(in_class=False))
            elif char == "[":
                self.atom(self.char_class())
            elif char == "(":
                self.open_group()
            elif char == ")":
                self.close_group()
            elif char in "*+?" or (char == "{" and _REPEAT.match(self.source, self.index - 1)):
                self.quantifier(char)
            elif char == "|":
                if self.groups[-1].scoped_flags:
                    raise NotEvaluated("inline flags before an alternation are not evaluated")
                self.groups[-1].repeats = True
                self.out.append(char)
                self.can_repeat = False
            elif char == "$":
                self.out.append("$" if self.multiline else "\\Z")
                self.can_repeat = False
            else:
                self.atom(re.escape(char) if char in "{}" else char,
                          repeatable=char not in "^")
        while self.groups[-1].scoped_flags:
            self.out.append(")")
            self.groups.pop()
        if len(self.groups) > 1:
            raise FunctionError("invalid regular expression: missing closing )")
        return "".join(self.out)

    def atom(self, text: str, repeatable: bool = True) -> None:
        self.out.append(text)
        self.last_group = None
        self.can_repeat = repeatable

    def quantifier(self, char: str) -> None:
        if not self.can_repeat:
            raise FunctionError("invalid regular expression: missing argument to repetition "
                                "operator or invalid nested repetition operator")
        text, unbounded = char, char in "*+"
        if char == "{":
            match = _REPEAT.match(self.source, self.index - 1)
            assert match is not None
            low, comma, high = match.groups()
            if int(low) > _MAX_REPEAT or (high and int(high) > _MAX_REPEAT):
                raise FunctionError("invalid regular expression: invalid repeat count")
            unbounded = bool(comma) and not high
            text = match.group()
            self.index = match.end()
        if self.peek() == "?":
            text += "?"
            self.index += 1
        if unbounded:
            self.unbounded += 1
            self.groups[-1].repeats = True
        if self.last_group is not None and self.last_group.repeats and (
                unbounded or char == "{"):
            self.nested = True
        self.out.append(text)
        self.can_repeat = False  # a second quantifier is RE2's nested repetition error

    def open_group(self) -> None:
        text, scoped = "(", False
        if self.peek() == "?":
            text, scoped = self.group_prefix()
        self.out.append(text)
        self.groups.append(_Group(scoped_flags=scoped))
        self.can_repeat = False

    def group_prefix(self) -> tuple[str, bool]:
        """The translated opening of a `(?...` group, and whether it is `(?flags)`, which
        RE2 applies to the rest of the enclosing group (Python: a scoped `(?flags:`)."""
        rest = self.source[self.index + 1:]
        if rest.startswith(("P<", "<")) and not rest.startswith(("<=", "<!")):
            start = self.index + (3 if rest.startswith("P<") else 2)
            end = self.source.find(">", start)
            if end < 0 or not _GROUP_NAME.fullmatch(self.source[start:end]):
                raise FunctionError("invalid regular expression: invalid named capture")
            self.index = end + 1
            return f"(?P<{self.source[start:end]}>", False
        flags = re.match(r"([imsU]*)(?:-([imsU]*))?([:)])", rest)
        if flags is None:
            raise FunctionError("invalid regular expression: invalid or unsupported Perl "
                                "syntax (RE2 has no lookaround, backreference or atomic group)")
        if "U" in flags.group(0):
            raise NotEvaluated("the U (ungreedy) flag is not evaluated")
        self.index += 1 + flags.end()
        turned_on, turned_off = flags.group(1), flags.group(2) or ""
        if "m" in turned_on + turned_off:
            if flags.group(3) == ":" or len(self.groups) > 1:
                raise NotEvaluated("a scoped m flag is not evaluated")
            self.multiline = "m" in turned_on
        opening = "(?" + turned_on + ("-" + turned_off if turned_off else "") + ":"
        if flags.group(3) == ")":
            return opening, True
        return opening, False

    def close_group(self) -> None:
        while self.groups[-1].scoped_flags:
            self.out.append(")")
            self.groups.pop()
        if len(self.groups) == 1:
            raise FunctionError("invalid regular expression: unexpected )")
        group = self.groups.pop()
        self.out.append(")")
        self.groups[-1].repeats = self.groups[-1].repeats or group.repeats
        self.last_group = group
        self.can_repeat = True

    def escape(self, in_class: bool) -> str:
        char = self.peek()
        self.index += 1
        if not char:
            raise FunctionError("invalid regular expression: trailing backslash")
        if char in "01234567" and (char == "0" or self.peek() in "01234567" and self.peek()):
            digits = char
            while len(digits) < 3 and self.peek() and self.peek() in "01234567":
                digits += self.peek()
                self.index += 1
            return re.escape(chr(int(digits, 8)))
        if char == "x":
            return self.hex_escape()
        if char == "Q" and not in_class:
            end = self.source.find("\\E", self.index)
            end = len(self.source) if end < 0 else end
            literal = self.source[self.index:end]
            self.index = min(end + 2, len(self.source))
            return re.escape(literal)
        if char in "pP":
            raise NotEvaluated("Unicode classes (\\p) are not evaluated")
        if in_class:
            if char in _CLASS_ESCAPES:
                return _CLASS_ESCAPES[char]
            if char in "DSWbBAz":
                raise NotEvaluated(f"\\{char} inside a character class is not evaluated")
        if char in _ESCAPES:
            return _ESCAPES[char]
        if char.isascii() and not char.isalnum():
            return "\\" + char
        raise FunctionError(f"invalid regular expression: invalid escape sequence \\{char}")

    def hex_escape(self) -> str:
        if self.peek() == "{":
            end = self.source.find("}", self.index)
            digits = self.source[self.index + 1:end] if end > 0 else ""
            self.index = end + 1
        else:
            digits = self.source[self.index:self.index + 2]
            self.index += 2
        if not digits or not re.fullmatch(r"[0-9A-Fa-f]+", digits) or int(digits, 16) > 0x10FFFF:
            raise FunctionError("invalid regular expression: invalid escape sequence \\x")
        return re.escape(chr(int(digits, 16)))

    def char_class(self) -> str:
        parts = ["["]
        if self.peek() == "^":
            parts.append("^")
            self.index += 1
        first = True
        while True:
            char = self.peek()
            if not char:
                raise FunctionError("invalid regular expression: missing closing ]")
            self.index += 1
            if char == "]" and not first:
                break
            first = False
            if char == "[" and self.peek() == ":":
                end = self.source.find(":]", self.index)
                name = self.source[self.index + 1:end] if end > 0 else ""
                if name.startswith("^"):
                    raise NotEvaluated("negated POSIX classes are not evaluated")
                if name not in _POSIX:
                    raise FunctionError("invalid regular expression: invalid character class")
                parts.append(_POSIX[name])
                self.index = end + 2
            elif char == "\\":
                parts.append(self.escape(in_class=True))
            elif char in "[&~|]":  # literal in RE2; Python warns of nested sets
                parts.append("\\" + char)
            else:
                parts.append(char)
        return "".join(parts) + "]"


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Pattern:
    translator = _Translator(pattern)
    translated = translator.run()
    try:
        compiled = re.compile(translated)
    except re.error as error:
        raise FunctionError(f"invalid regular expression: {error.msg}") from None
    return Pattern(compiled, translator.unbounded, translator.nested)


def matches(pattern: Pattern, text: str) -> list[re.Match[str]]:
    """Go's FindAll: successive matches, no empty match right after a previous one."""
    found: list[re.Match[str]] = []
    position, previous_end = 0, -1
    while position <= len(text):
        match = pattern.compiled.search(text, position)
        if match is None:
            break
        if match.end() == match.start():
            if match.start() != previous_end:
                found.append(match)
            position = match.end() + 1
        else:
            found.append(match)
            position = match.end()
        previous_end = match.end()
        check_count(len(found), "matches")
    return found


def _result(pattern: Pattern, match: re.Match[str]) -> Any:
    names = pattern.compiled.groupindex
    if names:
        if len(names) != pattern.compiled.groups:
            raise FunctionError("can't mix both named and unnamed capture groups")
        node = ConfigNode(0)
        for name in sorted(names):
            node.set(name, match.group(name), 0)
        return node
    if pattern.compiled.groups:
        return list(match.groups())
    return match.group()


def regex(pattern: Any, text: Any) -> Any:
    compiled, subject = compile_pattern(as_string(pattern, "pattern")), as_string(text)
    compiled.check_input(subject)
    found = matches(compiled, subject)
    if not found:
        raise FunctionError("pattern did not match any part of the given string")
    return _result(compiled, found[0])


def regexall(pattern: Any, text: Any) -> list[Any]:
    compiled, subject = compile_pattern(as_string(pattern, "pattern")), as_string(text)
    compiled.check_input(subject)
    names = compiled.compiled.groupindex
    if names and len(names) != compiled.compiled.groups:
        raise FunctionError("can't mix both named and unnamed capture groups")
    return [_result(compiled, match) for match in matches(compiled, subject)]


def _expand(template: str, match: re.Match[str]) -> str:
    """Go's Regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar sign."""
    out, index = [], 0
    while index < len(template):
        char = template[index]
        index += 1
        if char != "$" or index >= len(template):
            out.append(char)
            continue
        if template[index] == "$":
            out.append("$")
            index += 1
            continue
        braced = template[index] == "{"
        name_match = _GROUP_NAME.match(template, index + braced)
        if name_match is None or (braced and not template.startswith("}", name_match.end())):
            out.append("$")  # malformed: the dollar sign is literal text
            continue
        name = name_match.group()
        index = name_match.end() + braced
        group: int | str = int(name) if name.isdigit() else name
        try:
            out.append(match.group(group) or "")
        except IndexError:  # no such group: Go expands it to nothing
            pass
    return "".join(out)


def replace_pattern(text: str, pattern: str, replacement: str) -> str:
    compiled = compile_pattern(pattern)
    compiled.check_input(text)
    out, position, length = [], 0, 0
    for match in matches(compiled, text):
        out.append(text[position:match.start()])
        out.append(_expand(replacement, match))
        length += len(out[-2]) + len(out[-1])
        check_length(length)
        position = match.end()
    out.append(text[position:])
    return check_text("".join(out))
