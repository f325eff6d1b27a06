"""The live-only checks (KEY-090, LOG-010, ENC-090, CRT-090) against the moto server.

What only a live read can say: a key's state, whether a trail is logging, the Region's
EBS default, when a deployed certificate runs out and on what key. The account is seeded
through boto3; certificates are generated here and imported (ACM-issued ones stay
PENDING_VALIDATION in moto, as they would in AWS without DNS validation).
"""

from __future__ import annotations

import datetime

import pytest

from tests.live_helpers import findings, scan_json, through_stand_in
from tests.live_server import MotoServer, client

ACCOUNT = "123456789012"
RULES = ("KEY-090", "LOG-010", "ENC-090", "CRT-090")


def _certificate(name: str, bits: int, days: int) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=days))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]),
                                  critical=False)
                   .sign(key, hashes.SHA256()))
    return (certificate.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM,
                              serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()))


def seed() -> dict[str, str]:
    kms = client("kms")
    keys = {name: kms.create_key(Description=name)["KeyMetadata"]
            for name in ("key_ok", "key_disabled", "key_pending")}
    kms.disable_key(KeyId=keys["key_disabled"]["KeyId"])
    kms.schedule_key_deletion(KeyId=keys["key_pending"]["KeyId"], PendingWindowInDays=7)

    client("s3").create_bucket(Bucket="clinic-audit")
    cloudtrail = client("cloudtrail")
    trails = {name: cloudtrail.create_trail(Name=name, S3BucketName="clinic-audit")["TrailARN"]
              for name in ("audit-on", "audit-off")}
    cloudtrail.start_logging(Name="audit-on")

    client("ec2").enable_ebs_encryption_by_default()  # us-east-1 only; eu-west-1 stays off

    acm = client("acm")
    certificates = {}
    for name, bits, days in (("portal.example.com", 2048, 300),
                             ("lab.example.com", 2048, 10),
                             ("legacy.example.com", 1024, 300)):
        body, key = _certificate(name, bits, days)
        certificates[name] = acm.import_certificate(Certificate=body,
                                                    PrivateKey=key)["CertificateArn"]
    return {**{name: key["Arn"] for name, key in keys.items()}, **trails, **certificates}


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


def test_live_only_checks_report_exactly_the_seeded_failures(seeded: dict[str, str]) -> None:
    document = scan_json("us-east-1,eu-west-1", rules=RULES)
    assert findings(document, attribute=False) == {
        ("KEY-090", "fail", seeded["key_disabled"]),
        ("KEY-090", "fail", seeded["key_pending"]),
        ("LOG-010", "fail", seeded["audit-off"]),
        ("ENC-090", "fail", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:ebs-encryption-by-default"),
        ("CRT-090", "fail", seeded["lab.example.com"]),
        ("CRT-090", "fail", seeded["legacy.example.com"]),
    }
    # Passes: key_ok, audit-on, us-east-1's EBS default, portal.example.com.
    assert document["summary"]["passed"] == 4
    by_key = {(item["rule"], item["resource"]): item for item in document["findings"]}
    pending = by_key[("KEY-090", seeded["key_pending"])]
    assert pending["attribute"] == "kms:DescribeKey KeyState"
    assert pending["message"].endswith('`kms:DescribeKey KeyState` is "PendingDeletion"')
    off = by_key[("LOG-010", seeded["audit-off"])]
    assert off["attribute"] == "cloudtrail:GetTrailStatus IsLogging"
    assert off["file"] == f"aws/{ACCOUNT}/us-east-1/cloudtrail/audit-off"
    ebs = by_key[("ENC-090", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:ebs-encryption-by-default")]
    assert ebs["file"] == f"aws/{ACCOUNT}/eu-west-1/ec2/ebs-encryption-by-default"
    assert by_key[("CRT-090", seeded["legacy.example.com"])]["message"].endswith(
        '`acm:DescribeCertificate KeyAlgorithm` is "RSA_1024"')
    assert "`acm:DescribeCertificate NotAfter (days left)` is " in by_key[
        ("CRT-090", seeded["lab.example.com"])]["message"]


def test_a_live_only_rule_makes_only_its_own_calls(seeded: dict[str, str]) -> None:
    from linter.engine import catalogue_directory, load_rules
    from linter.live.scan import LiveScanRequest, run_live_scan

    rules = [rule for rule in load_rules([catalogue_directory("rules")])
             if rule.id == "ENC-090"]
    result = run_live_scan(LiveScanRequest(rules=rules, regions=["us-east-1"]))
    # No volumes, no security groups: only the Region's default.
    assert result.api_calls == {"sts:GetCallerIdentity": 1,
                                "ec2:GetEbsEncryptionByDefault": 1}
    assert [(outcome.rule.id, outcome.status.value) for outcome in result.outcomes] == [
        ("ENC-090", "pass")]


def test_denied_live_only_reads_are_errors_never_passes(
        seeded: dict[str, str], moto_server: MotoServer) -> None:
    # The stand-in denies every ACM and EC2 call (moto cannot deny).
    with through_stand_in(moto_server, deny=frozenset({"acm", "ec2"})):
        document = scan_json("us-east-1", rules=RULES, exit_codes=(2,))
    assert document["problems"] == [
        {"file": f"aws/{ACCOUNT}/us-east-1/acm", "level": "error",
         "reason": "not assessed: acm:ListCertificates was denied (AccessDeniedException); "
                   "grant acm:ListCertificates (docs/iam-policy.json) or leave acm out with "
                   "--services"},
        {"file": f"aws/{ACCOUNT}/us-east-1/ec2", "level": "error",
         "reason": "partly assessed: ec2:GetEbsEncryptionByDefault was denied "
                   "(UnauthorizedOperation) for ebs-encryption-by-default; the settings it "
                   "reads are unknown; grant ec2:GetEbsEncryptionByDefault"}]
    assert findings(document, attribute=False) == {
        ("KEY-090", "fail", seeded["key_disabled"]),
        ("KEY-090", "fail", seeded["key_pending"]),
        ("LOG-010", "fail", seeded["audit-off"]),
        ("ENC-090", "unknown", f"arn:aws:ec2:us-east-1:{ACCOUNT}:ebs-encryption-by-default"),
    }
