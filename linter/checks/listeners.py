"""Does a load balancer listener answer plain HTTP only with a redirect to HTTPS?

The default actions alone, or together with the listener's rules in priority order.
"""

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


def redirects_all_traffic_to_https(value: Any, **_: Any) -> CheckResult:
    """Passes when every request to the listener ends in a redirect to HTTPS.

    The value is {"default_actions": [...], "rules": [{"address", "priority", "catch_all",
    "conditions", "actions", "unknown"}]} (actions as `redirects_to_https` reads them).
    Rules run before the default action, lowest priority first: a rule that forwards any
    path leaks that path unless a catch-all HTTPS redirect runs before it.
    """
    rules = value.get("rules") or []
    default = redirects_to_https(value.get("default_actions"))
    redirects = [rule for rule in rules if _rule_redirects(rule) is True]
    catch_alls = [rule for rule in redirects if rule.get("catch_all") is True]
    undecided: list[str] = []
    for rule in rules:
        if _rule_redirects(rule) is True:
            continue
        shadow = _shadowed(rule, catch_alls)
        if shadow is True:
            continue
        if rule.get("unknown") or shadow is None:
            undecided.append(f"{rule['address']}: " + (rule.get("unknown") or
                             "its priority against the catch-all redirect is not known"))
            continue
        verb = _verb(rule)
        return CheckResult(False, f"listener rule {rule['address']} {verb} requests matching "
                                  f"{rule.get('conditions')} over plain HTTP")
    if undecided:
        return CheckResult(None, "; ".join(undecided))
    if default.passed:
        return default
    if catch_alls:
        first = min(catch_alls, key=lambda rule: rule.get("priority") or 0)
        return CheckResult(True, f"listener rule {first['address']} redirects every path "
                                 "(path_pattern /*) to HTTPS")
    if redirects:
        names = ", ".join(f"{rule['address']} ({rule.get('conditions')})" for rule in redirects)
        return CheckResult(default.passed, f"{default.detail}; listener rules {names} redirect "
                                           "only some requests to HTTPS, the rest stay on "
                                           "plain HTTP")
    return default


def _rule_redirects(rule: dict[str, Any]) -> bool | None:
    if rule.get("unknown"):
        return None
    return redirects_to_https(rule.get("actions")).passed


def _shadowed(rule: dict[str, Any], catch_alls: list[dict[str, Any]]) -> bool | None:
    """True when a catch-all HTTPS redirect runs first, so this rule never sees a request."""
    if not catch_alls:
        return False
    priority = rule.get("priority")
    known = [other["priority"] for other in catch_alls if isinstance(other.get("priority"), int)]
    if isinstance(priority, int) and known and min(known) < priority:
        return True
    if isinstance(priority, int) and len(known) == len(catch_alls):
        return False
    return None


def _verb(rule: dict[str, Any]) -> str:
    kinds = [str(action.get("type")) for action in rule.get("actions") or []]
    if "forward" in kinds:
        return "forwards"
    if "fixed-response" in kinds:
        return "answers"
    return "redirects (not to HTTPS)"


CHECKS = {
    "redirects_to_https": redirects_to_https,
    "redirects_all_traffic_to_https": redirects_all_traffic_to_https,
}
