"""Athena workgroups, Glue catalog settings and security configurations, EMR security
configurations, SageMaker notebooks and endpoint configurations, FSx file systems,
WorkSpaces, SSM parameters and Lambda functions."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete, key_field
from linter.live.collectors import Record
from linter.models.aws.athena import WorkGroup
from linter.models.aws.emr import SecurityConfiguration as EmrSecurityConfiguration
from linter.models.aws.emr import encryption_fields
from linter.models.aws.fsx import FileSystem
from linter.models.aws.glue import DataCatalogEncryption
from linter.models.aws.glue import SecurityConfiguration as GlueSecurityConfiguration
from linter.models.aws.lambda_function import Function, environment_declared
from linter.models.aws.sagemaker import EndpointConfig, NotebookInstance
from linter.models.aws.ssm import Parameter
from linter.models.aws.workspaces import Workspace
from linter.models.base import FieldState

_RESULT_ENCRYPTION = "Configuration.ResultConfiguration.EncryptionConfiguration"


def build_workgroup(record: Record, context: BuildContext) -> list[WorkGroup]:
    operation = "GetWorkGroup"
    return [complete(
        WorkGroup, record, context, "AWS::Athena::WorkGroup",
        result_encryption=api_field(record, operation, f"{_RESULT_ENCRYPTION}.EncryptionOption"),
        enforce_configuration=api_field(record, operation,
                                        "Configuration.EnforceWorkGroupConfiguration"),
        kms_key=key_field(record, operation, f"{_RESULT_ENCRYPTION}.KmsKey", context,
                          WorkGroup))]


def build_catalog_encryption(record: Record,
                             context: BuildContext) -> list[DataCatalogEncryption]:
    operation = "GetDataCatalogEncryptionSettings"
    return [complete(
        DataCatalogEncryption, record, context, "AWS::Glue::DataCatalogEncryptionSettings",
        catalog_encryption_mode=api_field(record, operation,
                                          "EncryptionAtRest.CatalogEncryptionMode"),
        # Absent with SSE-KMS: the AWS-managed aws/glue key, which KEY-001 fails.
        kms_key=key_field(record, operation, "EncryptionAtRest.SseAwsKmsKeyId", context,
                          DataCatalogEncryption),
        connection_password_encrypted=api_field(
            record, operation, "ConnectionPasswordEncryption.ReturnConnectionPasswordEncrypted"))]


def build_glue_security_configuration(
        record: Record, context: BuildContext) -> list[GlueSecurityConfiguration]:
    operation, modes = "GetSecurityConfigurations", "EncryptionConfiguration"
    # S3Encryption is a list, as in the IaC resources; its first entry is judged. A mode
    # the answer leaves out is ABSENT, which the rule reads as Glue's DISABLED default.
    return [complete(
        GlueSecurityConfiguration, record, context, "AWS::Glue::SecurityConfiguration",
        s3_encryption_mode=api_field(record, operation,
                                     f"{modes}.S3Encryption[0].S3EncryptionMode"),
        cloudwatch_encryption_mode=api_field(
            record, operation, f"{modes}.CloudWatchEncryption.CloudWatchEncryptionMode"),
        job_bookmarks_encryption_mode=api_field(
            record, operation, f"{modes}.JobBookmarksEncryption.JobBookmarksEncryptionMode"),
        kms_key=key_field(record, operation, f"{modes}.S3Encryption[0].KmsKeyArn", context,
                          GlueSecurityConfiguration))]


def build_emr_security_configuration(
        record: Record, context: BuildContext) -> list[EmrSecurityConfiguration]:
    document = api_field(record, "DescribeSecurityConfiguration", "SecurityConfiguration")
    if document.state is not FieldState.SET:  # denied: all three switches are UNKNOWN
        fields = {name: document for name in
                  ("at_rest_encryption", "local_disk_encryption", "in_transit_encryption")}
    else:
        # The same reading of the JSON document as the Terraform and CloudFormation
        # adapters, so a switch means the same whatever declared it.
        fields = encryption_fields(document.value, document.attribute, None)
    return [complete(EmrSecurityConfiguration, record, context,
                     "AWS::EMR::SecurityConfiguration", **fields)]


def build_notebook_instance(record: Record, context: BuildContext) -> list[NotebookInstance]:
    return [complete(NotebookInstance, record, context, "AWS::SageMaker::NotebookInstance",
                     kms_key=key_field(record, "DescribeNotebookInstance", "KmsKeyId",
                                       context, NotebookInstance),
                     direct_internet_access=api_field(record, "DescribeNotebookInstance",
                                                      "DirectInternetAccess"))]


def build_endpoint_config(record: Record, context: BuildContext) -> list[EndpointConfig]:
    return [complete(EndpointConfig, record, context, "AWS::SageMaker::EndpointConfig",
                     kms_key=key_field(record, "DescribeEndpointConfig", "KmsKeyId", context,
                                       EndpointConfig))]


def build_file_system(record: Record, context: BuildContext) -> list[FileSystem]:
    # AWS names the key even when it is the AWS-managed aws/fsx key; key_field tells.
    return [complete(FileSystem, record, context, "AWS::FSx::FileSystem",
                     kms_key=key_field(record, "DescribeFileSystems", "KmsKeyId", context,
                                       FileSystem))]


def build_workspace(record: Record, context: BuildContext) -> list[Workspace]:
    operation = "DescribeWorkspaces"
    # An unencrypted volume's switch may be left out of the answer: ABSENT, which fails
    # ENC-027 like the API's false default does in the IaC models.
    return [complete(
        Workspace, record, context, "AWS::WorkSpaces::Workspace",
        root_volume_encrypted=api_field(record, operation, "RootVolumeEncryptionEnabled"),
        user_volume_encrypted=api_field(record, operation, "UserVolumeEncryptionEnabled"),
        kms_key=key_field(record, operation, "VolumeEncryptionKey", context, Workspace))]


def build_parameter(record: Record, context: BuildContext) -> list[Parameter]:
    operation = "DescribeParameters"
    return [complete(
        Parameter, record, context, "AWS::SSM::Parameter",
        name=api_field(record, operation, "Name"),
        description=api_field(record, operation, "Description"),
        type=api_field(record, operation, "Type"),
        # A SecureString on the default key names it as alias/aws/ssm.
        kms_key=key_field(record, operation, "KeyId", context, Parameter))]


def build_function(record: Record, context: BuildContext) -> list[Function]:
    operation = "ListFunctions"
    # The collector kept only the variable names (linter/live/collectors/analytics.py).
    variables = api_field(record, operation, "Environment.Variables")
    return [complete(
        Function, record, context, "AWS::Lambda::Function",
        has_environment=environment_declared(variables, variables.attribute),
        # Left out of the answer when the AWS-managed aws/lambda key encrypts them.
        kms_key=key_field(record, operation, "KMSKeyArn", context, Function))]


BUILDERS = {
    "athena.workgroup": build_workgroup,
    "glue.catalog_encryption": build_catalog_encryption,
    "glue.security_configuration": build_glue_security_configuration,
    "emr.security_configuration": build_emr_security_configuration,
    "sagemaker.notebook_instance": build_notebook_instance,
    "sagemaker.endpoint_config": build_endpoint_config,
    "fsx.file_system": build_file_system,
    "workspaces.workspace": build_workspace,
    "ssm.parameter": build_parameter,
    "lambda.function": build_function,
}
