"""Azure networks, gateways and database TLS: behaviour the per-rule fixtures cannot show
(NSG port and source spellings, redirect chains inside an Application Gateway, dynamic
blocks whose existence is unknown, module inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.checks.azure_nsg import azure_nsg_no_internet_port
from linter.engine import Rule, load_rule
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.values import Unknown
from tests.conftest import REPOSITORY

RULE_IDS = ("TLS-160", "TLS-161", "TLS-162", "TLS-163", "PLN-160", "PLN-161", "PLN-162",
            "PLN-163", "PLN-164", "PLN-165", "PLN-166", "PLN-167", "NET-160", "KEY-160",
            "ENC-160")
RULE_FILES = sorted(path for rule_id in RULE_IDS
                    for path in REPOSITORY.glob(f"rules/*/{rule_id}.yaml"))


def _rules(*rule_ids: str) -> list[Rule]:
    return [rule for rule in map(load_rule, RULE_FILES) if rule.id in rule_ids]


def _scan(tmp_path: Path, files: dict[str, str], *rule_ids: str) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1,
                            rules=_rules(*rule_ids)))


def _findings(result: ScanResult) -> list[tuple[str, str, str, int]]:
    assert not result.problems, result.problems
    return sorted((outcome.rule.id, outcome.status.value, outcome.resource.address,
                   outcome.location.start_line) for outcome in result.outcomes)


def test_every_rule_of_the_area_loads() -> None:
    assert len(_rules(*RULE_IDS)) == len(RULE_IDS)


# --- the NSG port check ------------------------------------------------------------------


def _rule(**overrides: object) -> dict[str, object]:
    rule: dict[str, object] = {"direction": "Inbound", "access": "Allow", "protocol": "Tcp",
                               "ports": ["80"], "sources": ["Internet"]}
    rule.update(overrides)
    return rule


@pytest.mark.parametrize("sources", [["*"], ["Any"], ["internet"], ["0.0.0.0/0"], ["::/0"],
                                     ["10.0.0.0/8", "0.0.0.0/0"]])
def test_every_spelling_of_the_internet_is_a_source(sources: list[str]) -> None:
    assert azure_nsg_no_internet_port(_rule(sources=sources)).passed is False


@pytest.mark.parametrize("ports,passed", [(["*"], False), (["20-25"], False),
                                          ([" 80 "], False), (["443", "8443"], True),
                                          (["3390-3400"], True)])
def test_port_ranges_and_wildcards(ports: list[str], passed: bool) -> None:
    assert azure_nsg_no_internet_port(_rule(ports=ports)).passed is passed


def test_direction_access_and_protocol_decide_before_ports() -> None:
    assert azure_nsg_no_internet_port(_rule(direction="Outbound")).passed is True
    assert azure_nsg_no_internet_port(_rule(access="Deny")).passed is True
    # SNMP is a UDP service: a TCP rule on 161 reaches nothing in the table.
    assert azure_nsg_no_internet_port(_rule(ports=["161"])).passed is True
    assert azure_nsg_no_internet_port(_rule(ports=["161"], protocol="*")).passed is False


def test_what_cannot_be_known_is_undecided() -> None:
    assert azure_nsg_no_internet_port(_rule(sources=[Unknown("a variable")])).passed is None
    assert azure_nsg_no_internet_port(_rule(ports=Unknown("a variable"))).passed is None
    assert azure_nsg_no_internet_port(_rule(access=Unknown("a variable"))).passed is None
    # An unknown source to a port nobody lists is still a pass.
    assert azure_nsg_no_internet_port(_rule(sources=[Unknown("x")], ports=["443"])).passed


def test_database_ports_come_from_their_own_table() -> None:
    assert azure_nsg_no_internet_port(_rule(ports=["1433"]), ports="database").passed is False
    assert azure_nsg_no_internet_port(_rule(ports=["80"]), ports="database").passed is True
    with pytest.raises(ValueError):
        azure_nsg_no_internet_port(_rule(), ports="dtabase")


# --- Application Gateway redirects ---------------------------------------------------------

_GATEWAY = """
variable "rules" {}
resource "azurerm_application_gateway" "portal" {
  name = "agw"
  http_listener {
    name     = "http"
    protocol = "Http"
  }
  http_listener {
    name     = "https"
    protocol = "Https"
  }
  redirect_configuration {
    name                 = "to-https"
    target_listener_name = "https"
  }
  url_path_map {
    name                                = "paths"
    default_redirect_configuration_name = "to-https"
    path_rule {
      name                        = "images"
      redirect_configuration_name = "to-https"
    }
  }
  ROUTING
}
"""


def test_a_path_map_that_redirects_everywhere_passes(tmp_path: Path) -> None:
    routing = ('request_routing_rule {\n    name = "r"\n    http_listener_name = "http"\n'
               '    url_path_map_name = "paths"\n  }')
    result = _scan(tmp_path, {"main.tf": _GATEWAY.replace("ROUTING", routing)}, "PLN-160")
    assert {item[1] for item in _findings(result)} == {"pass"}


def test_routing_rules_from_an_unknown_collection_are_undecided(tmp_path: Path) -> None:
    routing = ('dynamic "request_routing_rule" {\n    for_each = var.rules\n'
               '    content {\n      name = request_routing_rule.value\n'
               '      http_listener_name = "http"\n    }\n  }')
    result = _scan(tmp_path, {"main.tf": _GATEWAY.replace("ROUTING", routing)}, "PLN-160")
    assert ("PLN-160", "unknown", "azurerm_application_gateway.portal", 7) in _findings(result)


# --- keys in dynamic blocks, module inputs ---------------------------------------------


def test_a_key_block_of_unknown_existence_is_unknown(tmp_path: Path) -> None:
    files = {"main.tf": """
variable "cmk" {}
resource "azurerm_mysql_flexible_server" "portal" {
  name = "portal"
  dynamic "customer_managed_key" {
    for_each = var.cmk == null ? [] : [var.cmk]
    content {
      key_vault_key_id = customer_managed_key.value.id
    }
  }
}
"""}
    result = _scan(tmp_path, files, "KEY-160")
    assert _findings(result) == [("KEY-160", "unknown",
                                  "azurerm_mysql_flexible_server.portal", 5)]


def test_api_management_flags_passed_through_a_module(tmp_path: Path) -> None:
    files = {
        "main.tf": """
module "gateway" {
  source = "./apim"
  security = { enable_frontend_tls10 = true }
}
""",
        "apim/main.tf": """
variable "security" {
  default = null
}
resource "azurerm_api_management" "this" {
  name = "apim"
  dynamic "security" {
    for_each = var.security == null ? [] : [var.security]
    content {
      frontend_tls10_enabled = security.value.enable_frontend_tls10
    }
  }
}
"""}
    result = _scan(tmp_path, files, "TLS-160", "TLS-162")
    assert _findings(result) == [
        ("TLS-160", "fail", "module.gateway.azurerm_api_management.this", 10),
        ("TLS-162", "pass", "module.gateway.azurerm_api_management.this", 5)]
