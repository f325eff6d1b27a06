"""Collectors for the edge that clients reach: Classic Load Balancers with the SSL
negotiation policies their listeners use, CloudFront distributions, and API Gateway
custom domain names and REST API stages.

Only configuration is read: listener protocols, policy attributes, distribution
summaries, security policies and stage method settings; never payloads or API keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.live.collectors import ALL_FIELDS, CollectContext, Record, Service, arn, paginate, plain

_NEGOTIATION_TYPE = "SSLNegotiationPolicyType"
_ELB_API = "elasticloadbalancing"
_TAG_BATCH = 20  # DescribeTags takes at most 20 load balancer names per call


# --- Classic Load Balancers -------------------------------------------------------------


def collect_elb(context: CollectContext) -> list[Record]:
    elb = context.client_for("elb")
    balancers: list[Record] = []
    policies: dict[str, list[Record]] = {}  # balancer name -> its negotiation policies
    for description in paginate(elb, "describe_load_balancers", "LoadBalancerDescriptions"):
        name = description["LoadBalancerName"]
        balancer = Record("elb.load_balancer", _ELB_API, name,
                          arn(context, _ELB_API, f"loadbalancer/{name}"),
                          {"DescribeLoadBalancers": description})
        balancers.append(balancer)
        if context.wants("DescribeLoadBalancerPolicies"):
            policies[name] = _negotiation_policies(context, elb, balancer)
    if context.anchoring:
        _read_tags(context, elb, balancers)
        for balancer in balancers:
            # A policy is declared inside its balancer's template resource.
            for policy in policies.get(balancer.name, []):
                policy.data["DescribeTags"] = balancer.data["DescribeTags"]
    wanted = balancers if context.wants("DescribeLoadBalancers") else []
    return wanted + [policy for found in policies.values() for policy in found]


def _negotiation_policies(context: CollectContext, elb: Any,
                          balancer: Record) -> list[Record]:
    """One record per SSL negotiation policy some listener of the balancer uses.

    A balancer also holds policies no listener uses (left over, or for back-ends): they
    negotiate nothing with clients, so they are not judged.
    """
    description = balancer.data["DescribeLoadBalancers"]
    used = sorted({policy for listener in description.get("ListenerDescriptions", [])
                   for policy in listener.get("PolicyNames", [])})
    if not used:
        return []
    answer = context.call(balancer, "elb", "DescribeLoadBalancerPolicies",
                          elb.describe_load_balancer_policies, ("LoadBalancerNotFound",),
                          LoadBalancerName=balancer.name)
    denied = balancer.unreadable.get("DescribeLoadBalancerPolicies")
    if denied:
        return [_policy_record(balancer, name, None, denied)
                for name in used if name not in _stickiness_policies(description)]
    found = {policy["PolicyName"]: policy
             for policy in (answer or {}).get("PolicyDescriptions", [])}
    return [_policy_record(balancer, name, found[name], "") for name in used
            if found.get(name, {}).get("PolicyTypeName") == _NEGOTIATION_TYPE]


def _stickiness_policies(description: dict[str, Any]) -> set[str]:
    # Without the policy descriptions only the stickiness policies can be told apart (the
    # balancer lists them by kind); every other listener policy may negotiate SSL.
    policies = description.get("Policies") or {}
    return {item.get("PolicyName") for kind in ("AppCookieStickinessPolicies",
                                                "LBCookieStickinessPolicies")
            for item in policies.get(kind) or []}


def _policy_record(balancer: Record, name: str, policy: dict[str, Any] | None,
                   denied: str) -> Record:
    # Policies have no ARN of their own: the address is their balancer's ARN and name.
    record = Record("elb.negotiation_policy", _ELB_API, f"{balancer.name}/{name}",
                    f"{balancer.arn}/policy/{name}")
    if denied:
        record.unreadable["DescribeLoadBalancerPolicies"] = denied
    else:
        record.data["DescribeLoadBalancerPolicies"] = policy
    return record


def _read_tags(context: CollectContext, elb: Any, balancers: list[Record]) -> None:
    """The balancers' tags, for `--templates` only (DescribeLoadBalancers has none)."""
    for start in range(0, len(balancers), _TAG_BATCH):
        batch = balancers[start:start + _TAG_BATCH]
        # One call answers for the whole batch: a denial names every balancer in it.
        asking = Record("elb.tags", _ELB_API, ", ".join(item.name for item in batch), "")
        answer = context.call(asking, "elb", "DescribeTags", elb.describe_tags,
                              ("LoadBalancerNotFound",),
                              LoadBalancerNames=[item.name for item in batch])
        tags = {item["LoadBalancerName"]: item for item in
                (answer or {}).get("TagDescriptions", [])}
        for balancer in batch:
            balancer.data["DescribeTags"] = tags.get(balancer.name, {})


# --- CloudFront ---------------------------------------------------------------------------


def collect_cloudfront(context: CollectContext) -> list[Record]:
    cloudfront = context.client_for("cloudfront")
    # The distribution summary carries every setting the rules judge (certificate,
    # behaviours, origins), so no per-distribution call is needed. The ARN is built
    # rather than read: it has no Region, whatever endpoint answered.
    return [Record("cloudfront.distribution", "cloudfront", summary["Id"],
                   arn(context, "cloudfront", f"distribution/{summary['Id']}",
                       regional=False),
                   {"ListDistributions": summary})
            for summary in _distribution_summaries(cloudfront)]


def _distribution_summaries(cloudfront: Any) -> Iterator[dict[str, Any]]:
    # The items sit one level down (DistributionList.Items), out of `paginate`'s reach.
    for page in cloudfront.get_paginator("list_distributions").paginate():
        yield from (page.get("DistributionList") or {}).get("Items") or []


# --- API Gateway ----------------------------------------------------------------------------


def collect_apigateway(context: CollectContext) -> list[Record]:
    records = []
    if context.wants("GetDomainNames"):
        records += _domain_names(context)
    if context.wants("GetStages"):
        records += _stages(context)
    return records


def _domain_names(context: CollectContext) -> list[Record]:
    """REST custom domains, then the HTTP/WebSocket ones the REST API does not list.

    Regional custom domains are shared by both APIs, which list them under the same
    name: each domain is read once, from the REST view when it has one.
    """
    records = []
    for domain in paginate(context.client_for("apigateway"), "get_domain_names", "items"):
        name = domain["domainName"]
        records.append(Record("apigateway.domain_name", "apigateway", name,
                              domain.get("domainNameArn") or _domain_arn(context, name),
                              {"GetDomainNames": domain}))
    seen = {record.name for record in records}
    for domain in paginate(context.client_for("apigatewayv2"), "get_domain_names", "Items"):
        name = domain["DomainName"]
        if name not in seen:
            records.append(Record("apigateway.domain_name_v2", "apigateway", name,
                                  domain.get("DomainNameArn") or _domain_arn(context, name),
                                  {"GetDomainNames": domain}))
    return records


def _domain_arn(context: CollectContext, name: str) -> str:
    return arn(context, "apigateway", f"/domainnames/{name}", with_account=False)


def _stages(context: CollectContext) -> list[Record]:
    apigateway = context.client_for("apigateway")
    records = []
    for api in paginate(apigateway, "get_rest_apis", "items"):
        resource = f"/restapis/{api['id']}"
        asking = Record("apigateway.stage", "apigateway", api["id"],
                        arn(context, "apigateway", resource, with_account=False))
        answer = context.call(asking, "apigateway", "GetStages", apigateway.get_stages,
                              ("NotFoundException",), restApiId=api["id"])
        if "GetStages" in asking.unreadable:
            records.append(asking)  # the API's stages are unknown: judged as UNKNOWN
            continue
        for stage in (answer or {}).get("item", []):
            records.append(Record(
                "apigateway.stage", "apigateway", f"{api['id']}/{stage['stageName']}",
                arn(context, "apigateway", f"{resource}/stages/{stage['stageName']}",
                    with_account=False),
                {"GetStages": stage}))
    return records


SERVICES = (
    Service("elb", {"DescribeLoadBalancers": ("aws.elb_classic.LoadBalancer", ALL_FIELDS),
                    "DescribeLoadBalancerPolicies": ("aws.elb_classic.NegotiationPolicy",
                                                     ALL_FIELDS)},
            plain(collect_elb)),
    Service("cloudfront", {"ListDistributions": ("aws.cloudfront.Distribution", ALL_FIELDS)},
            plain(collect_cloudfront), home_region="us-east-1"),
    # GetRestApis is called only to reach GetStages, so both hang on the stage model.
    Service("apigateway", {"GetDomainNames": ("aws.apigateway.DomainName", ALL_FIELDS),
                           "GetRestApis": ("aws.apigateway_stage.StageSettings", ALL_FIELDS),
                           "GetStages": ("aws.apigateway_stage.StageSettings", ALL_FIELDS)},
            plain(collect_apigateway)),
)
