"""Collectors for traffic: ELBv2 (Application and Network Load Balancer) listeners."""

from __future__ import annotations

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, paginate, plain


def collect_elbv2(context: CollectContext) -> list[Record]:
    elbv2 = context.client_for("elbv2")
    records = []
    for balancer in paginate(elbv2, "describe_load_balancers", "LoadBalancers"):
        for listener in paginate(elbv2, "describe_listeners", "Listeners",
                                 LoadBalancerArn=balancer["LoadBalancerArn"]):
            name = f"{balancer['LoadBalancerName']}/listener-{listener['Port']}"
            record = Record("elbv2.listener", "elasticloadbalancing", name,
                            listener["ListenerArn"], {"DescribeListeners": listener})
            # Rules matter only on a plain-HTTP listener: they may forward some paths
            # before the default redirect to HTTPS runs.
            if listener.get("Protocol") == "HTTP" and context.wants("DescribeRules"):
                record.data["DescribeRules"] = list(paginate(
                    elbv2, "describe_rules", "Rules", ListenerArn=listener["ListenerArn"]))
            else:
                record.skipped.add("DescribeRules")
            records.append(record)
    return records


SERVICES = (
    Service("elbv2", {"DescribeListeners": ("aws.elbv2.Listener", ALL_FIELDS),
                      "DescribeRules": ("aws.elbv2.Listener",
                                        frozenset({"http_handling", "default_actions"}))},
            plain(collect_elbv2)),
)
