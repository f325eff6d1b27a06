"""EMR security configurations: their JSON document is read as the IaC adapters read it.

Athena workgroups, Glue settings, SageMaker, FSx, WorkSpaces, SSM parameters and Lambda
functions are plain mappings (tables/mappings/aws_core.yaml, section aws_live)."""

from __future__ import annotations

from linter.adapters.aws_live import BuildContext, api_field, complete
from linter.live.collectors import Record
from linter.models.aws.emr import SecurityConfiguration as EmrSecurityConfiguration
from linter.models.aws.emr import encryption_fields
from linter.models.base import FieldState


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


BUILDERS = {
    "emr.security_configuration": build_emr_security_configuration,
}
