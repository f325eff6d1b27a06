"""PEM blocks found in scanned text, and what the certificates in them say about themselves.

Certificates and private keys reach a repository as `.pem`/`.crt`/`.key` files, as
Kubernetes Secrets (base64 in `data`, plain in `stringData`) and as Terraform or
CloudFormation arguments that upload them to IAM or ACM. Everything here works on the
text alone, so every adapter reads them the same way.

A private key's body is secret: `PemBlock.body` is never shown (not even in its repr),
and nothing derived from it other than its label and whether it is encrypted leaves
this module.

`cryptography` is imported only when a certificate is actually read, so scans of
repositories without certificates do not pay for it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# RFC 7468 labels are upper-case words; the back-reference makes BEGIN and END agree.
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END \1-----", re.S)
# Below this many bytes of DER a block is a placeholder ("REPLACE_WITH_KEY", "..."):
# the smallest real keys (Ed25519 PKCS#8) are 48 bytes.
_MINIMUM_DER_BYTES = 40
_OPENSSH_MAGIC = b"openssh-key-v1\0"


@dataclass(frozen=True)
class PemBlock:
    """One `-----BEGIN LABEL-----` ... `-----END LABEL-----` block."""

    label: str  # CERTIFICATE, PRIVATE KEY, RSA PRIVATE KEY, ENCRYPTED PRIVATE KEY, ...
    line: int  # 1-based line of the BEGIN marker within the text it was found in
    end_line: int
    body: str = field(repr=False)  # headers and base64 text: never shown in any output

    @property
    def is_certificate(self) -> bool:
        return self.label in ("CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE")

    @property
    def is_private_key(self) -> bool:
        return self.label.endswith("PRIVATE KEY")


def pem_blocks(text: str) -> list[PemBlock]:
    """Every PEM block in the text, in order, with its line numbers."""
    found = []
    for match in _PEM_BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        end_line = line + match.group(0).count("\n")
        found.append(PemBlock(match.group(1), line, end_line, match.group(2)))
    return found


def _headers_and_der(block: PemBlock) -> tuple[dict[str, str], bytes | None]:
    """RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) and the decoded body, None if not base64."""
    headers: dict[str, str] = {}
    lines = [line.strip() for line in block.body.strip().splitlines()]
    while lines and ":" in lines[0]:
        name, _, value = lines.pop(0).partition(":")
        headers[name.strip().lower()] = value.strip()
    try:
        der = base64.b64decode("".join(lines), validate=True)
    except (binascii.Error, ValueError):
        return headers, None
    return headers, der


def is_placeholder(block: PemBlock) -> bool:
    """A block whose body is not real key or certificate material (documentation)."""
    _, der = _headers_and_der(block)
    return der is None or len(der) < _MINIMUM_DER_BYTES


def private_key_is_encrypted(block: PemBlock) -> bool:
    """Whether the key needs a passphrase before it can be used.

    PKCS#8 says so in its label; the traditional OpenSSL formats in a `Proc-Type`
    header; OpenSSH keys in the cipher name right after their magic string.
    """
    if block.label == "ENCRYPTED PRIVATE KEY":
        return True
    headers, der = _headers_and_der(block)
    if "ENCRYPTED" in headers.get("proc-type", "").upper():
        return True
    if block.label == "OPENSSH PRIVATE KEY" and der and der.startswith(_OPENSSH_MAGIC):
        offset = len(_OPENSSH_MAGIC)
        length = int.from_bytes(der[offset:offset + 4], "big")
        cipher = der[offset + 4:offset + 4 + length]
        return cipher not in (b"", b"none")
    return False


@dataclass(frozen=True)
class CertificateFacts:
    """What an X.509 certificate states, as plain values the checks can judge."""

    key_algorithm: str  # RSA, EC, DSA, Ed25519, Ed448
    key_bits: int | None  # modulus or curve size; Ed25519 is 256, Ed448 is 456
    curve: str | None  # secp256r1, ... for EC keys
    signature_algorithm: str  # sha256WithRSAEncryption, ecdsa-with-SHA384, ed25519, ...
    signature_hash: str | None  # sha256, sha1, md5, ...; None: built into the algorithm
    not_before: datetime
    not_after: datetime
    subject: str  # RFC 4514, e.g. CN=portal.example-derm.com
    issuer: str
    self_signed: bool  # issued by its own key (the subject signed itself)
    is_ca: bool  # basicConstraints CA:TRUE


def read_certificate(block: PemBlock) -> CertificateFacts:
    """The facts of a CERTIFICATE block; ValueError when it does not parse."""
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    _, der = _headers_and_der(block)
    if der is None:
        raise ValueError("the certificate body is not base64")
    certificate = x509.load_der_x509_certificate(der)
    key: Any = certificate.public_key()
    curve = None
    if isinstance(key, rsa.RSAPublicKey):
        algorithm, bits = "RSA", key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        algorithm, bits, curve = "EC", key.curve.key_size, key.curve.name
    elif isinstance(key, dsa.DSAPublicKey):
        algorithm, bits = "DSA", key.key_size
    elif isinstance(key, ed25519.Ed25519PublicKey):
        algorithm, bits = "Ed25519", 256
    elif isinstance(key, ed448.Ed448PublicKey):
        algorithm, bits = "Ed448", 456
    else:
        algorithm, bits = type(key).__name__, None
    try:
        hash_algorithm = certificate.signature_hash_algorithm
        signature_hash = hash_algorithm.name.lower() if hash_algorithm else None
    except UnsupportedAlgorithm:
        signature_hash = "unsupported"
    oid = certificate.signature_algorithm_oid
    return CertificateFacts(
        key_algorithm=algorithm, key_bits=bits, curve=curve,
        signature_algorithm=getattr(oid, "_name", None) or oid.dotted_string,
        signature_hash=signature_hash,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        self_signed=_is_self_signed(certificate),
        is_ca=_is_ca(certificate))


def _is_self_signed(certificate: Any) -> bool:
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except Exception:  # a different key with the same name, or an unsupported algorithm
        return False
    return True


def _is_ca(certificate: Any) -> bool:
    from cryptography import x509

    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return bool(constraints.value.ca)
