"""Adapters read what a file writes, whatever it writes: values of the wrong type are
UNKNOWN (never a crash), an empty key id sets no key, and enumerations AWS reads without
regard to case are judged in their documented spelling."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from linter.adapters import collect_builders
from linter.adapters.cloudformation import TemplateContext
from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.terraform import TerraformContext
from linter.checks.policies import denies_insecure_transport
from linter.conditions import Status
from linter.engine import Evaluator, catalogue_directory, load_rules
from linter.parsers.documents import KubernetesObject
from linter.parsers.yaml_source import MarkedList
from linter.pipeline import ScanRequest, ScanResult, scan
from linter.resolve.cloudformation import ResolvedResource
from linter.resolve.terraform import ResolvedBlock
from linter.tables import load_table
from linter.values import Branches, ConfigNode, ResourceRef, Unknown
from tests.conftest import REPOSITORY

RULES = load_rules([catalogue_directory("rules")])


def _scan(tmp_path: Path, files: dict[str, str], *rule_ids: str) -> ScanResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1,
                            rules=[rule for rule in RULES if rule.id in rule_ids]))


def _findings(result: ScanResult) -> list[tuple[str, str, str, int]]:
    assert not result.problems, result.problems
    return sorted((outcome.rule.id, outcome.status.value, outcome.resource.address,
                   outcome.location.start_line) for outcome in result.outcomes)


def _messages(result: ScanResult) -> dict[tuple[str, str], str]:
    return {(outcome.rule.id, outcome.resource.address): outcome.message
            for outcome in result.outcomes}


# --- every builder, fed a block whose every attribute has the wrong type -----------------


def _wrong(kind: str, depth: int) -> Any:
    if kind == "mapping":
        return _Everything(kind, depth + 1) if depth < 3 else "x"
    if kind in ("list of mappings", "list of unknowns", "list of scalars"):
        items = MarkedList(1)
        if kind == "list of mappings":
            items.add(_Everything(kind, depth + 1) if depth < 3 else "x", 1)
        elif kind == "list of unknowns":  # `enable_key_rotation = [var.a]`
            items.add(Unknown("a variable without a value"), 1)
        else:
            items.add("x", 1)
            items.add(7, 1)
        return items
    return {
        "true": True, "false": False, "number": 7, "fraction": 1.5, "null": None,
        "text": "x", "empty text": "", "unknown": Unknown("not known"),
        "conditional": Branches((True, "x"), ("condition true", "condition false")),
        "reference": ResourceRef("aws_kms_key", "other", "arn"),
        "json string": '"abc"', "json list": '[1, "a"]', "json number": "5",
        "json wrong fields": '{"bindings": "x", "Statement": 5, "Version": [1]}',
        "json wrong items": '{"bindings": [5, {"members": 3}], "Statement": [{"Effect": '
                            '"Deny", "Principal": "*", "Condition": [1]}, 5]}',
        "arn": "arn:aws:kms:us-east-1:111122223333:key/abc", "cidr": "0.0.0.0/0",
    }[kind]


class _Everything(ConfigNode):
    """A mapping in which every key is written, each with a value of the same wrong kind."""

    __slots__ = ("kind", "depth")

    def __init__(self, kind: str, depth: int = 0) -> None:
        super().__init__(1, 2)
        self.kind = kind
        self.depth = depth

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self.values:
            self.set(key, _wrong(self.kind, self.depth), 1)
        return self.values[key]

    def __contains__(self, key: object) -> bool:
        return True


WRONG_KINDS = ["mapping", "list of mappings", "list of unknowns", "list of scalars", "true",
               "false", "number", "fraction", "null", "text", "empty text", "unknown",
               "conditional", "reference", "json string", "json list", "json number",
               "json wrong fields", "json wrong items", "arn", "cidr"]


def _terraform_models(kind: str) -> list[Any]:
    models = []
    builders = collect_builders("linter.adapters.terraform")
    blocks = []
    for key in builders:
        mode, source_type = ("data", key[5:]) if key.startswith("data.") else ("resource", key)
        blocks.append(ResolvedBlock(mode, source_type, "wrong", "main.tf", 1, 2,
                                    _Everything(kind), "."))
    # One context holding every type: builders that look for related resources meet them.
    context = TerraformContext(blocks)
    for block in blocks:
        key = f"data.{block.type}" if block.mode == "data" else block.type
        for builder in builders[key]:
            models.extend(builder(block, context))
    return models


def _cloudformation_models(kind: str) -> list[Any]:
    builders = collect_builders("linter.adapters.cloudformation")
    resources = [ResolvedResource("Wrong", source_type, 1, 2, _Everything(kind), 1, None)
                 for source_type in builders]
    context = TemplateContext("template.yaml", resources)
    return [model for resource in resources for builder in builders[resource.type]
            for model in builder(resource, context)]


def _kubernetes_models(kind: str) -> list[Any]:
    builders = collect_builders("linter.adapters.kubernetes")
    objects = []
    for object_kind in builders:
        body = _Everything(kind)
        body.set("kind", object_kind, 1)
        body.set("apiVersion", "v1", 1)
        objects.append(KubernetesObject(body, 0))
    context = KubernetesContext("manifest.yaml", objects)
    return [model for item in objects for builder in builders[str(item.body.get("kind"))]
            for model in builder(item.body, context)]


@pytest.mark.parametrize("kind", WRONG_KINDS)
@pytest.mark.parametrize("build", [_terraform_models, _cloudformation_models,
                                   _kubernetes_models], ids=["terraform", "cloudformation",
                                                             "kubernetes"])
def test_every_builder_survives_values_of_the_wrong_type(build: Any, kind: str) -> None:
    models = build(kind)  # builders must not raise
    assert models
    if kind == "list of unknowns":
        return  # judged in the test below
    errors = [outcome.message for outcome in Evaluator(RULES).evaluate(models)
              if outcome.status is Status.ERROR]
    assert errors == []


@pytest.mark.parametrize("build", [_terraform_models, _cloudformation_models])
def test_lists_with_unknown_items_are_judged_without_errors(build: Any) -> None:
    errors = [outcome.message for outcome in
              Evaluator(RULES).evaluate(build("list of unknowns"))
              if outcome.status is Status.ERROR]
    assert errors == []


def test_a_list_where_a_boolean_belongs_is_unknown_for_that_field(tmp_path: Path) -> None:
    files = {"main.tf": 'variable "a" {}\n'
                        'resource "aws_kms_key" "phi" {\n'
                        '  enable_key_rotation = [var.a]\n'
                        '}\n'}
    result = _scan(tmp_path, files, "KEY-002")
    assert _findings(result) == [("KEY-002", "unknown", "aws_kms_key.phi", 3)]
    assert "a list where true or false is expected" in _messages(result)[
        ("KEY-002", "aws_kms_key.phi")]


def test_kubernetes_objects_with_a_spec_that_is_not_a_mapping(tmp_path: Path) -> None:
    manifest = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: kube-system\n"
                "spec: false\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
                "spec: [1, 2]\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                "metadata:\n  name: portal\nspec: 7\n")
    result = _scan(tmp_path, {"manifest.yaml": manifest},
                   *[rule.id for rule in RULES if any(model.startswith("k8s.")
                                                      for model in rule.models)])
    assert result.problems == []
    assert [outcome for outcome in result.outcomes if outcome.status is Status.ERROR] == []


# --- policy documents that are not JSON objects --------------------------------------------

KMS_IAM_POLICY = '''resource "google_kms_crypto_key" "photos" {
  name            = "phi-photos"
  key_ring        = "projects/p/locations/us/keyRings/phi"
  rotation_period = "7776000s"
}

resource "google_kms_crypto_key_iam_policy" "photos" {
  crypto_key_id = google_kms_crypto_key.photos.id
  policy_data   = <<EOF
"not an object"
EOF
}

resource "google_kms_crypto_key_iam_member" "anyone" {
  crypto_key_id = google_kms_crypto_key.photos.id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = "allUsers"
}
'''


def test_a_key_iam_policy_holding_a_bare_string_is_unknown_and_the_rest_is_judged(
        tmp_path: Path) -> None:
    result = _scan(tmp_path, {"main.tf": KMS_IAM_POLICY}, "KEY-019", "KEY-018")
    assert _findings(result) == [
        ("KEY-018", "pass", "google_kms_crypto_key.photos", 4),
        ("KEY-019", "fail", "google_kms_crypto_key_iam_member.anyone", 17),
        ("KEY-019", "unknown", "google_kms_crypto_key_iam_policy.photos", 9),
    ]
    assert "policy_data is not a JSON object with bindings" in _messages(result)[
        ("KEY-019", "google_kms_crypto_key_iam_policy.photos")]


@pytest.mark.parametrize(("policy", "reason"), [
    ('"abc"', "policy_data is not a JSON object with bindings"),
    ("[1, 2]", "policy_data is not a JSON object with bindings"),
    ("5", "policy_data is not a JSON object with bindings"),
    ("{not json", "policy_data is not a JSON policy"),
    ('{"bindings": "x"}', "policy_data bindings are not a list of objects"),
    ('{"bindings": [5]}', "policy_data bindings are not a list of objects"),
    ('{"bindings": [{"members": "allUsers"}]}',
     "policy_data has a binding whose members are not a list"),
])
def test_key_iam_policy_documents_of_the_wrong_shape(tmp_path: Path, policy: str,
                                                     reason: str) -> None:
    text = ('resource "google_kms_key_ring_iam_policy" "ring" {\n'
            '  key_ring_id = "projects/p/locations/us/keyRings/phi"\n'
            f"  policy_data = <<EOF\n{policy}\nEOF\n}}\n")
    result = _scan(tmp_path, {"main.tf": text}, "KEY-019")
    assert _findings(result) == [("KEY-019", "unknown", "google_kms_key_ring_iam_policy.ring", 3)]
    assert reason in _messages(result)[("KEY-019", "google_kms_key_ring_iam_policy.ring")]


def test_a_key_policy_with_a_statement_that_is_not_an_object_is_unknown(
        tmp_path: Path) -> None:
    template = ('Resources:\n  PhiKey:\n    Type: AWS::KMS::Key\n    Properties:\n'
                '      EnableKeyRotation: true\n      KeyPolicy:\n        Statement:\n'
                '          - Effect: Allow\n            Principal: "*"\n'
                '            Action: "kms:*"\n          - just text\n')
    result = _scan(tmp_path, {"template.yaml": template}, "KEY-003")
    assert _findings(result) == [("KEY-003", "unknown", "PhiKey", 6)]


def test_a_condition_that_is_not_a_mapping_does_not_crash_the_check() -> None:
    document = {"Statement": [{"Effect": "Deny", "Principal": "*", "Condition": [1]},
                              {"Effect": "Deny", "Principal": "*",
                               "Condition": {"Bool": {"aws:SecureTransport": []}}}]}
    assert denies_insecure_transport(document).passed is False


# --- an empty key id sets no key -----------------------------------------------------------


def test_sqs_queue_with_an_empty_key_id_has_no_customer_key(tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_sqs_queue" "referrals" {\n'
                        '  name              = "referrals"\n'
                        '  kms_master_key_id = ""\n'
                        '}\n',
             "template.yaml": "Resources:\n  Referrals:\n    Type: AWS::SQS::Queue\n"
                              "    Properties:\n      KmsMasterKeyId: ''\n"}
    result = _scan(tmp_path, files, "KEY-001", "ENC-010")
    assert sorted((rule, status, address, line) for rule, status, address, line
                  in _findings(result)) == [
        # SSE-SQS, the SQS default, still encrypts: no customer-managed key.
        ("ENC-010", "pass", "Referrals", 2),
        ("ENC-010", "pass", "aws_sqs_queue.referrals", 1),
        ("KEY-001", "fail", "Referrals", 5),
        ("KEY-001", "fail", "aws_sqs_queue.referrals", 3),
    ]


def test_a_conditional_key_whose_other_branch_is_empty_fails_on_that_branch(
        tmp_path: Path) -> None:
    files = {"main.tf": 'variable "with_key" {}\n'
                        'resource "aws_kms_key" "phi" {}\n'
                        'resource "aws_ebs_volume" "scans" {\n'
                        '  availability_zone = "us-east-1a"\n'
                        '  encrypted         = true\n'
                        '  kms_key_id        = var.with_key ? aws_kms_key.phi.arn : ""\n'
                        '}\n'}
    result = _scan(tmp_path, files, "KEY-001")
    assert _findings(result) == [("KEY-001", "fail", "aws_ebs_volume.scans", 6)]
    assert "false branch" in _messages(result)[("KEY-001", "aws_ebs_volume.scans")]


def test_sqs_conditional_key_with_an_empty_branch_fails_that_branch(tmp_path: Path) -> None:
    # The empty branch is SSE-SQS (the default, still encrypted): no customer-managed key.
    files = {"main.tf": 'variable "with_key" {}\n'
                        'resource "aws_kms_key" "phi" {}\n'
                        'resource "aws_sqs_queue" "referrals" {\n'
                        '  kms_master_key_id = var.with_key ? aws_kms_key.phi.arn : ""\n'
                        '}\n'}
    result = _scan(tmp_path, files, "KEY-001")
    assert _findings(result) == [("KEY-001", "fail", "aws_sqs_queue.referrals", 4)]
    assert "false branch" in _messages(result)[("KEY-001", "aws_sqs_queue.referrals")]


FIREHOSE_TF = '''resource "aws_kinesis_firehose_delivery_stream" "hl7_feed" {
  name        = "hl7-feed"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = ""
  }

  extended_s3_configuration {
    role_arn   = "arn:aws:iam::111122223333:role/firehose"
    bucket_arn = "arn:aws:s3:::clinic-hl7-archive"
  }
}
'''
FIREHOSE_CFN = '''Resources:
  Hl7Feed:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamEncryptionConfigurationInput:
        KeyType: CUSTOMER_MANAGED_CMK
        KeyARN: ""
      ExtendedS3DestinationConfiguration:
        BucketARN: arn:aws:s3:::clinic-hl7-archive
        RoleARN: arn:aws:iam::111122223333:role/firehose
'''


def test_firehose_customer_key_type_with_an_empty_key_arn_has_no_customer_key(
        tmp_path: Path) -> None:
    result = _scan(tmp_path, {"main.tf": FIREHOSE_TF, "template.yaml": FIREHOSE_CFN},
                   "KEY-001", "ENC-033")
    assert _findings(result) == [
        ("ENC-033", "pass", "Hl7Feed", 5),
        ("ENC-033", "pass", "aws_kinesis_firehose_delivery_stream.hl7_feed", 6),
        ("KEY-001", "fail", "Hl7Feed", 7),
        ("KEY-001", "fail", "aws_kinesis_firehose_delivery_stream.hl7_feed", 8),
    ]


def test_kinesis_kms_without_a_key_is_encrypted_but_not_with_a_customer_key(
        tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_kinesis_stream" "lab_events" {\n'
                        '  name            = "lab-events"\n'
                        '  shard_count     = 1\n'
                        '  encryption_type = "KMS"\n'
                        '}\n',
             "template.yaml": "Resources:\n  LabEvents:\n    Type: AWS::Kinesis::Stream\n"
                              "    Properties:\n      ShardCount: 1\n      StreamEncryption:\n"
                              "        EncryptionType: KMS\n        KeyId: ''\n"}
    result = _scan(tmp_path, files, "KEY-001", "ENC-012")
    assert _findings(result) == [
        ("ENC-012", "pass", "LabEvents", 7),
        ("ENC-012", "pass", "aws_kinesis_stream.lab_events", 4),
        ("KEY-001", "fail", "LabEvents", 8),
        ("KEY-001", "fail", "aws_kinesis_stream.lab_events", 1),
    ]


KEY_PATH = re.compile(r"(kms|key_id|key_arn|KeyId|KeyArn|KeyARN|KmsKey|key_name|MasterKey"
                      r"|master_key|EncryptionKey|encryption_key)", re.IGNORECASE)


def test_every_key_argument_is_read_through_field_at() -> None:
    """field_at is where an empty key id becomes "not set": an adapter reading a key
    argument straight from the configuration would see "" as a key."""
    offenders = []
    for package in ("terraform", "cloudformation"):
        for path in sorted((REPOSITORY / "linter" / "adapters" / package).glob("*.py")):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr == "get" and node.args \
                        and isinstance(node.args[0], ast.Constant) \
                        and isinstance(node.args[0].value, str) \
                        and KEY_PATH.search(node.args[0].value):
                    offenders.append(f"{path.name}:{node.lineno} .get({node.args[0].value!r})")
    assert offenders == []


# --- enumerations in another case ----------------------------------------------------------


def test_rds_engine_names_are_read_without_case(tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_db_instance" "ehr" {\n'
                        '  engine         = "MySQL"\n'
                        '  engine_version = "8.0.35"\n'
                        '  instance_class = "db.t3.micro"\n'
                        '}\n',
             "template.yaml": "Resources:\n  Ehr:\n    Type: AWS::RDS::DBInstance\n"
                              "    Properties:\n      Engine: Postgres\n"
                              "      EngineVersion: '14.10'\n      DBInstanceClass: db.t3.micro\n"}
    result = _scan(tmp_path, files, "PLN-013")
    # Both engines leave TLS optional by default: the rule now applies, and fails.
    assert _findings(result) == [("PLN-013", "fail", "Ehr", 2),
                                 ("PLN-013", "fail", "aws_db_instance.ehr", 1)]


def test_listener_protocols_and_cache_modes_are_read_without_case(tmp_path: Path) -> None:
    files = {"main.tf": 'resource "aws_lb_listener" "portal" {\n'
                        '  load_balancer_arn = "arn:aws:elasticloadbalancing:us-east-1:1:x"\n'
                        '  port              = 80\n'
                        '  protocol          = "http"\n'
                        '  default_action {\n'
                        '    type             = "forward"\n'
                        '    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:1:t"\n'
                        '  }\n'
                        '}\n',
             "template.yaml": "Resources:\n  Sessions:\n"
                              "    Type: AWS::ElastiCache::ReplicationGroup\n"
                              "    Properties:\n"
                              "      ReplicationGroupDescription: sessions\n"
                              "      Engine: Redis\n"
                              "      TransitEncryptionEnabled: true\n"
                              "      TransitEncryptionMode: Preferred\n"}
    result = _scan(tmp_path, files, "PLN-001", "PLN-003")
    assert _findings(result) == [("PLN-001", "fail", "aws_lb_listener.portal", 4),
                                 ("PLN-003", "fail", "Sessions", 8)]


def test_dms_engine_and_ssl_mode_are_read_without_case(tmp_path: Path) -> None:
    template = ("Resources:\n  Source:\n    Type: AWS::DMS::Endpoint\n    Properties:\n"
                "      EndpointType: source\n      EngineName: AURORA\n      SslMode: NONE\n")
    result = _scan(tmp_path, {"template.yaml": template}, "PLN-016")
    assert _findings(result) == [("PLN-016", "fail", "Source", 7)]


def test_every_enumeration_names_a_setting_its_adapter_reads() -> None:
    """A misspelt entry in tables/enumerations.yaml would silently normalise nothing."""
    table = load_table("enumerations")
    missing = []
    for package in ("terraform", "cloudformation"):
        folder = REPOSITORY / "linter" / "adapters" / package
        # Plain mappings are declared in tables/mappings rather than adapter modules.
        mapped = "".join(path.read_text() for path in
                         sorted((REPOSITORY / "linter" / "tables" / "mappings").glob("*.yaml")))
        everything = mapped + "".join(path.read_text()
                                      for path in sorted(folder.glob("*.py")))
        builders = collect_builders(f"linter.adapters.{package}")
        for source_type, settings in table[package].items():
            # A type without a builder of its own is read by another's (an S3 bucket's
            # separate encryption configuration).
            modules = {builder.__module__ for builder in builders.get(source_type, ())}
            sources = "".join(mapped if module == "linter.adapters.mapped" else
                              Path(__import__(module, fromlist=["_"]).__file__).read_text()
                              for module in sorted(modules)) if modules else everything
            if source_type not in everything:
                missing.append(source_type)
            missing.extend(f"{source_type}.{setting}" for setting in settings
                           if setting not in sources)
    assert missing == []
