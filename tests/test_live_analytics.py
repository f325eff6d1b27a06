"""The analytics collectors against moto: Athena, Glue, EMR, SageMaker, FSx, WorkSpaces,
SSM and Lambda, one compliant and one non-compliant resource (at least) each.

Seeded in us-west-2 through boto3. Two calls moto cannot answer as AWS does are answered
by hooks on the loopback `StandIn`, in front of moto for the EMR and Lambda endpoints only
(AWS_ENDPOINT_URL_EMR / AWS_ENDPOINT_URL_LAMBDA); every other call reaches moto:
- emr:ListSecurityConfigurations is not implemented by moto: the hook lists the
  configurations the test created (their documents still come from moto's
  DescribeSecurityConfiguration).
- lambda:ListFunctions: moto drops KMSKeyArn on CreateFunction and never returns it;
  the hook adds the key the test gave the function to moto's answer.
The denial test denies emr:DescribeSecurityConfiguration by operation name.
Other moto differences: moto leaves out KmsKeyId of an FSx file system created without
one (AWS names its aws/fsx key) and the volume switches of a WorkSpace created without
them; both read as ABSENT, which the rules judge as the AWS defaults they stand for.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.live_helpers import findings, run_aws, scan_json, through_stand_in
from tests.live_server import Call, Hook, MotoServer, Reply, StandIn, client

REGION = "us-west-2"
ACCOUNT = "123456789012"
ARN = f"{REGION}:{ACCOUNT}"
RULES = ("ENC-018", "ENC-021", "ENC-022", "ENC-023", "ENC-024", "ENC-025", "ENC-026",
         "ENC-027", "ENC-028", "PLN-018", "KEY-001")
SERVICES = "athena,glue,emr,sagemaker,fsx,workspaces,ssm,lambda"
# An environment value that must never be stored or shown: it looks like a credential.
SECRET_VALUE = "pw-9f3Kq2-DO-NOT-PRINT"


def _list_security_configurations(names: list[str]) -> Hook:
    def hook(call: Call, forward: Callable[[], Reply]) -> Reply | None:
        # moto lacks emr:ListSecurityConfigurations: it lists `names`, seeded in moto.
        if call.service != "elasticmapreduce" or call.operation != "ListSecurityConfigurations":
            return None
        listed = [{"Name": name, "CreationDateTime": 0} for name in names]
        return Reply(200, {"Content-Type": "application/x-amz-json-1.1"},
                     json.dumps({"SecurityConfigurations": listed}).encode())
    return hook


def _with_function_keys(keys: dict[str, str]) -> Hook:
    def hook(call: Call, forward: Callable[[], Reply]) -> Reply | None:
        # moto drops KMSKeyArn on CreateFunction: lambda:ListFunctions gets `keys` back.
        if call.service != "lambda" or call.method != "GET" or (
                call.url_path.rstrip("/") != "/2015-03-31/functions"):
            return None
        reply = forward()
        answer = reply.json()
        for function in answer.get("Functions", []):
            if function["FunctionName"] in keys:
                function["KMSKeyArn"] = keys[function["FunctionName"]]
        reply.body = json.dumps(answer).encode()
        return reply
    return hook


def seed() -> dict[str, Any]:
    key = client("kms", REGION).create_key(Description="analytics key")["KeyMetadata"]["Arn"]
    _seed_athena_and_glue(key)
    emr = client("emr", REGION)
    emr.create_security_configuration(Name="analytics", SecurityConfiguration=json.dumps({
        "EncryptionConfiguration": {
            "EnableAtRestEncryption": True, "EnableInTransitEncryption": True,
            "AtRestEncryptionConfiguration": {
                "S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": key},
                "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms",
                                                     "AwsKmsKey": key}},
            "InTransitEncryptionConfiguration": {"TLSCertificateConfiguration": {
                "CertificateProviderType": "PEM",
                "S3Object": "s3://clinic-emr-certs/certs.zip"}}}}))
    emr.create_security_configuration(Name="analytics-plain", SecurityConfiguration=json.dumps(
        {"EncryptionConfiguration": {"EnableAtRestEncryption": False,
                                     "EnableInTransitEncryption": False}}))
    _seed_sagemaker(key)
    fsx = client("fsx", REGION)
    subnet = "subnet-0123456789abcdef0"
    fsx.create_file_system(FileSystemType="LUSTRE", StorageCapacity=1200, SubnetIds=[subnet],
                           KmsKeyId=key)
    plain = fsx.create_file_system(FileSystemType="WINDOWS", StorageCapacity=300,
                                   SubnetIds=[subnet])["FileSystem"]["ResourceARN"]
    workspaces = _seed_workspaces(key)
    ssm = client("ssm", REGION)
    ssm.put_parameter(Name="/ehr/db/password", Value="x", Type="SecureString", KeyId=key)
    ssm.put_parameter(Name="/ehr/api/token", Value="x", Type="String")
    ssm.put_parameter(Name="/ehr/api/secret", Value="x", Type="SecureString")
    ssm.put_parameter(Name="/clinic/portal/url", Value="x", Type="String")
    _seed_lambda(key)
    return {"key": key, "fsx_plain": plain, **workspaces}


def _seed_athena_and_glue(key: str) -> None:
    athena = client("athena", REGION)
    athena.create_work_group(Name="clinic-reporting", Configuration={
        "EnforceWorkGroupConfiguration": True,
        "ResultConfiguration": {"OutputLocation": "s3://clinic-athena/results/",
                                "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS",
                                                            "KmsKey": key}}})
    athena.create_work_group(Name="adhoc", Configuration={
        "EnforceWorkGroupConfiguration": False,
        "ResultConfiguration": {"EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}}})
    glue = client("glue", REGION)
    glue.create_security_configuration(Name="claims-etl", EncryptionConfiguration={
        "S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}],
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": key},
        "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS",
                                   "KmsKeyArn": key}})
    glue.create_security_configuration(Name="claims-etl-s3", EncryptionConfiguration={
        "S3Encryption": [{"S3EncryptionMode": "SSE-S3"}],
        "CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"},
        "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "DISABLED"}})
    # The us-west-2 Data Catalog keeps its defaults (no encryption): ENC-023 fails it.


def _seed_sagemaker(key: str) -> None:
    sagemaker = client("sagemaker", REGION)
    role = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
    sagemaker.create_notebook_instance(NotebookInstanceName="lesion-research",
                                       InstanceType="ml.t3.medium", RoleArn=role,
                                       KmsKeyId=key)
    sagemaker.create_notebook_instance(NotebookInstanceName="lesion-scratch",
                                       InstanceType="ml.t3.medium", RoleArn=role)
    sagemaker.create_model(ModelName="lesion-classifier", ExecutionRoleArn=role,
                           PrimaryContainer={"Image": "lesion-classifier:1"})
    variants = [{"VariantName": "primary", "ModelName": "lesion-classifier",
                 "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}]
    sagemaker.create_endpoint_config(EndpointConfigName="lesion-classifier",
                                     ProductionVariants=variants, KmsKeyId=key)
    sagemaker.create_endpoint_config(EndpointConfigName="lesion-classifier-plain",
                                     ProductionVariants=variants)


def _seed_workspaces(key: str) -> dict[str, str]:
    ec2 = client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{index}.0/24",
                                 AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for index, zone in ((1, "a"), (2, "b"))]
    directory = client("ds", REGION).create_directory(
        Name="clinic.example.org", Password="Not-A-Real-Passw0rd", Size="Small",
        VpcSettings={"VpcId": vpc, "SubnetIds": subnets})["DirectoryId"]
    workspaces = client("workspaces", REGION)
    workspaces.register_workspace_directory(DirectoryId=directory)
    common = {"DirectoryId": directory, "BundleId": "wsb-1234abcd"}
    created = workspaces.create_workspaces(Workspaces=[
        {**common, "UserName": "frontdesk1", "VolumeEncryptionKey": key,
         "RootVolumeEncryptionEnabled": True, "UserVolumeEncryptionEnabled": True},
        {**common, "UserName": "billing1"}])["PendingRequests"]
    return {item["UserName"]: f"arn:aws:workspaces:{ARN}:workspace/{item['WorkspaceId']}"
            for item in created}


def _seed_lambda(key: str) -> None:
    role = client("iam", REGION).create_role(RoleName="lambda-exec",
                                             AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("app.py", "def handler(event, context):\n    return None\n")
    functions = client("lambda", REGION)
    common = {"Runtime": "python3.12", "Role": role, "Handler": "app.handler",
              "Code": {"ZipFile": archive.getvalue()}}
    functions.create_function(FunctionName="lab-results", KMSKeyArn=key, Environment={
        "Variables": {"SECRET_NAME": "lab-api"}}, **common)
    functions.create_function(FunctionName="reminders", Environment={"Variables": {
        "SMS_API_TOKEN": SECRET_VALUE, "CLINIC": "north"}}, **common)
    functions.create_function(FunctionName="thumbnails", **common)


@pytest.fixture(scope="module")
def stand_in(moto_server: MotoServer) -> Iterator[StandIn]:
    moto_server.reset()
    listing = _list_security_configurations(["analytics", "analytics-plain"])
    with through_stand_in(moto_server, hooks=[listing],
                          endpoints=("AWS_ENDPOINT_URL_EMR", "AWS_ENDPOINT_URL_LAMBDA")) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def seeded(stand_in: StandIn) -> dict[str, Any]:
    arns = seed()
    stand_in.hooks.append(_with_function_keys({"lab-results": arns["key"]}))  # as created
    return arns


def test_the_collectors_feed_the_same_rules(seeded: dict[str, Any]) -> None:
    document = scan_json(REGION, services=SERVICES, rules=RULES)
    athena, sagemaker = f"arn:aws:athena:{ARN}:workgroup", f"arn:aws:sagemaker:{ARN}"
    emr = f"arn:aws:elasticmapreduce:{ARN}:security-configuration/analytics-plain"
    emr_document = "elasticmapreduce:DescribeSecurityConfiguration SecurityConfiguration " \
                   "EncryptionConfiguration"
    assert findings(document) == {
        # Every Region's `primary` workgroup leaves encryption to each client.
        ("ENC-025", "fail", f"{athena}/primary", "athena:GetWorkGroup Configuration."
         "ResultConfiguration.EncryptionConfiguration.EncryptionOption"),
        ("ENC-025", "fail", f"{athena}/adhoc",
         "athena:GetWorkGroup Configuration.EnforceWorkGroupConfiguration"),
        ("ENC-023", "fail", f"arn:aws:glue:{ARN}:catalog",
         "glue:GetDataCatalogEncryptionSettings EncryptionAtRest.CatalogEncryptionMode"),
        ("ENC-024", "fail", f"arn:aws:glue:{ARN}:security-configuration/claims-etl-s3",
         "glue:GetSecurityConfigurations "
         "EncryptionConfiguration.CloudWatchEncryption.CloudWatchEncryptionMode"),
        ("ENC-026", "fail", emr, f"{emr_document}.EnableAtRestEncryption"),
        ("PLN-018", "fail", emr, f"{emr_document}.EnableInTransitEncryption"),
        ("ENC-022", "fail", f"{sagemaker}:notebook-instance/lesion-scratch",
         "sagemaker:DescribeNotebookInstance KmsKeyId"),
        ("ENC-022", "fail", f"{sagemaker}:endpoint-config/lesion-classifier-plain",
         "sagemaker:DescribeEndpointConfig KmsKeyId"),
        ("ENC-018", "fail", seeded["fsx_plain"], "fsx:DescribeFileSystems KmsKeyId"),
        ("ENC-027", "fail", seeded["billing1"],
         "workspaces:DescribeWorkspaces RootVolumeEncryptionEnabled"),
        ("ENC-021", "fail", f"arn:aws:ssm:{ARN}:parameter/ehr/api/token",
         "ssm:DescribeParameters Type"),
        ("KEY-001", "fail", f"arn:aws:ssm:{ARN}:parameter/ehr/api/secret",
         "ssm:DescribeParameters KeyId"),
        ("ENC-028", "fail", f"arn:aws:lambda:{ARN}:function:reminders",
         "lambda:ListFunctions KMSKeyArn"),
    }
    # Passes: clinic-reporting (ENC-025, KEY-001), claims-etl (ENC-024, KEY-001),
    # analytics (ENC-026, PLN-018), lesion-research and lesion-classifier (ENC-022),
    # the Lustre file system (ENC-018), frontdesk1 (ENC-027, KEY-001), /ehr/db/password
    # (ENC-021, KEY-001), /ehr/api/secret (ENC-021), lab-results (ENC-028): 15. Not
    # judged: /clinic/portal/url (no credential hint; a String has no key), thumbnails
    # (no environment). Resources: 3 workgroups, the catalog, 2 Glue and 2 EMR
    # configurations, 4 SageMaker, 2 FSx, 2 WorkSpaces, 4 parameters, 3 functions: 23.
    assert document["summary"]["passed"] == 15
    assert document["summary"]["resources"] == 23


def test_another_regions_catalog_encrypts_with_the_customer_key(
        seeded: dict[str, Any]) -> None:
    region = "us-east-2"
    key = client("kms", region).create_key(Description="catalog key")["KeyMetadata"]["Arn"]
    client("glue", region).put_data_catalog_encryption_settings(
        DataCatalogEncryptionSettings={
            "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": key},
            "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True,
                                             "AwsKmsKeyId": key}})
    document = scan_json(region, services="glue", rules=("ENC-023", "KEY-001"),
                         exit_codes=(0,))
    assert document["findings"] == []
    assert document["summary"]["passed"] == 2  # the catalog: ENC-023 and KEY-001
    assert document["summary"]["resources"] == 1


@pytest.mark.parametrize("output_format", ["json", "sarif", "text"])
def test_lambda_environment_values_reach_no_output(seeded: dict[str, Any],
                                                   output_format: str) -> None:
    result = run_aws("--regions", REGION, "--services", "lambda", "--format", output_format,
                     rules=("ENC-028",))
    assert result.exit_code == 1, result.stderr
    assert f"arn:aws:lambda:{ARN}:function:reminders" in result.stdout
    assert SECRET_VALUE not in result.stdout + result.stderr


def test_the_lambda_record_keeps_variable_names_only(seeded: dict[str, Any]) -> None:
    from linter.live.collectors import CollectContext
    from linter.live.collectors.analytics import collect_lambda

    context = CollectContext(lambda name: client(name, REGION), ACCOUNT, REGION,
                             frozenset())
    records = {record.name: record.data for record in collect_lambda(context)}
    assert records["reminders"] == {"ListFunctions": {
        "FunctionName": "reminders", "FunctionArn": f"arn:aws:lambda:{ARN}:function:reminders",
        "Environment": {"Variables": ["CLINIC", "SMS_API_TOKEN"]}}}
    assert "Environment" not in records["thumbnails"]["ListFunctions"]


def test_a_denied_describe_call_leaves_its_configuration_unknown(
        seeded: dict[str, Any], stand_in: StandIn) -> None:
    stand_in.deny_operations = {"elasticmapreduce:DescribeSecurityConfiguration"}
    try:
        # A setting not read is an ERROR (exit code 2), never a pass.
        document = scan_json(REGION, services="emr", rules=("ENC-026", "PLN-018"),
                             exit_codes=(2,))
    finally:
        stand_in.deny_operations = set()
    assert [(problem["file"], problem["reason"]) for problem in document["problems"]] == [(
        f"aws/{ACCOUNT}/{REGION}/emr",
        "partly assessed: emr:DescribeSecurityConfiguration was denied (AccessDeniedException) "
        "for analytics, analytics-plain; the settings it reads are unknown; grant "
        "elasticmapreduce:DescribeSecurityConfiguration")]
    configuration = f"arn:aws:elasticmapreduce:{ARN}:security-configuration"
    assert findings(document, attribute=False) == {
        (rule, "unknown", f"{configuration}/{name}")
        for rule in ("ENC-026", "PLN-018") for name in ("analytics", "analytics-plain")}
