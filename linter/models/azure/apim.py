"""Azure API Management: the gateway in front of patient-facing and partner APIs."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ApiManagement(Resource):
    """An API Management service (azurerm_api_management) and its `security` block.

    Each field is true when the gateway enables that protocol or suite. azurerm 4.x names
    the protocol flags `frontend_tls10_enabled`, 3.x `enable_frontend_tls10`; both read
    here. azurerm writes every flag on create, false when left out (provider default),
    while a service created outside Terraform keeps Azure's own defaults.
    """

    MODEL = "azure.apim.ApiManagement"

    # Client side (clients -> gateway): SSL 3.0, TLS 1.0, TLS 1.1; default false.
    frontend_ssl30: Field
    frontend_tls10: Field
    frontend_tls11: Field
    # Backend side (gateway -> API backends): SSL 3.0, TLS 1.0, TLS 1.1; default false.
    backend_ssl30: Field
    backend_tls10: Field
    backend_tls11: Field
    # TLS_RSA_WITH_3DES_EDE_CBC_SHA (TripleDes168) on every TLS version; default false.
    triple_des_ciphers: Field
    # Suites without forward secrecy or without AEAD (CBC), each default false.
    ecdhe_ecdsa_aes128_cbc_sha: Field
    ecdhe_ecdsa_aes256_cbc_sha: Field
    ecdhe_rsa_aes128_cbc_sha: Field
    ecdhe_rsa_aes256_cbc_sha: Field
    rsa_aes128_cbc_sha256: Field
    rsa_aes128_cbc_sha: Field
    rsa_aes128_gcm_sha256: Field
    rsa_aes256_cbc_sha256: Field
    rsa_aes256_cbc_sha: Field
    rsa_aes256_gcm_sha384: Field


@dataclass(frozen=True, kw_only=True)
class ApiManagementApi(Resource):
    """An API published on an API Management gateway (azurerm_api_management_api)."""

    MODEL = "azure.apim.ApiManagementApi"

    # The schemes clients may call the API with: http, https, ws, wss. Absent: not
    # written (azurerm has no default; the service keeps what it computed).
    protocols: Field
    # The backend URL the gateway forwards calls to (service_url); absent: the API's
    # policies or a backend entity decide.
    backend_url: Field


@dataclass(frozen=True, kw_only=True)
class ApiManagementBackend(Resource):
    """A backend entity of API Management (azurerm_api_management_backend)."""

    MODEL = "azure.apim.ApiManagementBackend"

    # The backend's runtime URL (required); http:// sends each call in clear text.
    backend_url: Field
