"""The Kubernetes control plane as its static Pod manifests configure it.

kubeadm and most installers run kube-apiserver and etcd as static Pods
(/etc/kubernetes/manifests) whose command-line flags are the whole security
configuration: TLS floor and suites, Secret encryption at rest, the plaintext port, and
the certificates etcd demands from its clients. Flags left out take the defaults in
tables/k8s_control_plane.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class APIServer(Resource):
    MODEL = "k8s.controlplane.APIServer"

    # --tls-min-version: VersionTLS10..VersionTLS13; Kubernetes defaults to VersionTLS12.
    tls_min_version: Field
    # --tls-cipher-suites as a list of IANA names; absent means Go's default suites,
    # which still include ECDHE AES-CBC-SHA suites.
    tls_cipher_suites: Field
    # --encryption-provider-config: the EncryptionConfiguration file's path; absent means
    # Secrets are written to etcd (and its backups) unencrypted.
    encryption_provider_config: Field
    # --insecure-port as a number: anything above 0 serves the API over plain HTTP with no
    # authentication (the flag is ignored from 1.20 and removed in 1.24).
    insecure_port: Field
    # --etcd-servers as a list of URLs: http:// sends every Secret to etcd in plaintext.
    etcd_servers: Field


@dataclass(frozen=True, kw_only=True)
class Etcd(Resource):
    MODEL = "k8s.controlplane.Etcd"

    # --cert-file / --key-file: the certificate and key etcd serves clients with; without
    # both, client connections cannot use TLS.
    cert_file: Field
    key_file: Field
    # --client-cert-auth: true makes etcd demand a CA-signed client certificate.
    client_cert_auth: Field
    # --peer-client-cert-auth: the same for other etcd members.
    peer_client_cert_auth: Field
    # --auto-tls / --peer-auto-tls: true serves self-signed certificates nobody verifies.
    auto_tls: Field
    peer_auto_tls: Field
    # --listen-client-urls as a list of URLs (default http://localhost:2379).
    listen_client_urls: Field
