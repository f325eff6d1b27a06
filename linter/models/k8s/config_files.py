"""Configuration files of Kubernetes components written as API-style objects.

EncryptionConfiguration (apiserver.config.k8s.io/v1) is the file --encryption-provider-config
names; KubeletConfiguration (kubelet.config.k8s.io/v1beta1) is the kubelet's --config file.
Both are plain files on the nodes, often kept in the same repository as the manifests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from linter.models.base import Element, Field, Resource


@dataclass(frozen=True, kw_only=True)
class KmsProvider(Element):
    """One `kms` provider of any resources entry."""

    # The provider's apiVersion: v2, or v1 (also when left out), deprecated since 1.28.
    api_version: Field


@dataclass(frozen=True, kw_only=True)
class EncryptionConfiguration(Resource):
    """An EncryptionConfiguration file: which provider encrypts Secrets written to etcd, and
    the API version of each kms provider."""

    MODEL = "k8s.apiserver.EncryptionConfiguration"
    ELEMENTS: ClassVar[dict[str, type]] = {"kms_providers": KmsProvider}

    # The provider that encrypts new Secret writes: the first provider of the first
    # resources entry covering secrets (identity, aescbc, aesgcm, secretbox, kms);
    # absent when no entry covers secrets (they are stored as written).
    secrets_provider: Field
    # Every kms provider in the file.
    kms_providers: tuple[KmsProvider, ...]


@dataclass(frozen=True, kw_only=True)
class KubeletConfiguration(Resource):
    """A KubeletConfiguration file: the TLS of the kubelet's HTTPS API, its read-only port, and
    how it authenticates and authorizes callers."""

    MODEL = "k8s.kubelet.KubeletConfiguration"

    # tlsMinVersion of the kubelet's HTTPS API (logs, exec, pod specs); default VersionTLS12.
    tls_min_version: Field
    # tlsCipherSuites as a list of IANA names; absent means Go's default suites.
    tls_cipher_suites: Field
    # readOnlyPort: 0 (the file default) disables the unauthenticated plain-HTTP port,
    # traditionally 10255.
    read_only_port: Field
    # authentication.anonymous.enabled: true serves requests no authenticator accepted as
    # system:anonymous; the file default is false (the --anonymous-auth flag's is true).
    anonymous_auth: Field
    # authorization.mode: Webhook (the file default) asks the API server; AlwaysAllow
    # lets any authenticated (or anonymous) caller exec, read logs and pod specs.
    authorization_mode: Field
    # tlsCertFile / tlsPrivateKeyFile: the serving certificate; serverTLSBootstrap (default
    # false) requests it from the cluster CA instead. With neither, the kubelet serves a
    # self-signed certificate that no client can verify.
    tls_cert_file: Field
    tls_private_key_file: Field
    server_tls_bootstrap: Field
