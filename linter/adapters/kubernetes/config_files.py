"""EncryptionConfiguration and KubeletConfiguration files to their k8s models.

Both kinds are configuration files rather than API objects, but they carry apiVersion
and kind, so the document parser hands them over like any manifest.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import blocks, lookup, value_field
from linter.adapters.kubernetes import KubernetesContext
from linter.models.base import Field, FieldState
from linter.models.k8s.config_files import (
    EncryptionConfiguration,
    KmsProvider,
    KubeletConfiguration,
)
from linter.tables import load_table
from linter.values import ConfigNode

ENCRYPTION_API_GROUP = "apiserver.config.k8s.io/"
KUBELET_API_GROUP = "kubelet.config.k8s.io/"


def build_encryption_configuration(
        body: ConfigNode, context: KubernetesContext) -> list[EncryptionConfiguration]:
    if not str(body.get("apiVersion", "")).startswith(ENCRYPTION_API_GROUP):
        return []
    table = load_table("k8s_control_plane")
    secrets_names = set(table["secrets_resource_names"])
    secrets_provider = Field.absent("resources[].providers[0]")
    kms_providers: list[KmsProvider] = []
    for index, (entry, entry_line) in enumerate(blocks(body, "resources")):
        providers = blocks(entry, "providers")
        for position, (provider, line) in enumerate(providers):
            if isinstance(provider.get("kms"), ConfigNode):
                kms_providers.append(_kms(provider.get("kms"), index, position, line, table))
        if secrets_provider.state is FieldState.ABSENT and _covers(entry, secrets_names):
            secrets_provider = _first_provider(providers, index, entry_line)
    return [EncryptionConfiguration(
        **context.identity(body),
        secrets_provider=secrets_provider,
        kms_providers=tuple(kms_providers),
    )]


def _covers(entry: ConfigNode, secrets_names: set[str]) -> bool:
    names = entry.get("resources")
    return isinstance(names, list) and any(str(name) in secrets_names for name in names)


def _first_provider(providers: list[tuple[ConfigNode, int]], index: int,
                    entry_line: int) -> Field:
    attribute = f"resources[{index}].providers[0]"
    if not providers:
        # An entry with no providers is rejected by the API server at start-up.
        return Field(None, FieldState.SET, attribute, entry_line)
    provider, line = providers[0]
    names = provider.keys()
    return value_field(names[0] if names else None, attribute, line)


def _kms(kms: ConfigNode, index: int, position: int, line: int,
         table: dict[str, Any]) -> KmsProvider:
    label = f"resources[{index}].providers[{position}].kms"
    attribute = f"{label}.apiVersion"
    if kms.get("apiVersion") is not None:
        api_version = value_field(kms.get("apiVersion"), attribute, kms.line_of("apiVersion"))
    else:
        api_version = Field.default(table["kms_default_api_version"], attribute,
                                    "KMS provider default")
    return KmsProvider(label=label, line=line, api_version=api_version)


def build_kubelet_configuration(
        body: ConfigNode, context: KubernetesContext) -> list[KubeletConfiguration]:
    if not str(body.get("apiVersion", "")).startswith(KUBELET_API_GROUP):
        return []
    defaults = load_table("k8s_control_plane")["kubelet_configuration_defaults"]

    def setting(path: str) -> Field:
        """The field at a dotted path (authentication.anonymous.enabled), else its default."""
        value, line, found = lookup(body, path)
        if found and value is not None:
            return value_field(value, path, line)
        default = defaults.get(path)
        if default is not None:
            return Field(default["value"], FieldState.DEFAULT, path, None, default["note"])
        return Field.absent(path)

    return [KubeletConfiguration(
        **context.identity(body),
        tls_min_version=setting("tlsMinVersion"),
        tls_cipher_suites=setting("tlsCipherSuites"),
        read_only_port=setting("readOnlyPort"),
        anonymous_auth=setting("authentication.anonymous.enabled"),
        authorization_mode=setting("authorization.mode"),
        tls_cert_file=setting("tlsCertFile"),
        tls_private_key_file=setting("tlsPrivateKeyFile"),
        server_tls_bootstrap=setting("serverTLSBootstrap"),
    )]


BUILDERS = {
    "EncryptionConfiguration": build_encryption_configuration,
    "KubeletConfiguration": build_kubelet_configuration,
}
