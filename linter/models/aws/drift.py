"""Models only a live scan with its declarations can fill: what runs against what the
CloudFormation templates or Terraform state declare (linter.live.drift builds them).

No file format builds these: drift exists only between a declaration and a running
resource, so the DRF rules that judge them run only in `ephi-lint aws --templates DIR`
or `--terraform-state FILE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class DeclaredStore(Resource):
    """A live ePHI store matched to its declaration. Its address is the live ARN, its
    location the template or state line that declares it."""

    MODEL = "aws.drift.DeclaredStore"

    # True when the declaration encrypts the store at rest; false or ABSENT when it does
    # not say so (nothing to drift from).
    declared_encryption: Field
    # ABSENT when the live store is encrypted as declared; SET to what differs
    # ("declared aws:kms, live not encrypted"); UNKNOWN when the live setting is unknown.
    encryption_drift: Field
    # The customer-managed key the declaration names as a literal ARN, key id or alias;
    # ABSENT when it names none or only a reference the scan cannot resolve.
    declared_key: Field
    key_drift: Field
    # True when the declaration refuses plaintext connections (a bucket policy denying
    # aws:SecureTransport false, a database parameter forcing TLS).
    declared_tls_only: Field
    tls_drift: Field


@dataclass(frozen=True, kw_only=True)
class LiveStore(Resource):
    """A live ePHI store, and where it is declared, if anywhere."""

    MODEL = "aws.drift.LiveStore"

    # The declaration's `file:line` (SET), or ABSENT when no scanned template or state
    # declares the store.
    declaration: Field
