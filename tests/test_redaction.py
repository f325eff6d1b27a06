"""Credentials quoted by a message or a problem (a URL's password, a token in a query,
an attribute holding a secret) are masked when the message is made, so no output format
carries them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linter.discover import FileProblem
from linter.redaction import holds_credential, redact
from tests.conftest import run_cli

ETCD_PASSWORD = "EtcdPw-7f3a9c"
QUERY_TOKEN = "QueryTok-51b2e8"
GIT_TOKEN = "GitTok-0c9d44"
SIGNATURE = "AmzSig-9e8d7c"
SECRETS = (ETCD_PASSWORD, QUERY_TOKEN, GIT_TOKEN, SIGNATURE)

APISERVER = f"""apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.30.4
      command:
        - kube-apiserver
        - --etcd-servers=https://10.20.0.21:2379,http://root:{ETCD_PASSWORD}@10.20.0.22:2379/?token={QUERY_TOKEN}
"""
MODULES = f"""module "private" {{
  source = "git::https://ci-bot:{GIT_TOKEN}@git.clinic.example/infra/modules.git"
}}

module "archive" {{
  source = "https://modules.s3.amazonaws.com/kms.zip?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature={SIGNATURE}"
}}
"""


@pytest.mark.parametrize("text, expected", [
    ("plaintext URLs: http://root:pw@10.0.0.2:2379", "plaintext URLs: http://root:***@10.0.0.2:2379"),
    ('source "git::https://user:tok@host/x.git"', 'source "git::https://user:***@host/x.git"'),
    ("postgres://app:pw@db:5432/ehr?sslmode=require", "postgres://app:***@db:5432/ehr?sslmode=require"),
    ("https://h/x?X-Amz-Signature=abc&X-Amz-Expires=60", "https://h/x?X-Amz-Signature=***&X-Amz-Expires=60"),
    ("https://a.blob.core.windows.net/c?sv=2022&sig=abc%2F&se=1", "https://a.blob.core.windows.net/c?sv=2022&sig=***&se=1"),
    ("https://h/x?key=AIzaXYZ", "https://h/x?key=***"),
    ('`master_password` is "hunter2"', '`master_password` is "***"'),
    ("`auth_token` is 'abc'", "`auth_token` is '***'"),
    ('password = "x y"', 'password = "***"'),
    ("--db-password=abc123 --token-auth-file=/etc/tokens.csv",
     "--db-password=*** --token-auth-file=/etc/tokens.csv"),
    ('{"password": "hunter2", "user": "app"}', '{"password": "***", "user": "app"}'),
    ('MasterUserPassword: "plain123"', 'MasterUserPassword: "***"'),
    ("db_password: 123456", "db_password: ***"),
    ("http://root:***@h", "http://root:***@h"),  # masking twice changes nothing
])
def test_credentials_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "`master_password` is not set",
    "`manage_master_user_password` is false",
    "`connection_password_encrypted` is false",
    "MasterUserPassword: {{resolve:secretsmanager:ehr-db:SecretString:password}}",
    "`password` is ${var.db_password}",
    "KMS key: rotation is disabled",
    "aws_secretsmanager_secret.db: `kms_key_id` is not set",
    "Secret ns/db-password: `type` is \"Opaque\"",
    "https://10.20.0.21:2379,https://10.20.0.22:2379",
    # Prose after a name and a colon is not a value.
    "aws_iam_server_certificate.portal private_key: the private key is read from data",
    "EhrDatabaseSecret: AWS::KMS::Key.SecretsKey",
    "`password` is set in plain text",
])
def test_what_holds_no_credential_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_names_that_point_at_a_credential_are_not_credentials() -> None:
    assert [name for name in ("master_password", "MasterUserPassword", "X-Amz-Signature",
                              "client_secret", "ssh_private_key", "password_secret_arn",
                              "secret_name", "--token-auth-file", "kms_key_id")
            if holds_credential(name)] == ["master_password", "MasterUserPassword",
                                           "X-Amz-Signature", "client_secret",
                                           "ssh_private_key"]


def test_a_problem_reason_is_masked_when_made() -> None:
    problem = FileProblem("main.tf", 'module "m" (source "git::https://u:tok@h/x.git")', line=3)
    assert problem.reason == 'module "m" (source "git::https://u:***@h/x.git")'


@pytest.fixture()
def seeded(tmp_path: Path) -> Path:
    (tmp_path / "apiserver.yaml").write_text(APISERVER)
    (tmp_path / "main.tf").write_text(MODULES)
    return tmp_path


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github",
                                           "markdown"])
def test_no_output_format_carries_a_credential(seeded: Path, output_format: str) -> None:
    completed = run_cli("scan", ".", "--include-rule", "PLN-038", "-f", output_format,
                        cwd=seeded)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    for secret in SECRETS:
        assert secret not in completed.stdout
        assert secret not in completed.stderr
    assert "http://root:***@10.20.0.22:2379/?token=***" in completed.stdout


def test_the_finding_and_the_warnings_are_still_reported(seeded: Path) -> None:
    completed = run_cli("scan", ".", "--include-rule", "PLN-038", "-f", "json", cwd=seeded)
    report = json.loads(completed.stdout)
    assert [(item["rule"], item["file"], item["line"]) for item in report["findings"]] == [
        ("PLN-038", "apiserver.yaml", 12)]
    assert [(item["file"], item["level"]) for item in report["problems"]] == [
        ("main.tf", "warning"), ("main.tf", "warning")]
    assert report["problems"][0]["reason"].startswith(
        'line 1: module "private" (source "git::https://ci-bot:***@git.clinic.example/infra/'
        'modules.git") was not read')
    assert report["problems"][1]["reason"].startswith(
        'line 5: module "archive" (source "https://modules.s3.amazonaws.com/kms.zip?'
        'X-Amz-Credential=***&X-Amz-Signature=***") was not read')
