"""Private keys written in Kubernetes Secrets and ConfigMaps.

A Secret manifest in a repository is as readable as the repository: base64 is an
encoding, not encryption. Sealed Secrets, SOPS-encrypted files and External Secrets
keep only ciphertext or references in the manifest and build nothing here.
"""

from __future__ import annotations

from linter.adapters.kubernetes import KubernetesContext
from linter.adapters.kubernetes.tls_secret import text_entries
from linter.adapters.pem_values import private_keys_from_field
from linter.models.certificates import PrivateKey
from linter.values import ConfigNode


def build_private_keys(body: ConfigNode, context: KubernetesContext) -> list[PrivateKey]:
    identity = context.identity(body)
    return [key for _, field in text_entries(body)
            for key in private_keys_from_field(field, identity)]


BUILDERS = {"Secret": build_private_keys, "ConfigMap": build_private_keys}
