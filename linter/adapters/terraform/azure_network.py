"""Application Gateway TLS policies, listeners and backends; Front Door custom domains."""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, canonical, field_at, same_text, value_field
from linter.adapters.terraform import TerraformContext
from linter.models.azure.network import (
    ApplicationGateway,
    FrontDoorCustomDomain,
    GatewayBackendSettings,
    GatewayListener,
)
from linter.models.base import Field, FieldState
from linter.resolve.terraform import ResolvedBlock
from linter.values import Branches, ConfigNode, Unknown

# Listener and backend protocols in their documented spelling, whatever case was written.
_PROTOCOLS = ("Http", "Https")
_POLICY_PARTS = ("policy_type", "policy_name", "min_protocol_version", "cipher_suites",
                 "disabled_protocols")


def build_application_gateway(block: ResolvedBlock,
                              context: TerraformContext) -> list[ApplicationGateway]:
    return [ApplicationGateway(**context.identity(block), ssl_policy=_ssl_policy(block),
                               listeners=_listeners(block),
                               backend_settings=_backend_settings(block))]


def _ssl_policy(block: ResolvedBlock) -> Field:
    """The ssl_policy block as one value; unknown parts stay `Unknown` inside it so the
    check can still decide when the known parts suffice."""
    found = blocks(block.config, "ssl_policy")
    if not found:
        return Field.absent("ssl_policy")
    node, line = found[0]
    policy = {part: node.get(part) for part in _POLICY_PARTS}
    shown = "ssl_policy"
    for part in ("policy_name", "min_protocol_version", "policy_type"):
        if node.get(part) is not None:
            shown, line = f"ssl_policy.{part}", node.line_of(part)
            break
    return Field.derived(policy, shown, line)


def _backend_settings(block: ResolvedBlock) -> tuple[GatewayBackendSettings, ...]:
    return tuple(
        GatewayBackendSettings(label=f"backend_http_settings[{index}]", line=line,
                               protocol=_protocol(node, block.type, "backend_http_settings"))
        for index, (node, line) in enumerate(blocks(block.config, "backend_http_settings")))


def _protocol(node: ConfigNode, source_type: str, block_name: str) -> Field:
    field = field_at(node, "protocol", source_type, attribute=f"{block_name}.protocol")
    if field.state is FieldState.UNKNOWN:
        return field
    return Field(canonical(field.value, _PROTOCOLS), field.state, field.attribute,
                 field.line, field.reason, field.path)


# --- HTTP listeners and their redirects -------------------------------------------------


class _Undecided(Exception):
    """A name or protocol the redirect chain depends on cannot be known statically."""


def _listeners(block: ResolvedBlock) -> tuple[GatewayListener, ...]:
    config = block.config
    found = []
    for index, (node, line) in enumerate(blocks(config, "http_listener")):
        protocol = _protocol(node, block.type, "http_listener")
        found.append(GatewayListener(
            label=f"http_listener[{index}]", line=line, protocol=protocol,
            redirects_to_https=_redirects(config, node, protocol.line or line)))
    return tuple(found)


def _redirects(config: ConfigNode, listener: ConfigNode, line: int) -> Field:
    """Whether every routing rule of a listener redirects it to HTTPS (see the model)."""
    name = listener.get("name")
    shown = "request_routing_rule.redirect_configuration_name"
    try:
        _known(name)
        _known(config.get("request_routing_rule"))  # a dynamic block of unknown rules
        rules = [rule for rule, _ in blocks(config, "request_routing_rule")
                 if _same_name(rule.get("http_listener_name"), name)]
        verdict = all(_rule_redirects(config, rule) for rule in rules)
    except _Undecided as undecided:
        return Field(None, FieldState.UNKNOWN, shown, line, str(undecided))
    return Field.derived(verdict, shown, line)


def _rule_redirects(config: ConfigNode, rule: ConfigNode) -> bool:
    if rule.get("redirect_configuration_name") is not None:
        return _redirect_is_https(config, rule.get("redirect_configuration_name"))
    path_map = rule.get("url_path_map_name")
    if path_map is None:
        return False  # a backend pool: the listener serves content over plain HTTP
    _known(path_map)
    maps = [node for node, _ in blocks(config, "url_path_map")
            if _same_name(node.get("name"), path_map)]
    if not maps:
        raise _Undecided(f"url_path_map {path_map} is not declared in the gateway")
    node = maps[0]
    targets = [node.get("default_redirect_configuration_name")]
    targets += [path_rule.get("redirect_configuration_name")
                for path_rule, _ in blocks(node, "path_rule")]
    return all(target is not None and _redirect_is_https(config, target)
               for target in targets)


def _redirect_is_https(config: ConfigNode, name: Any) -> bool:
    _known(name)
    redirects = [node for node, _ in blocks(config, "redirect_configuration")
                 if _same_name(node.get("name"), name)]
    if not redirects:
        raise _Undecided(f"redirect_configuration {name} is not declared in the gateway")
    redirect = redirects[0]
    url = redirect.get("target_url")
    if url is not None:
        _known(url)
        return str(url).lower().startswith("https://")
    target = redirect.get("target_listener_name")
    _known(target)
    listeners = [node for node, _ in blocks(config, "http_listener")
                 if _same_name(node.get("name"), target)]
    if not listeners:
        raise _Undecided(f"target listener {target} is not declared in the gateway")
    protocol = listeners[0].get("protocol")
    _known(protocol)
    return same_text(protocol, "Https")


def _known(value: Any) -> None:
    if value is None:
        return
    field = value_field(value, "", None)
    if field.state is FieldState.UNKNOWN or isinstance(value, (Branches, Unknown)):
        raise _Undecided(f"{field.reason or 'a conditional value'} decides the redirect")


def _same_name(value: Any, name: Any) -> bool:
    _known(value)
    return value == name


# --- Front Door custom domains ---------------------------------------------------------


def build_front_door_domain(block: ResolvedBlock,
                            context: TerraformContext) -> list[FrontDoorCustomDomain]:
    return [FrontDoorCustomDomain(**context.identity(block), minimum_tls_version=field_at(
        block.config, "tls.minimum_tls_version", block.type))]


BUILDERS = {
    "azurerm_application_gateway": build_application_gateway,
    "azurerm_cdn_frontdoor_custom_domain": build_front_door_domain,
}
