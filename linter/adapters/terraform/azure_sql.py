"""Azure SQL servers and databases; PostgreSQL / MySQL / MariaDB servers and the
flexible-server parameters that decide their transport security."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._azure_fields import configured_by
from linter.models.azure.sql import DatabaseServer, SqlDatabase, SqlServer
from linter.models.base import Field, derived_switch
from linter.resolve.terraform import ResolvedBlock

_SINGLE_SERVERS = {"azurerm_postgresql_server": "postgresql",
                   "azurerm_mysql_server": "mysql", "azurerm_mariadb_server": "mariadb"}
_FLEXIBLE_PARAMETERS = {"azurerm_postgresql_flexible_server_configuration": "postgresql",
                        "azurerm_mysql_flexible_server_configuration": "mysql"}
# Server parameter names (Azure Database flexible server docs): the switch that refuses
# non-TLS sessions, and the parameter that sets the oldest TLS version.
_TRANSPORT_PARAMETER = "require_secure_transport"
_TLS_PARAMETERS = {"postgresql": "ssl_min_protocol_version", "mysql": "tls_version"}
_TDE_KEY_NAMES = ("key_vault_key_id", "managed_hsm_key_id")


def build_sql_server(block: ResolvedBlock, context: TerraformContext) -> list[SqlServer]:
    inline = field_at(block.config, "transparent_data_encryption_key_vault_key_id", block.type)
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
    return [DatabaseServer(
        **context.identity(block),
        engine=Field.derived(_SINGLE_SERVERS[block.type], "type"),
        setting=Field.derived("server", "type"),
        ssl_enforcement=as_bool(field_at(block.config, "ssl_enforcement_enabled", block.type)),
        minimum_tls_version=field_at(block.config, "ssl_minimal_tls_version_enforced",
                                     block.type))]


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
            minimum_tls_version=Field.absent("value"))]
    if name == _TLS_PARAMETERS[engine]:
        return [DatabaseServer(
            **context.identity(block), engine=Field.derived(engine, "type"),
            setting=Field.derived("tls_version", "name", block.config.line_of("name")),
            ssl_enforcement=Field.absent("value"), minimum_tls_version=value)]
    return []


BUILDERS = {
    "azurerm_mssql_server": build_sql_server,
    "azurerm_mssql_database": build_sql_database,
    **{source_type: build_single_server for source_type in _SINGLE_SERVERS},
    **{source_type: build_flexible_parameter for source_type in _FLEXIBLE_PARAMETERS},
}
