"""google_sql_database_instance."""

from __future__ import annotations

from linter.adapters.fields import as_bool, blocks, field_at, lookup
from linter.adapters.terraform import TerraformContext
from linter.adapters.terraform._address_ranges import address_ranges
from linter.models.base import Field, FieldState
from linter.models.gcp.sql import DatabaseInstance
from linter.resolve.terraform import ResolvedBlock
from linter.values import Branches, ConfigNode, PartialText, Unknown

_IP_CONFIGURATION = "settings.ip_configuration"


def build_instance(block: ResolvedBlock,
                   context: TerraformContext) -> list[DatabaseInstance]:
    config = block.config
    return [DatabaseInstance(
        **context.identity(block),
        ssl_mode=field_at(config, "settings.ip_configuration.ssl_mode", block.type),
        require_ssl=as_bool(field_at(config, "settings.ip_configuration.require_ssl",
                                     block.type)),
        kms_key=field_at(config, "encryption_key_name", block.type),
        public_ip=as_bool(field_at(config, f"{_IP_CONFIGURATION}.ipv4_enabled", block.type)),
        authorized_networks=_authorized_networks(config),
        backups_enabled=as_bool(field_at(config, "settings.backup_configuration.enabled",
                                         block.type)),
        is_replica=_is_replica(config),
        engine=_engine(config, block.type),
        connection_logging=_connection_logging(config))]


_CONNECTION_FLAGS = ("log_connections", "log_disconnections")
_ENGINES = ("POSTGRES", "MYSQL", "SQLSERVER")


def _engine(config: ConfigNode, source_type: str) -> Field:
    """database_version; an interpolation whose engine part is known
    (`format("POSTGRES_%s", var.version)`) keeps its known text, which names the engine."""
    field = field_at(config, "database_version", source_type)
    written = config.get("database_version")
    if field.state is FieldState.UNKNOWN and isinstance(written, PartialText) \
            and written.text.upper().startswith(_ENGINES):
        return Field(written.text, FieldState.SET, field.attribute, field.line)
    return field


def _connection_logging(config: ConfigNode) -> Field:
    """Whether both connection-logging flags are on (Cloud SQL for PostgreSQL leaves
    them off)."""
    attribute = "settings.database_flags"
    settings, _, _ = lookup(config, "settings")
    settings = settings[0] if isinstance(settings, list) and settings else settings
    written = settings.get("database_flags") if isinstance(settings, ConfigNode) else None
    line = settings.line_of("database_flags") if isinstance(settings, ConfigNode) \
        and "database_flags" in settings else None
    if isinstance(written, Unknown) or isinstance(settings, Unknown):
        reason = (written if isinstance(written, Unknown) else settings).reason
        return Field(None, FieldState.UNKNOWN, attribute, line, reason)
    flags: dict[str, tuple[object, int]] = {}
    for flag, flag_line in blocks(settings, "database_flags") if isinstance(
            settings, ConfigNode) else []:
        name = flag.get("name")
        if isinstance(name, Unknown):
            return Field(None, FieldState.UNKNOWN, attribute, flag_line,
                         f"a database flag's name cannot be known ({name.reason})")
        if isinstance(name, str):
            flags[name] = (flag.get("value"), flag.line_of("value") or flag_line)
    for name in _CONNECTION_FLAGS:
        if name not in flags:
            return Field(False, FieldState.DEFAULT, f"{attribute} {name}", line,
                         "Cloud SQL for PostgreSQL leaves it off")
        value, flag_line = flags[name]
        if isinstance(value, Unknown):
            return Field(None, FieldState.UNKNOWN, f"{attribute} {name}", flag_line,
                         value.reason)
        options = value.options if isinstance(value, Branches) else (value,)
        if any(isinstance(option, Unknown) for option in options):
            return Field(None, FieldState.UNKNOWN, f"{attribute} {name}", flag_line,
                         "one branch of a conditional cannot be known statically")
        if not all(isinstance(option, str) and option.strip().lower() == "on"
                   for option in options):
            return Field(False, FieldState.SET, f"{attribute} {name}", flag_line)
    return Field.derived(True, attribute, line)


def _is_replica(config: ConfigNode) -> Field:
    """master_instance_name written: a read replica (which takes no backups itself)."""
    written = config.get("master_instance_name")
    line = config.line_of("master_instance_name") if "master_instance_name" in config \
        else None
    if isinstance(written, Unknown):
        return Field(None, FieldState.UNKNOWN, "master_instance_name", line, written.reason)
    if written is None or written == "":
        return Field(False, FieldState.DEFAULT, "master_instance_name", None,
                     "not a read replica")
    return Field.derived(True, "master_instance_name", line)


def _authorized_networks(config: ConfigNode) -> Field:
    attribute = f"{_IP_CONFIGURATION}.authorized_networks"
    ip_configuration, _line, found = lookup(config, _IP_CONFIGURATION)
    if isinstance(ip_configuration, Unknown):
        return Field(None, FieldState.UNKNOWN, attribute, None, ip_configuration.reason)
    if isinstance(ip_configuration, list):  # a block (MaxItems 1) is read as a list
        ip_configuration = ip_configuration[0] if ip_configuration else None
    if not found or not isinstance(ip_configuration, ConfigNode) \
            or ip_configuration.get("authorized_networks") is None:
        return Field.absent(attribute)
    written = ip_configuration.get("authorized_networks")
    line = ip_configuration.line_of("authorized_networks")
    if isinstance(written, Unknown):  # a dynamic block over an unknown collection
        return Field(None, FieldState.UNKNOWN, attribute, line, written.reason)
    return address_ranges([(network.get("value"), network.line_of("value") or network_line)
                           for network, network_line in blocks(ip_configuration,
                                                               "authorized_networks")],
                          attribute, line)


BUILDERS = {"google_sql_database_instance": build_instance}
