"""CloudFormation values hidden behind parameters, conditions, mappings, intrinsics and
SAM Globals are resolved end to end; each case also shows the opposite value passing,
and what needs a deployed stack is UNKNOWN with a reason."""

from __future__ import annotations

import json
from pathlib import Path

from linter.conditions import Status
from linter.engine import Outcome, catalogue_directory, load_rules
from linter.parsers.yaml_source import load_documents
from linter.pipeline import ScanRequest, scan
from linter.resolve.cloudformation import TemplateScope
from tests.conftest import run_cli

RULES = load_rules([catalogue_directory("rules")])
Finding = tuple[str, str, int, str]


def line_of(text: str, fragment: str) -> int:
    """The line of the one line holding `fragment` (so the assertions read as intent)."""
    lines = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines}"
    return lines[0]


def _scan(tmp_path: Path, text: str, rule_id: str, name: str = "template.yaml",
          parameters: dict[str, str] | None = None) -> list[Outcome]:
    (tmp_path / name).write_text(text)
    result = scan(ScanRequest(paths=[tmp_path / name], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == rule_id],
                              cloudformation_parameters=parameters or {}))
    assert not result.problems, result.problems
    return result.outcomes


def findings(tmp_path: Path, text: str, rule_id: str, name: str = "template.yaml",
             parameters: dict[str, str] | None = None) -> list[Finding]:
    """Every outcome of one rule as (rule, file, line, status), passes included."""
    return sorted((o.rule.id, o.location.path, o.location.start_line, o.status.value)
                  for o in _scan(tmp_path, text, rule_id, name, parameters))


def cli_findings(tmp_path: Path, text: str, rule_id: str, *options: str) -> list[Finding]:
    """Failing and unknown findings of a `ephi-lint scan` run (the CLI reads the options)."""
    (tmp_path / "template.yaml").write_text(text)
    completed = run_cli("scan", "template.yaml", "--include-rule", rule_id, "-f", "json",
                        *options, cwd=tmp_path)
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    return sorted((item["rule"], item["file"], item["line"], item["status"])
                  for item in report["findings"])


# --- parameters ----------------------------------------------------------------------

ROTATION = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Rotate:
    Type: String
    AllowedValues: ["true", "false"]
    Default: "false"
Resources:
  PhiKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: !Ref Rotate
'''
ROTATION_LINE = line_of(ROTATION, "EnableKeyRotation")


def test_parameter_default_is_the_value(tmp_path: Path) -> None:
    assert findings(tmp_path, ROTATION, "KEY-002") == [
        ("KEY-002", "template.yaml", ROTATION_LINE, "fail")]
    compliant = ROTATION.replace('Default: "false"', 'Default: "true"')
    assert findings(tmp_path, compliant, "KEY-002") == [
        ("KEY-002", "template.yaml", ROTATION_LINE, "pass")]


def test_cfn_param_overrides_the_default(tmp_path: Path) -> None:
    assert cli_findings(tmp_path, ROTATION, "KEY-002", "--cfn-param", "Rotate=true") == []
    compliant_default = ROTATION.replace('Default: "false"', 'Default: "true"')
    assert cli_findings(tmp_path, compliant_default, "KEY-002",
                        "--cfn-param", "Rotate=false") == [
        ("KEY-002", "template.yaml", ROTATION_LINE, "fail")]


def test_cfn_param_file_in_the_aws_cli_list_form(tmp_path: Path) -> None:
    values = tmp_path / "prod.json"
    values.write_text(json.dumps([{"ParameterKey": "Rotate", "ParameterValue": "true"},
                                  {"ParameterKey": "Unused", "ParameterValue": "x"}]))
    assert cli_findings(tmp_path, ROTATION, "KEY-002", "--cfn-param-file", "prod.json") == []
    values.write_text(json.dumps([{"ParameterKey": "Rotate", "ParameterValue": "false"}]))
    compliant_default = ROTATION.replace('Default: "false"', 'Default: "true"')
    assert cli_findings(tmp_path, compliant_default, "KEY-002",
                        "--cfn-param-file", "prod.json") == [
        ("KEY-002", "template.yaml", ROTATION_LINE, "fail")]


def test_parameter_without_value_is_unknown(tmp_path: Path) -> None:
    text = ROTATION.replace('    Default: "false"\n', "")
    line = line_of(text, "EnableKeyRotation")
    [outcome] = _scan(tmp_path, text, "KEY-002")
    assert (outcome.status, outcome.location.start_line) == (Status.UNKNOWN, line)
    assert "parameter Rotate has no Default and no value was given" in outcome.message
    assert findings(tmp_path, text, "KEY-002", parameters={"Rotate": "true"}) == [
        ("KEY-002", "template.yaml", line, "pass")]


def test_ssm_parameter_type_and_dynamic_reference_are_unknown(tmp_path: Path) -> None:
    ssm = ROTATION.replace("Type: String", "Type: AWS::SSM::Parameter::Value<String>") \
        .replace('    AllowedValues: ["true", "false"]\n', "") \
        .replace('Default: "false"', "Default: /clinic/kms/rotate")
    [outcome] = _scan(tmp_path, ssm, "KEY-002")
    assert outcome.status is Status.UNKNOWN
    assert "read from SSM parameter /clinic/kms/rotate when deployed" in outcome.message
    dynamic = ROTATION.replace("!Ref Rotate", '"{{resolve:ssm:/clinic/kms/rotate}}"')
    [outcome] = _scan(tmp_path, dynamic, "KEY-002")
    assert (outcome.status, outcome.location.start_line) == (Status.UNKNOWN, ROTATION_LINE)
    assert "dynamic reference" in outcome.message


# --- conditions ----------------------------------------------------------------------

CONDITIONS = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Environment:
    Type: String
    Default: prod
  Encrypt:
    Type: String
    Default: "true"
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
  IsDev: !Not [!Condition IsProd]
  Encrypted: !Equals [!Ref Encrypt, true]
  ProdAndEncrypted: !And [!Condition IsProd, !Condition Encrypted]
Resources:
  ScratchTable:
    Type: AWS::DynamoDB::Table
    Condition: IsDev
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
  AppointmentsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification:
        SSEEnabled: !If [ProdAndEncrypted, true, false]
'''
SCRATCH_LINE = line_of(CONDITIONS, "ScratchTable:")
IF_LINE = line_of(CONDITIONS, "SSEEnabled: !If")


def test_false_condition_skips_the_resource_and_fn_if_follows_conditions(
        tmp_path: Path) -> None:
    # Default parameters: IsDev is false, so ScratchTable is not created at all, and the
    # string parameter "true" equals the YAML boolean true as CloudFormation compares them.
    assert findings(tmp_path, CONDITIONS, "ENC-005") == [
        ("ENC-005", "template.yaml", IF_LINE, "pass")]


def test_conditions_under_other_parameters(tmp_path: Path) -> None:
    assert findings(tmp_path, CONDITIONS, "ENC-005", parameters={"Environment": "dev"}) == [
        ("ENC-005", "template.yaml", SCRATCH_LINE, "fail"),
        ("ENC-005", "template.yaml", IF_LINE, "fail")]
    assert findings(tmp_path, CONDITIONS, "ENC-005", parameters={"Encrypt": "false"}) == [
        ("ENC-005", "template.yaml", IF_LINE, "fail")]


def test_fn_if_on_an_unknown_condition_fails_on_the_bad_branch(tmp_path: Path) -> None:
    text = CONDITIONS.replace("!Equals [!Ref Environment, prod]",
                              "!Equals [!Ref AWS::Region, us-east-1]")
    outcomes = [o for o in _scan(tmp_path, text, "ENC-005")
                if o.resource.address == "AppointmentsTable"]
    [outcome] = outcomes
    assert (outcome.status, outcome.location.start_line) == (Status.FAIL, IF_LINE)
    assert "condition ProdAndEncrypted false" in outcome.message
    compliant = text.replace("!If [ProdAndEncrypted, true, false]",
                             "!If [ProdAndEncrypted, true, true]")
    statuses = {(o.resource.address, o.status) for o in _scan(tmp_path, compliant, "ENC-005")}
    # ScratchTable's condition is unknown too: it may exist, and is judged.
    assert statuses == {("AppointmentsTable", Status.PASS), ("ScratchTable", Status.FAIL)}


def test_no_value_removes_the_property(tmp_path: Path) -> None:
    text = CONDITIONS.replace("      SSESpecification:\n        SSEEnabled: !If "
                              "[ProdAndEncrypted, true, false]\n",
                              "      SSESpecification: !If [IsProd, {SSEEnabled: true}, "
                              "!Ref AWS::NoValue]\n")
    table_line = line_of(text, "AppointmentsTable:")
    assert findings(tmp_path, text, "ENC-005") == [
        ("ENC-005", "template.yaml", line_of(text, "SSESpecification: !If"), "pass")]
    assert ("ENC-005", "template.yaml", table_line, "fail") in findings(
        tmp_path, text, "ENC-005", parameters={"Environment": "dev"})


# --- mappings and string intrinsics ------------------------------------------------------

KEYS = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Environment:
    Type: String
    Default: prod
Mappings:
  TableKeys:
    prod:
      Key: alias/aws/dynamodb
    dev:
      Key: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
Resources:
  AppointmentsTable:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      BillingMode: PAY_PER_REQUEST
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !FindInMap [TableKeys, !Ref Environment, Key]
'''
KEY_LINE = line_of(KEYS, "KMSMasterKeyId")


def _with_key(expression: str) -> str:
    return KEYS.replace("!FindInMap [TableKeys, !Ref Environment, Key]", expression)


def test_find_in_map_keyed_by_a_parameter(tmp_path: Path) -> None:
    assert findings(tmp_path, KEYS, "KEY-001") == [
        ("KEY-001", "template.yaml", KEY_LINE, "fail")]
    assert findings(tmp_path, KEYS, "KEY-001", parameters={"Environment": "dev"}) == [
        ("KEY-001", "template.yaml", KEY_LINE, "pass")]


def test_find_in_map_keyed_by_a_pseudo_parameter_is_unknown(tmp_path: Path) -> None:
    [outcome] = _scan(tmp_path, _with_key("!FindInMap [TableKeys, !Ref AWS::Region, Key]"),
                      "KEY-001")
    assert (outcome.status, outcome.location.start_line) == (Status.UNKNOWN, KEY_LINE)
    assert "Fn::FindInMap with unknown keys" in outcome.message


def test_sub_both_forms_and_join(tmp_path: Path) -> None:
    aws_managed = [
        '!Sub "arn:aws:kms:us-east-1:111122223333:alias/aws/${Service}"',
        '!Sub ["alias/${Prefix}/dynamodb", {Prefix: aws}]',
        '!Join ["", [alias/aws/, !Select [0, [dynamodb]]]]',
    ]
    for expression in aws_managed:
        text = _with_key(expression).replace(
            "  Environment:\n", "  Service:\n    Type: String\n    Default: dynamodb\n"
                                "  Environment:\n")
        assert findings(tmp_path, text, "KEY-001") == [
            ("KEY-001", "template.yaml", line_of(text, "KMSMasterKeyId"), "fail")], expression
    customer = [
        '!Sub "alias/clinic-${Environment}"',
        '!Sub ["alias/${Name}", {Name: clinic-phi}]',
        '!Join [/, [alias, !Ref Environment, phi]]',
    ]
    for expression in customer:
        assert findings(tmp_path, _with_key(expression), "KEY-001") == [
            ("KEY-001", "template.yaml", KEY_LINE, "pass")], expression


def test_pseudo_parameters_are_unknown(tmp_path: Path) -> None:
    text = _with_key('!Sub "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:'
                     'key/1234abcd-12ab-34cd-56ef-1234567890ab"')
    [outcome] = _scan(tmp_path, text, "KEY-001")
    assert (outcome.status, outcome.location.start_line) == (Status.UNKNOWN, KEY_LINE)
    assert "known only when deployed" in outcome.message


# --- references to keys and aliases -------------------------------------------------

def test_ref_to_an_alias_resource_passes_and_an_aws_alias_string_fails(
        tmp_path: Path) -> None:
    declared = KEYS.replace("Resources:\n", '''Resources:
  PhiKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  PhiKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/clinic-phi
      TargetKeyId: !Ref PhiKey
''')
    for expression in ("!Ref PhiKeyAlias", "!GetAtt PhiKey.Arn", "!Ref PhiKey"):
        text = declared.replace("!FindInMap [TableKeys, !Ref Environment, Key]", expression)
        assert findings(tmp_path, text, "KEY-001") == [
            ("KEY-001", "template.yaml", line_of(text, "KMSMasterKeyId"), "pass")], expression
    text = declared.replace("!FindInMap [TableKeys, !Ref Environment, Key]",
                            "alias/aws/dynamodb")
    assert findings(tmp_path, text, "KEY-001") == [
        ("KEY-001", "template.yaml", line_of(text, "KMSMasterKeyId"), "fail")]


def test_ref_to_a_resource_outside_the_template_is_unknown(tmp_path: Path) -> None:
    [outcome] = _scan(tmp_path, _with_key("!ImportValue shared-phi-key"), "KEY-001")
    assert (outcome.status, outcome.location.start_line) == (Status.UNKNOWN, KEY_LINE)


CDK = '''{
  "Resources": {
    "PhiKey4B8E7A20": {
      "Type": "AWS::KMS::Key",
      "Properties": {"EnableKeyRotation": true},
      "UpdateReplacePolicy": "Retain",
      "DeletionPolicy": "Retain",
      "Metadata": {"aws:cdk:path": "ClinicStack/PhiKey/Resource"}
    },
    "PhotosBucket9F3A1C2D": {
      "Type": "AWS::S3::Bucket",
      "Properties": {
        "BucketEncryption": {
          "ServerSideEncryptionConfiguration": [{
            "ServerSideEncryptionByDefault": {
              "SSEAlgorithm": "aws:kms",
              "KMSMasterKeyID": {"Fn::GetAtt": ["PhiKey4B8E7A20", "Arn"]}
            }
          }]
        }
      },
      "Metadata": {"aws:cdk:path": "ClinicStack/Photos/Resource"}
    },
    "AppointmentsTable5C1E2F3A": {
      "Type": "AWS::DynamoDB::Table",
      "Properties": {
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        "SSESpecification": {
          "SSEEnabled": true,
          "SSEType": "KMS",
          "KMSMasterKeyId": {"Ref": "PhiKey4B8E7A20"}
        }
      },
      "Metadata": {"aws:cdk:path": "ClinicStack/Appointments/Resource"}
    }
  }
}
'''


def test_cdk_output_with_refs_and_getatts_passes(tmp_path: Path) -> None:
    # kics#7203: CDK always references keys by Ref/GetAtt of hashed logical ids.
    assert findings(tmp_path, CDK, "KEY-001", name="ClinicStack.template.json") == [
        ("KEY-001", "ClinicStack.template.json", line_of(CDK, '"KMSMasterKeyID"'), "pass"),
        ("KEY-001", "ClinicStack.template.json", line_of(CDK, '"KMSMasterKeyId"'), "pass")]
    aws_managed = CDK.replace('{"Ref": "PhiKey4B8E7A20"}', '"alias/aws/dynamodb"')
    assert findings(tmp_path, aws_managed, "KEY-001", name="ClinicStack.template.json") == [
        ("KEY-001", "ClinicStack.template.json", line_of(CDK, '"KMSMasterKeyID"'), "pass"),
        ("KEY-001", "ClinicStack.template.json", line_of(CDK, '"KMSMasterKeyId"'), "fail")]


# --- SAM ------------------------------------------------------------------------------

SAM = '''AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: prod
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  SimpleTable:
    SSESpecification:
      SSEEnabled: true
Resources:
  AppointmentsTable:
    Type: AWS::Serverless::SimpleTable
  ScratchTable:
    Type: AWS::Serverless::SimpleTable
    Condition: IsProd
    Properties:
      SSESpecification:
        SSEEnabled: false
'''


def test_sam_globals_apply_and_the_resource_value_wins(tmp_path: Path) -> None:
    globals_line = line_of(SAM, "SSEEnabled: true")
    assert findings(tmp_path, SAM, "ENC-005") == [
        ("ENC-005", "template.yaml", globals_line, "pass"),
        ("ENC-005", "template.yaml", line_of(SAM, "SSEEnabled: false"), "fail")]
    # ScratchTable exists only in prod.
    assert findings(tmp_path, SAM, "ENC-005", parameters={"Stage": "dev"}) == [
        ("ENC-005", "template.yaml", globals_line, "pass")]


def test_globals_without_the_sam_transform_mean_nothing(tmp_path: Path) -> None:
    text = SAM.replace("Transform: AWS::Serverless-2016-10-31\n", "")
    # Without the transform a SimpleTable is not deployable; no Globals are inherited.
    assert findings(tmp_path, text, "ENC-005") == [
        ("ENC-005", "template.yaml", line_of(text, "AppointmentsTable:"), "fail"),
        ("ENC-005", "template.yaml", line_of(text, "SSEEnabled: false"), "fail")]


def test_sam_globals_merge_maps_and_add_lists() -> None:
    text = ('Transform: [AWS::Serverless-2016-10-31]\n'
            'Globals:\n  Function:\n    Runtime: python3.12\n    Layers: [a]\n'
            '    Environment: {Variables: {A: "1"}}\n'
            'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n'
            '      Runtime: python3.13\n      Layers: [b]\n'
            '      Environment: {Variables: {B: "2"}}\n')
    [document] = load_documents(text)
    [resource] = TemplateScope(document).resolved_resources()
    assert resource.properties.to_plain() == {
        "Runtime": "python3.13", "Layers": ["a", "b"],
        "Environment": {"Variables": {"A": "1", "B": "2"}}}
    assert resource.properties.get("Layers").lines == [5, 12]


def test_parameter_lists_and_find_in_map_default() -> None:
    text = ('Parameters:\n  Subnets:\n    Type: CommaDelimitedList\n    Default: "a, b"\n'
            'Mappings:\n  M:\n    prod: {K: v}\n'
            'Resources:\n  R:\n    Type: AWS::SNS::Topic\n    Properties:\n'
            '      L: !Ref Subnets\n'
            '      D: !FindInMap [M, dev, K, {DefaultValue: fallback}]\n'
            '      U: !FindInMap [M, !Ref AWS::Region, K, {DefaultValue: fallback}]\n')
    [document] = load_documents(text)
    properties = TemplateScope(document).properties_of("R")
    assert (properties.get("L"), properties.get("D")) == (["a", "b"], "fallback")
    # A key that is not known is not replaced by the default: that would be a guess.
    assert str(properties.get("U")) == "<unknown: Fn::FindInMap with unknown keys>"


# --- Fn::ForEach (AWS::LanguageExtensions) ---------------------------------------------

CLINIC_TABLES = '''AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Clinics:
    Type: CommaDelimitedList
    Default: "North, South"
Resources:
  Fn::ForEach::ClinicTables:
    - Clinic
    - !Ref Clinics
    - PhiKey${Clinic}:
        Type: AWS::KMS::Key
        Properties:
          EnableKeyRotation: true
      Appointments${Clinic}Table:
        Type: AWS::DynamoDB::Table
        Properties:
          KeySchema: [{AttributeName: id, KeyType: HASH}]
          AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
          BillingMode: PAY_PER_REQUEST
          SSESpecification:
            SSEEnabled: true
            SSEType: KMS
            KMSMasterKeyId: !Ref {Fn::Sub: "PhiKey${Clinic}"}
'''
CLINIC_KEY_LINE = line_of(CLINIC_TABLES, "KMSMasterKeyId")
AWS_MANAGED_TABLES = CLINIC_TABLES.replace('!Ref {Fn::Sub: "PhiKey${Clinic}"}',
                                           "alias/aws/dynamodb")


def judged(tmp_path: Path, text: str, rule_id: str,
           parameters: dict[str, str] | None = None) -> list[tuple[str, int, str]]:
    """Every outcome of one rule as (resource address, line, status)."""
    return sorted((o.resource.address, o.location.start_line, o.status.value)
                  for o in _scan(tmp_path, text, rule_id, parameters=parameters))


def test_foreach_over_a_list_judges_each_generated_resource_on_the_loop_lines(
        tmp_path: Path) -> None:
    text = CLINIC_TABLES.replace("!Ref Clinics", "[North, South]")
    # Each table refers to its own clinic's key through `!Ref {Fn::Sub: ...}`.
    assert judged(tmp_path, text, "KEY-001") == [
        ("AppointmentsNorthTable", CLINIC_KEY_LINE, "pass"),
        ("AppointmentsSouthTable", CLINIC_KEY_LINE, "pass")]
    assert judged(tmp_path, text, "KEY-002") == [
        ("PhiKeyNorth", line_of(text, "EnableKeyRotation"), "pass"),
        ("PhiKeySouth", line_of(text, "EnableKeyRotation"), "pass")]
    aws_managed = AWS_MANAGED_TABLES.replace("!Ref Clinics", "[North, South]")
    assert judged(tmp_path, aws_managed, "KEY-001") == [
        ("AppointmentsNorthTable", CLINIC_KEY_LINE, "fail"),
        ("AppointmentsSouthTable", CLINIC_KEY_LINE, "fail")]


def test_foreach_over_a_parameter_list_follows_cfn_param(tmp_path: Path) -> None:
    assert judged(tmp_path, AWS_MANAGED_TABLES, "KEY-001") == [
        ("AppointmentsNorthTable", CLINIC_KEY_LINE, "fail"),
        ("AppointmentsSouthTable", CLINIC_KEY_LINE, "fail")]
    (tmp_path / "template.yaml").write_text(AWS_MANAGED_TABLES)
    completed = run_cli("scan", "template.yaml", "--include-rule", "KEY-001", "-f", "json",
                        "--cfn-param", "Clinics=East,West,Central", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    report = json.loads(completed.stdout)
    assert sorted((item["resource"], item["line"], item["status"])
                  for item in report["findings"]) == [
        ("AppointmentsCentralTable", CLINIC_KEY_LINE, "fail"),
        ("AppointmentsEastTable", CLINIC_KEY_LINE, "fail"),
        ("AppointmentsWestTable", CLINIC_KEY_LINE, "fail")]


def test_foreach_collection_without_a_value_gives_one_unknown_instance(
        tmp_path: Path) -> None:
    text = CLINIC_TABLES.replace('    Default: "North, South"\n', "")
    key_line = line_of(text, "KMSMasterKeyId")
    [outcome] = _scan(tmp_path, text, "KEY-001")
    assert (outcome.resource.address, outcome.location.start_line, outcome.status) == (
        "Appointments[*]Table", key_line, Status.UNKNOWN)
    assert ("Fn::ForEach::ClinicTables iterates over a collection that is not known "
            "(parameter Clinics has no Default and no value was given)") in outcome.message
    # What does not depend on the item is still judged, once for every clinic.
    assert judged(tmp_path, text, "KEY-002") == [
        ("PhiKey[*]", line_of(text, "EnableKeyRotation"), "pass")]
    assert judged(tmp_path, text, "KEY-001", parameters={"Clinics": "North"}) == [
        ("AppointmentsNorthTable", key_line, "pass")]


NESTED = '''AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Mappings:
  TableEncryption:
    Notes: {SSEEnabled: true}
    Scratch: {SSEEnabled: false}
Resources:
  Fn::ForEach::Clinics:
    - Clinic
    - [North, South]
    - Fn::ForEach::Kinds:
        - Kind
        - [Notes, Scratch]
        - ${Clinic}${Kind}Table:
            Type: AWS::DynamoDB::Table
            Properties:
              TableName: !Sub "${Clinic}-${Kind}"
              KeySchema: [{AttributeName: id, KeyType: HASH}]
              AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
              BillingMode: PAY_PER_REQUEST
              SSESpecification:
                SSEEnabled: !FindInMap [TableEncryption, !Ref Kind, SSEEnabled]
'''


def test_nested_foreach_binds_both_identifiers(tmp_path: Path) -> None:
    line = line_of(NESTED, "SSEEnabled: !FindInMap")
    assert judged(tmp_path, NESTED, "ENC-005") == [
        ("NorthNotesTable", line, "pass"), ("NorthScratchTable", line, "fail"),
        ("SouthNotesTable", line, "pass"), ("SouthScratchTable", line, "fail")]
    [document] = load_documents(NESTED)
    scope = TemplateScope(document)
    assert scope.properties_of("SouthScratchTable").get("TableName") == "South-Scratch"
    assert scope.problems == []


def test_ampersand_form_strips_non_alphanumeric_characters_from_logical_ids(
        tmp_path: Path) -> None:
    text = '''AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::ClinicExports:
    - Clinic
    - [north-east, "st. mary's"]
    - Export&{Clinic}Bucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: ${Clinic}-exports
'''
    line = line_of(text, "Export&{Clinic}Bucket")
    assert judged(tmp_path, text, "ENC-001") == [
        ("ExportnortheastBucket", line, "fail"), ("ExportstmarysBucket", line, "fail")]
    # Values keep the item as written: `&{}` is for logical ids only.
    [document] = load_documents(text)
    properties = TemplateScope(document).properties_of("ExportnortheastBucket")
    assert properties.get("BucketName") == "north-east-exports"


def test_foreach_without_the_transform_is_a_problem_and_not_expanded() -> None:
    text = CLINIC_TABLES.replace("Transform: AWS::LanguageExtensions\n", "")
    [document] = load_documents(text)
    scope = TemplateScope(document)
    assert scope.resolved_resources() == []
    assert scope.problems == [
        f"Fn::ForEach::ClinicTables (line {line_of(text, 'Fn::ForEach::ClinicTables')}) "
        "needs the AWS::LanguageExtensions transform, which this template does not "
        "declare: CloudFormation rejects the template, and what the loop declares is "
        "not judged"]


def test_a_template_of_loops_only_is_recognised(tmp_path: Path) -> None:
    # No AWSTemplateFormatVersion and no Type at the top of Resources: only the loop
    # says it is a template, and its resources must not go unjudged.
    text = AWS_MANAGED_TABLES.replace('AWSTemplateFormatVersion: "2010-09-09"\n', "")
    (tmp_path / "template.yaml").write_text(text)
    result = scan(ScanRequest(paths=[tmp_path / "template.yaml"], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == "KEY-001"]))
    assert result.files_unrecognised == 0
    assert sorted((o.resource.address, o.status.value) for o in result.outcomes) == [
        ("AppointmentsNorthTable", "fail"), ("AppointmentsSouthTable", "fail")]


def test_foreach_without_the_transform_is_a_scan_warning(tmp_path: Path) -> None:
    text = CLINIC_TABLES.replace("Transform: AWS::LanguageExtensions\n", "")
    (tmp_path / "template.yaml").write_text(text)
    result = scan(ScanRequest(paths=[tmp_path / "template.yaml"], root=tmp_path,
                              rules=[rule for rule in RULES if rule.id == "KEY-001"]))
    assert result.outcomes == []
    assert [(problem.path, problem.level) for problem in result.problems] == [
        ("template.yaml", "warning")]
    assert "needs the AWS::LanguageExtensions transform" in result.problems[0].reason


def test_loops_cloudformation_rejects_are_problems() -> None:
    def nested(depth: int) -> str:
        """`depth` loops, one inside the other, around one SNS topic."""
        lines = ["Transform: AWS::LanguageExtensions", "Resources:"]
        for level in range(depth):
            indent = "  " + "    " * level
            lines += [f"{indent}Fn::ForEach::Level{level}:", f"{indent}  - I{level}",
                      f"{indent}  - [a]", f"{indent}  -"]
        key = "".join(f"${{I{level}}}" for level in range(depth))
        indent = "  " + "    " * depth
        lines += [f"{indent}Topic{key}:", f"{indent}  Type: AWS::SNS::Topic"]
        return "\n".join(lines) + "\n"

    [five] = load_documents(nested(5))
    scope = TemplateScope(five)
    assert ([r.logical_id for r in scope.resolved_resources()], scope.problems) == (
        ["Topicaaaaa"], [])
    [six] = load_documents(nested(6))
    scope = TemplateScope(six)
    assert scope.resolved_resources() == []
    assert scope.problems == [
        "Fn::ForEach::Level5 (line 23) is nested deeper than the 5 loops CloudFormation "
        "allows: the template is rejected, and the loop is not expanded"]
    text = '''Transform: AWS::LanguageExtensions
Resources:
  TopicA:
    Type: AWS::SNS::Topic
  Fn::ForEach::Topics:
    - Name
    - [A, b-c]
    - Topic${Name}:
        Type: AWS::SNS::Topic
      Shared:
        Type: AWS::SNS::Topic
  Fn::ForEach::Broken: [Name, [A]]
'''
    [document] = load_documents(text)
    scope = TemplateScope(document)
    assert [r.logical_id for r in scope.resolved_resources()] == [
        "TopicA", "Shared", "Topicb-c"]
    assert scope.problems == [
        "Fn::ForEach::Topics: OutputKey Shared (line 10) does not contain ${Name} or "
        "&{Name}, which CloudFormation requires; only its first iteration is judged",
        "TopicA (line 8) is declared twice once Fn::ForEach loops are expanded (first on "
        "line 3): CloudFormation rejects the template; the first one is judged",
        "Fn::ForEach::Broken (line 12) is not [Identifier, Collection, {OutputKey: "
        "OutputValue}]: CloudFormation rejects the template, and what the loop declares "
        "is not judged",
        "Topicb-c (line 8), generated by Fn::ForEach, is not alphanumeric as logical ids "
        "must be (use &{Identifier}): CloudFormation rejects the template"]
