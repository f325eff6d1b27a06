"""Character-level rules Terraform takes from Go: grapheme clusters, case and space.

Terraform counts a string's length, `substr` offsets, `strrev` and `format` widths in
grapheme clusters (what a reader sees as one character), and changes case one code
point at a time (Go's simple case mapping: "ß" stays "ß" in upper case).
"""

from __future__ import annotations

import unicodedata

# Go's unicode.IsSpace: ASCII space characters, NEL, NBSP and the Unicode Z categories.
_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                      "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_ZERO_WIDTH_JOINER = "\u200d"


def _extends(char: str) -> bool:
    """True for a code point that attaches to the cluster before it."""
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:  # skin tones, emoji tags
        return True
    return char == _ZERO_WIDTH_JOINER or unicodedata.category(char) in ("Mn", "Me", "Mc")


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def graphemes(text: str) -> list[str]:
    """The grapheme clusters of `text`: combining marks, emoji sequences joined by
    U+200D, flag pairs and CR LF each stay one cluster (the common cases of UAX #29)."""
    if text.isascii() and "\r\n" not in text:
        return list(text)
    clusters: list[str] = []
    index, length = 0, len(text)
    while index < length:
        end = index + 1
        char = text[index]
        if char == "\r" and text.startswith("\n", end):
            end += 1
        elif _regional(char) and end < length and _regional(text[end]):
            end += 1
        while end < length and _extends(text[end]):
            if text[end] == _ZERO_WIDTH_JOINER and end + 1 < length:
                end += 1  # the joiner and the character it joins
            end += 1
        clusters.append(text[index:end])
        index = end
    return clusters


def grapheme_count(text: str) -> int:
    return len(text) if text.isascii() and "\r\n" not in text else len(graphemes(text))


def _simple_case(text: str, upper: bool) -> str:
    if text.isascii():
        return text.upper() if upper else text.lower()
    out = []
    for char in text:
        changed = char.upper() if upper else char.lower()
        out.append(changed if len(changed) == 1 else char)
    return "".join(out)


def go_upper(text: str) -> str:
    return _simple_case(text, True)


def go_lower(text: str) -> str:
    return _simple_case(text, False)


def _title_case(char: str) -> str:
    titled = char.title()
    return titled if len(titled) == 1 else char


def _is_separator(char: str) -> bool:
    # Go's strings.Title: ASCII letters, digits and underscore continue a word, other
    # ASCII characters separate; beyond ASCII, letters and digits continue a word and
    # only spaces separate.
    if char.isascii():
        return not (char.isalnum() or char == "_")
    if char.isalpha() or char.isdigit():
        return False
    return char in _GO_SPACE


def go_title(text: str) -> str:
    """Go's strings.Title: upper-case the first letter of each word, leave the rest."""
    out = []
    previous_separates = True
    for char in text:
        out.append(_title_case(char) if previous_separates else char)
        previous_separates = _is_separator(char)
    return "".join(out)


def go_trim_space(text: str) -> str:
    start, end = 0, len(text)
    while start < end and text[start] in _GO_SPACE:
        start += 1
    while end > start and text[end - 1] in _GO_SPACE:
        end -= 1
    return text[start:end]
