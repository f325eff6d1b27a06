"""Models only a live read can fill: the state of what is deployed, not its configuration.

No IaC adapter builds these (a template cannot say whether a trail is logging right now,
whether a key was disabled by hand, or when a certificate runs out); the live adapter
builds them from the same API answers as the configuration models (adapters/aws_live/
live_only.py), so the rules that judge them run only in `ephi-lint aws`.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class KeyStatus(Resource):
    """A customer-managed KMS key's state (kms:DescribeKey KeyState)."""

    MODEL = "aws.live.KeyStatus"

    # Enabled, Disabled, PendingDeletion, PendingImport, Unavailable, ...
    key_state: Field


@dataclass(frozen=True, kw_only=True)
class TrailStatus(Resource):
    """Whether a CloudTrail trail is delivering events now (cloudtrail:GetTrailStatus)."""

    MODEL = "aws.live.TrailStatus"

    is_logging: Field


@dataclass(frozen=True, kw_only=True)
class EbsDefaultEncryption(Resource):
    """A Region's account-level EBS default encryption (ec2:GetEbsEncryptionByDefault)."""

    MODEL = "aws.live.EbsDefaultEncryption"

    enabled: Field


@dataclass(frozen=True, kw_only=True)
class Certificate(Resource):
    """An ACM certificate as deployed (acm:DescribeCertificate)."""

    MODEL = "aws.live.Certificate"

    # ISSUED, PENDING_VALIDATION, EXPIRED, ...
    status: Field
    # Whole days from the scan to NotAfter (negative once expired); ABSENT when not issued.
    days_until_expiry: Field
    # RSA_1024, RSA_2048, EC_prime256v1, ...
    key_algorithm: Field
