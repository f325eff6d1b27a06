"""Azure App Service and Functions: patient portals and intake APIs."""

from __future__ import annotations

from dataclasses import dataclass

from linter.models.base import Field, Resource


@dataclass(frozen=True, kw_only=True)
class WebApp(Resource):
    """A web app, function app or deployment slot (modern and legacy azurerm resources)."""

    MODEL = "azure.appservice.WebApp"

    # True for the deprecated azurerm_app_service / azurerm_function_app family, which
    # has no separate SCM TLS setting.
    legacy: Field
    # True: plain HTTP requests are redirected to HTTPS; default false.
    https_only: Field
    # The oldest TLS version the site accepts: 1.0, 1.1, 1.2 (default), 1.3.
    minimum_tls_version: Field
    # The same for the SCM (Kudu, deployment) endpoint; modern resources only.
    scm_minimum_tls_version: Field
    # AllAllowed (plain FTP and FTPS), FtpsOnly or Disabled. azurerm defaults modern
    # resources to Disabled; the platform (and legacy resources) to AllAllowed.
    ftps_state: Field


@dataclass(frozen=True, kw_only=True)
class SpringApp(Resource):
    """An Azure Spring Apps application (azurerm_spring_cloud_app)."""

    MODEL = "azure.appservice.SpringApp"

    # True: plain HTTP requests to the app's endpoint are redirected to HTTPS; default
    # false.
    https_only: Field
