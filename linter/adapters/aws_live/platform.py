"""Transfer servers: logging is decided from two settings (transfer_logging), which a
plain mapping cannot express.

ECR repositories, Secrets Manager secrets, EKS and MSK clusters are plain mappings
(tables/mappings/aws_core.yaml, section aws_live)."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete
from linter.live.collectors import Record
from linter.models.aws.transfer import Server, transfer_logging


def build_server(record: Record, context: BuildContext) -> list[Server]:
    operation = "DescribeServer"
    return [complete(Server, record, context, "AWS::Transfer::Server",
                     protocols=api_field(record, operation, "Protocols"),
                     security_policy=api_field(record, operation, "SecurityPolicyName"),
                     logging=transfer_logging(
                         api_field(record, operation, "LoggingRole"),
                         api_field(record, operation, "StructuredLogDestinations")))]


BUILDERS = {
    "transfer.server": build_server,
}
