"""Azure edge services: Application Gateway and Front Door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class GatewayListener(Element):
    """One http_listener block of an Application Gateway."""

    # Http or Https (required).
    protocol: Field
    # True when every request routing rule that uses the listener redirects it to an
    # Https listener or an https:// URL (directly, or through every redirect of its URL
    # path map); true also when no rule uses the listener (it serves nothing). Derived
    # from the request_routing_rule, url_path_map and redirect_configuration blocks.
    redirects_to_https: Field


@dataclass(frozen=True, kw_only=True)
class GatewayBackendSettings(Element):
    """One backend_http_settings block: how the gateway reaches its backend pool."""

    # Http or Https (required): Http sends every request on to the backend in clear text.
    protocol: Field


@dataclass(frozen=True, kw_only=True)
class ApplicationGateway(Resource):
    """An Application Gateway: its TLS policy, and whether its listeners redirect to HTTPS and
    its backends are reached over HTTPS."""

    MODEL = "azure.network.ApplicationGateway"
    ELEMENTS: ClassVar[dict[str, type]] = {"listeners": GatewayListener,
                                           "backend_settings": GatewayBackendSettings}

    # The gateway-wide TLS policy as {policy_type, policy_name, min_protocol_version,
    # cipher_suites, disabled_protocols}, located at the ssl_policy block; absent: no
    # ssl_policy, so the API-version default applies (AppGwSslPolicy20150501, TLS 1.0,
    # before API version 2023-02-01).
    ssl_policy: Field
    # Every http_listener, each judged on its own.
    listeners: tuple[GatewayListener, ...]
    # Every backend_http_settings block, each judged on its own.
    backend_settings: tuple[GatewayBackendSettings, ...]


@dataclass(frozen=True, kw_only=True)
class FrontDoorCustomDomain(Resource):
    """A Front Door (Standard/Premium) custom domain (azurerm_cdn_frontdoor_custom_domain)."""

    MODEL = "azure.network.FrontDoorCustomDomain"

    # The oldest TLS version viewers may use: TLS10 or TLS12 (default).
    minimum_tls_version: Field
