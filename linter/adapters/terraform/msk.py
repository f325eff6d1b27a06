"""aws_msk_cluster."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.aws.msk import Cluster
from linter.resolve.terraform import ResolvedBlock

_IN_TRANSIT = "encryption_info.encryption_in_transit"


def build_cluster(block: ResolvedBlock, context: TerraformContext) -> list[Cluster]:
    config, source_type = block.config, block.type
    return [Cluster(**context.identity(block),
                    client_broker_encryption=field_at(config, f"{_IN_TRANSIT}.client_broker",
                                                      source_type),
                    in_cluster_encryption=as_bool(
                        field_at(config, f"{_IN_TRANSIT}.in_cluster", source_type)),
                    kms_key=field_at(config, "encryption_info.encryption_at_rest_kms_key_arn",
                                     source_type))]


BUILDERS = {"aws_msk_cluster": build_cluster}
