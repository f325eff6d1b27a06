"""Azure SQL servers and databases; PostgreSQL / MySQL / MariaDB servers and the
flexible-server parameters that decide their transport security."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._azure_fields import configured_by
from linter.models.azure.sql import DatabaseServer, SqlDatabase, SqlServer
from linter.models.base import Field, FieldState, derived_switch
from linter.resolve.terraform import ResolvedBlock
from linter.values import Unknown

_SINGLE_SERVERS = {"azurerm_postgresql_server": "postgresql",
                   "azurerm_mysql_server": "mysql", "azurerm_mariadb_server": "mariadb"}
_FLEXIBLE_SERVERS = {"azurerm_postgresql_flexible_server": "postgresql",
                     "azurerm_mysql_flexible_server": "mysql"}
# Companion resources that give a single server a customer-managed key (by server_id).
_SERVER_KEYS = {"azurerm_postgresql_server": "azurerm_postgresql_server_key",
                "azurerm_mysql_server": "azurerm_mysql_server_key"}
_FLEXIBLE_PARAMETERS = {"azurerm_postgresql_flexible_server_configuration": "postgresql",
                        "azurerm_mysql_flexible_server_configuration": "mysql"}
# Server parameter names (Azure Database flexible server docs): the switch that refuses
# non-TLS sessions, and the parameter that sets the oldest TLS version.
_TRANSPORT_PARAMETER = "require_secure_transport"
_TLS_PARAMETERS = {"postgresql": "ssl_min_protocol_version", "mysql": "tls_version"}
_TDE_KEY_NAMES = ("key_vault_key_id", "managed_hsm_key_id")


def build_sql_server(block: ResolvedBlock, context: TerraformContext) -> list[SqlServer]:
    inline = field_at(block.config, "transparent_data_encryption_key_vault_key_id", block.type)
    if block.type == "azurerm_mssql_managed_instance":
        # A managed instance takes its TDE protector only from a companion resource.
        inline = Field.absent("transparent_data_encryption_key_vault_key_id")
        companions = context.referencing(
            "azurerm_mssql_managed_instance_transparent_data_encryption",
            "managed_instance_id", block)
    else:
        companions = context.referencing("azurerm_mssql_server_transparent_data_encryption",
                                          "server_id", block)
    return [SqlServer(
        **context.identity(block),
        minimum_tls_version=field_at(block.config, "minimum_tls_version", block.type),
        tde_customer_managed_key=configured_by(inline, companions, _TDE_KEY_NAMES,
                                               "transparent_data_encryption_key_vault_key_id"))]


def build_sql_database(block: ResolvedBlock, context: TerraformContext) -> list[SqlDatabase]:
    return [SqlDatabase(**context.identity(block), transparent_data_encryption=as_bool(
        field_at(block.config, "transparent_data_encryption_enabled", block.type)))]


def build_single_server(block: ResolvedBlock,
                        context: TerraformContext) -> list[DatabaseServer]:
    companion = _SERVER_KEYS.get(block.type)
    keys = context.referencing(companion, "server_id", block) if companion else []
    infrastructure = (as_bool(field_at(block.config, "infrastructure_encryption_enabled",
                                       block.type)) if companion
                      else Field.absent("infrastructure_encryption_enabled"))
    return [DatabaseServer(
        **context.identity(block),
        engine=Field.derived(_SINGLE_SERVERS[block.type], "type"),
        setting=Field.derived("server", "type"),
        ssl_enforcement=as_bool(field_at(block.config, "ssl_enforcement_enabled", block.type)),
        minimum_tls_version=field_at(block.config, "ssl_minimal_tls_version_enforced",
                                     block.type),
        customer_managed_key=(configured_by(Field.absent(companion), keys,
                                            ("key_vault_key_id",), companion)
                              if companion else Field.absent("customer_managed_key")),
        infrastructure_encryption=infrastructure)]


def build_flexible_server(block: ResolvedBlock,
                          context: TerraformContext) -> list[DatabaseServer]:
    """The server itself, for its keys; its transport settings are parameters (below)."""
    key = field_at(block.config, "customer_managed_key.key_vault_key_id", block.type)
    written = block.config.get("customer_managed_key")
    if isinstance(written, Unknown):
        # A dynamic block whose for_each is unknown may or may not exist.
        customer_key = Field(None, FieldState.UNKNOWN, "customer_managed_key",
                             block.config.line_of("customer_managed_key"), written.reason)
    else:
        customer_key = configured_by(key, [], (), "customer_managed_key.key_vault_key_id")
    return [DatabaseServer(
        **context.identity(block),
        engine=Field.derived(_FLEXIBLE_SERVERS[block.type], "type"),
        setting=Field.derived("flexible_server", "type"),
        ssl_enforcement=Field.absent("require_secure_transport"),
        minimum_tls_version=Field.absent("tls_version"),
        customer_managed_key=customer_key,
        infrastructure_encryption=Field.absent("infrastructure_encryption_enabled"))]


# A parameter carries no key or storage encryption setting.
_NOT_SERVER = {"customer_managed_key": Field.absent("customer_managed_key"),
               "infrastructure_encryption": Field.absent("infrastructure_encryption_enabled")}


def build_flexible_parameter(block: ResolvedBlock,
                             context: TerraformContext) -> list[DatabaseServer]:
    """One model per parameter that governs transport security; others are not built.

    Without such a resource the server keeps its defaults (require_secure_transport on,
    TLS 1.2 floor), which need no finding.
    """
    engine = _FLEXIBLE_PARAMETERS[block.type]
    name = block.config.get("name")
    value = field_at(block.config, "value", block.type)
    if name == _TRANSPORT_PARAMETER:
        return [DatabaseServer(
            **context.identity(block), engine=Field.derived(engine, "type"),
            setting=Field.derived("transport", "name", block.config.line_of("name")),
            ssl_enforcement=derived_switch(value, lambda text: str(text).lower() == "on"),
            minimum_tls_version=Field.absent("value"), **_NOT_SERVER)]
    if name == _TLS_PARAMETERS[engine]:
        return [DatabaseServer(
            **context.identity(block), engine=Field.derived(engine, "type"),
            setting=Field.derived("tls_version", "name", block.config.line_of("name")),
            ssl_enforcement=Field.absent("value"), minimum_tls_version=value,
            **_NOT_SERVER)]
    return []


BUILDERS = {
    "azurerm_mssql_server": build_sql_server,
    "azurerm_mssql_managed_instance": build_sql_server,
    "azurerm_mssql_database": build_sql_database,
    **{source_type: build_single_server for source_type in _SINGLE_SERVERS},
    **{source_type: build_flexible_server for source_type in _FLEXIBLE_SERVERS},
    **{source_type: build_flexible_parameter for source_type in _FLEXIBLE_PARAMETERS},
}
