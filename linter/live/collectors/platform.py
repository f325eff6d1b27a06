"""Collectors for application platforms: ECR repositories, Secrets Manager secrets, EKS
clusters, MSK (managed Kafka) clusters and Transfer Family servers.

Only configuration is read: repository and secret metadata (never an image layer or a
secret value), and the encryption and protocol settings of clusters and servers.
"""

from __future__ import annotations

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, paginate, plain


def collect_ecr(context: CollectContext) -> list[Record]:
    ecr = context.client_for("ecr")
    # DescribeRepositories returns no tags (only ListTagsForResource does): repositories
    # are not anchored to templates.
    return [Record("ecr.repository", "ecr", repository["repositoryName"],
                   repository["repositoryArn"], {"DescribeRepositories": repository})
            for repository in paginate(ecr, "describe_repositories", "repositories")]


def collect_secretsmanager(context: CollectContext) -> list[Record]:
    secretsmanager = context.client_for("secretsmanager")
    # ListSecrets names each secret's key (and its tags); the value is never read.
    return [Record("secretsmanager.secret", "secretsmanager", secret["Name"], secret["ARN"],
                   {"ListSecrets": secret})
            for secret in paginate(secretsmanager, "list_secrets", "SecretList")]


def collect_eks(context: CollectContext) -> list[Record]:
    eks = context.client_for("eks")
    records = []
    for name in paginate(eks, "list_clusters", "clusters"):
        record = Record("eks.cluster", "eks", name, arn(context, "eks", f"cluster/{name}"))
        if context.describe(record, "eks", "DescribeCluster", eks.describe_cluster,
                            "cluster", name=name):
            record.arn = record.data.get("DescribeCluster", {}).get("arn", record.arn)
            records.append(record)
    return records


def collect_msk(context: CollectContext) -> list[Record]:
    kafka = context.client_for("kafka")
    records = []
    for cluster in paginate(kafka, "list_clusters_v2", "ClusterInfoList"):
        # Serverless clusters always use TLS and an AWS-managed key, which no setting
        # changes: PLN-004 leaves them out and the IaC adapters build no model for them.
        if cluster.get("ClusterType") != "PROVISIONED":
            continue
        records.append(Record("msk.cluster", "kafka", cluster["ClusterName"],
                              cluster["ClusterArn"], {"ListClustersV2": cluster}))
    return records


def collect_transfer(context: CollectContext) -> list[Record]:
    transfer = context.client_for("transfer")
    records = []
    for server in paginate(transfer, "list_servers", "Servers"):
        record = Record("transfer.server", "transfer", server["ServerId"], server["Arn"])
        # ListServers omits the protocols and the security policy: only DescribeServer
        # answers them (with the server's tags).
        if context.describe(record, "transfer", "DescribeServer", transfer.describe_server,
                            "Server", ServerId=server["ServerId"]):
            records.append(record)
    return records


SERVICES = (
    Service("ecr", {"DescribeRepositories": ("aws.ecr.Repository", ALL_FIELDS)},
            plain(collect_ecr)),
    Service("secretsmanager", {"ListSecrets": ("aws.secretsmanager.Secret", ALL_FIELDS)},
            plain(collect_secretsmanager)),
    Service("eks", {"ListClusters": ("aws.eks.Cluster", ALL_FIELDS),
                    "DescribeCluster": ("aws.eks.Cluster", ALL_FIELDS)},
            plain(collect_eks)),
    Service("msk", {"ListClustersV2": ("aws.msk.Cluster", ALL_FIELDS)}, plain(collect_msk),
            client="kafka"),
    Service("transfer", {"ListServers": ("aws.transfer.Server", ALL_FIELDS),
                         "DescribeServer": ("aws.transfer.Server", ALL_FIELDS)},
            plain(collect_transfer)),
)
