"""The only AWS operations a live scan may call, and the IAM policy that grants exactly them.

One table serves two purposes: the read-only guard (linter.live.guard) refuses any call
not listed here before it leaves the process, and docs/iam-policy.json is generated from
it, so the permissions a user grants and the calls the scanner can make never drift
apart (tests/test_live_guard.py holds the two together).
"""

from __future__ import annotations

import json
from typing import Any

# boto3 client name -> operation name -> the IAM action that authorises it (None: the
# operation needs no permission). Only metadata reads: no call here returns stored data
# (object bodies, secret values, parameter values) or creates credentials.
READ_OPERATIONS: dict[str, dict[str, str | None]] = {
    # GetCallerIdentity names the account for resource paths; it needs no permission.
    "sts": {"GetCallerIdentity": None},
    "ec2": {
        "DescribeRegions": "ec2:DescribeRegions",
        "DescribeVolumes": "ec2:DescribeVolumes",
        "DescribeSecurityGroups": "ec2:DescribeSecurityGroups",
        "GetEbsEncryptionByDefault": "ec2:GetEbsEncryptionByDefault",
        # The account's own snapshots only (OwnerIds=self): metadata, never block data.
        "DescribeSnapshots": "ec2:DescribeSnapshots",
    },
    "s3": {
        # ListBuckets is authorised by s3:ListAllMyBuckets; GetBucketEncryption by
        # s3:GetEncryptionConfiguration (S3's action names differ from its API names).
        "ListBuckets": "s3:ListAllMyBuckets",
        "GetBucketEncryption": "s3:GetEncryptionConfiguration",
        "GetBucketPolicy": "s3:GetBucketPolicy",
        "GetBucketVersioning": "s3:GetBucketVersioning",
        "GetBucketLogging": "s3:GetBucketLogging",
        # The bucket-level Block Public Access read is authorised by this action name.
        "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
        # Only to find the aws:cloudformation:* tags that anchor a bucket (--templates).
        "GetBucketTagging": "s3:GetBucketTagging",
    },
    "rds": {
        "DescribeDBInstances": "rds:DescribeDBInstances",
        "DescribeDBClusters": "rds:DescribeDBClusters",
        "DescribeDBSnapshots": "rds:DescribeDBSnapshots",
        "DescribeDBClusterSnapshots": "rds:DescribeDBClusterSnapshots",
        "DescribeDBParameters": "rds:DescribeDBParameters",
        "DescribeDBClusterParameters": "rds:DescribeDBClusterParameters",
    },
    "kms": {
        "ListKeys": "kms:ListKeys",
        "ListAliases": "kms:ListAliases",
        "DescribeKey": "kms:DescribeKey",
        "GetKeyRotationStatus": "kms:GetKeyRotationStatus",
        "GetKeyPolicy": "kms:GetKeyPolicy",
    },
    "cloudtrail": {
        "DescribeTrails": "cloudtrail:DescribeTrails",
        "GetTrailStatus": "cloudtrail:GetTrailStatus",
    },
    "dynamodb": {
        "ListTables": "dynamodb:ListTables",
        "DescribeTable": "dynamodb:DescribeTable",
    },
    "efs": {"DescribeFileSystems": "elasticfilesystem:DescribeFileSystems"},
    "logs": {"DescribeLogGroups": "logs:DescribeLogGroups"},
    "sqs": {
        "ListQueues": "sqs:ListQueues",
        "GetQueueAttributes": "sqs:GetQueueAttributes",
    },
    "sns": {
        "ListTopics": "sns:ListTopics",
        "GetTopicAttributes": "sns:GetTopicAttributes",
    },
    "kinesis": {
        "ListStreams": "kinesis:ListStreams",
        "DescribeStreamSummary": "kinesis:DescribeStreamSummary",
    },
    "elasticache": {
        "DescribeReplicationGroups": "elasticache:DescribeReplicationGroups",
        "DescribeCacheClusters": "elasticache:DescribeCacheClusters",
        "DescribeServerlessCaches": "elasticache:DescribeServerlessCaches",
    },
    "firehose": {
        "ListDeliveryStreams": "firehose:ListDeliveryStreams",
        "DescribeDeliveryStream": "firehose:DescribeDeliveryStream",
    },
    "redshift": {"DescribeClusters": "redshift:DescribeClusters"},
    "opensearch": {
        "ListDomainNames": "es:ListDomainNames",
        "DescribeDomains": "es:DescribeDomains",
    },
    "backup": {"ListBackupVaults": "backup:ListBackupVaults"},
    "acm": {
        "ListCertificates": "acm:ListCertificates",
        "DescribeCertificate": "acm:DescribeCertificate",
    },
    "elbv2": {
        "DescribeLoadBalancers": "elasticloadbalancing:DescribeLoadBalancers",
        "DescribeListeners": "elasticloadbalancing:DescribeListeners",
        "DescribeRules": "elasticloadbalancing:DescribeRules",
    },
    # Classic Load Balancers: same IAM actions as ELBv2, another API version.
    "elb": {
        "DescribeLoadBalancers": "elasticloadbalancing:DescribeLoadBalancers",
        "DescribeLoadBalancerPolicies": "elasticloadbalancing:DescribeLoadBalancerPolicies",
        "DescribeTags": "elasticloadbalancing:DescribeTags",
    },
    "cloudfront": {"ListDistributions": "cloudfront:ListDistributions"},
    # API Gateway authorises reads by HTTP method on the resource path: apigateway:GET.
    "apigateway": {
        "GetDomainNames": "apigateway:GET",
        "GetRestApis": "apigateway:GET",
        "GetStages": "apigateway:GET",
    },
    "apigatewayv2": {"GetDomainNames": "apigateway:GET"},
    "ecr": {"DescribeRepositories": "ecr:DescribeRepositories"},
    # ListSecrets returns names, key ids and rotation settings, never a secret value.
    "secretsmanager": {"ListSecrets": "secretsmanager:ListSecrets"},
    "eks": {
        "ListClusters": "eks:ListClusters",
        "DescribeCluster": "eks:DescribeCluster",
    },
    "kafka": {"ListClustersV2": "kafka:ListClustersV2"},
    "transfer": {
        "ListServers": "transfer:ListServers",
        "DescribeServer": "transfer:DescribeServer",
    },
    # DocumentDB and Neptune clusters are managed through the RDS API and its actions.
    "docdb": {"DescribeDBClusters": "rds:DescribeDBClusters"},
    "neptune": {"DescribeDBClusters": "rds:DescribeDBClusters"},
    "dax": {"DescribeClusters": "dax:DescribeClusters"},
    "dms": {"DescribeEndpoints": "dms:DescribeEndpoints"},
    # Timestream finds its regional endpoint with DescribeEndpoints before any call
    # (endpoint discovery, made by botocore itself through the same guarded client).
    "timestream-write": {
        "DescribeEndpoints": "timestream:DescribeEndpoints",
        "ListDatabases": "timestream:ListDatabases",
    },
    "mq": {
        "ListBrokers": "mq:ListBrokers",
        "DescribeBroker": "mq:DescribeBroker",
    },
    "athena": {
        "ListWorkGroups": "athena:ListWorkGroups",
        "GetWorkGroup": "athena:GetWorkGroup",
    },
    "glue": {
        "GetDataCatalogEncryptionSettings": "glue:GetDataCatalogEncryptionSettings",
        "GetSecurityConfigurations": "glue:GetSecurityConfigurations",
    },
    "emr": {
        "ListSecurityConfigurations": "elasticmapreduce:ListSecurityConfigurations",
        "DescribeSecurityConfiguration": "elasticmapreduce:DescribeSecurityConfiguration",
    },
    "sagemaker": {
        "ListNotebookInstances": "sagemaker:ListNotebookInstances",
        "DescribeNotebookInstance": "sagemaker:DescribeNotebookInstance",
        "ListEndpointConfigs": "sagemaker:ListEndpointConfigs",
        "DescribeEndpointConfig": "sagemaker:DescribeEndpointConfig",
    },
    "fsx": {"DescribeFileSystems": "fsx:DescribeFileSystems"},
    "workspaces": {"DescribeWorkspaces": "workspaces:DescribeWorkspaces"},
    # Parameter metadata (name, type, key id), never a value: GetParameter* is forbidden.
    "ssm": {"DescribeParameters": "ssm:DescribeParameters"},
    # ListFunctions also returns environment variable values, which may be credentials:
    # the collector keeps only the variable names and drops the answer's values at once.
    "lambda": {"ListFunctions": "lambda:ListFunctions"},
}

# "Reads" that return stored data or mint credentials. The guard refuses them even if
# someone adds them to READ_OPERATIONS by mistake: a HIPAA scanner must never read ePHI
# (object bodies, secrets, decrypted parameters) or widen its own access.
FORBIDDEN_OPERATIONS: frozenset[str] = frozenset({
    "GetObject", "GetObjectTorrent", "SelectObjectContent", "GetSecretValue",
    "BatchGetSecretValue", "GetParameter", "GetParameters", "GetParametersByPath",
    "GetParameterHistory", "GetSessionToken", "GetFederationToken", "AssumeRole",
    "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "GetAccessKeyInfo", "Decrypt",
    "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GetItem", "BatchGetItem",
    "Query", "Scan", "ReceiveMessage", "GetRecords", "GetShardIterator",
    "GetLogEvents", "FilterLogEvents", "GetQueryResults", "GetPasswordData",
    "GetConsoleOutput", "GetConsoleScreenshot", "DownloadDBLogFilePortion",
    "GetAuthorizationToken", "GenerateDBAuthToken", "GetClusterCredentials",
    "GetClusterCredentialsWithIAM", "GetRoleCredentials", "CreateToken",
    "CreateOAuth2Token",
})


# `--org-role` without `--accounts`: the organization's account list, read with the
# caller's own credentials (the management or delegated administrator account).
ORGANIZATION_OPERATIONS: dict[str, dict[str, str | None]] = {
    "organizations": {"ListAccounts": "organizations:ListAccounts"},
}

# `--org-role`: the one credential-creating call a scan makes. It stays in
# FORBIDDEN_OPERATIONS, so no collector client can make it; only the dedicated STS client
# of linter.live.accounts.RoleAssumer, guarded by guard.install_role_assumer, may, and only
# for the role named on the command line.
ASSUME_ROLE_OPERATIONS: dict[str, dict[str, str | None]] = {
    "sts": {"AssumeRole": "sts:AssumeRole"},
}

# botocore's own credential providers (a profile with role_arn, web_identity_token_file,
# SSO or `aws login`) mint the scan's credentials with these calls. They stay in
# FORBIDDEN_OPERATIONS, so no collector client can make them; only the clients of the
# dedicated credential session (linter.live.session.resolve_credentials, guarded by
# guard.install_credential_guard) may. The IAM action is the caller's (None: authorised
# by the role's trust policy or the SSO token, not by a permission of the caller).
CREDENTIAL_OPERATIONS: dict[str, dict[str, str | None]] = {
    "sts": {"AssumeRole": "sts:AssumeRole", "AssumeRoleWithWebIdentity": None},
    "sso": {"GetRoleCredentials": None},
    "sso-oidc": {"CreateToken": None},  # refreshes an expiring SSO access token
    "signin": {"CreateOAuth2Token": None},  # refreshes an `aws login` session
}

# botocore names a request's events (`before-send.SERVICE_ID.Operation`) by the client's
# hyphenated service id, which differs from the client name for these clients; for every
# other client it is the client name (tests/test_live_guard.py checks every table's).
SERVICE_IDS: dict[str, str] = {
    "apigateway": "api-gateway",
    "dms": "database-migration-service",
    "elb": "elastic-load-balancing",
    "elbv2": "elastic-load-balancing-v2",
    "logs": "cloudwatch-logs",
    "secretsmanager": "secrets-manager",
}

# The role the shipped policy lets the scanning account assume in each member account
# (`--org-role ephi-lint-scan`); regenerate with --org-role NAME for another name.
DEFAULT_ORG_ROLE = "ephi-lint-scan"


def is_allowed(service: str, operation: str) -> bool:
    return (operation not in FORBIDDEN_OPERATIONS
            and (operation in READ_OPERATIONS.get(service, {})
                 or operation in ORGANIZATION_OPERATIONS.get(service, {})))


def is_role_assumption(service: str, operation: str) -> bool:
    return operation in ASSUME_ROLE_OPERATIONS.get(service, {})


def is_credential_operation(service: str, operation: str) -> bool:
    return operation in CREDENTIAL_OPERATIONS.get(service, {})


def service_id(client: str) -> str:
    """The hyphenated service id botocore names the client's events by."""
    return SERVICE_IDS.get(client, client)


def client_of(hyphenated_id: str) -> str | None:
    """The client name of a hyphenated service id, among the clients of these tables
    (None: a service ephi-lint never calls)."""
    return _CLIENTS_BY_SERVICE_ID.get(hyphenated_id)


def all_clients() -> set[str]:
    return {client for table in (READ_OPERATIONS, ORGANIZATION_OPERATIONS,
                                 ASSUME_ROLE_OPERATIONS, CREDENTIAL_OPERATIONS)
            for client in table}


_CLIENTS_BY_SERVICE_ID = {service_id(client): client for client in all_clients()}


def iam_action(service: str, operation: str) -> str | None:
    for table in (READ_OPERATIONS, ORGANIZATION_OPERATIONS, ASSUME_ROLE_OPERATIONS,
                  CREDENTIAL_OPERATIONS):
        if operation in table.get(service, {}):
            return table[service][operation]
    return None


def _actions(table: dict[str, dict[str, str | None]]) -> list[str]:
    return sorted({action for operations in table.values()
                   for action in operations.values() if action is not None})


def iam_policy(org_role: str = DEFAULT_ORG_ROLE) -> dict[str, Any]:
    """The minimal read-only IAM policy for a live scan, as docs/iam-policy.json holds it.

    The first statement is all a scanned account needs (attach it to the role named by
    `--org-role` in each member account). Resource "*" because every action listed is a
    List/Describe/Get-metadata action that either has no resource type or must be allowed
    account-wide to enumerate. The other two are needed only where `--org-role` runs: the
    organization's account list, and AssumeRole limited to the named role.
    """
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EphiLintReadOnlyScan",
            "Effect": "Allow",
            "Action": _actions(READ_OPERATIONS),
            "Resource": "*",
        }, {
            "Sid": "EphiLintListOrganizationAccounts",
            "Effect": "Allow",
            "Action": _actions(ORGANIZATION_OPERATIONS),
            "Resource": "*",
        }, {
            "Sid": "EphiLintAssumeScanRole",
            "Effect": "Allow",
            "Action": _actions(ASSUME_ROLE_OPERATIONS),
            "Resource": f"arn:aws:iam::*:role/{org_role}",
        }],
    }


def iam_policy_text(org_role: str = DEFAULT_ORG_ROLE) -> str:
    return json.dumps(iam_policy(org_role), indent=2) + "\n"


if __name__ == "__main__":  # python -m linter.live.allowlist [ROLE] > docs/iam-policy.json
    import sys

    print(iam_policy_text(*sys.argv[1:2]), end="")
