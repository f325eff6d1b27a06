"""Checks for Kubernetes Services published through AWS load balancers."""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult

_SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"
_SSL_PORTS = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports"
# Ports that usually carry TLS the pods terminate themselves (TCP passthrough): without a
# certificate on the load balancer they may still be encrypted end to end, which the
# manifest cannot show.
_TLS_PORT_NUMBERS = {443, 8443}
_TLS_PORT_NAMES = {"https", "tls", "ssl"}


def load_balancer_port_uses_tls(listener: Any) -> CheckResult:
    """Does the AWS load balancer listener for this Service port speak TLS?

    The AWS Load Balancer Controller and the in-tree provider make a TLS listener for a
    port when the ssl-cert annotation is set and the port is listed in ssl-ports (or
    ssl-ports is absent: every port). `*` in ssl-ports means every port to the in-tree
    provider and no port to the controller.
    """
    if not isinstance(listener, dict):
        return CheckResult(None, "the Service port cannot be read")
    port, name = listener.get("port"), listener.get("name")
    shown = f"port {port}" + (f" ({name})" if name else "")
    if not listener.get("ssl_certificate"):
        if _looks_like_tls_passthrough(listener):
            return CheckResult(None, f"{shown} has no TLS listener on the load balancer (no "
                                     f"`{_SSL_CERT}` annotation); whether the pods terminate "
                                     f"TLS themselves cannot be seen in the manifest")
        return CheckResult(False, f"{shown} is a plain TCP listener: the Service has no "
                                  f"`{_SSL_CERT}` annotation")
    ssl_ports = listener.get("ssl_ports")
    if ssl_ports is None:
        return CheckResult(True, f"{shown} has a TLS listener (ssl-cert set, every port TLS)")
    entries = {entry.strip() for entry in str(ssl_ports).split(",") if entry.strip()}
    if "*" in entries and listener.get("controller") == "in-tree":
        return CheckResult(True, f"{shown} has a TLS listener (`{_SSL_PORTS}` is \"*\")")
    if str(port) in entries or (name and str(name) in entries):
        return CheckResult(True, f"{shown} is listed in `{_SSL_PORTS}`")
    return CheckResult(False, f"{shown} is not listed in `{_SSL_PORTS}` (\"{ssl_ports}\"), "
                              f"so its listener is plain TCP")


def _looks_like_tls_passthrough(listener: dict[str, Any]) -> bool:
    candidates = (listener.get("port"), listener.get("target_port"))
    if any(isinstance(value, int) and value in _TLS_PORT_NUMBERS for value in candidates):
        return True
    names = (listener.get("name"), listener.get("target_port"))
    return any(isinstance(value, str) and value.lower() in _TLS_PORT_NAMES for value in names)


CHECKS = {"load_balancer_port_uses_tls": load_balancer_port_uses_tls}
