"""google_bigtable_instance: one element per cluster block.

Each cluster keeps its own copy of the data under its own key. Clusters are often
written as a dynamic block over a variable; when that collection is not known the
instance still gets one element whose key is UNKNOWN, so the instance is reported as
undecided instead of silently judging no cluster at all (which a plain mapping would).
"""

from __future__ import annotations

from linter.adapters.fields import blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.bigtable import BigtableCluster, Instance
from linter.resolve.terraform import ResolvedBlock
from linter.values import Unknown

KEY = "kms_key_name"


def build_instance(block: ResolvedBlock, context: TerraformContext) -> list[Instance]:
    written, line, _found = lookup(block.config, "cluster")
    if isinstance(written, Unknown):
        line = line or block.line
        clusters: tuple[BigtableCluster, ...] = (BigtableCluster(
            label="cluster", line=line,
            kms_key=Field(None, FieldState.UNKNOWN, f"cluster.{KEY}", line, written.reason)),)
    else:
        clusters = tuple(
            BigtableCluster(label=f"cluster[{index}]", line=cluster_line,
                            kms_key=field_at(cluster, KEY, block.type,
                                             attribute=f"cluster[{index}].{KEY}"))
            for index, (cluster, cluster_line) in enumerate(blocks(block.config, "cluster")))
    return [Instance(**context.identity(block), clusters=clusters)]


BUILDERS = {"google_bigtable_instance": build_instance}
