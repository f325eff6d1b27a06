"""ECR repositories, Secrets Manager secrets, EKS clusters, MSK clusters, Transfer servers."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete, key_field
from linter.live.collectors import Record
from linter.models.aws.ecr import Repository
from linter.models.aws.eks import Cluster as EksCluster
from linter.models.aws.msk import Cluster as MskCluster
from linter.models.aws.secretsmanager import Secret
from linter.models.aws.transfer import Server


def build_repository(record: Record, context: BuildContext) -> list[Repository]:
    operation = "DescribeRepositories"
    return [complete(
        Repository, record, context, "AWS::ECR::Repository",
        encryption_type=api_field(record, operation, "encryptionConfiguration.encryptionType"),
        kms_key=key_field(record, operation, "encryptionConfiguration.kmsKey", context,
                          Repository))]


def build_secret(record: Record, context: BuildContext) -> list[Secret]:
    # ListSecrets leaves KmsKeyId out for a secret on the AWS-managed aws/secretsmanager
    # key: ABSENT, which ENC-020 reads as that default key.
    return [complete(Secret, record, context, "AWS::SecretsManager::Secret",
                     kms_key=key_field(record, "ListSecrets", "KmsKeyId", context, Secret))]


def build_eks_cluster(record: Record, context: BuildContext) -> list[EksCluster]:
    # The API accepts a single encryption configuration, as the IaC resources do.
    operation, configuration = "DescribeCluster", "encryptionConfig[0]"
    return [complete(
        EksCluster, record, context, "AWS::EKS::Cluster",
        encrypted_resources=api_field(record, operation, f"{configuration}.resources"),
        kms_key=key_field(record, operation, f"{configuration}.provider.keyArn", context,
                          EksCluster))]


def build_msk_cluster(record: Record, context: BuildContext) -> list[MskCluster]:
    operation, encryption = "ListClustersV2", "Provisioned.EncryptionInfo"
    in_transit = f"{encryption}.EncryptionInTransit"
    return [complete(
        MskCluster, record, context, "AWS::MSK::Cluster",
        client_broker_encryption=api_field(record, operation, f"{in_transit}.ClientBroker"),
        in_cluster_encryption=api_field(record, operation, f"{in_transit}.InCluster"),
        # AWS names the key even when it is the AWS-managed aws/kafka key.
        kms_key=key_field(record, operation,
                          f"{encryption}.EncryptionAtRest.DataVolumeKMSKeyId", context,
                          MskCluster))]


def build_server(record: Record, context: BuildContext) -> list[Server]:
    operation = "DescribeServer"
    return [complete(Server, record, context, "AWS::Transfer::Server",
                     protocols=api_field(record, operation, "Protocols"),
                     security_policy=api_field(record, operation, "SecurityPolicyName"))]


BUILDERS = {
    "ecr.repository": build_repository,
    "secretsmanager.secret": build_secret,
    "eks.cluster": build_eks_cluster,
    "msk.cluster": build_msk_cluster,
    "transfer.server": build_server,
}
