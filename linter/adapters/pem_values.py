"""Certificate and PrivateKey models from PEM text, for every adapter that finds some.

An adapter reads the value that holds the PEM (a Terraform argument, a CloudFormation
property, a Kubernetes Secret entry, a file) into a Field and passes it here with the
identity of the resource that holds it. Each block becomes its own model, addressed
`<resource> <attribute>` (`#n` added when the value holds several blocks).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from linter.certificates import (
    PemBlock,
    is_placeholder,
    pem_blocks,
    private_key_is_encrypted,
    read_certificate,
)
from linter.models.base import Field, FieldState, SourceLocation
from linter.models.certificates import Certificate, PrivateKey
from linter.values import Branches, PartialText, ResourceRef

# CloudFormation dynamic references that fetch a secret when the stack deploys.
_DYNAMIC_SECRETS = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")


def texts_of(field: Field) -> list[str]:
    """The known text(s) of a field: one string, or every string branch of a choice."""
    if isinstance(field.value, str):
        return [field.value]
    if isinstance(field.value, Branches):
        return [option for option in field.value.options if isinstance(option, str)]
    return []


def certificates_from_field(field: Field, identity: dict[str, Any], *,
                            leaf_presented: bool = False) -> list[Certificate]:
    """Certificates in a field; an unknown field is one Certificate with unknown facts.

    `leaf_presented`: the value's first certificate is what a server hands to clients
    (an IAM or ACM certificate body, a TLS Secret's tls.crt).
    """
    if field.state is FieldState.UNKNOWN:
        unknown = dataclasses.replace(field, value=None)
        return [Certificate(**_located(identity, field.attribute), public_key=unknown,
                            signature=unknown, validity=unknown, issuer=unknown)]
    blocks = [block for text in texts_of(field) for block in pem_blocks(text)
              if block.is_certificate and not is_placeholder(block)]
    return [certificate_model(block, _located(identity, field.attribute, index, len(blocks)),
                              field.attribute, field.line,
                              presented=leaf_presented and index == 0)
            for index, block in enumerate(blocks)]


def private_keys_from_field(field: Field, identity: dict[str, Any],
                            raw: Any = None) -> list[PrivateKey]:
    """Private keys written in a field's text.

    `raw`, the unresolved value, tells a secret-store reference (a Terraform data source
    or resource attribute, a CloudFormation `{{resolve:secretsmanager:...}}`) apart:
    that is the compliant way to supply a key, and passes. Other values that are not
    written here (a variable without a value, `file()`) build nothing: what they hold
    is not in this file (a scanned .pem/.key file is judged as a file).
    """
    reference = secret_reference(raw)
    if reference is not None:
        protection = {"label": "PRIVATE KEY", "reference": reference}
        return [PrivateKey(**_located(identity, field.attribute),
                           protection=Field.derived(protection, field.attribute, field.line))]
    blocks = [block for text in texts_of(field) for block in pem_blocks(text)
              if block.is_private_key and not is_placeholder(block)]
    return [private_key_model(block, _located(identity, field.attribute, index, len(blocks)),
                              field.attribute, field.line)
            for index, block in enumerate(blocks)]


def certificate_model(block: PemBlock, identity: dict[str, Any], attribute: str,
                      line: int | None, *, presented: bool = False) -> Certificate:
    try:
        facts = read_certificate(block)
    except ValueError as error:
        unknown = Field(None, FieldState.UNKNOWN, attribute, line,
                        f"the certificate does not parse ({error})")
        return Certificate(**identity, public_key=unknown, signature=unknown,
                           validity=unknown, issuer=unknown)

    def fact(value: dict[str, Any]) -> Field:
        return Field.derived({**value, "subject": facts.subject}, attribute, line)

    return Certificate(
        **identity,
        public_key=fact({"algorithm": facts.key_algorithm, "bits": facts.key_bits,
                         "curve": facts.curve}),
        signature=fact({"algorithm": facts.signature_algorithm,
                        "hash": facts.signature_hash}),
        validity=fact({"not_before": facts.not_before.isoformat(),
                       "not_after": facts.not_after.isoformat()}),
        issuer=fact({"self_signed": facts.self_signed, "is_ca": facts.is_ca,
                     "presented_to_clients": presented, "issuer": facts.issuer}))


def private_key_model(block: PemBlock, identity: dict[str, Any], attribute: str,
                      line: int | None) -> PrivateKey:
    protection = {"label": block.label, "encrypted": private_key_is_encrypted(block)}
    return PrivateKey(**identity, protection=Field.derived(protection, attribute, line))


def secret_reference(raw: Any) -> str | None:
    """The secret store a value is read from at deploy time, or None."""
    if isinstance(raw, ResourceRef):
        return str(raw)
    if isinstance(raw, PartialText) and raw.text.strip().startswith(_DYNAMIC_SECRETS):
        return raw.text.strip()
    return None


def _located(identity: dict[str, Any], attribute: str, index: int = 0,
             count: int = 1) -> dict[str, Any]:
    suffix = f"#{index + 1}" if count > 1 else ""
    return {**identity, "address": f"{identity['address']} {attribute}{suffix}"}


def file_identity(path: str, block: PemBlock, index: int, count: int) -> dict[str, Any]:
    """The identity of a block found in a PEM file on disk: the `index`-th of `count`
    blocks of its kind (certificates, or private keys) in the file."""
    suffix = f"#{index + 1}" if count > 1 else ""
    return {
        "address": f"{path}{suffix}",
        "source_type": f"PEM {block.label}",
        "source_format": "pem",
        "location": SourceLocation(path, block.line, block.end_line),
        "scope": path,
    }
