"""App Service web apps, function apps and their slots (modern and legacy resources)."""

from __future__ import annotations

from linter.adapters.fields import as_bool, field_at
from linter.adapters.terraform import TerraformContext
from linter.models.azure.appservice import WebApp
from linter.models.base import Field
from linter.resolve.terraform import ResolvedBlock

_MODERN = (
    "azurerm_linux_web_app", "azurerm_windows_web_app",
    "azurerm_linux_function_app", "azurerm_windows_function_app",
    "azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
    "azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
)
# Deprecated in azurerm 3.x, removed in 4.0; their site_config names the TLS floor
# min_tls_version and has no SCM setting.
_LEGACY = ("azurerm_app_service", "azurerm_app_service_slot",
           "azurerm_function_app", "azurerm_function_app_slot")


def build_web_app(block: ResolvedBlock, context: TerraformContext) -> list[WebApp]:
    legacy = block.type in _LEGACY
    config = block.config
    site_tls = "site_config.min_tls_version" if legacy else "site_config.minimum_tls_version"
    scm_tls = (Field.absent("site_config.scm_minimum_tls_version") if legacy
               else field_at(config, "site_config.scm_minimum_tls_version", block.type))
    return [WebApp(
        **context.identity(block),
        legacy=Field.derived(legacy, "type"),
        https_only=as_bool(field_at(config, "https_only", block.type)),
        minimum_tls_version=field_at(config, site_tls, block.type),
        scm_minimum_tls_version=scm_tls,
        ftps_state=field_at(config, "site_config.ftps_state", block.type))]


BUILDERS = {source_type: build_web_app for source_type in _MODERN + _LEGACY}
