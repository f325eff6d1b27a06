"""GCP data-service CMEK rules: behaviour the per-rule fixtures cannot show (relations
across files and module calls, map-valued annotations, repeated dynamic blocks)."""

from __future__ import annotations

from pathlib import Path

from linter.engine import Rule, load_rule
from linter.pipeline import ScanRequest, ScanResult, scan
from tests.conftest import REPOSITORY

RULE_FILES = sorted([*REPOSITORY.glob("rules/key/KEY-1[01][0-9].yaml"),
                     REPOSITORY / "rules/pln/PLN-100.yaml"])


def _rules(*rule_ids: str) -> list[Rule]:
    return [rule for rule in map(load_rule, RULE_FILES) if rule.id in rule_ids]


def _scan(tmp_path: Path, files: dict[str, str], *rule_ids: str) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1,
                            rules=_rules(*rule_ids)))


def _findings(result: ScanResult) -> list[tuple[str, str, str, str, int]]:
    assert not result.problems, result.problems
    return sorted((outcome.rule.id, outcome.status.value, outcome.resource.address,
                   outcome.location.path, outcome.location.start_line)
                  for outcome in result.outcomes)


def test_every_rule_of_the_area_loads() -> None:
    assert len(_rules(*[path.stem for path in RULE_FILES])) == len(RULE_FILES) >= 15


def test_a_table_inherits_the_key_of_a_dataset_declared_in_another_file(
        tmp_path: Path) -> None:
    files = {"datasets.tf": 'resource "google_bigquery_dataset" "claims" {\n'
                            '  dataset_id = "claims"\n'
                            '  default_encryption_configuration {\n'
                            '    kms_key_name = "projects/p/locations/us/keyRings/r/cryptoKeys/k"\n'
                            '  }\n'
                            '}\n'
                            'resource "google_bigquery_dataset" "scratch" {\n'
                            '  dataset_id = "scratch"\n'
                            '}\n',
             "tables.tf": 'resource "google_bigquery_table" "visits" {\n'
                          '  dataset_id = "claims"\n'
                          '  table_id   = "visits"\n'
                          '}\n'
                          'resource "google_bigquery_table" "tmp" {\n'
                          '  dataset_id = "scratch"\n'
                          '  table_id   = "tmp"\n'
                          '}\n'}
    assert _findings(_scan(tmp_path, files, "KEY-101")) == [
        ("KEY-101", "fail", "google_bigquery_table.tmp", "tables.tf", 5),
        ("KEY-101", "pass", "google_bigquery_table.visits", "tables.tf", 1),
    ]


def test_a_table_in_a_module_inherits_the_key_of_the_dataset_the_module_creates(
        tmp_path: Path) -> None:
    files = {"main.tf": 'module "warehouse" {\n'
                        '  source = "./modules/warehouse"\n'
                        '  key    = "projects/p/locations/us/keyRings/r/cryptoKeys/k"\n'
                        '}\n'
                        'module "sandbox" {\n'
                        '  source = "./modules/warehouse"\n'
                        '}\n',
             "modules/warehouse/main.tf":
                 'variable "key" {\n'
                 '  type    = string\n'
                 '  default = null\n'
                 '}\n'
                 'resource "google_bigquery_dataset" "this" {\n'
                 '  dataset_id = "warehouse"\n'
                 '  dynamic "default_encryption_configuration" {\n'
                 '    for_each = var.key == null ? [] : [var.key]\n'
                 '    content {\n'
                 '      kms_key_name = default_encryption_configuration.value\n'
                 '    }\n'
                 '  }\n'
                 '}\n'
                 'resource "google_bigquery_table" "visits" {\n'
                 '  dataset_id = google_bigquery_dataset.this.id\n'
                 '  table_id   = "visits"\n'
                 '}\n'}
    found = {(address, status) for _, status, address, _, _ in
             _findings(_scan(tmp_path, files, "KEY-101"))}
    assert found == {("module.warehouse.google_bigquery_table.visits", "pass"),
                     ("module.sandbox.google_bigquery_table.visits", "fail")}


def test_a_dataset_whose_key_is_unknown_leaves_its_tables_unknown(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "key" {\n'
                        '  type = string\n'
                        '}\n'
                        'resource "google_bigquery_dataset" "claims" {\n'
                        '  dataset_id = "claims"\n'
                        '  default_encryption_configuration {\n'
                        '    kms_key_name = var.key\n'
                        '  }\n'
                        '}\n'
                        'resource "google_bigquery_table" "visits" {\n'
                        '  dataset_id = google_bigquery_dataset.claims.dataset_id\n'
                        '  table_id   = "visits"\n'
                        '}\n'}
    assert _findings(_scan(tmp_path, files, "KEY-101")) == [
        ("KEY-101", "unknown", "google_bigquery_table.visits", "main.tf", 10)]


def test_a_cloud_run_v1_key_in_a_merged_annotation_map_is_read(tmp_path: Path) -> None:
    files = {"main.tf": 'locals {\n'
                        '  scaling = { "autoscaling.knative.dev/maxScale" = "5" }\n'
                        '}\n'
                        'resource "google_cloud_run_service" "intake" {\n'
                        '  name     = "intake"\n'
                        '  location = "us-central1"\n'
                        '  template {\n'
                        '    metadata {\n'
                        '      annotations = merge(local.scaling, {\n'
                        '        "run.googleapis.com/encryption-key" = "projects/p/locations/'
                        'us-central1/keyRings/r/cryptoKeys/k"\n'
                        '      })\n'
                        '    }\n'
                        '  }\n'
                        '}\n'}
    assert _findings(_scan(tmp_path, files, "KEY-111")) == [
        ("KEY-111", "pass", "google_cloud_run_service.intake", "main.tf", 10)]


def test_a_service_level_annotation_is_not_the_revision_key(tmp_path: Path) -> None:
    # Cloud Run v1 reads the key from the revision template, not the service metadata.
    files = {"main.tf": 'resource "google_cloud_run_service" "intake" {\n'
                        '  name     = "intake"\n'
                        '  location = "us-central1"\n'
                        '  metadata {\n'
                        '    annotations = {\n'
                        '      "run.googleapis.com/encryption-key" = "projects/p/locations/'
                        'us-central1/keyRings/r/cryptoKeys/k"\n'
                        '    }\n'
                        '  }\n'
                        '}\n'}
    assert _findings(_scan(tmp_path, files, "KEY-111")) == [
        ("KEY-111", "fail", "google_cloud_run_service.intake", "main.tf", 1)]


def test_secret_replication_chosen_by_two_dynamic_blocks(tmp_path: Path) -> None:
    # The pattern of cloud-foundation-fabric's secret-manager module: one dynamic
    # replication block for automatic replication, one for user-managed replicas.
    files = {"main.tf": 'locals {\n'
                        '  replicas = { "us-central1" = "projects/p/locations/us-central1/'
                        'keyRings/r/cryptoKeys/k", "us-east1" = null }\n'
                        '}\n'
                        'resource "google_secret_manager_secret" "api_key" {\n'
                        '  secret_id = "api-key"\n'
                        '  dynamic "replication" {\n'
                        '    for_each = []\n'
                        '    content {\n'
                        '      auto {}\n'
                        '    }\n'
                        '  }\n'
                        '  dynamic "replication" {\n'
                        '    for_each = [""]\n'
                        '    content {\n'
                        '      user_managed {\n'
                        '        dynamic "replicas" {\n'
                        '          for_each = local.replicas\n'
                        '          content {\n'
                        '            location = replicas.key\n'
                        '            dynamic "customer_managed_encryption" {\n'
                        '              for_each = replicas.value == null ? [] : [""]\n'
                        '              content {\n'
                        '                kms_key_name = replicas.value\n'
                        '              }\n'
                        '            }\n'
                        '          }\n'
                        '        }\n'
                        '      }\n'
                        '    }\n'
                        '  }\n'
                        '}\n'}
    result = _scan(tmp_path, files, "KEY-116")
    assert not result.problems, result.problems
    assert sorted((outcome.status.value, outcome.element) for outcome in result.outcomes) == [
        ("fail", "replication.user_managed.replicas[1]"),
        ("pass", "replication.user_managed.replicas[0]"),
    ]
