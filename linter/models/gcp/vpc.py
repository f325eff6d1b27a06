"""VPC subnetworks."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Subnetwork(Resource):
    """A VPC subnetwork: whether VPC Flow Logs record its traffic."""

    MODEL = "gcp.vpc.Subnetwork"

    # Whether VPC Flow Logs are on: a log_config block is written (the provider turns them
    # on when the block is present and off when it is not).
    flow_logs: Field
    # PRIVATE (the default) for VM subnets; proxy-only (REGIONAL_MANAGED_PROXY,
    # GLOBAL_MANAGED_PROXY, INTERNAL_HTTPS_LOAD_BALANCER), PRIVATE_SERVICE_CONNECT and
    # PRIVATE_NAT subnets cannot record flow logs.
    purpose: Field
