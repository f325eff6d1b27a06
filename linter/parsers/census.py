"""An independent census of a Terraform file's structure, taken from its raw text.

python-hcl2 has dropped whole blocks without an error: a heredoc closing marker with
trailing spaces made its grammar read on to the next line holding the same marker, and
every block in between became heredoc text. This scanner knows no grammar, only what
HCL's own scanner knows about where things begin and end: quoted strings with their
`${...}` / `%{...}` templates, comments (`#`, `//`, `/* */`), heredocs (`<<EOT`,
`<<-EOT`, closing marker with whitespace around it, as Terraform accepts) and brackets.
It lists the blocks and attributes of every body with their lines, so what a parser
returns can be held against it (see `linter.parsers.terraform`).

Scanning is iterative (a stack of frames, not recursion) so hostile nesting cannot
exhaust the interpreter's stack.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# An HCL identifier: a letter or underscore, then letters, digits, `_` and `-`.
_IDENTIFIER = r"[^\W\d][\w-]*(?![\w-])"  # the lookahead: no backtracking into a name
# A body item's start: `name =` (attribute) or `type label... {` (block). Labels are
# quoted strings or identifiers; `==` and `=>` are not assignments.
_LABEL = rf"(?:\"(?:[^\"\\\n]|\\.)*\"|{_IDENTIFIER})"
_ITEM = re.compile(rf"({_IDENTIFIER})[ \t]*(?:(=)(?![=>])|((?:{_LABEL}[ \t]*)*)\{{)")
_HEREDOC_OPENING = re.compile(rf"<<-?({_IDENTIFIER})\r?\n")
# Runs of characters that never change the scanner's state, skipped in one step.
_PLAIN_EXPRESSION = re.compile(r"[^\"<#/(){}\[\]\n]+")
_PLAIN_STRING = re.compile(r"[^\"\\$%\n]+")
_SPACE = re.compile(r"[ \t\r\n]+")
_OPENERS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class Item:
    """A block or attribute as written: its kind, name (block type or attribute name),
    line, how many blocks enclose it (0: top level) and the line of the innermost one."""

    kind: str  # "block" | "attribute"
    name: str
    line: int
    depth: int
    parent_line: int | None = None


@dataclass(frozen=True)
class Census:
    """What a scan of a .tf file's text found besides the parse: items and defects."""

    items: tuple[Item, ...]
    # Attributes written twice in one body (Terraform rejects the file): (name, first
    # line, repeated line).
    repeated_attributes: tuple[tuple[str, int, int], ...]
    # Lines holding a heredoc closing marker followed by whitespace.
    padded_heredoc_closings: tuple[int, ...]

    def lines_of(self, kind: str) -> list[int]:
        return [item.line for item in self.items if item.kind == kind]

    def top_level_blocks(self) -> list[Item]:
        return [item for item in self.items if item.kind == "block" and item.depth == 0]


@dataclass
class _Frame:
    """One open body, expression or string while the census reads a file."""

    kind: str  # "body", "expression" (ends at a newline), "string", "template" (ends at })
    depth: int = 0  # bodies: how many blocks enclose this body's items
    opening: int | None = None  # bodies: where the enclosing block starts
    brackets: list[str] = field(default_factory=list)
    names: dict[str, int] = field(default_factory=dict)  # bodies: attribute -> line


def take_census(text: str) -> Census:
    return _Scanner(text).run()


# A line that starts, at its first column, as a block or attribute does.
_ITEM_LINE = re.compile(rf"^(?={_ITEM.pattern})", re.MULTILINE)


def likely_item_starts(text: str) -> list[tuple[int, int]]:
    """(line, offset) of the lines after the first that start, at their first column, as
    a block (`type labels {`) or attribute (`name =`) does: most top-level items, in a
    formatted file, found in one pass of a regular expression. A heredoc's or comment's
    text may hold such a line too: only the full census knows."""
    found: list[tuple[int, int]] = []
    line, offset = 1, 0
    for match in _ITEM_LINE.finditer(text, 1):
        line += text.count("\n", offset, match.start())
        offset = match.start()
        found.append((line, offset))
    return found


def without_padded_heredoc_closings(text: str, census: Census) -> str:
    """The text with whitespace after each heredoc closing marker removed.

    Only those lines change, and only after the marker, so every line and every column
    the parser reports is the same as in the original text.
    """
    if not census.padded_heredoc_closings:
        return text
    lines = text.split("\n")
    for line in census.padded_heredoc_closings:
        lines[line - 1] = lines[line - 1].rstrip()
    return "\n".join(lines)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        # kind, name, offset, depth, enclosing block's offset
        self.items: list[tuple[str, str, int, int, int | None]] = []
        self.repeated: list[tuple[str, int, int]] = []
        self.padded_closings: list[int] = []
        self.stack: list[_Frame] = [_Frame("body")]

    def run(self) -> Census:
        handlers = {"body": self._body, "expression": self._expression,
                    "template": self._expression, "string": self._string}
        while self.position < len(self.text):
            handlers[self.stack[-1].kind](self.stack[-1])
        items = tuple(Item(kind, name, self._line(offset), depth,
                           None if parent is None else self._line(parent))
                      for kind, name, offset, depth, parent in self.items)
        return Census(items, tuple(self.repeated), tuple(self.padded_closings))

    def _line(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    # --- frames ----------------------------------------------------------------------

    def _body(self, frame: _Frame) -> None:
        text, position = self.text, self.position
        character = text[position]
        if character in " \t\r\n":
            self.position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        elif self._comment():
            pass
        elif character == "}":
            self.position += 1
            if len(self.stack) > 1:
                self.stack.pop()
        else:
            match = _ITEM.match(text, position)
            if match is None:  # not HCL the census understands: skip it as an expression
                self.stack.append(_Frame("expression"))
            elif match.group(2):
                self._attribute(frame, match.group(1), position)
                self.position = match.end()
                self.stack.append(_Frame("expression"))
            else:
                self.items.append(("block", match.group(1), position, frame.depth,
                                   frame.opening))
                self.position = match.end()
                self.stack.append(_Frame("body", frame.depth + 1, position))

    def _attribute(self, frame: _Frame, name: str, position: int) -> None:
        if name in frame.names:
            self.repeated.append((name, self._line(frame.names[name]), self._line(position)))
        else:
            frame.names[name] = position
        self.items.append(("attribute", name, position, frame.depth, frame.opening))

    def _expression(self, frame: _Frame) -> None:
        """An attribute's value (ends at a newline outside brackets) or a `${...}`
        template inside a string (ends at its closing brace)."""
        text, position = self.text, self.position
        plain = _PLAIN_EXPRESSION.match(text, position)
        if plain:
            self.position = plain.end()
            return
        character = text[position]
        if self._comment():
            return
        if character == "\n" and not frame.brackets and frame.kind == "expression":
            self.position += 1
            self.stack.pop()
        elif character == '"':
            self.position += 1
            self.stack.append(_Frame("string"))
        elif character == "<" and _HEREDOC_OPENING.match(text, position):
            self._heredoc()
        elif character in _OPENERS:
            frame.brackets.append(_OPENERS[character])
            self.position += 1
        elif character == "}" and not frame.brackets:
            if frame.kind == "template":
                self.position += 1
            self.stack.pop()  # an expression's end: the brace closes the enclosing body
        elif frame.brackets and character == frame.brackets[-1]:
            frame.brackets.pop()
            self.position += 1
        else:
            self.position += 1

    def _string(self, frame: _Frame) -> None:
        text, position = self.text, self.position
        plain = _PLAIN_STRING.match(text, position)
        if plain:
            self.position = plain.end()
            return
        character = text[position]
        pair = text[position:position + 2]
        if character == '"':
            self.position += 1
            self.stack.pop()
        elif character == "\n":  # a quoted string cannot span lines: the line ends it
            self.stack.pop()
        elif character == "\\":
            self.position += 2
        elif text.startswith(("$${", "%%{"), position):
            self.position += 3
        elif pair in ("${", "%{"):
            self.position += 2
            self.stack.append(_Frame("template"))
        else:
            self.position += 1

    # --- pieces that need no frame -----------------------------------------------------

    def _comment(self) -> bool:
        text, position = self.text, self.position
        if text.startswith(("#", "//"), position):
            end = text.find("\n", position)
            self.position = len(text) if end < 0 else end  # the newline still ends a line
            return True
        if text.startswith("/*", position):
            end = text.find("*/", position + 2)
            self.position = len(text) if end < 0 else end + 2
            return True
        return False

    def _heredoc(self) -> None:
        """Skip a heredoc's body; the position ends after its closing marker, before
        the newline that ends the attribute.

        Terraform's scanner ends the heredoc at the first line whose text, with the
        whitespace around it trimmed, is the marker.
        """
        opening = _HEREDOC_OPENING.match(self.text, self.position)
        assert opening is not None
        marker = opening.group(1)
        start = opening.end()
        while start < len(self.text):
            end = self.text.find("\n", start)
            end = len(self.text) if end < 0 else end
            written = self.text[start:end]
            if written.strip() == marker:
                if written.rstrip("\r") != written.rstrip():  # a CRLF ending is not padding
                    self.padded_closings.append(self._line(start))
                self.position = end
                return
            start = end + 1
        self.position = len(self.text)  # never closed: the parser will say so
