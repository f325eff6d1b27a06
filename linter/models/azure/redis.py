"""Azure Cache for Redis: portal sessions and cached chart pages."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class RedisCache(Resource):
    """An Azure Cache for Redis: whether the plaintext port is open, and the oldest TLS version."""

    MODEL = "azure.redis.RedisCache"

    # True: the plaintext port 6379 is open. non_ssl_port_enabled in azurerm 4.x,
    # enable_non_ssl_port in 3.x; default false.
    non_ssl_port: Field
    # The oldest TLS version accepted on port 6380: 1.0 (documented default), 1.1, 1.2.
    minimum_tls_version: Field
