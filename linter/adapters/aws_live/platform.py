"""Transfer servers: the live scan reads two of the model's fields, and complete() marks
the others UNKNOWN (a plain mapping must read every field).

ECR repositories, Secrets Manager secrets, EKS and MSK clusters are plain mappings
(tables/mappings/aws_core.yaml, section aws_live)."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete
from linter.live.collectors import Record
from linter.models.aws.transfer import Server


def build_server(record: Record, context: BuildContext) -> list[Server]:
    operation = "DescribeServer"
    return [complete(Server, record, context, "AWS::Transfer::Server",
                     protocols=api_field(record, operation, "Protocols"),
                     security_policy=api_field(record, operation, "SecurityPolicyName"))]


BUILDERS = {
    "transfer.server": build_server,
}
