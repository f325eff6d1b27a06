"""The edge collectors (Classic Load Balancers, CloudFront, API Gateway) against moto.

Seeded in us-west-2 through boto3, one compliant and one non-compliant resource each.
moto differences the seed and the test account for, each named where it matters:
- moto's ListDistributions summaries carry only Id, ARN and status, not the certificate,
  behaviours and origins AWS returns (and its ARNs lack the empty Region field): a hook
  on the loopback `StandIn` answers that one call with AWS-shaped summaries, over two
  pages.
- moto turns cache encryption on for every API Gateway method setting (AWS leaves it
  off): the unencrypted stage writes `caching/dataEncrypted = false` explicitly.
- moto cannot deny: the denial tests put the `StandIn` in front of it, denying
  apigateway:GetStages by its request (REST-JSON names no operation) and
  elb:DescribeLoadBalancerPolicies by its operation (query protocol).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest

from linter.live.templates import LOGICAL_ID_TAG
from tests.live_helpers import findings, run_aws, scan_json, through_stand_in
from tests.live_server import Call, Hook, MotoServer, Reply, StandIn, client

REGION = "us-west-2"
ACCOUNT = "123456789012"
ELB = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer"
APIGATEWAY = f"arn:aws:apigateway:{REGION}:"
CLOUDFRONT = f"arn:aws:cloudfront::{ACCOUNT}:distribution"
RULES = ("PLN-017", "TLS-008", "TLS-009", "PLN-002", "TLS-002", "TLS-003", "TLS-004",
         "ENC-029")
CERTIFICATE = f"arn:aws:iam::{ACCOUNT}:server-certificate/portal"

# --- CloudFront stand-in --------------------------------------------------------------

_NO_CACHE_POLICY = {"TargetOriginId": "photos", "MinTTL": 0, "ForwardedValues": {
    "QueryString": False, "Cookies": {"Forward": "none"}}}
_S3_ORIGIN = {"Id": "photos", "DomainName": "photos.s3.amazonaws.com",
              "S3OriginConfig": {"OriginAccessIdentity": ""}}


def _custom_origin(origin_id: str, policy: str, protocols: list[str]) -> dict[str, Any]:
    return {"Id": origin_id, "DomainName": f"{origin_id}.clinic.example", "CustomOriginConfig": {
        "HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": policy,
        "OriginSslProtocols": {"Quantity": len(protocols), "Items": protocols}}}


def _summary(distribution_id: str, *, certificate: dict[str, Any], viewer_policy: str,
             origins: list[dict[str, Any]], behaviors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Id": distribution_id, "ARN": f"{CLOUDFRONT}/{distribution_id}",
            "Status": "Deployed", "LastModifiedTime": "2026-01-05T10:00:00Z",
            "DomainName": f"{distribution_id.lower()}.cloudfront.net",
            "Aliases": {"Quantity": 0}, "Origins": {"Quantity": len(origins), "Items": origins},
            "DefaultCacheBehavior": {**_NO_CACHE_POLICY, "ViewerProtocolPolicy": viewer_policy},
            "CacheBehaviors": {"Quantity": len(behaviors), "Items": behaviors},
            "Comment": "", "PriceClass": "PriceClass_100", "Enabled": True,
            "ViewerCertificate": certificate, "WebACLId": "", "HttpVersion": "http2",
            "IsIPV6Enabled": True, "Staging": False}


DISTRIBUTIONS = [
    _summary("E1PORTAL", certificate={
        "ACMCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/portal",
        "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
        viewer_policy="redirect-to-https",
        origins=[_S3_ORIGIN, _custom_origin("results-api", "https-only", ["TLSv1.2"])],
        behaviors=[{**_NO_CACHE_POLICY, "PathPattern": "/api/*",
                    "ViewerProtocolPolicy": "https-only"}]),
    # On the *.cloudfront.net certificate, which AWS holds to TLSv1 whatever is set.
    _summary("E2LEAFLETS", certificate={
        "CloudFrontDefaultCertificate": True, "SSLSupportMethod": "vip",
        "MinimumProtocolVersion": "TLSv1", "CertificateSource": "cloudfront"},
        viewer_policy="allow-all",
        origins=[_custom_origin("leaflets", "match-viewer", ["TLSv1", "TLSv1.2"]),
                 # http-only never negotiates TLS: TLS-003 does not judge it.
                 _custom_origin("legacy", "http-only", ["TLSv1"])],
        behaviors=[]),
]


def _xml(shape: Any, value: Any, name: str) -> str:
    """`value` as CloudFront's XML, element names taken from botocore's model."""
    if shape.type_name == "structure":
        inner = "".join(_xml(member, value[key], member.serialization.get("name", key))
                        for key, member in shape.members.items() if key in value)
    elif shape.type_name == "list":
        inner = "".join(_xml(shape.member, item, shape.member.serialization.get("name"))
                        for item in value)
    elif shape.type_name == "boolean":
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{name}>{inner}</{name}>"


def _distribution_pages(distributions: list[dict[str, Any]]) -> Hook:
    """cloudfront:ListDistributions answered with `distributions`, one a page."""
    import botocore.session

    shape = (botocore.session.get_session().get_service_model("cloudfront")
             .operation_model("ListDistributions").output_shape.members["DistributionList"])
    pages = {}
    for index, summary in enumerate(distributions):
        page: dict[str, Any] = {"Marker": summary["Id"] if index else "", "MaxItems": 1,
                                "IsTruncated": index + 1 < len(distributions),
                                "Quantity": 1, "Items": [summary]}
        if page["IsTruncated"]:
            page["NextMarker"] = distributions[index + 1]["Id"]
        pages[page["Marker"]] = _xml(shape, page, "DistributionList").replace(
            "<DistributionList>",
            '<DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">', 1)

    def hook(call: Call, forward: Callable[[], Reply]) -> Reply | None:
        # moto's ListDistributions summaries lack certificate, behaviours and origins.
        if call.service != "cloudfront" or call.method != "GET" or not call.url_path.endswith(
                "/distribution"):
            return None
        marker = call.params.get("Marker", "")
        if marker not in pages:
            return call.error("InvalidArgument", f"no page starts at {marker}", 400)
        return Reply(200, {"Content-Type": "text/xml"}, pages[marker].encode())
    return hook


@pytest.fixture
def cloudfront(moto_server: MotoServer) -> Iterator[StandIn]:
    # boto3 prefers a service's own endpoint variable to AWS_ENDPOINT_URL.
    with through_stand_in(moto_server, endpoints=("AWS_ENDPOINT_URL_CLOUDFRONT",),
                          hooks=[_distribution_pages(DISTRIBUTIONS)]) as stand_in:
        yield stand_in


# --- seed -------------------------------------------------------------------------------


def _seed_load_balancers() -> None:
    elb = client("elb", REGION)

    def listener(protocol: str, port: int) -> dict[str, Any]:
        secure = {"SSLCertificateId": CERTIFICATE} if protocol in ("HTTPS", "SSL") else {}
        return {"Protocol": protocol, "LoadBalancerPort": port, "InstanceProtocol": "HTTP",
                "InstancePort": 8080, **secure}

    def policy(balancer: str, name: str, attributes: dict[str, str]) -> None:
        elb.create_load_balancer_policy(
            LoadBalancerName=balancer, PolicyName=name, PolicyTypeName="SSLNegotiationPolicyType",
            PolicyAttributes=[{"AttributeName": key, "AttributeValue": value}
                              for key, value in attributes.items()])

    elb.create_load_balancer(LoadBalancerName="fax-classic", AvailabilityZones=[f"{REGION}a"],
                             Listeners=[listener("HTTP", 80), listener("HTTPS", 443)],
                             Tags=[{"Key": LOGICAL_ID_TAG, "Value": "FaxClassic"}])
    policy("fax-classic", "fax-legacy",
           {"Reference-Security-Policy": "ELBSecurityPolicy-2016-08"})
    # A stickiness policy on the same listener negotiates nothing: it is not judged.
    elb.create_lb_cookie_stickiness_policy(LoadBalancerName="fax-classic",
                                           PolicyName="fax-sticky", CookieExpirationPeriod=60)
    elb.set_load_balancer_policies_of_listener(LoadBalancerName="fax-classic",
                                               LoadBalancerPort=443,
                                               PolicyNames=["fax-legacy", "fax-sticky"])
    elb.create_load_balancer(LoadBalancerName="portal-classic",
                             AvailabilityZones=[f"{REGION}a"],
                             Listeners=[listener("HTTPS", 443), listener("SSL", 8443)])
    policy("portal-classic", "portal-strong", {
        "Protocol-TLSv1.2": "true", "Protocol-TLSv1.1": "false",
        "Server-Defined-Cipher-Order": "true", "ECDHE-RSA-AES128-GCM-SHA256": "true",
        "AES128-SHA": "false"})
    policy("portal-classic", "portal-tls12",
           {"Reference-Security-Policy": "ELBSecurityPolicy-TLS-1-2-2017-01"})
    # Attached to no listener, so it negotiates nothing and is not judged.
    policy("portal-classic", "portal-unused", {"Protocol-SSLv3": "true", "RC4-MD5": "true"})
    for port, name in ((443, "portal-strong"), (8443, "portal-tls12")):
        elb.set_load_balancer_policies_of_listener(LoadBalancerName="portal-classic",
                                                   LoadBalancerPort=port, PolicyNames=[name])


def _seed_api_gateway() -> str:
    apigateway, v2 = client("apigateway", REGION), client("apigatewayv2", REGION)
    certificate = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/api"
    for name, policy in (("results.clinic.example", "TLS_1_2"),
                         ("fax.clinic.example", "TLS_1_0")):
        apigateway.create_domain_name(domainName=name, securityPolicy=policy,
                                      regionalCertificateArn=certificate,
                                      endpointConfiguration={"types": ["REGIONAL"]})
    # AWS lists a regional domain through both APIs; moto keeps them apart, so the
    # shared domain is created in both and must be read once.
    for name in ("results.clinic.example", "ws.clinic.example"):
        v2.create_domain_name(DomainName=name, DomainNameConfigurations=[{
            "CertificateArn": certificate, "EndpointType": "REGIONAL",
            "SecurityPolicy": "TLS_1_2"}])
    api = apigateway.create_rest_api(name="portal")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET",
                          authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    for stage, encrypted in (("prod", "true"), ("beta", "false")):
        apigateway.create_stage(restApiId=api, stageName=stage, deploymentId=deployment,
                                cacheClusterEnabled=True, cacheClusterSize="0.5")
        apigateway.update_stage(restApiId=api, stageName=stage, patchOperations=[
            {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
            {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": encrypted},
            # A method that caches nothing: ENC-029 does not judge it.
            {"op": "replace", "path": "/~1health/GET/caching/enabled", "value": "false"},
            {"op": "replace", "path": "/~1health/GET/caching/dataEncrypted",
             "value": "false"}])
    return api


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> str:
    moto_server.reset()
    _seed_load_balancers()
    return _seed_api_gateway()


def _scan(*services: str, rules: tuple[str, ...] = RULES) -> dict[str, Any]:
    # Exit code 1 (failures) or 2 (errors): the denial tests check their problems themselves.
    return scan_json(REGION, services=",".join(services), rules=rules, exit_codes=(1, 2))


# --- tests ------------------------------------------------------------------------------


def test_the_edge_collectors_feed_the_same_rules(seeded: str, cloudfront: StandIn) -> None:
    document = _scan("elb", "cloudfront", "apigateway")
    assert document["problems"] == []
    policies = "elasticloadbalancing:DescribeLoadBalancerPolicies PolicyAttributeDescriptions"
    weak = f"{CLOUDFRONT}/E2LEAFLETS"
    assert findings(document) == {
        ("PLN-017", "fail", f"{ELB}/fax-classic", "elasticloadbalancing:DescribeLoadBalancers "
                                                 "ListenerDescriptions[0].Listener.Protocol"),
        ("TLS-008", "fail", f"{ELB}/fax-classic/policy/fax-legacy", policies),
        ("TLS-009", "fail", f"{ELB}/fax-classic/policy/fax-legacy", policies),
        # The predefined TLS 1.2 policy still offers static-RSA and CBC suites.
        ("TLS-009", "fail", f"{ELB}/portal-classic/policy/portal-tls12", policies),
        ("TLS-002", "fail", weak, "cloudfront:ListDistributions "
                                  "ViewerCertificate.CloudFrontDefaultCertificate"),
        ("PLN-002", "fail", weak, "cloudfront:ListDistributions "
                                  "DefaultCacheBehavior.ViewerProtocolPolicy"),
        ("TLS-003", "fail", weak, "cloudfront:ListDistributions Origins.Items[0]."
                                  "CustomOriginConfig.OriginSslProtocols.Items"),
        ("TLS-004", "fail", f"{APIGATEWAY}:/domainnames/fax.clinic.example",
         "apigateway:GetDomainNames securityPolicy"),
        ("ENC-029", "fail", f"{APIGATEWAY}:/restapis/{seeded}/stages/beta",
         "apigateway:GetStages methodSettings[*/*].cacheDataEncrypted"),
    }
    where = {item["resource"]: item["file"] for item in document["findings"]}
    assert where[weak] == f"aws/{ACCOUNT}/global/cloudfront/E2LEAFLETS"
    assert where[f"{ELB}/fax-classic"] == f"aws/{ACCOUNT}/{REGION}/elb/fax-classic"
    # Passes: PLN-017 on the three HTTPS/SSL listeners; TLS-008 on portal-strong and
    # portal-tls12, TLS-009 on portal-strong (3 + 2 + 1); E1PORTAL's viewer policy, two
    # behaviours and custom origin (4); TLS-004 on results and ws, ENC-029 on prod's
    # `*/*` (3): 13. Resources: 2 balancers + 3 used negotiation policies (fax-sticky is
    # no SSL policy, portal-unused no listener's), 2 distributions, 3 domains (the shared
    # one once) + 2 stages = 12.
    assert document["summary"]["passed"] == 13
    assert document["summary"]["resources"] == 12
    # CloudFront is global: read once, through its stand-in, over both pages.
    assert [urlsplit(call.path).query for call in cloudfront.calls
            if call.service == "cloudfront"] == ["", "Marker=E2LEAFLETS"]


def test_optional_calls_follow_the_selected_rules(seeded: str) -> None:
    # PLN-017 judges listeners only: no negotiation policy, domain or stage is read.
    document = _scan("elb", "apigateway", rules=("PLN-017",))
    calls = document["live"]["api_calls"]
    assert "elb:DescribeLoadBalancerPolicies" not in calls
    assert not any(name.startswith("apigateway") for name in calls)
    assert document["summary"]["resources"] == 2
    # ENC-029 alone reads stages, never domain names; TLS-008 alone never builds balancers.
    calls = _scan("apigateway", "elb", rules=("ENC-029", "TLS-008"))["live"]["api_calls"]
    assert "apigateway:GetDomainNames" not in calls and "apigatewayv2:GetDomainNames" not in calls
    assert calls["apigateway:GetStages"] == 1 and calls["elb:DescribeLoadBalancerPolicies"] == 2


def test_denied_stages_are_unknown_not_passed(seeded: str,
                                              moto_server: MotoServer) -> None:
    # API Gateway speaks REST-JSON: GetStages is matched on its request and denied in JSON.
    with through_stand_in(moto_server, deny_request=lambda call:
                          call.service == "apigateway" and call.url_path.endswith("/stages")):
        document = _scan("apigateway", rules=("ENC-029",))
    assert document["problems"] == [{
        "file": f"aws/{ACCOUNT}/{REGION}/apigateway", "level": "error",
        "reason": f"partly assessed: apigateway:GetStages was denied (AccessDeniedException) "
                  f"for {seeded}; the settings it reads are unknown; grant apigateway:GET"}]
    assert findings(document) == {("ENC-029", "unknown", f"{APIGATEWAY}:/restapis/{seeded}",
                                   "apigateway:GetStages methodSettings")}


def test_policies_are_anchored_with_their_balancer(seeded: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fax.yaml").write_text(
        "Resources:\n"
        "  FaxClassic:\n"
        "    Type: AWS::ElasticLoadBalancing::LoadBalancer\n"
        "    Properties:\n"
        "      Listeners: []\n")
    monkeypatch.chdir(tmp_path)
    result = run_aws("--regions", REGION, "--services", "elb", "--templates", ".",
                     "--format", "json", rules=("PLN-017", "TLS-008"))
    document = json.loads(result.stdout)
    where = {(item["rule"], item["resource"]): (item["file"], item["line"])
             for item in document["findings"]}
    assert where == {("PLN-017", f"{ELB}/fax-classic"): ("fax.yaml", 2),
                     ("TLS-008", f"{ELB}/fax-classic/policy/fax-legacy"): ("fax.yaml", 2)}
    # Tags are read only to anchor: one call for both balancers.
    assert document["live"]["api_calls"]["elb:DescribeTags"] == 1
    assert "elb:DescribeTags" not in _scan("elb", rules=("PLN-017",))["live"]["api_calls"]


def test_denied_policies_are_unknown_not_passed(seeded: str,
                                                moto_server: MotoServer) -> None:
    # ELB speaks the query protocol: the stand-in denies DescribeLoadBalancerPolicies by
    # its Action; DescribeLoadBalancers (the balancers and their listeners) goes to moto.
    with through_stand_in(moto_server, deny_operations={
            "elasticloadbalancing:DescribeLoadBalancerPolicies"}) as proxy:
        document = scan_json(REGION, services="elb", rules=("TLS-008", "TLS-009"),
                             exit_codes=(2,))
    assert proxy.injected == {"elasticloadbalancing:AccessDenied": 2}  # one per balancer
    assert document["problems"] == [{
        "file": f"aws/{ACCOUNT}/{REGION}/elb", "level": "error",
        "reason": "partly assessed: elb:DescribeLoadBalancerPolicies was denied (AccessDenied) "
                  "for fax-classic, portal-classic; the settings it reads are unknown; grant "
                  "elasticloadbalancing:DescribeLoadBalancerPolicies"}]
    # Only the policies a balancer names on an HTTPS/SSL listener may be SSL policies: the
    # stickiness policy (named as such by its balancer) and portal-unused are not judged.
    # What each allows is unknown, for the denial.
    policies = "elasticloadbalancing:DescribeLoadBalancerPolicies PolicyAttributeDescriptions"
    assert findings(document) == {
        (rule, "unknown", f"{ELB}/{balancer}/policy/{policy}", policies)
        for rule in ("TLS-008", "TLS-009")
        for balancer, policy in (("fax-classic", "fax-legacy"),
                                 ("portal-classic", "portal-strong"),
                                 ("portal-classic", "portal-tls12"))}
    reasons = {item["message"].rpartition(" is not known ")[2] for item in document["findings"]}
    assert reasons == {"(elb:DescribeLoadBalancerPolicies was denied (AccessDenied))"}
    assert (document["summary"]["passed"], document["summary"]["resources"]) == (0, 3)
