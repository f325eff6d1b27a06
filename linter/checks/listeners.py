"""Does a load balancer listener answer plain HTTP only with a redirect to HTTPS?"""

from __future__ import annotations

from typing import Any

from linter.checks import CheckResult

# Actions that end a request; authenticate-* actions only run before one of these.
_TERMINAL = ("forward", "redirect", "fixed-response")


def redirects_to_https(value: Any, **_: Any) -> CheckResult:
    """Passes when every terminal default action is a redirect whose protocol is HTTPS.

    The value is the listener's default actions as adapters normalise them:
    [{"type": ..., "redirect_protocol": ...}]. A redirect without a protocol keeps the
    client's ("#{protocol}"), so it sends the client back to plain HTTP.
    """
    if not value:
        return CheckResult(False, "the listener has no default action that redirects to HTTPS")
    terminal = [action for action in value if str(action.get("type")) in _TERMINAL]
    if not terminal:
        return CheckResult(None, "the default actions end in no forward, redirect or "
                                 "fixed-response action")
    for action in terminal:
        kind = action.get("type")
        if kind != "redirect":
            return CheckResult(False, f"the default action is {kind}, not a redirect to HTTPS")
        protocol = action.get("redirect_protocol")
        if str(protocol).upper() != "HTTPS":
            shown = protocol if protocol is not None else "#{protocol} (the client's own)"
            return CheckResult(False, f"the default action redirects with protocol {shown}, "
                                      "not HTTPS")
    return CheckResult(True, "the default action redirects to HTTPS")


CHECKS = {"redirects_to_https": redirects_to_https}
