"""Collectors for analytics, machine learning and workloads: Athena workgroups, the Glue
Data Catalog and Glue/EMR security configurations, SageMaker notebooks and endpoint
configurations, FSx file systems, WorkSpaces, SSM parameters and Lambda functions.

Only settings are read, never data: no query result, no parameter value (DescribeParameters
returns metadata only; GetParameter* is forbidden) and no Lambda environment value
(ListFunctions returns them; they are dropped on receipt, keeping only variable names).
"""

from __future__ import annotations

from typing import Any

from linter.live.collectors import (
    ALL_FIELDS,
    CollectContext,
    Record,
    Service,
    arn,
    pages_by_token,
    paginate,
    plain,
)


def collect_athena(context: CollectContext) -> list[Record]:
    athena = context.client_for("athena")
    records = []
    # Every Region has a `primary` workgroup, listed and judged like any other.
    for summary in pages_by_token(athena.list_work_groups, "WorkGroups"):
        name = summary["Name"]
        record = Record("athena.workgroup", "athena", name,
                        arn(context, "athena", f"workgroup/{name}"))
        # ListWorkGroups omits the configuration; GetWorkGroup answers it.
        if context.describe(record, "athena", "GetWorkGroup", athena.get_work_group,
                            "WorkGroup", ("InvalidRequestException",), WorkGroup=name):
            records.append(record)
    return records


def collect_glue(context: CollectContext) -> list[Record]:
    glue = context.client_for("glue")
    records = []
    if context.wants("GetDataCatalogEncryptionSettings"):
        # One set of settings per account and Region: the Data Catalog's (its id is the
        # account id). A denied call leaves the catalog UNKNOWN, not the configurations.
        record = Record("glue.catalog_encryption", "glue", "catalog",
                        arn(context, "glue", "catalog"))
        response = context.call(record, "glue", "GetDataCatalogEncryptionSettings",
                                glue.get_data_catalog_encryption_settings)
        if response is not None:
            record.data["GetDataCatalogEncryptionSettings"] = response.get(
                "DataCatalogEncryptionSettings", {})
        records.append(record)
    if context.wants("GetSecurityConfigurations"):
        # Glue gives security configurations no ARN: this one names it uniquely.
        records.extend(
            Record("glue.security_configuration", "glue", item["Name"],
                   arn(context, "glue", f"security-configuration/{item['Name']}"),
                   {"GetSecurityConfigurations": item})
            for item in paginate(glue, "get_security_configurations", "SecurityConfigurations"))
    return records


def collect_emr(context: CollectContext) -> list[Record]:
    emr = context.client_for("emr")
    records = []
    for summary in paginate(emr, "list_security_configurations", "SecurityConfigurations"):
        name = summary["Name"]
        # EMR gives security configurations no ARN either.
        record = Record("emr.security_configuration", "elasticmapreduce", name,
                        arn(context, "elasticmapreduce", f"security-configuration/{name}"))
        # The list names configurations only; the document (a JSON string) comes from
        # DescribeSecurityConfiguration. A deleted one answers InvalidRequestException.
        if context.describe(record, "emr", "DescribeSecurityConfiguration",
                            emr.describe_security_configuration, "",
                            ("InvalidRequestException",), Name=name):
            records.append(record)
    return records


def collect_sagemaker(context: CollectContext) -> list[Record]:
    sagemaker = context.client_for("sagemaker")
    records = []
    # Neither list answer names the KMS key: each resource is described. A resource
    # deleted meanwhile answers ValidationException (RecordNotFound).
    if context.wants("ListNotebookInstances"):
        for summary in paginate(sagemaker, "list_notebook_instances", "NotebookInstances"):
            name = summary["NotebookInstanceName"]
            record = Record("sagemaker.notebook_instance", "sagemaker", name,
                            summary["NotebookInstanceArn"])
            if context.describe(record, "sagemaker", "DescribeNotebookInstance",
                                sagemaker.describe_notebook_instance, "",
                                ("ValidationException",), NotebookInstanceName=name):
                records.append(record)
    if context.wants("ListEndpointConfigs"):
        for summary in paginate(sagemaker, "list_endpoint_configs", "EndpointConfigs"):
            name = summary["EndpointConfigName"]
            record = Record("sagemaker.endpoint_config", "sagemaker", name,
                            summary["EndpointConfigArn"])
            if context.describe(record, "sagemaker", "DescribeEndpointConfig",
                                sagemaker.describe_endpoint_config, "",
                                ("ValidationException",), EndpointConfigName=name):
                records.append(record)
    return records


def collect_fsx(context: CollectContext) -> list[Record]:
    fsx = context.client_for("fsx")
    # The answer carries each file system's Tags: kept for --templates anchoring.
    return [Record("fsx.file_system", "fsx", system["FileSystemId"],
                   system.get("ResourceARN") or arn(
                       context, "fsx", f"file-system/{system['FileSystemId']}"),
                   {"DescribeFileSystems": system})
            for system in paginate(fsx, "describe_file_systems", "FileSystems")]


def collect_workspaces(context: CollectContext) -> list[Record]:
    workspaces = context.client_for("workspaces")
    # DescribeWorkspaces returns neither an ARN nor tags (DescribeTags is a separate call).
    return [Record("workspaces.workspace", "workspaces", workspace["WorkspaceId"],
                   arn(context, "workspaces", f"workspace/{workspace['WorkspaceId']}"),
                   {"DescribeWorkspaces": workspace})
            for workspace in paginate(workspaces, "describe_workspaces", "Workspaces")]


def collect_ssm(context: CollectContext) -> list[Record]:
    ssm = context.client_for("ssm")
    records = []
    for parameter in paginate(ssm, "describe_parameters", "Parameters"):
        name = parameter["Name"]
        # Parameter ARNs drop the leading slash of a hierarchical name.
        records.append(Record("ssm.parameter", "ssm", name, parameter.get("ARN") or arn(
            context, "ssm", f"parameter/{name.lstrip('/')}"), {"DescribeParameters": parameter}))
    return records


def collect_lambda(context: CollectContext) -> list[Record]:
    functions = context.client_for("lambda")
    records = []
    for function in paginate(functions, "list_functions", "Functions"):
        settings = without_environment_values(function)
        records.append(Record("lambda.function", "lambda", settings["FunctionName"],
                              settings["FunctionArn"], {"ListFunctions": settings}))
    return records


# What ENC-028 reads of a function; nothing else of ListFunctions' answer is kept.
_FUNCTION_SETTINGS = ("FunctionName", "FunctionArn", "KMSKeyArn")


def without_environment_values(function: dict[str, Any]) -> dict[str, Any]:
    """The function's settings with its environment reduced to the sorted variable names.

    ListFunctions returns every environment variable's value, and those values are often
    database passwords and API tokens: they are dropped here, as the answer arrives and
    before any Record exists, so no value can reach a model, an output or a log.
    """
    settings = {name: function[name] for name in _FUNCTION_SETTINGS if name in function}
    environment = function.get("Environment")
    if isinstance(environment, dict) and "Variables" in environment:
        settings["Environment"] = {"Variables": sorted(environment["Variables"] or {})}
    return settings


SERVICES = (
    Service("athena", {"ListWorkGroups": ("aws.athena.WorkGroup", ALL_FIELDS),
                       "GetWorkGroup": ("aws.athena.WorkGroup", ALL_FIELDS)},
            plain(collect_athena)),
    Service("glue", {"GetDataCatalogEncryptionSettings": ("aws.glue.DataCatalogEncryption",
                                                          ALL_FIELDS),
                     "GetSecurityConfigurations": ("aws.glue.SecurityConfiguration",
                                                   ALL_FIELDS)},
            plain(collect_glue)),
    Service("emr", {"ListSecurityConfigurations": ("aws.emr.SecurityConfiguration", ALL_FIELDS),
                    "DescribeSecurityConfiguration": ("aws.emr.SecurityConfiguration",
                                                      ALL_FIELDS)},
            plain(collect_emr)),
    Service("sagemaker", {
        "ListNotebookInstances": ("aws.sagemaker.NotebookInstance", ALL_FIELDS),
        "DescribeNotebookInstance": ("aws.sagemaker.NotebookInstance", ALL_FIELDS),
        "ListEndpointConfigs": ("aws.sagemaker.EndpointConfig", ALL_FIELDS),
        "DescribeEndpointConfig": ("aws.sagemaker.EndpointConfig", ALL_FIELDS)},
            plain(collect_sagemaker)),
    Service("fsx", {"DescribeFileSystems": ("aws.fsx.FileSystem", ALL_FIELDS)},
            plain(collect_fsx)),
    Service("workspaces", {"DescribeWorkspaces": ("aws.workspaces.Workspace", ALL_FIELDS)},
            plain(collect_workspaces)),
    Service("ssm", {"DescribeParameters": ("aws.ssm.Parameter", ALL_FIELDS)},
            plain(collect_ssm)),
    Service("lambda", {"ListFunctions": ("aws.lambda_function.Function", ALL_FIELDS)},
            plain(collect_lambda)),
)
