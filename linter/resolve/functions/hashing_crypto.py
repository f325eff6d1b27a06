"""Hash and crypto functions over a string's UTF-8 bytes (the file* forms live in
filesystem.py). Random or secret-dependent ones (bcrypt, uuid, rsadecrypt) are unknown."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from linter.resolve.functions.base import FunctionError, known, not_evaluated
from linter.resolve.functions.conversions import as_string

DIGESTS: dict[str, Callable[[bytes], Any]] = {
    "md5": hashlib.md5,
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}


def hex_digest(algorithm: str, data: bytes) -> str:
    return DIGESTS[algorithm](data).hexdigest()


def base64_digest(algorithm: str, data: bytes) -> str:
    return base64.b64encode(DIGESTS[algorithm](data).digest()).decode("ascii")


def _hex(algorithm: str) -> Callable[[Any], str]:
    return lambda text: hex_digest(algorithm, as_string(text).encode("utf-8"))


def _base64(algorithm: str) -> Callable[[Any], str]:
    return lambda text: base64_digest(algorithm, as_string(text).encode("utf-8"))


_NAMESPACES = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL,
               "oid": uuid.NAMESPACE_OID, "x500": uuid.NAMESPACE_X500}


def _uuidv5(namespace: Any, name: Any) -> str:
    label = as_string(namespace, "namespace")
    space = _NAMESPACES.get(label)
    if space is None:
        try:
            space = uuid.UUID(label)
        except ValueError:
            raise FunctionError("namespace must be dns, url, oid, x500 or a UUID") from None
    return str(uuid.uuid5(space, as_string(name, "name")))


FUNCTIONS = {
    "md5": known("md5", _hex("md5"), 1),
    "sha1": known("sha1", _hex("sha1"), 1),
    "sha256": known("sha256", _hex("sha256"), 1),
    "sha512": known("sha512", _hex("sha512"), 1),
    "base64sha256": known("base64sha256", _base64("sha256"), 1),
    "base64sha512": known("base64sha512", _base64("sha512"), 1),
    "uuidv5": known("uuidv5", _uuidv5, 2),
    "bcrypt": not_evaluated("bcrypt", "is random (a new salt each run)"),
    "uuid": not_evaluated("uuid", "is random (a new value each run)"),
    "rsadecrypt": not_evaluated("rsadecrypt", "needs a private key and is not evaluated"),
}
