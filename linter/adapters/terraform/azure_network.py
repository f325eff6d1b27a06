"""Application Gateway TLS policies and Front Door custom domains."""

from __future__ import annotations

from linter.adapters.fields import blocks, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.network import ApplicationGateway, FrontDoorCustomDomain
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock

_POLICY_PARTS = ("policy_type", "policy_name", "min_protocol_version", "cipher_suites",
                 "disabled_protocols")


def build_application_gateway(block: ResolvedBlock,
                              context: TerraformContext) -> list[ApplicationGateway]:
    return [ApplicationGateway(**context.identity(block), ssl_policy=_ssl_policy(block))]


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


def build_front_door_domain(block: ResolvedBlock,
                            context: TerraformContext) -> list[FrontDoorCustomDomain]:
    return [FrontDoorCustomDomain(**context.identity(block), minimum_tls_version=field_at(
        block.config, "tls.minimum_tls_version", block.type))]


BUILDERS = {
    "azurerm_application_gateway": build_application_gateway,
    "azurerm_cdn_frontdoor_custom_domain": build_front_door_domain,
}
