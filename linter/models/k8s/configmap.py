"""Kubernetes ConfigMaps, judged for credentials that belong in Secrets."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class ConfigMap(Resource):
    """A ConfigMap: whether its data holds credentials that belong in a Secret."""

    MODEL = "k8s.core.ConfigMap"

    # The data/binaryData keys whose names say they hold a credential (password, token,
    # api_key, ...) and whose value is not empty, as a list of key names (values are never
    # kept); the line is the first such key's.
    credential_keys: Field
