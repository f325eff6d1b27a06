"""Signed evidence bundles: the scan's outputs, their digests, and a signature over them.

An auditor keeps a bundle (164.316(b)(1): documentation of the controls, retained) and
must be able to tell later that nothing in it changed. A bundle is one zip archive:

- the members (the SARIF, the JSON, the HTML report...), stored under plain names;
- `manifest.json`: the format, the tool, each member's SHA-256 and size, and the
  SHA-256 fingerprint of the Ed25519 public key that signs it;
- `manifest.sig`: the raw 64-byte Ed25519 signature over manifest.json's exact bytes
  (checkable without ephi-lint: `openssl pkeyutl -verify -pubin -inkey key.pub -rawin
  -in manifest.json -sigfile manifest.sig`).

The private key never enters a bundle or an output. Bundles are read as hostile input:
never extracted to disk, members read in memory within size limits, and any name that
is not a plain file name (a path, `..`, a symbolic link, a duplicate) is a failure.
Comparing two bundles is linter.evidence_diff's job.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter import __version__

BUNDLE_FORMAT = "ephi-lint-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_MEMBERS = 64
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # members carry no clock: same inputs, same bytes


class EvidenceError(Exception):
    """A bundle or key that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Verification:
    """The outcome of verify(): ok only when every check held."""

    bundle: str
    failures: tuple[str, ...] = ()
    manifest: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def ok(self) -> bool:
        return not self.failures

    def describe(self) -> str:
        if self.ok:
            count = len((self.manifest or {}).get("members", []))
            return (f"{self.bundle}: signature and {count} member digests verified "
                    f"(key {(self.manifest or {})['signature']['public_key_sha256']})")
        return "\n".join([f"{self.bundle}: NOT VERIFIED"] +
                         [f"  - {failure}" for failure in self.failures])


# --- keys ---------------------------------------------------------------------------


def keygen(private_path: Path, public_path: Path) -> str:
    """Write a new Ed25519 key pair (PEM; the private key file mode 0600, never
    overwritten) and return the public key's fingerprint."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    for path in (private_path, public_path):
        if path.exists() or path.is_symlink():
            raise EvidenceError(f"{path} already exists: a key is never overwritten")
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_pem, 0o644)
    return fingerprint(key.public_key())


def _write_new(path: Path, data: bytes, mode: int) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, mode)
    try:
        os.fchmod(descriptor, mode)  # whatever the umask
        os.write(descriptor, data)
    finally:
        os.close(descriptor)


def fingerprint(public_key: Any) -> str:
    """`SHA256:` and the hex SHA-256 of the raw 32-byte Ed25519 public key."""
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + hashlib.sha256(raw).hexdigest()


def _load_private(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise EvidenceError(f"{path}: not a readable unencrypted PEM private key "
                            f"({type(error).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise EvidenceError(f"{path}: not an Ed25519 private key")
    return key


def load_public(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        data = path.read_bytes()
        if b"PRIVATE KEY" in data:
            raise EvidenceError(f"{path}: this is a private key; verify with the public key")
        key = serialization.load_pem_public_key(data)
    except (OSError, ValueError) as error:
        raise EvidenceError(f"{path}: not a readable PEM public key "
                            f"({type(error).__name__})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise EvidenceError(f"{path}: not an Ed25519 public key")
    return key


# --- create -------------------------------------------------------------------------


def create(bundle_path: Path, members: Mapping[str, bytes], private_key_path: Path,
           *, created: str | None = None) -> dict[str, Any]:
    """Write a signed bundle of `members` (name -> bytes) and return its manifest."""
    from cryptography.hazmat.primitives import serialization

    key = _load_private(private_key_path)
    secrets = (key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption()),
               _pem_body(private_key_path.read_bytes()))
    if not members:
        raise EvidenceError("an evidence bundle needs at least one member")
    if len(members) > MAX_MEMBERS:
        raise EvidenceError(f"{len(members)} members: a bundle holds at most {MAX_MEMBERS}")
    for name, data in members.items():
        check_member_name(name)
        if len(data) > MAX_MEMBER_BYTES:
            raise EvidenceError(f"member {name} is {len(data)} bytes: the limit is "
                                f"{MAX_MEMBER_BYTES}")
        if any(secret and secret in data for secret in secrets):
            raise EvidenceError(f"member {name} contains the signing key: refused")
    manifest = {
        "format": BUNDLE_FORMAT,
        "created": created or datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": "ephi-lint", "version": __version__},
        "signature": {"algorithm": "Ed25519", "public_key_sha256": fingerprint(
            key.public_key()), "signed": MANIFEST},
        "members": [{"name": name, "sha256": hashlib.sha256(members[name]).hexdigest(),
                     "bytes": len(members[name])} for name in sorted(members)],
    }
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    signature = key.sign(manifest_bytes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, manifest_bytes), (SIGNATURE, signature),
                           *sorted(members.items())]:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    temporary = bundle_path.with_name(f".{bundle_path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(buffer.getvalue())
    os.replace(temporary, bundle_path)  # a reader never sees half a bundle
    return manifest


def check_member_name(name: str) -> None:
    """EvidenceError unless `name` can name a member: a plain file name, never a path."""
    if not _SAFE_NAME.match(name) or name in (MANIFEST, SIGNATURE):
        raise EvidenceError(f"member name {name!r} is not allowed: use a plain file name "
                            f"(letters, digits, . _ -), not {MANIFEST} or {SIGNATURE}")


def _pem_body(pem: bytes) -> bytes:
    """The base64 lines of a PEM key: what would show if the key were pasted anywhere."""
    lines = [line.strip() for line in pem.splitlines()
             if line.strip() and not line.startswith(b"-----")]
    return b"".join(lines[:1])  # the first line is 44+ characters of key material


# --- read and verify ----------------------------------------------------------------


def read_bundle(bundle_path: Path) -> dict[str, bytes]:
    """Every member's bytes, read in memory within the limits; EvidenceError names the
    first hostile or broken entry."""
    members, failures = _read(bundle_path)
    if failures:
        raise EvidenceError(f"{bundle_path}: " + "; ".join(failures))
    return members


def _read(bundle_path: Path) -> tuple[dict[str, bytes], list[str]]:
    failures: list[str] = []
    members: dict[str, bytes] = {}
    try:
        if not bundle_path.is_file() or bundle_path.is_symlink():
            return {}, ["not a regular file"]
        with zipfile.ZipFile(bundle_path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS + 2:
                return {}, [f"{len(infos)} entries: a bundle holds at most {MAX_MEMBERS + 2}"]
            total = 0
            for info in infos:
                problem = _entry_problem(info, members)
                if problem:
                    failures.append(problem)
                    continue
                limit = MAX_MANIFEST_BYTES if info.filename == MANIFEST else MAX_MEMBER_BYTES
                if info.file_size > limit or total + info.file_size > MAX_TOTAL_BYTES:
                    failures.append(f"member {info.filename!r} is too large "
                                    f"({info.file_size} bytes)")
                    continue
                with archive.open(info) as stream:
                    data = stream.read(limit + 1)  # never more than the limit, whatever
                if len(data) != info.file_size:  # the header lied about the size
                    failures.append(f"member {info.filename!r} does not hold the "
                                    "size its header declares")
                    continue
                total += len(data)
                members[info.filename] = data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            NotImplementedError, RuntimeError) as error:
        return {}, [f"cannot be read as a zip archive: {type(error).__name__}: {error}"[:300]]
    return members, failures


def _entry_problem(info: zipfile.ZipInfo, seen: Mapping[str, bytes]) -> str | None:
    name = info.filename
    shown = name[:100].encode("unicode_escape").decode("ascii")
    if not _SAFE_NAME.match(name):
        return f"unsafe member name '{shown}' (a path, `..` or an odd character)"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return f"member '{shown}' is a symbolic link"
    if info.is_dir():
        return f"member '{shown}' is a directory"
    if info.flag_bits & 0x1:
        return f"member '{shown}' is encrypted"
    if name in seen:
        return f"member '{shown}' appears twice"
    return None


def verify(bundle_path: Path, public_key_path: Path) -> Verification:
    """Check the signature with the given public key and every member's digest.

    Each failure names what changed: a member changed (its digests), added or removed,
    the manifest or signature changed, or another key signed it.
    """
    from cryptography.exceptions import InvalidSignature

    key = load_public(public_key_path)
    shown = str(bundle_path)
    members, failures = _read(bundle_path)
    manifest_bytes = members.pop(MANIFEST, None)
    signature = members.pop(SIGNATURE, None)
    if manifest_bytes is None:
        return Verification(shown, (*failures, f"{MANIFEST} is missing"))
    try:
        manifest = json.loads(manifest_bytes)
        listed = {entry["name"]: entry for entry in manifest["members"]}
        expected_key = manifest["signature"]["public_key_sha256"]
        if manifest.get("format") != BUNDLE_FORMAT:
            failures.append(f"{MANIFEST} is not an {BUNDLE_FORMAT} manifest")
    except (ValueError, KeyError, TypeError):
        return Verification(shown, (*failures, f"{MANIFEST} is not a valid manifest"))
    given_key = fingerprint(key)
    if expected_key != given_key:
        failures.append(f"signed with another key: the manifest names {expected_key}, "
                        f"the key given is {given_key}")
    if signature is None:
        failures.append(f"{SIGNATURE} is missing")
    else:
        try:
            key.verify(signature, manifest_bytes)
        except InvalidSignature:
            failures.append(f"the signature does not match {MANIFEST} with the key given: "
                            "the manifest was changed, or another key signed it")
    for name in sorted(set(listed) - set(members)):
        failures.append(f"removed: {name} is in the manifest but not in the bundle")
    for name in sorted(set(members) - set(listed)):
        failures.append(f"added: {name} is in the bundle but not in the manifest")
    for name in sorted(set(listed) & set(members)):
        actual = hashlib.sha256(members[name]).hexdigest()
        if actual != listed[name].get("sha256") or len(members[name]) != listed[name].get(
                "bytes"):
            failures.append(f"changed: {name} (sha256 {actual}, the manifest says "
                            f"{listed[name].get('sha256')})")
    return Verification(shown, tuple(failures), manifest)
