"""google_compute_target_http_proxy (global and regional) -> gcp.load_balancing.HttpProxy.

Code, not a mapping table: whether the proxy only redirects is a setting of the URL map
it names, another resource found through a reference, a name or a URL.
"""

from __future__ import annotations

from typing import Any

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.base import Field, FieldState
from linter.models.gcp.load_balancing import HttpProxy
from linter.resolve.terraform import ResolvedBlock
from linter.values import Branches, ConfigNode, ResourceRef, Unknown

_URL_MAP_TYPES = ("google_compute_url_map", "google_compute_region_url_map")
_REDIRECT = "default_url_redirect.https_redirect"


def build_http_proxy(block: ResolvedBlock, context: TerraformContext) -> list[HttpProxy]:
    return [HttpProxy(**context.identity(block), https_redirect=_https_redirect(block,
                                                                                context))]


def _https_redirect(block: ResolvedBlock, context: TerraformContext) -> Field:
    config = block.config
    written = config.get("url_map")
    line = config.line_of("url_map") if "url_map" in config else None
    if isinstance(written, Branches):
        options = tuple(_redirects(option, context) for option in written.options)
        return Field(Branches(options, written.labels), FieldState.SET, "url_map", line)
    redirects = _redirects(written, context)
    if isinstance(redirects, Unknown):
        return Field(None, FieldState.UNKNOWN, "url_map", line, redirects.reason)
    return Field(redirects, FieldState.SET, "url_map", line)


def _redirects(value: Any, context: TerraformContext) -> bool | Unknown:
    """Whether the URL map the proxy names redirects every request to HTTPS."""
    if isinstance(value, ResourceRef):
        if value.resource_type in _URL_MAP_TYPES and isinstance(value.arguments, ConfigNode):
            return _redirect_of(value.resource_type, value.arguments)
        return Unknown(f"{value} is not a URL map declared in the scanned files")
    if isinstance(value, str) and not value.strip():
        return Unknown("url_map is empty (a splat over URL maps not created?)")
    if isinstance(value, str):
        name = value.rstrip("/").rsplit("/", 1)[-1]
        for kind in _URL_MAP_TYPES:
            for url_map in context.of_type(kind):
                if url_map.config.get("name") == name:
                    return _redirect_of(kind, url_map.config)
        return Unknown(f"URL map {value} is not declared in the scanned files")
    if isinstance(value, Unknown):
        return value
    return Unknown("the URL map reference is not understood")


def _redirect_of(source_type: str, config: ConfigNode) -> bool | Unknown:
    # https_redirect defaults to false (google_compute_url_map, tables/defaults).
    field = as_bool(field_at(config, _REDIRECT, source_type))
    if not field.is_known:
        return Unknown(f"{_REDIRECT} of the URL map cannot be known statically "
                       f"({field.reason})")
    if isinstance(field.value, Branches):
        return Unknown(f"{_REDIRECT} of the URL map depends on a condition")
    return field.value is True


BUILDERS = {
    "google_compute_target_http_proxy": build_http_proxy,
    "google_compute_region_target_http_proxy": build_http_proxy,
}
