"""Is a Kubernetes Service's cloud load balancer internal?"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult


def load_balancer_is_internal(exposure: Any) -> CheckResult:
    """The adapter has read the AWS, Azure and GKE annotations (adapters/kubernetes/_exposure)
    into {"internal": bool, "detail": which annotation or default decided, and how}."""
    if not isinstance(exposure, dict) or not isinstance(exposure.get("internal"), bool):
        return CheckResult(None, "the load balancer's scheme cannot be read")
    return CheckResult(exposure["internal"], str(exposure.get("detail", "")))


CHECKS = {"load_balancer_is_internal": load_balancer_is_internal}
