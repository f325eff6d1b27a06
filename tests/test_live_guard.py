"""The live scan is read-only by construction; docs/iam-policy.json lists exactly what it reads."""

from __future__ import annotations

import json
from collections.abc import Iterator

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
