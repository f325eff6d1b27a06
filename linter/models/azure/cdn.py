"""Azure Front Door and CDN: the public edge of patient portals and image viewers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class EdgeRoute(Element):
    """One way the edge serves requests: a Front Door (Standard/Premium) route, a
    classic Front Door routing rule, or a classic CDN endpoint as a whole."""

    # True when the route answers requests made over plain HTTP (supported_protocols /
    # accepted_protocols holds Http, or is_http_allowed). Absent/unknown lists stay
    # unknown.
    accepts_http: Field
    # True when every plain-HTTP request gets a redirect to HTTPS instead of content:
    # https_redirect_enabled (default true), a classic redirect_configuration with
    # redirect_protocol HttpsOnly, or a CDN delivery rule that redirects HTTP to Https.
    redirects_http: Field
    # How the edge reaches the origin: HttpOnly, HttpsOnly or MatchRequest. Front Door
    # Standard/Premium defaults to MatchRequest, classic forwarding_configuration to
    # HttpsOnly; absent on a classic redirect rule (nothing is forwarded).
    forwarding_protocol: Field


@dataclass(frozen=True, kw_only=True)
class EdgeEndpoint(Resource):
    """azurerm_cdn_frontdoor_route, azurerm_frontdoor (classic) or azurerm_cdn_endpoint."""

    MODEL = "azure.cdn.EdgeEndpoint"
    ELEMENTS: ClassVar[dict[str, type]] = {"routes": EdgeRoute}

    # Every route, each judged on its own (one for a Standard route or a CDN endpoint).
    routes: tuple[EdgeRoute, ...]
