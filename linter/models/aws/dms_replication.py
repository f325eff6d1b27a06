"""AWS Database Migration Service replication instances."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ReplicationInstance(Resource):
    MODEL = "aws.dms.ReplicationInstance"

    # True when the instance gets a public IP address. It reads whole source databases
    # (an EHR's included) while it migrates them, so a public one exposes all of it.
    publicly_accessible: Field
