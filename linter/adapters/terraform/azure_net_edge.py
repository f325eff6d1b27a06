"""Front Door routes (Standard/Premium and classic) and classic CDN endpoints, as the
routes a viewer's request takes: does plain HTTP get content, and how is the origin reached.

Code rather than a mapping table: whether HTTP is redirected is read from different
places per resource (a flag, a redirect block with its protocol, or delivery rules whose
condition and action must both match), and a list of protocols becomes a yes/no.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, blocks, canonical, field_at, same_text
from linter.adapters.terraform import TerraformContext
from linter.models.azure.cdn import EdgeEndpoint, EdgeRoute
from linter.models.base import Field, FieldState, derived_switch
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, Unknown

_FORWARDING = ("HttpOnly", "HttpsOnly", "MatchRequest")


def _forwarding(field: Field) -> Field:
    """The forwarding protocol in its documented spelling, whatever case was written."""
    if field.state is FieldState.UNKNOWN:
        return field
    return Field(canonical(field.value, _FORWARDING), field.state, field.attribute,
                 field.line, field.reason, field.path)


def _holds_http(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return any(same_text(item, "Http") for item in items)


def _accepts_http(protocols: Field) -> Field:
    """Whether a protocol list holds Http; unknown when it does not but an item is unknown."""
    items = protocols.value if isinstance(protocols.value, list) else [protocols.value]
    if not _holds_http(items) and any(isinstance(item, Unknown) for item in items):
        return Field(None, FieldState.UNKNOWN, protocols.attribute, protocols.line,
                     "an item of the protocol list cannot be known statically")
    accepted = derived_switch(protocols, _holds_http)
    return Field(accepted.value, accepted.state, f"{protocols.attribute} (holds Http)",
                 accepted.line, accepted.reason, accepted.path)


def build_frontdoor_route(block: ResolvedBlock,
                          context: TerraformContext) -> list[EdgeEndpoint]:
    config = block.config
    protocols = field_at(config, "supported_protocols", block.type)
    route = EdgeRoute(
        label="route", line=block.line,
        accepts_http=_accepts_http(protocols),
        redirects_http=as_bool(field_at(config, "https_redirect_enabled", block.type)),
        forwarding_protocol=_forwarding(field_at(config, "forwarding_protocol", block.type)))
    return [EdgeEndpoint(**context.identity(block), routes=(route,))]


def build_classic_frontdoor(block: ResolvedBlock,
                            context: TerraformContext) -> list[EdgeEndpoint]:
    routes = []
    for index, (rule, line) in enumerate(blocks(block.config, "routing_rule")):
        label = f"routing_rule[{index}]"
        protocols = field_at(rule, "accepted_protocols", block.type,
                             attribute=f"{label}.accepted_protocols")
        redirect = blocks(rule, "redirect_configuration")
        forward = blocks(rule, "forwarding_configuration")
        if redirect:
            node, redirect_line = redirect[0]
            target = field_at(node, "redirect_protocol", block.type,
                              attribute=f"{label}.redirect_configuration.redirect_protocol")
            redirects = derived_switch(target, lambda value: same_text(value, "HttpsOnly"))
            if redirects.state is FieldState.DEFAULT:
                redirects = Field(False, FieldState.DEFAULT, redirects.attribute,
                                  redirect_line, "the default MatchRequest redirects HTTP to "
                                  "HTTP")
        else:
            redirects = Field(False, FieldState.DEFAULT, f"{label}.redirect_configuration",
                              None, "no redirect_configuration: the rule forwards")
        forwarding = (_forwarding(field_at(forward[0][0], "forwarding_protocol", block.type,
                                           attribute=f"{label}.forwarding_configuration."
                                                     "forwarding_protocol"))
                      if forward else Field.absent(f"{label}.forwarding_configuration"))
        routes.append(EdgeRoute(label=label, line=line,
                                accepts_http=_accepts_http(protocols),
                                redirects_http=redirects, forwarding_protocol=forwarding))
    return [EdgeEndpoint(**context.identity(block), routes=tuple(routes))]


def build_cdn_endpoint(block: ResolvedBlock, context: TerraformContext) -> list[EdgeEndpoint]:
    config = block.config
    route = EdgeRoute(
        label="endpoint", line=block.line,
        accepts_http=as_bool(field_at(config, "is_http_allowed", block.type)),
        redirects_http=_delivery_redirect(config, block.type),
        forwarding_protocol=Field("MatchRequest", FieldState.DEFAULT, "origin", None,
                                  "a CDN endpoint reaches its origin over the viewer's "
                                  "scheme"))
    return [EdgeEndpoint(**context.identity(block), routes=(route,))]


def _delivery_redirect(config: ConfigNode, source_type: str) -> Field:
    """True when a global rule, or a rule conditioned on the HTTP scheme alone, answers
    with a redirect to Https. Unknown parts make it unknown."""
    candidates = [(node, line) for node, line in blocks(config, "global_delivery_rule")]
    for rule, line in blocks(config, "delivery_rule"):
        conditions = [key for key in rule.keys() if key.endswith("_condition")]
        if conditions == ["request_scheme_condition"] and _scheme_is_http(rule):
            candidates.append((rule, line))
    unknown: Field | None = None
    for rule, _line in candidates:
        for action, action_line in blocks(rule, "url_redirect_action"):
            protocol = field_at(action, "protocol", source_type,
                                attribute="url_redirect_action.protocol")
            if protocol.state is FieldState.UNKNOWN:
                unknown = protocol
            elif same_text(protocol.value, "Https"):
                return Field.derived(True, "url_redirect_action.protocol",
                                     protocol.line or action_line)
    if unknown is not None:
        return unknown
    return Field(False, FieldState.DEFAULT, "delivery_rule", None,
                 "no delivery rule redirects HTTP to HTTPS")


def _scheme_is_http(rule: ConfigNode) -> bool:
    condition = blocks(rule, "request_scheme_condition")[0][0]
    negated = condition.get("negate_condition")
    values = condition.get("match_values")
    return negated in (None, False, "false") and _holds_http(values) \
        and condition.get("operator") in (None, "Equal")


BUILDERS = {
    "azurerm_cdn_frontdoor_route": build_frontdoor_route,
    "azurerm_frontdoor": build_classic_frontdoor,
    "azurerm_cdn_endpoint": build_cdn_endpoint,
}
