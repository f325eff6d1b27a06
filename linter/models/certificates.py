"""Certificates and private keys found as PEM text, wherever they were written.

One model per PEM block: a certificate chain of three is three Certificates, so a weak
intermediate is reported as itself. The address is the resource (or file) that holds
the block, the attribute holding it and, when the value holds several blocks, `#n`.

No field ever holds key material: a PrivateKey knows only its PEM label and whether it
is encrypted; a Certificate holds public facts (key size, signature hash, dates).
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Certificate(Resource):
    """One PEM certificate: the strength of its key and signature hash, its validity dates,
    and whether it is a CA, self-signed or the leaf a server presents to clients."""

    MODEL = "crypto.pem.Certificate"

    # {algorithm: RSA|EC|DSA|Ed25519|Ed448, bits, curve, subject}: the certified public key.
    public_key: Field
    # {algorithm: sha256WithRSAEncryption..., hash: sha256|sha1|md5|None, subject}; a
    # None hash means one built into the algorithm (Ed25519, Ed448).
    signature: Field
    # {not_before, not_after (ISO 8601, UTC), subject}.
    validity: Field
    # {self_signed, is_ca, presented_to_clients, subject}. `presented_to_clients` is true
    # for the leaf certificate a server hands to browsers (IAM/ACM certificate body, a
    # Kubernetes TLS Secret's first tls.crt certificate); false for chains and files.
    issuer: Field


@dataclass(frozen=True, kw_only=True)
class PrivateKey(Resource):
    """One PEM private key: whether it is written in plaintext, encrypted with a passphrase,
    or read from a secret store when deployed."""

    MODEL = "crypto.pem.PrivateKey"

    # {label: PRIVATE KEY|RSA PRIVATE KEY|..., encrypted: bool}. Encrypted keys need a
    # passphrase kept elsewhere; plaintext ones are usable by anyone who reads the repo.
    # {label, reference}: the key is read from a secret store (Secrets Manager, a
    # Terraform data source) when deployed, so none is written in the source.
    protection: Field
