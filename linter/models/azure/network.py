"""Azure edge services: Application Gateway and Front Door."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ApplicationGateway(Resource):
    MODEL = "azure.network.ApplicationGateway"

    # The gateway-wide TLS policy as {policy_type, policy_name, min_protocol_version,
    # cipher_suites, disabled_protocols}, located at the ssl_policy block; absent: no
    # ssl_policy, so the API-version default applies (AppGwSslPolicy20150501, TLS 1.0,
    # before API version 2023-02-01).
    ssl_policy: Field


@dataclass(frozen=True, kw_only=True)
class FrontDoorCustomDomain(Resource):
    """A Front Door (Standard/Premium) custom domain (azurerm_cdn_frontdoor_custom_domain)."""

    MODEL = "azure.network.FrontDoorCustomDomain"

    # The oldest TLS version viewers may use: TLS10 or TLS12 (default).
    minimum_tls_version: Field
