"""GCP networks, load balancers, GKE nodes, VMs and Cloud SQL (rules numbered 120-139):
the shapes real modules write that the fixtures do not spell out, and the firewall port
check on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.checks.gcp import gcp_firewall_closed_ports
from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan
from linter.values import Branches, Unknown

RULES = load_rules([catalogue_directory("rules")])


def _statuses(tmp_path: Path, text: str, *rule_ids: str) -> list[tuple[str, str, int]]:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    rules = [rule for rule in RULES if rule.id in rule_ids]
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=rules))
    assert not result.errors
    assert not [o for o in result.outcomes if o.status is Status.ERROR]
    return sorted((o.rule.id, o.status.value, o.location.start_line) for o in result.outcomes)


def _exposure(**overrides: object) -> dict[str, object]:
    return {"protocol": "tcp", "ports": ["21"], "sources": ["0.0.0.0/0"],
            "direction": "INGRESS", "disabled": False, "action": "allow",
            "default_sources": False, **overrides}


@pytest.mark.parametrize(("overrides", "passed"), [
    ({}, False),
    ({"ports": ["1-1024"]}, False),
    ({"ports": None}, False),  # no ports: every port of the protocol
    ({"protocol": "all", "ports": None}, False),
    ({"protocol": "17", "ports": ["69"]}, False),  # IANA number for udp: TFTP
    ({"protocol": "udp", "ports": ["21"]}, True),  # FTP is tcp only
    ({"protocol": "icmp", "ports": None}, True),
    ({"sources": ["10.0.0.0/8"]}, True),
    ({"sources": []}, True),  # tags or service accounts only
    ({"direction": "EGRESS"}, True),
    ({"disabled": True}, True),
    ({"action": "deny"}, True),
    ({"action": "goto_next"}, True),
    ({"action": "apply_security_profile_group"}, False),
    ({"sources": Unknown("var.ranges")}, None),
    ({"disabled": Unknown("var.off")}, None),
    ({"ports": ["ftp"]}, None),
    ({"sources": Branches((["0.0.0.0/0"], ["10.0.0.0/8"]), ("true", "false"))}, False),
    ({"sources": Branches((["10.1.0.0/16"], ["10.0.0.0/8"]), ("true", "false"))}, True),
])
def test_firewall_port_check(overrides: dict[str, object], passed: bool | None) -> None:
    assert gcp_firewall_closed_ports(_exposure(**overrides), ports="plaintext").passed \
        is passed


def test_firewall_port_groups() -> None:
    assert gcp_firewall_closed_ports(_exposure(ports=["5432"]), ports="database").passed \
        is False
    assert gcp_firewall_closed_ports(_exposure(ports=["5432"]), ports="plaintext").passed \
        is True
    assert gcp_firewall_closed_ports(_exposure(ports=["3389"]), ports="remote_admin").passed \
        is False
    with pytest.raises(ValueError):
        gcp_firewall_closed_ports(_exposure(), ports="nonsense")


def test_firewall_rules_module_shape(tmp_path: Path) -> None:
    """terraform-google-network's firewall-rules module: for_each over a list of rule
    objects, dynamic allow blocks, source_ranges null for egress rules."""
    text = ('variable "rules" {\n'
            '  default = [\n'
            '    { name = "ftp-in", direction = "INGRESS", ranges = ["0.0.0.0/0"],\n'
            '      allow = [{ protocol = "tcp", ports = ["21"] }] },\n'
            '    { name = "http-out", direction = "EGRESS", ranges = ["0.0.0.0/0"],\n'
            '      allow = [{ protocol = "tcp", ports = ["80"] }] },\n'
            '  ]\n'
            '}\n'
            'resource "google_compute_firewall" "rules" {\n'
            '  for_each           = { for r in var.rules : r.name => r }\n'
            '  name               = each.value.name\n'
            '  network            = "clinic"\n'
            '  direction          = each.value.direction\n'
            '  source_ranges      = each.value.direction == "INGRESS" ? each.value.ranges : null\n'
            '  destination_ranges = each.value.direction == "EGRESS" ? each.value.ranges : null\n'
            '  dynamic "allow" {\n'
            '    for_each = lookup(each.value, "allow", [])\n'
            '    content {\n'
            '      protocol = allow.value.protocol\n'
            '      ports    = lookup(allow.value, "ports", null)\n'
            '    }\n'
            '  }\n'
            '}\n')
    assert _statuses(tmp_path, text, "PLN-120") == [
        ("PLN-120", "fail", 20), ("PLN-120", "pass", 20)]


def test_firewall_dynamic_allow_over_unknown_collection(tmp_path: Path) -> None:
    text = ('variable "allow" {}\n'
            'resource "google_compute_firewall" "open" {\n'
            '  name    = "open"\n'
            '  network = "clinic"\n'
            '  dynamic "allow" {\n'
            '    for_each = var.allow\n'
            '    content {\n'
            '      protocol = allow.value.protocol\n'
            '    }\n'
            '  }\n'
            '}\n')
    assert [status for _, status, _ in _statuses(tmp_path, text, "PLN-120")] == ["unknown"]


def test_http_proxy_finds_url_map_by_name(tmp_path: Path) -> None:
    text = ('resource "google_compute_url_map" "redirect" {\n'
            '  name = "portal-redirect"\n'
            '  default_url_redirect {\n'
            '    https_redirect = true\n'
            '    strip_query    = false\n'
            '  }\n'
            '}\n'
            'resource "google_compute_target_http_proxy" "portal" {\n'
            '  name    = "portal-http"\n'
            '  url_map = "global/urlMaps/portal-redirect"\n'
            '}\n')
    assert _statuses(tmp_path, text, "PLN-121") == [("PLN-121", "pass", 10)]


def test_gke_module_default_pool_removed_and_named_cluster(tmp_path: Path) -> None:
    """The GKE module's inline "default-pool" is deleted when remove_default_node_pool is
    true; a pool naming its cluster by name inherits the cluster's confidential nodes."""
    text = ('resource "google_container_cluster" "primary" {\n'
            '  name                     = "clinic"\n'
            '  location                 = "us-central1"\n'
            '  remove_default_node_pool = true\n'
            '  confidential_nodes {\n'
            '    enabled = true\n'
            '  }\n'
            '  node_pool {\n'
            '    name = "default-pool"\n'
            '  }\n'
            '}\n'
            'resource "google_container_node_pool" "pools" {\n'
            '  name    = "apps"\n'
            '  cluster = google_container_cluster.primary.name\n'
            '  node_config {\n'
            '    boot_disk_kms_key = "projects/p/locations/us-central1/keyRings/k/cryptoKeys/n"\n'
            '  }\n'
            '}\n')
    assert _statuses(tmp_path, text, "ENC-120", "KEY-120") == [
        ("ENC-120", "pass", 14), ("KEY-120", "pass", 16)]


def test_gke_unknown_default_pool_removal_is_not_guessed(tmp_path: Path) -> None:
    text = ('variable "remove" {}\n'
            'resource "google_container_cluster" "primary" {\n'
            '  name                     = "clinic"\n'
            '  location                 = "us-central1"\n'
            '  remove_default_node_pool = var.remove\n'
            '}\n')
    assert _statuses(tmp_path, text, "KEY-120", "INT-120") == []


def test_sql_module_lookups_and_flags(tmp_path: Path) -> None:
    """terraform-google-sql-db writes ssl_mode, backups and flags through lookup() and
    dynamic blocks: the values resolve instead of turning UNKNOWN."""
    text = ('variable "ip_configuration" {\n'
            '  default = { ssl_mode = "ENCRYPTED_ONLY" }\n'
            '}\n'
            'variable "flags" {\n'
            '  default = [{ name = "log_connections", value = "on" },\n'
            '             { name = "log_disconnections", value = "on" }]\n'
            '}\n'
            'variable "backup_configuration" {\n'
            '  default = { enabled = true }\n'
            '}\n'
            'resource "google_sql_database_instance" "default" {\n'
            '  name             = "ehr"\n'
            '  database_version = format("POSTGRES_%s", "16")\n'
            '  region           = "us-central1"\n'
            '  settings {\n'
            '    tier = "db-custom-2-7680"\n'
            '    dynamic "ip_configuration" {\n'
            '      for_each = [var.ip_configuration]\n'
            '      content {\n'
            '        ssl_mode = lookup(ip_configuration.value, "ssl_mode", null)\n'
            '      }\n'
            '    }\n'
            '    dynamic "database_flags" {\n'
            '      for_each = var.flags\n'
            '      content {\n'
            '        name  = lookup(database_flags.value, "name", null)\n'
            '        value = lookup(database_flags.value, "value", null)\n'
            '      }\n'
            '    }\n'
            '    backup_configuration {\n'
            '      enabled = lookup(var.backup_configuration, "enabled", false)\n'
            '    }\n'
            '  }\n'
            '}\n')
    assert [(rule, status) for rule, status, _ in
            _statuses(tmp_path, text, "PLN-030", "BAK-120", "LOG-121")] == [
        ("BAK-120", "pass"), ("LOG-121", "pass"), ("PLN-030", "pass")]
