"""Amazon CloudSearch domains (Terraform only: CloudFormation has no CloudSearch type)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class Domain(Resource):
    """A CloudSearch domain: whether its endpoints refuse plain HTTP, and its TLS policy."""

    MODEL = "aws.cloudsearch.Domain"

    # Whether the search and document endpoints refuse plain HTTP (default false).
    enforce_https: Field
    # The minimum TLS version policy: Policy-Min-TLS-1-0-2019-07 (the default) or
    # Policy-Min-TLS-1-2-2019-07.
    tls_security_policy: Field
