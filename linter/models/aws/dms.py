"""AWS Database Migration Service endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource, derived_switch
from linter.tables import load_table


@dataclass(frozen=True, kw_only=True)
class Endpoint(Resource):
    """A DMS endpoint: its SSL mode, the key of its settings, and how an S3 target is encrypted."""

    MODEL = "aws.dms.Endpoint"

    # The database engine (mysql, postgres, oracle, sqlserver, mongodb, s3, ...).
    engine_name: Field
    # source (DMS reads from it) or target (DMS writes to it), lower-cased.
    endpoint_type: Field
    # True when the engine takes an SSL mode (tables/defaults/aws_dms.yaml); false for
    # engines reached over HTTPS APIs (S3, DynamoDB, Kinesis), which need none.
    ssl_configurable: Field
    # none (plaintext, the default), require, verify-ca or verify-full.
    ssl_mode: Field
    # The KMS key that encrypts the endpoint's connection settings (user name, password,
    # server name); absent: the AWS-managed alias/aws/dms key. Not settable on S3 endpoints.
    kms_key: Field
    # For S3 targets (engine s3): SSE_S3 (the default) or SSE_KMS, how DMS encrypts the
    # objects it writes; ABSENT for other engines.
    s3_encryption_mode: Field


def ssl_configurable(engine: Field) -> Field:
    """Whether the engine's connections are protected by the endpoint's SSL mode."""
    engines = load_table("defaults/aws_dms")["dms_ssl_mode_engines"]["engines"]
    return derived_switch(engine, lambda value: value in engines)
