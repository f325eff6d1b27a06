"""The Kubernetes control plane as its static Pod manifests configure it.

kubeadm and most installers run kube-apiserver, etcd, kube-controller-manager and
kube-scheduler as static Pods (/etc/kubernetes/manifests) whose command-line flags are
the whole security configuration: TLS floor and suites, Secret encryption at rest, the
plaintext ports, and the certificates each component presents and demands. Flags left
out take the defaults in tables/k8s_control_plane.yaml; a file path left out is ABSENT.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class APIServer(Resource):
    """The kube-apiserver static Pod, judged by its flags: TLS floor and suites, Secret
    encryption at rest, plaintext ports, and the certificates for clients, kubelets and etcd."""

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
    # --insecure-bind-address: where that port listened (default 127.0.0.1 before 1.20).
    insecure_bind_address: Field
    # --etcd-servers as a list of URLs: http:// sends every Secret to etcd in plaintext.
    etcd_servers: Field
    # --secure-port as a number (default 6443); 0 switched HTTPS off before 1.20.
    secure_port: Field
    # --tls-cert-file / --tls-private-key-file: the serving certificate; absent makes the
    # API server generate a self-signed one nobody can verify.
    tls_cert_file: Field
    tls_private_key_file: Field
    # --client-ca-file: the CA that signs client certificates; absent switches client
    # certificate authentication off.
    client_ca_file: Field
    # --kubelet-https (bool, default true; removed in 1.22): false calls kubelets over HTTP.
    kubelet_https: Field
    # --kubelet-client-certificate / --kubelet-client-key: how the API server proves who it
    # is to kubelets; absent, its calls to kubelets are anonymous.
    kubelet_client_certificate: Field
    kubelet_client_key: Field
    # --kubelet-certificate-authority: the CA that kubelet serving certificates are checked
    # against; absent, the API server does not verify the kubelet it talks to.
    kubelet_certificate_authority: Field
    # --etcd-certfile / --etcd-keyfile: the client certificate presented to etcd.
    etcd_certfile: Field
    etcd_keyfile: Field
    # --etcd-cafile: the CA that etcd's serving certificate is checked against.
    etcd_cafile: Field


@dataclass(frozen=True, kw_only=True)
class Etcd(Resource):
    """The etcd static Pod, judged by its flags: TLS and certificate checks for clients and
    peers, self-signed auto TLS, and cipher suites."""

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
    # --peer-cert-file / --peer-key-file: the certificate members present to each other;
    # without both, peer traffic (every write, replicated) is plaintext.
    peer_cert_file: Field
    peer_key_file: Field
    # --cipher-suites as a list of IANA names; absent means Go's default suites.
    tls_cipher_suites: Field


@dataclass(frozen=True, kw_only=True)
class ControllerManager(Resource):
    """The kube-controller-manager static Pod, judged by its flags: plaintext ports and API
    server URL, per-controller credentials, the root CA handed to pods, and cipher suites."""

    MODEL = "k8s.controlplane.ControllerManager"

    # --master: the API server URL (overrides the kubeconfig's); http:// is plaintext.
    master: Field
    # --use-service-account-credentials (bool, default false): false runs every controller
    # loop with the controller manager's own, all-powerful credential.
    use_service_account_credentials: Field
    # --root-ca-file: the CA bundle put in every service account's token Secret /
    # kube-root-ca.crt, so pods can verify the API server; absent, they cannot.
    root_ca_file: Field
    # --bind-address (default 0.0.0.0) and --secure-port (default 10257; 0 serves nothing).
    bind_address: Field
    secure_port: Field
    # --port: the legacy plain-HTTP port (removed in 1.24); absent is treated as closed.
    insecure_port: Field
    # --address: where that port listened (default 0.0.0.0).
    insecure_bind_address: Field
    # --tls-cipher-suites as a list of IANA names; absent means Go's default suites.
    tls_cipher_suites: Field


@dataclass(frozen=True, kw_only=True)
class Scheduler(Resource):
    """The kube-scheduler static Pod, judged by its flags: plaintext ports, API server URL,
    bind address and cipher suites."""

    MODEL = "k8s.controlplane.Scheduler"

    # --master: the API server URL (overrides the kubeconfig's); http:// is plaintext.
    master: Field
    # --bind-address (default 0.0.0.0) and --secure-port (default 10259; 0 serves nothing).
    bind_address: Field
    secure_port: Field
    # --port: the legacy plain-HTTP port (removed in 1.23); absent is treated as closed.
    insecure_port: Field
    # --address: where that port listened (default 0.0.0.0).
    insecure_bind_address: Field
    # --tls-cipher-suites as a list of IANA names; absent means Go's default suites.
    tls_cipher_suites: Field
