"""google_cloud_run_service (Cloud Run Admin API v1).

v1 services take their customer-managed key from the revision template's annotation
`run.googleapis.com/encryption-key`. The annotation name holds dots, which the mapping
tables read as path separators, so it is read here (v2 services and jobs, which have
an `encryption_key` argument, are mapped in tables/mappings/gcp_core.yaml).
"""

from __future__ import annotations

from linter.adapters.fields import is_blank, lookup, value_field
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.cloud_run import Workload
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, Unknown

ANNOTATIONS = "template.metadata.annotations"
ENCRYPTION_KEY = "run.googleapis.com/encryption-key"


def build_service(block: ResolvedBlock, context: TerraformContext) -> list[Workload]:
    return [Workload(**context.identity(block), kms_key=_annotated_key(block.config))]


def _annotated_key(config: ConfigNode) -> Field:
    attribute = f'{ANNOTATIONS}["{ENCRYPTION_KEY}"]'
    annotations, line, found = lookup(config, ANNOTATIONS)
    if not found or annotations is None:
        return Field.absent(attribute)
    if isinstance(annotations, Unknown):  # a variable or a merge() with one
        return Field(None, FieldState.UNKNOWN, attribute, line, annotations.reason)
    if not isinstance(annotations, ConfigNode):
        return Field(None, FieldState.UNKNOWN, attribute, line,
                     "the annotations are not a map the scan can read")
    if ENCRYPTION_KEY not in annotations:
        return Field.absent(attribute)
    key = annotations.get(ENCRYPTION_KEY)
    key_line = annotations.line_of(ENCRYPTION_KEY) or line
    if key is None or is_blank(key):
        return Field(None, FieldState.ABSENT, attribute, key_line,
                     "written as an empty string, which sets nothing")
    return value_field(key, attribute, key_line)


BUILDERS = {"google_cloud_run_service": build_service}
