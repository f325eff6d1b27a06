"""Credentials never reach an output.

Messages quote what was scanned: a URL (`--etcd-servers=http://root:PW@host`), a module
source (`git::https://user:TOKEN@host/x.git`), an attribute and its value. Every message
and problem reason is passed through `redact` when it is made (linter.engine.Outcome,
linter.discover.FileProblem, linter.suppress.Notice), so no output format can carry a
password, whichever renders it. What is hidden:

- the password of a URL's user information: `scheme://user:***@host`;
- the value of a query parameter or `NAME=VALUE` pair whose name holds a credential
  (`token=`, `password=`, `X-Amz-Signature=`, `sig=`, `client_secret=`);
- the value shown for an attribute whose name holds a credential (`master_password`,
  `auth_token`, `private_key`, `MasterUserPassword`), in the forms messages use:
  `` `name` is VALUE ``, `name = VALUE`, `name: VALUE`, `"name": VALUE`.

Names that point at a credential rather than hold one (`--token-auth-file`,
`password_secret_arn`, `secret_name`) and values that cannot be secrets (`true`,
`false`, `null`, "is not set") are left alone, so messages stay useful.
"""

from __future__ import annotations

import functools
import re

MASK = "***"
# The patterns below are text, compiled where first used (_compiled): compiling all of
# them took 1.5 ms of every run that imports this module, and most runs redact nothing
# that needs them (the first look, _may_quote_credential, passes most texts).

# A name holds a credential when it ends with one of these words (case-insensitive):
# `master_password`, `auth_token`, `MasterUserPassword`, `X-Amz-Signature`, `ssh_private_key`.
_CREDENTIAL_NAME = (
    r"(?i).*(?:pass(?:word|wd|phrase)|pwd|secret|token|private[_-]?key|api[_-]?key|apikey"
    r"|access[_-]?key|secret[_-]?key|secret[_-]?string|credentials?|signature)")
# Query parameters that carry a credential under a short name (`?key=`, SAS `&sig=`);
# in prose ("the key: ...") these words are not names, so only URLs are read for them.
_QUERY_NAMES = frozenset({"key", "sig", "code"})

# A value as messages quote it: double- or single-quoted, backticked, or a bare word.
_QUOTED = r"""(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|`[^`\n]*`)"""
_BARE = r"""[^\s,;)\]}&"'`]+"""
# After `name:` or "`name` is", prose is common ("private_key: the key is read from...",
# "`password` is set"): there only a quoted value, a number or JSON is a value.
_SHOWN = rf"""(?:{_QUOTED}|[\d\[{{]{_BARE}|\d)"""
# Values shown as they are: they say how the setting looks, not what it holds.
# `${var.x}` and `{{resolve:...}}` name where the secret is kept, not the secret.
_HARMLESS = r"""(?i)^(?:true|false|null|none|["'`]?(?:\*\*\*|\$\{|\{\{).*)$"""

_URL_PASSWORD = (r"(?i)(?P<head>\b[a-z][a-z0-9+.-]*://[^\s:/?#@\"'`]*):"
                 r"(?P<secret>[^\s@/?#\"'`]+)@")
_QUERY = r"(?P<head>[?&;](?P<name>[\w.-]+)=)(?P<secret>[^&#\s\"'`,)\]]+)"
_NAME = r"""(?<![\w./-])(?P<quote>["'`]?)(?P<name>[\w-]+)(?P=quote)"""
# `--password=x`, `password = "x"`, `token=abc`: any value.
_EQUALS = rf"(?P<head>{_NAME}[ \t]*=[ \t]*)(?P<secret>{_QUOTED}|{_BARE})"
# `"password": "x"` (JSON), `password: "x"`: a quoted name, or a shown value.
_COLON = rf"(?P<head>{_NAME}[ \t]*:(?!//)[ \t]*)(?P<secret>{_QUOTED}|{_BARE})"
_IS = rf"(?P<head>`(?P<name>[^`\n]+)` is )(?P<secret>{_SHOWN})"
# Cheap first look: most messages mention none of these and skip the patterns. Every
# pattern masks only a URL's password (`://`), a short query name (`?key=`, `&sig=`) or a
# name holds_credential accepts, and each such name contains one of these words: a
# message about a KMS `key` or `auth`entication quotes nothing to hide.
_HINT_WORDS = ("://", "pass", "pwd", "secret", "token", "credential", "signature")
_HINT_KEY = r"(?i)private[_-]?key|api[_-]?key|apikey|access[_-]?key|[?&;]key="
_HINT_QUERY = r"(?i)[?&;](?:sig|code)="


def _may_quote_credential(text: str) -> bool:
    """The cheap first look, as plain substring tests (one case-insensitive regex of many
    alternatives cost several microseconds a message)."""
    lowered = text.lower()
    for word in _HINT_WORDS:
        if word in lowered:
            return True
    if "key" in lowered and _compiled(_HINT_KEY).search(text) is not None:
        return True
    return "=" in text and _compiled(_HINT_QUERY).search(text) is not None


def holds_credential(name: str) -> bool:
    """True for a name whose value is a credential (`db_password`, `X-Amz-Signature`):
    the name's last part ends with a credential word."""
    last = re.split(r"[.\[\]]", name.strip("\"'`"))[-1]
    return bool(_compiled(_CREDENTIAL_NAME).fullmatch(last.lstrip("-")))


def redact(text: str) -> str:
    """The text with every credential it quotes replaced by `***`."""
    if not text or not _may_quote_credential(text):
        return text
    text = _compiled(_URL_PASSWORD).sub(lambda match: f"{match.group('head')}:{MASK}@", text)
    text = _compiled(_QUERY).sub(lambda match: _masked(match, _QUERY_NAMES), text)
    text = _compiled(_IS).sub(_masked, text)
    text = _compiled(_EQUALS).sub(_masked, text)
    return _compiled(_COLON).sub(_masked_after_colon, text)


def _masked_after_colon(match: re.Match[str]) -> str:
    if match.group("quote") or _compiled(_SHOWN).fullmatch(match.group("secret")):
        return _masked(match)
    return match.group(0)  # `name: prose`, not a value


def _masked(match: re.Match[str], short_names: frozenset[str] = frozenset()) -> str:
    secret, name = match.group("secret"), match.group("name")
    if not (holds_credential(name) or name.lower() in short_names) \
            or _compiled(_HARMLESS).match(secret):
        return match.group(0)
    quote = secret[0] if secret[0] in "\"'`" and len(secret) > 1 else ""
    return f"{match.group('head')}{quote}{MASK}{quote}"


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """A pattern compiled once per process (kept here, not in re's own cache, which a
    scan's many patterns could push it out of)."""
    return re.compile(pattern)
