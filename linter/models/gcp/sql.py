"""Cloud SQL instances (MySQL, PostgreSQL, SQL Server)."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class DatabaseInstance(Resource):
    """A Cloud SQL instance: whether it demands TLS, its customer-managed key, its public IP
    and authorized networks, automated backups and PostgreSQL connection logging."""

    MODEL = "gcp.sql.DatabaseInstance"

    # ALLOW_UNENCRYPTED_AND_ENCRYPTED (the default: plaintext accepted), ENCRYPTED_ONLY, or
    # TRUSTED_CLIENT_CERTIFICATE_REQUIRED (TLS plus a valid client certificate).
    ssl_mode: Field
    # Legacy switch: true means TLS with client certificates is required.
    require_ssl: Field
    # The Cloud KMS key (CMEK) for the instance's disks and backups; absent: Google-managed.
    kms_key: Field
    # settings.ip_configuration.ipv4_enabled: the instance gets a public IPv4 address;
    # provider default true.
    public_ip: Field
    # settings.ip_configuration.authorized_networks[].value: the CIDRs that may connect
    # directly to the public IP (the Cloud SQL Auth Proxy and connectors need none).
    authorized_networks: Field
    # settings.backup_configuration.enabled: daily automated backups; provider default
    # false (no backup_configuration block: no automated backups).
    backups_enabled: Field
    # master_instance_name is written: a read replica, which cannot take backups of its own.
    is_replica: Field
    # database_version: POSTGRES_16, MYSQL_8_0, SQLSERVER_2022_STANDARD, ...
    engine: Field
    # PostgreSQL only: the database flags log_connections and log_disconnections are both
    # "on" (both default off); located at the first flag that is missing or off.
    connection_logging: Field

    @property
    def public_endpoint(self) -> Field:
        return self.public_ip

    @property
    def admitted_sources(self) -> Field:
        """Who may connect to the public IP directly: the authorized networks."""
        return self.authorized_networks

    @property
    def anonymous_access_allowed(self) -> Field:
        """Always false: every Cloud SQL connection signs in as a database or IAM user;
        there is no anonymous access to switch on (unlike Azure public containers)."""
        return Field.derived(False, "settings.ip_configuration")
