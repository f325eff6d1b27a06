"""The live scan is read-only by construction; docs/iam-policy.json lists exactly what it reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPOSITORY
from tests.live_helpers import through_stand_in
from tests.live_server import MotoServer, NonLoopbackRequest, StandIn, client


def test_shipped_iam_policy_is_generated_from_the_allow_list() -> None:
    from linter.live.allowlist import iam_policy

    shipped = json.loads((REPOSITORY / "docs" / "iam-policy.json").read_text(encoding="utf-8"))
    assert shipped == iam_policy(), ("regenerate: python -m linter.live.allowlist "
                                     "> docs/iam-policy.json")


def test_policy_grants_only_reads_and_never_a_data_read() -> None:
    from linter.live.allowlist import FORBIDDEN_OPERATIONS, READ_OPERATIONS, iam_policy

    actions = iam_policy()["Statement"][0]["Action"]
    verbs = {action.split(":")[1] for action in actions}
    # API Gateway names its actions by HTTP method: apigateway:GET is its only read.
    assert all(verb.startswith(("Describe", "List", "Get")) or verb == "GET"
               for verb in verbs), verbs
    allowed = {operation for operations in READ_OPERATIONS.values() for operation in operations}
    assert not allowed & FORBIDDEN_OPERATIONS
    assert "s3:GetObject" not in actions and "kms:Decrypt" not in actions


def test_every_allowed_operation_exists_in_botocore() -> None:
    """A typo in the allow-list would silently make a collector fail as "denied"."""
    import botocore.session

    from linter.live.allowlist import READ_OPERATIONS

    session = botocore.session.get_session()
    for service, operations in READ_OPERATIONS.items():
        model = session.get_service_model(service)
        missing = set(operations) - set(model.operation_names)
        assert not missing, f"{service}: {missing}"


@pytest.fixture()
def proxy(moto_server: MotoServer) -> Iterator[StandIn]:
    with through_stand_in(moto_server) as stand_in:
        yield stand_in


def test_guard_refuses_a_mutating_call_before_it_is_sent(proxy: StandIn) -> None:
    from linter.live.guard import ReadOnlyViolation
    from linter.live.session import LiveSession

    s3 = LiveSession().client("s3", "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="refused s3:PutObject"):
        s3.put_object(Bucket="any-bucket", Key="note.txt", Body=b"patient data")
    with pytest.raises(ReadOnlyViolation, match="refused s3:CreateBucket"):
        s3.create_bucket(Bucket="any-bucket")
    assert proxy.requests == {}  # nothing left the process


def test_guard_refuses_data_reads_and_credential_reads(proxy: StandIn) -> None:
    from linter.live.guard import ReadOnlyViolation
    from linter.live.session import LiveSession

    session = LiveSession()
    refused = [
        lambda: session.client("s3", "us-east-1").get_object(Bucket="b", Key="k"),
        lambda: session.client("secretsmanager", "us-east-1").get_secret_value(SecretId="s"),
        lambda: session.client("ssm", "us-east-1").get_parameters(Names=["p"],
                                                                  WithDecryption=True),
        lambda: session.client("sts", "us-east-1").get_session_token(),
        lambda: session.client("kms", "us-east-1").decrypt(CiphertextBlob=b"x"),
    ]
    for call in refused:
        with pytest.raises(ReadOnlyViolation, match="reads stored data or creates credentials"):
            call()
    assert proxy.requests == {}


def test_guard_lets_allowed_reads_through(proxy: StandIn) -> None:
    from linter.live.session import LiveSession

    session = LiveSession()
    assert session.account_id() == "123456789012"
    session.client("s3", "us-east-1").list_buckets()
    assert proxy.requests == {"sts": 1, "s3": 1}
    assert session.counter.calls == {"sts:GetCallerIdentity": 1, "s3:ListBuckets": 1}


def test_tests_cannot_reach_a_host_other_than_loopback(moto_server: MotoServer) -> None:
    import boto3

    remote = boto3.session.Session().client("sts", region_name="us-east-1",
                                            endpoint_url="https://sts.amazonaws.com")
    with pytest.raises(NonLoopbackRequest):
        remote.get_caller_identity()
    assert client("sts").get_caller_identity()["Account"] == "123456789012"


def test_every_client_is_named_by_its_service_id_in_botocore_events() -> None:
    """The before-send guard knows a request's client by the service id in the event
    name: a wrong entry in SERVICE_IDS would refuse every call of that client."""
    import botocore.session

    from linter.live.allowlist import CREDENTIAL_OPERATIONS, all_clients, client_of, service_id

    session = botocore.session.get_session()
    for name in sorted(all_clients()):
        model = session.get_service_model(name)
        assert service_id(name) == model.service_id.hyphenize(), name
        assert client_of(service_id(name)) == name
    for service, operations in CREDENTIAL_OPERATIONS.items():
        missing = set(operations) - set(session.get_service_model(service).operation_names)
        assert not missing, f"{service}: {missing}"


def _bypass(client: Any, operation: str, **parameters: Any) -> Any:
    """Send `operation` past the client API layer, as botocore's _make_api_call would but
    without its before-call event: the path a bug (or a careless plugin) could take."""
    model = client.meta.service_model.operation_model(operation)
    context = {"client_region": client.meta.region_name, "client_config": client.meta.config,
               "has_streaming_input": model.has_streaming_input,
               "auth_type": model.resolved_auth_type}
    endpoint_url, headers, properties = client._resolve_endpoint_ruleset(model, parameters,
                                                                         context)
    if properties:
        context["endpoint_properties"] = properties
    request = client._convert_to_request_dict(api_params=parameters, operation_model=model,
                                              endpoint_url=endpoint_url, context=context,
                                              headers=headers)
    return client._make_request(model, request, context)


def test_a_request_past_the_client_api_is_refused_before_it_is_sent(proxy: StandIn) -> None:
    from linter.live.guard import ReadOnlyViolation
    from linter.live.session import LiveSession

    session = LiveSession()
    s3 = session.client("s3", "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="refused s3:PutObject: the operation is not"):
        _bypass(s3, "PutObject", Bucket="any-bucket", Key="note.txt", Body=b"patient data")
    sts = session.client("sts", "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="refused sts:GetSessionToken: the operation "
                                                "reads stored data or creates credentials"):
        _bypass(sts, "GetSessionToken")
    elbv2 = session.client("elbv2", "us-east-1")  # a client whose service id differs
    with pytest.raises(ReadOnlyViolation, match="refused elbv2:DeleteLoadBalancer"):
        _bypass(elbv2, "DeleteLoadBalancer", LoadBalancerArn="arn:aws:elasticloadbalancing:"
                "us-east-1:123456789012:loadbalancer/app/clinic/0123456789abcdef")
    assert proxy.requests == {}  # nothing left the process
    assert session.counter.attempts == 0
    # The same path with an allowed read is sent: the send guard judges the operation.
    http, parsed = _bypass(elbv2, "DescribeLoadBalancers")
    assert http.status_code == 200 and parsed["LoadBalancers"] == []
    assert proxy.requests == {"elasticloadbalancing": 1}


def test_credential_clients_make_only_botocore_credential_calls(proxy: StandIn) -> None:
    import botocore.session

    from linter.live.guard import CallCounter, ReadOnlyViolation, install_credential_guard

    counter = CallCounter()
    core = botocore.session.Session()
    install_credential_guard(core, counter)
    sts = core.create_client("sts", region_name="us-east-1")
    role = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/scanner",
                           RoleSessionName="ephi-lint")
    assert role["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::111111111111:assumed-role/")
    with pytest.raises(ReadOnlyViolation, match="refused sts:GetCallerIdentity: the "
                                                "credential clients may only make"):
        sts.get_caller_identity()
    with pytest.raises(ReadOnlyViolation, match="refused s3:ListBuckets"):
        core.create_client("s3", region_name="us-east-1").list_buckets()
    with pytest.raises(ReadOnlyViolation, match="refused sts:GetSessionToken"):
        _bypass(sts, "GetSessionToken")
    assert proxy.requests == {"sts": 1}
    assert counter.calls == {"sts:AssumeRole": 1} and counter.attempts == 1


def test_the_role_assumer_refuses_another_role_even_past_the_client_api(
        proxy: StandIn) -> None:
    from linter.live.accounts import RoleAssumer
    from linter.live.guard import CallCounter, ReadOnlyViolation

    assumer = RoleAssumer("ephi-lint-scan", None, CallCounter(), "us-east-1")
    with pytest.raises(ReadOnlyViolation, match="only the role named by --org-role"):
        _bypass(assumer._client, "AssumeRole", RoleArn="arn:aws:iam::111111111111:role/Admin",
                RoleSessionName="probe")
    with pytest.raises(ReadOnlyViolation, match="may only call sts:AssumeRole"):
        _bypass(assumer._client, "GetSessionToken")
    assert proxy.requests == {}


# A collector planted in a real `ephi-lint aws` process: S3's, replaced by one that tries
# to write a note into a bucket, through the client API or past it.
ROGUE_COLLECTOR = """
from dataclasses import replace
from linter.live.services import SERVICES
from tests.test_live_guard import _bypass

def rogue(context, state):
    s3 = context.client_for("s3")
    note = {"Bucket": "clinic-notes", "Key": "note.txt", "Body": b"patient data"}
    WRITE
    return []

SERVICES["s3"] = replace(SERVICES["s3"], collect=rogue)
"""


@pytest.mark.parametrize("write", ["s3.put_object(**note)", "_bypass(s3, 'PutObject', **note)"])
def test_a_collector_that_writes_is_refused_and_the_scan_fails(
        proxy: StandIn, tmp_path: Path, write: str) -> None:
    from tests.test_live_credentials import run_ephi_lint

    completed = run_ephi_lint(
        "aws", "--services", "s3", "--include-rule", "ENC-001", "--format", "json", "--quiet",
        endpoint=proxy.url, home=tmp_path, prelude=ROGUE_COLLECTOR.replace("WRITE", write),
        env={"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
             "AWS_DEFAULT_REGION": "us-east-1"})
    assert completed.returncode == 2, completed.stderr
    problems = json.loads(completed.stdout)["problems"]
    assert [problem["file"] for problem in problems] == ["aws/123456789012/us-east-1/s3"]
    assert ("refused s3:PutObject: the operation is not on the read-only allow-list "
            "(linter/live/allowlist.py)") in problems[0]["reason"]
    assert proxy.requests == {"sts": 1}  # the account's id; the write never left
