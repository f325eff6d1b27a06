"""Azure SQL and Azure Database for PostgreSQL / MySQL / MariaDB: EHR databases."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class SqlServer(Resource):
    """A logical Azure SQL server (azurerm_mssql_server) or an Azure SQL Managed Instance
    (azurerm_mssql_managed_instance), judged alike on TLS and the TDE protector."""

    MODEL = "azure.sql.SqlServer"

    # The oldest TLS version clients may use: 1.0, 1.1, 1.2 (default), or Disabled
    # (every version allowed).
    minimum_tls_version: Field
    # True when the TDE protector is a customer-managed Key Vault / Managed HSM key
    # (transparent_data_encryption_key_vault_key_id, or an
    # azurerm_mssql_server_transparent_data_encryption / azurerm_mssql_managed_instance_
    # transparent_data_encryption with a key); absent: service-managed.
    tde_customer_managed_key: Field


@dataclass(frozen=True, kw_only=True)
class SqlDatabase(Resource):
    """An Azure SQL database (azurerm_mssql_database)."""

    MODEL = "azure.sql.SqlDatabase"

    # True (default): Transparent Data Encryption encrypts data, log and backup files.
    transparent_data_encryption: Field


@dataclass(frozen=True, kw_only=True)
class DatabaseServer(Resource):
    """A PostgreSQL / MySQL / MariaDB server (single or flexible), or one TLS-related
    parameter of a flexible server (azurerm_*_flexible_server_configuration), which the
    rules judge alike."""

    MODEL = "azure.sql.DatabaseServer"

    # postgresql, mysql or mariadb.
    engine: Field
    # What the model stands for: "server" (a single server, judged on both settings),
    # "flexible_server" (a flexible server, whose transport settings are parameters),
    # "transport" (a flexible-server require_secure_transport parameter) or "tls_version"
    # (a flexible-server ssl_min_protocol_version / tls_version parameter).
    setting: Field
    # True: the server refuses connections without TLS (single server
    # ssl_enforcement_enabled, required argument; flexible server parameter
    # require_secure_transport = on/ON, the server default). Absent on a flexible-server
    # parameter that sets only the TLS version.
    ssl_enforcement: Field
    # The oldest TLS version accepted: TLS1_0 / TLS1_1 / TLS1_2 / TLSEnforcementDisabled
    # (single server, ssl_minimal_tls_version_enforced), TLSv1.2 (PostgreSQL flexible
    # ssl_min_protocol_version) or a list like "TLSv1.2,TLSv1.3" (MySQL flexible
    # tls_version).
    minimum_tls_version: Field
    # True when data is encrypted with a customer-managed Key Vault key: a flexible
    # server's customer_managed_key.key_vault_key_id, or a single server's
    # azurerm_postgresql_server_key / azurerm_mysql_server_key. Absent: service-managed
    # keys (the default); absent on parameters.
    customer_managed_key: Field
    # True: a second, infrastructure layer of AES-256 encryption (single servers,
    # infrastructure_encryption_enabled, default false). Absent on flexible servers
    # (not offered) and parameters.
    infrastructure_encryption: Field
