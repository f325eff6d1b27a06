"""ELBv2 listeners, with their listener rules, in the shape the IaC adapters give them."""

from __future__ import annotations

from typing import Any

from linter.adapters.aws_live import BuildContext, api_field, complete
from linter.live.collectors import Record
from linter.models.aws.elbv2 import Listener
from linter.models.base import Field, FieldState


def build_listener(record: Record, context: BuildContext) -> list[Listener]:
    operation = "DescribeListeners"
    actions = api_field(record, operation, "DefaultActions", convert=_actions)
    return [complete(
        Listener, record, context, "AWS::ElasticLoadBalancingV2::Listener",
        protocol=api_field(record, operation, "Protocol"),
        ssl_policy=api_field(record, operation, "SslPolicy"),
        default_actions=actions,
        rules=_rules(record))]


def _actions(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Actions in evaluation order, as `redirects_to_https` reads them."""
    ordered = sorted(actions, key=lambda action: action.get("Order", 0))
    return [{"type": action.get("Type"),
             "redirect_protocol": (action.get("RedirectConfig") or {}).get("Protocol")}
            for action in ordered]


def _rules(record: Record) -> Field:
    attribute = "elasticloadbalancing:DescribeRules Rules"
    if "DescribeRules" in record.skipped:
        # Not read: an HTTPS/TLS listener (its rules carry no plaintext), or no selected
        # rule judges plain-HTTP handling.
        return Field([], FieldState.SET, attribute)
    found = []
    for rule in record.data.get("DescribeRules", []):
        if rule.get("IsDefault"):
            continue  # the default rule is the listener's default action
        patterns: list[Any] = []
        catch_all = True
        for condition in rule.get("Conditions", []):
            if condition.get("Field") != "path-pattern":
                catch_all = False  # host, header, source-ip...: only some requests match
                patterns.append({condition.get("Field"): "..."})
                continue
            values = ((condition.get("PathPatternConfig") or {}).get("Values")
                      or condition.get("Values") or [])
            patterns.extend(values)
            catch_all = catch_all and any(value in ("*", "/*") for value in values)
        priority = rule.get("Priority")
        found.append({
            "address": rule["RuleArn"],
            "priority": int(priority) if str(priority).isdigit() else None,
            "catch_all": catch_all and bool(patterns),
            "conditions": f"path_pattern {patterns}" if patterns else "every path",
            "actions": _actions(rule.get("Actions", [])), "unknown": ""})
    return Field(found, FieldState.SET, attribute)


BUILDERS = {"elbv2.listener": build_listener}
