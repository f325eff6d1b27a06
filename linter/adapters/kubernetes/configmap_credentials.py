"""ConfigMaps to k8s.core.ConfigMap: which keys look like credentials.

Only key names are kept; values are tested for being non-empty and then dropped, so no
finding, log or report can ever show a credential.
"""

from __future__ import annotations

import re

from linter.adapters.kubernetes import KubernetesContext
from linter.models.base import Field
from linter.models.k8s.configmap import ConfigMap
from linter.tables import load_table
from linter.values import ConfigNode, Unknown


def build_configmap(body: ConfigNode, context: KubernetesContext) -> list[ConfigMap]:
    table = load_table("k8s_configmap_credentials")
    credential = re.compile(table["credential_key_pattern"])
    reference = re.compile(table["reference_key_pattern"])
    placeholder = re.compile(table["placeholder_value_pattern"])
    found: list[str] = []
    first_line: int | None = None
    for section in ("data", "binaryData"):
        entries = body.get(section)
        if not isinstance(entries, ConfigNode):
            continue
        for key, value in entries.items():
            if not credential.search(key) or reference.search(key):
                continue
            if (isinstance(value, Unknown) or value is None or not str(value).strip()
                    or placeholder.match(str(value))):
                continue
            found.append(f"{section}.{key}")
            first_line = first_line or entries.line_of(key)
    return [ConfigMap(
        **context.identity(body),
        credential_keys=Field.derived(found, "data", first_line),
    )]


BUILDERS = {"ConfigMap": build_configmap}
