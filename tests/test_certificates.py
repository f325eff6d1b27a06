"""Certificates and private keys (CRT rules): PEM reading, the checks' edges, and that no
output ever carries key material."""

from __future__ import annotations

import base64
import datetime
import re
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from linter.certificates import (
    pem_blocks,
    private_key_is_encrypted,
    read_certificate,
)
from linter.checks.certificates import (
    certificate_key_strength,
    certificate_signature_hash,
    certificate_validity,
    private_key_encrypted,
)
from linter.cli import app
from linter.conditions import Status
from linter.engine import catalogue_directory, load_rules
from linter.pipeline import ScanRequest, scan

FIXTURES = catalogue_directory("fixtures")
UTC = datetime.timezone.utc
NOW = datetime.datetime(2030, 6, 1, tzinfo=UTC)


def _certificate_pem(not_before: datetime.datetime, not_after: datetime.datetime) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "portal.example-derm.test")])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(not_before).not_valid_after(not_after)
                   .sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _validity(pem: str) -> dict[str, str]:
    facts = read_certificate(pem_blocks(pem)[0])
    return {"not_before": facts.not_before.isoformat(),
            "not_after": facts.not_after.isoformat(), "subject": facts.subject}


def test_a_certificate_expiring_within_30_days_fails_and_one_beyond_passes() -> None:
    soon = _validity(_certificate_pem(NOW - datetime.timedelta(days=300),
                                      NOW + datetime.timedelta(days=12)))
    result = certificate_validity(soon, minimum_days=30, now=NOW)
    assert result.passed is False and "in 12 days" in result.detail
    assert certificate_validity(soon, minimum_days=10, now=NOW).passed is True
    later = _validity(_certificate_pem(NOW - datetime.timedelta(days=1),
                                       NOW + datetime.timedelta(days=90)))
    assert certificate_validity(later, minimum_days=30, now=NOW).passed is True


def test_expired_and_not_yet_valid_certificates_fail() -> None:
    expired = _validity(_certificate_pem(NOW - datetime.timedelta(days=400),
                                         NOW - datetime.timedelta(days=35)))
    assert certificate_validity(expired, now=NOW).passed is False
    future = _validity(_certificate_pem(NOW + datetime.timedelta(days=5),
                                        NOW + datetime.timedelta(days=400)))
    result = certificate_validity(future, now=NOW)
    assert result.passed is False and "not valid until" in result.detail


def test_the_expiry_window_defaults_to_the_table_value() -> None:
    soon = _validity(_certificate_pem(NOW - datetime.timedelta(days=10),
                                      NOW + datetime.timedelta(days=20)))
    assert certificate_validity(soon, now=NOW).passed is False


def test_key_strength_and_signature_edges() -> None:
    assert certificate_key_strength({"algorithm": "EC", "bits": 384}).passed is True
    assert certificate_key_strength({"algorithm": "RSA", "bits": 1024}).passed is False
    assert certificate_key_strength({"algorithm": "GOST", "bits": 256}).passed is None
    assert certificate_signature_hash({"algorithm": "ed25519", "hash": None}).passed is True
    assert certificate_signature_hash({"algorithm": "md5WithRSAEncryption",
                                       "hash": "md5"}).passed is False
    assert certificate_signature_hash({"algorithm": "1.2.3.4", "hash": "unsupported"}
                                      ).passed is None


def test_pem_blocks_keep_their_lines_and_hide_their_bodies() -> None:
    text = "intro\n" + _certificate_pem(NOW, NOW + datetime.timedelta(days=1))
    block = pem_blocks(text)[0]
    assert (block.label, block.line) == ("CERTIFICATE", 2)
    assert block.end_line == text.rstrip("\n").count("\n") + 1
    body_line = text.splitlines()[2]
    assert body_line not in repr(block)


def test_encrypted_private_key_formats_are_recognised() -> None:
    key = ec.generate_private_key(ec.SECP256R1())

    def pem(key_format: serialization.PrivateFormat, encrypted: bool) -> str:
        encryption = (serialization.BestAvailableEncryption(b"passphrase") if encrypted
                      else serialization.NoEncryption())
        return key.private_bytes(serialization.Encoding.PEM, key_format, encryption).decode()

    for key_format in (serialization.PrivateFormat.PKCS8,
                       serialization.PrivateFormat.TraditionalOpenSSL):
        assert private_key_is_encrypted(pem_blocks(pem(key_format, True))[0])
        assert not private_key_is_encrypted(pem_blocks(pem(key_format, False))[0])
    openssh = pem(serialization.PrivateFormat.OpenSSH, False)
    assert not private_key_is_encrypted(pem_blocks(openssh)[0])
    # Encrypting OpenSSH keys needs bcrypt; the header alone tells, so build just that.
    header = b"openssh-key-v1\0" + len(b"aes256-ctr").to_bytes(4, "big") + b"aes256-ctr"
    body = base64.b64encode(header + bytes(64)).decode()
    encrypted = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----\n"
    assert private_key_is_encrypted(pem_blocks(encrypted)[0])


def test_a_reference_to_a_secret_store_passes() -> None:
    result = private_key_encrypted({"label": "PRIVATE KEY",
                                    "reference": "data.aws_secretsmanager_secret_version.k"})
    assert result.passed is True


def test_placeholder_key_blocks_are_not_findings(tmp_path: Path) -> None:
    (tmp_path / "README.key").write_text(
        "-----BEGIN PRIVATE KEY-----\nREPLACE_WITH_YOUR_KEY\n-----END PRIVATE KEY-----\n")
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=_rules()))
    assert not [o for o in result.outcomes if o.rule.id == "CRT-004"]


def test_a_binary_certificate_is_a_warning_not_an_error(tmp_path: Path) -> None:
    der = base64.b64decode("".join(
        _certificate_pem(NOW, NOW + datetime.timedelta(days=1)).splitlines()[1:-1]))
    (tmp_path / "portal.cer").write_bytes(der)
    # Something judged beside it: a scan that judged nothing at all is an error of its own.
    (tmp_path / "main.tf").write_text('resource "aws_kms_key" "k" {}\n')
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, rules=_rules()))
    assert not result.errors
    assert [problem.level for problem in result.problems] == ["warning"]


def _rules():
    return load_rules([catalogue_directory("rules")])


def _key_material() -> list[str]:
    """Every base64 line of the CRT-004 fixtures' keys, and their Secret encodings."""
    pieces: list[str] = []
    for path in (FIXTURES / "CRT-004").iterdir():
        text = path.read_text()
        for match in re.finditer(r"PRIVATE KEY-----(.*?)-----END", text, re.S):
            pieces += [line.strip() for line in match.group(1).splitlines()
                       if len(line.strip()) > 16 and ":" not in line]
        pieces += [value[:32] for value in re.findall(r"tls\.key: (\S+)", text)]
    assert len(pieces) > 10
    return pieces


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github",
                                           "markdown"])
def test_no_output_contains_key_material(output_format: str, tmp_path: Path) -> None:
    output = tmp_path / f"report.{output_format}"
    result = CliRunner().invoke(app, ["scan", str(FIXTURES / "CRT-004"), "--format",
                                      output_format, "-o", str(output)])
    assert result.exit_code == 1, result.output
    report = output.read_text() + result.output
    assert "CRT-004" in report
    leaked = [piece for piece in _key_material() if piece in report]
    assert not leaked, f"{len(leaked)} pieces of key material in the {output_format} output"


def test_every_private_key_fixture_finding_is_critical() -> None:
    result = scan(ScanRequest(paths=[FIXTURES / "CRT-004"], root=FIXTURES, rules=_rules()))
    failed = [o for o in result.outcomes if o.rule.id == "CRT-004" and o.status is Status.FAIL]
    assert len({o.location.path for o in failed}) == 5
    assert {o.rule.severity for o in failed} == {"critical"}
