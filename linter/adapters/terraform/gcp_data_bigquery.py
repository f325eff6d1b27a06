"""google_bigquery_table: the table's own key, else the default key of its dataset.

A table created without encryption_configuration is encrypted with its dataset's
default_encryption_configuration key when the dataset has one, so the table's key is
only known by looking at the dataset too. The dataset is found through the reference
(`google_bigquery_dataset.x.id`) or, for a literal dataset id (which is also what
`google_bigquery_dataset.x.dataset_id` resolves to), by that id among the datasets of
the scan. A dataset outside the scan may set a default key: the table is then UNKNOWN.

Logical views and external tables store no table data in BigQuery (a view stores a
query; an external table reads files kept elsewhere), so they get no model.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.bigquery import Table
from linter.resolve.terraform import ResolvedBlock
from linter.values import ConfigNode, ResourceRef, Unknown

DATASET = "google_bigquery_dataset"
TABLE_KEY = "encryption_configuration.kms_key_name"
DATASET_KEY = "default_encryption_configuration.kms_key_name"


# Blocks that make a table hold no data of its own in BigQuery storage.
NO_STORED_DATA = ("view", "external_data_configuration")


def build_table(block: ResolvedBlock, context: TerraformContext) -> list[Table]:
    undecided_kind: Field | None = None
    for kind in NO_STORED_DATA:
        value, line, found = lookup(block.config, kind)
        if isinstance(value, Unknown):  # a dynamic block: a view or a table, not known
            undecided_kind = Field(None, FieldState.UNKNOWN, TABLE_KEY, line,
                                   f"the table names no key, and whether it is a "
                                   f"{kind.replace('_', ' ')} (which stores no data) is "
                                   f"not known ({value.reason})")
        elif found and value is not None and value != []:
            return []
    key = _table_key(block, context)
    if undecided_kind is not None and key.state is FieldState.ABSENT:
        key = undecided_kind  # no key at all fails only a table known to hold data
    return [Table(**context.identity(block), kms_key=key)]


def _table_key(block: ResolvedBlock, context: TerraformContext) -> Field:
    own = field_at(block.config, TABLE_KEY, block.type)
    if own.state is not FieldState.ABSENT:
        return own
    dataset_id, line, _found = lookup(block.config, "dataset_id")
    dataset = _dataset_config(dataset_id, context)
    if isinstance(dataset, ConfigNode):
        inherited = field_at(dataset, DATASET_KEY, DATASET,
                             attribute=f"dataset {DATASET_KEY}")
        if inherited.state is FieldState.ABSENT:
            return own  # neither the table nor its dataset names a key: Google-managed
        # The dataset's key (or its unknown value) decides; the finding stays on the table.
        return Field(inherited.value, inherited.state, inherited.attribute, None,
                     inherited.reason)
    reason = (dataset.reason if isinstance(dataset, Unknown) else
              f"the table names no key and its dataset {_shown(dataset_id)} is not in the "
              "scan: its default key, if any, applies")
    return Field(None, FieldState.UNKNOWN, TABLE_KEY, line, reason)


def _dataset_config(dataset_id: Any, context: TerraformContext) -> ConfigNode | Unknown | None:
    """The configuration of the dataset the table is created in, when the scan holds it."""
    if isinstance(dataset_id, Unknown):
        return dataset_id
    if isinstance(dataset_id, ResourceRef):
        if dataset_id.resource_type == DATASET and isinstance(dataset_id.arguments, ConfigNode):
            return dataset_id.arguments
        return None
    if not isinstance(dataset_id, str):
        return None
    for candidates in (context.of_type(DATASET), context.in_root(DATASET)):
        for dataset in candidates:
            if dataset.config.get("dataset_id") == dataset_id:
                return dataset.config
    return None


def _shown(dataset_id: Any) -> str:
    return f'"{dataset_id}"' if isinstance(dataset_id, str) else str(dataset_id)


BUILDERS = {"google_bigquery_table": build_table}
