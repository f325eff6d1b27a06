"""`ephi-lint aws --profile P` with every kind of credentials botocore resolves.

Each scan is a real `ephi-lint aws` process (its exit code, its JSON) run with a temporary
HOME, AWS config file and SSO token cache, and with the loopback guard of
tests/live_server.py installed in it as in the test process. Every kind of credentials
lands in its own account: moto maps an assumed role's credentials to the account in the
role's ARN, and each account holds one unencrypted bucket named after its case, so the
finding proves whose credentials the scan used.

moto implements STS (AssumeRole, AssumeRoleWithWebIdentity) but not the SSO portal or the
SSO OIDC token API: the stand-in's hook `sso_portal` answers sso:GetRoleCredentials and
sso-oidc:CreateToken for the tokens it was given, with credentials moto minted. The ECS /
EKS Pod Identity agent is a small HTTP server on loopback (`container_agent`).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPOSITORY
from tests.live_helpers import findings, through_stand_in
from tests.live_server import Call, MotoServer, Reply, StandIn, client

ROLE = "scanner"
REGION = "us-east-1"
SSO_TOKEN = "sso-access-token-clinic"  # the cached, valid token
EXPIRING_TOKEN = "sso-access-token-expiring"  # cached, but within botocore's refresh window
REFRESHED_TOKEN = "sso-access-token-refreshed"  # what sso-oidc:CreateToken hands back
REFRESH_TOKEN = "sso-refresh-token"
CONTAINER_TOKEN = "pod-identity-agent-token"
# The account each kind of credentials reaches (moto maps role credentials to it).
ACCOUNTS = {
    "role-from-profile": "111111111111",
    "role-from-environment": "222222222222",
    "process": "333333333333",
    "sso": "444444444444",
    "sso-expiring": "777777777777",
    "sso-legacy": "888888888888",
    "container": "999999999999",
    "web-identity": "555555555555",
    "irsa": "666666666666",
}
# The scan's own calls with ENC-001 over S3, whoever the caller is.
SCAN_CALLS = {"sts:GetCallerIdentity": 1, "s3:ListBuckets": 1, "s3:GetBucketEncryption": 1}

# `ephi-lint aws` as the installed command runs it, after the loopback guard: a bug can
# reach no host but 127.0.0.1 from this process either.
PROGRAM = """
import sys
from tests.live_server import install_loopback_guard
install_loopback_guard()
from linter.cli import main
sys.argv = ["ephi-lint", *sys.argv[1:]]
main()
"""


def run_ephi_lint(*args: str, endpoint: str, home: Path,
                  env: dict[str, str] | None = None,
                  prelude: str = "") -> subprocess.CompletedProcess[str]:
    """`ephi-lint ARGS` in a separate process whose only AWS settings are a temporary HOME
    (and the config files in it), `endpoint` for every service, and `env`; `prelude` is
    Python run first (a test's planted collector)."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPOSITORY),
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": endpoint,
        "EPHI_LINT_CACHE_DIR": os.environ["EPHI_LINT_CACHE_DIR"],
        **(env or {}),
    }
    return subprocess.run([sys.executable, "-c", prelude + PROGRAM, *args], cwd=home,
                          capture_output=True, text=True, timeout=300, env=environment)


def assumed(account: str) -> dict[str, Any]:
    """Credentials moto maps to `account` (AssumeRole of a role there: the role need not
    exist, moto does not evaluate trust)."""
    return client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                     RoleSessionName="seed")["Credentials"]


def seed_bucket(account: str, bucket: str) -> None:
    import boto3

    credentials = assumed(account)
    boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"]).client(
        "s3", region_name=REGION, endpoint_url=os.environ["AWS_ENDPOINT_URL"]).create_bucket(
        Bucket=bucket)


def _later(seconds: int) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


@dataclass
class SsoPortal:
    """The SSO portal and OIDC token service moto lacks: role credentials for each
    (account, role) to the holder of a valid access token, and a new access token for
    the refresh token."""

    credentials: dict[str, dict[str, Any]]  # account -> moto credentials of ROLE there
    valid_tokens: set[str] = field(default_factory=lambda: {SSO_TOKEN, EXPIRING_TOKEN})

    def __call__(self, call: Call, forward: Callable[[], Reply]) -> Reply | None:
        # moto has no GET /federation/credentials (sso:GetRoleCredentials, REST-JSON,
        # unsigned: the bearer token is its only authorisation).
        if call.method == "GET" and call.url_path == "/federation/credentials":
            token = call.headers.get("x-amz-sso_bearer_token", "")
            account = call.params.get("account_id", "")
            if (token not in self.valid_tokens or call.params.get("role_name") != ROLE
                    or account not in self.credentials):
                return _json(401, {"message": "Session token not found or invalid"},
                             "UnauthorizedException")
            moto = self.credentials[account]
            return _json(200, {"roleCredentials": {
                "accessKeyId": moto["AccessKeyId"], "secretAccessKey": moto["SecretAccessKey"],
                "sessionToken": moto["SessionToken"],
                "expiration": int(_later(3600).timestamp() * 1000)}})
        # Nor POST /token (sso-oidc:CreateToken), which botocore calls to refresh a cached
        # access token that is about to expire.
        if call.method == "POST" and call.url_path == "/token":
            request = json.loads(call.body)
            if (request.get("grantType") != "refresh_token"
                    or request.get("refreshToken") != REFRESH_TOKEN):
                return _json(400, {"error": "invalid_grant"}, "InvalidGrantException")
            self.valid_tokens.add(REFRESHED_TOKEN)
            return _json(200, {"accessToken": REFRESHED_TOKEN, "tokenType": "Bearer",
                               "expiresIn": 3600, "refreshToken": REFRESH_TOKEN})
        return None


def _json(status: int, body: dict[str, Any], error_type: str = "") -> Reply:
    headers = {"Content-Type": "application/json"}
    if error_type:
        headers["x-amzn-ErrorType"] = error_type
    return Reply(status, headers, json.dumps(body).encode())


def write_home(home: Path, process_credentials: dict[str, Any]) -> None:
    """The AWS config of every case, the SSO token cache, the web identity token and the
    credential_process script, all under `home`."""
    aws = home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    token_file = home / "web-identity-token"
    token_file.write_text("eyJ.web-identity-token.sig", encoding="utf-8")
    script = home / "print-credentials.py"
    script.write_text("import json\nprint(json.dumps(" + repr({
        "Version": 1, "AccessKeyId": process_credentials["AccessKeyId"],
        "SecretAccessKey": process_credentials["SecretAccessKey"],
        "SessionToken": process_credentials["SessionToken"],
        "Expiration": _later(3600).isoformat()}) + "))\n", encoding="utf-8")

    def role(case: str) -> str:
        return f"arn:aws:iam::{ACCOUNTS[case]}:role/{ROLE}"

    (aws / "config").write_text(f"""\
[profile base]
region = {REGION}
aws_access_key_id = testing
aws_secret_access_key = testing

[profile role-from-profile]
region = {REGION}
role_arn = {role("role-from-profile")}
source_profile = base

[profile role-from-environment]
region = {REGION}
role_arn = {role("role-from-environment")}
credential_source = Environment

[profile process]
region = {REGION}
credential_process = {sys.executable} {script}

[sso-session clinic]
sso_region = {REGION}
sso_start_url = https://clinic.awsapps.com/start
sso_registration_scopes = sso:account:access

[sso-session clinic-expiring]
sso_region = {REGION}
sso_start_url = https://clinic-expiring.awsapps.com/start
sso_registration_scopes = sso:account:access

[profile sso]
region = {REGION}
sso_session = clinic
sso_account_id = {ACCOUNTS["sso"]}
sso_role_name = {ROLE}

[profile sso-expiring]
region = {REGION}
sso_session = clinic-expiring
sso_account_id = {ACCOUNTS["sso-expiring"]}
sso_role_name = {ROLE}

[profile sso-legacy]
region = {REGION}
sso_start_url = https://clinic-legacy.awsapps.com/start
sso_region = {REGION}
sso_account_id = {ACCOUNTS["sso-legacy"]}
sso_role_name = {ROLE}

[profile web-identity]
region = {REGION}
role_arn = {role("web-identity")}
web_identity_token_file = {token_file}
""", encoding="utf-8")

    write_tokens(home)


def write_tokens(home: Path) -> None:
    """The SSO token cache: a valid token for `clinic`, one about to expire (inside the
    15 minutes in which botocore refreshes a token) for `clinic-expiring`."""
    _cache_token(home, "clinic", SSO_TOKEN, 8 * 3600)
    _cache_token(home, "clinic-expiring", EXPIRING_TOKEN, 60)
    # A legacy profile (sso_start_url, no sso-session) names its token by the start URL.
    _cache_token(home, "clinic-legacy", SSO_TOKEN, 8 * 3600,
                 name="https://clinic-legacy.awsapps.com/start")


def _cache_token(home: Path, session: str, token: str, seconds: int,
                 name: str | None = None) -> None:
    # botocore names a session's cached token by the SHA-1 of the session's name.
    (home / ".aws" / "sso" / "cache" / _token_file(name or session)).write_text(json.dumps({
        "startUrl": f"https://{session}.awsapps.com/start", "region": REGION,
        "accessToken": token, "expiresAt": _later(seconds).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "clientId": "clinic-client", "clientSecret": "clinic-client-secret",
        "registrationExpiresAt": _later(86400).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "refreshToken": REFRESH_TOKEN}), encoding="utf-8")


def _token_file(session: str) -> str:
    return hashlib.sha1(session.encode()).hexdigest() + ".json"


@contextmanager
def container_agent(credentials: dict[str, Any]) -> Iterator[str]:
    """The ECS / EKS Pod Identity agent on loopback: the role's credentials, as JSON, to
    a request bearing the agent token. Yields its URL."""
    body = json.dumps({"AccessKeyId": credentials["AccessKeyId"],
                       "SecretAccessKey": credentials["SecretAccessKey"],
                       "Token": credentials["SessionToken"],
                       "Expiration": _later(3600).strftime("%Y-%m-%dT%H:%M:%SZ")}).encode()

    class Agent(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            authorised = self.headers.get("Authorization") == CONTAINER_TOKEN
            self.send_response(200 if authorised else 403)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body if authorised else b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Agent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/credentials"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Setup:
    home: Path
    proxy: StandIn
    process_credentials: dict[str, Any]
    container_url: str


@pytest.fixture(scope="module")
def setup(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    moto_server.reset()
    for case, account in ACCOUNTS.items():
        seed_bucket(account, f"clinic-{case}")
    home = tmp_path_factory.mktemp("home")
    process_credentials = assumed(ACCOUNTS["process"])
    write_home(home, process_credentials)
    portal = SsoPortal({ACCOUNTS[case]: assumed(ACCOUNTS[case])
                        for case in ("sso", "sso-expiring", "sso-legacy")})
    with (through_stand_in(moto_server, hooks=[portal]) as proxy,
          container_agent(assumed(ACCOUNTS["container"])) as container_url):
        yield Setup(home, proxy, process_credentials, container_url)


def scan(setup: Setup, *args: str, env: dict[str, str] | None = None
         ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    completed = run_ephi_lint("aws", *args, "--services", "s3", "--include-rule", "ENC-001",
                              "--format", "json", "--quiet", endpoint=setup.proxy.url,
                              home=setup.home, env=env)
    assert completed.returncode == 1, completed.stderr  # 1: findings, and no error
    return completed, json.loads(completed.stdout)


ENVIRONMENT_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
CASES = {
    # case: (arguments, environment, botocore's credential calls)
    "role-from-profile": (["--profile", "role-from-profile"], {}, {"sts:AssumeRole": 1}),
    "role-from-environment": (["--profile", "role-from-environment"], ENVIRONMENT_KEYS,
                              {"sts:AssumeRole": 1}),
    "process": (["--profile", "process"], {}, {}),
    "sso": (["--profile", "sso"], {}, {"sso:GetRoleCredentials": 1}),
    "sso-expiring": (["--profile", "sso-expiring"], {},
                     {"sso-oidc:CreateToken": 1, "sso:GetRoleCredentials": 1}),
    "sso-legacy": (["--profile", "sso-legacy"], {}, {"sso:GetRoleCredentials": 1}),
    # ECS or EKS Pod Identity: the agent's URL and token in the environment (the URL is
    # the test's credential endpoint, set per test).
    "container": ([], {"AWS_CONTAINER_AUTHORIZATION_TOKEN": CONTAINER_TOKEN,
                       "AWS_DEFAULT_REGION": REGION}, {}),
    "web-identity": (["--profile", "web-identity"], {}, {"sts:AssumeRoleWithWebIdentity": 1}),
    # A Kubernetes pod with IRSA: no profile, the role and token file in the environment.
    "irsa": ([], {"AWS_ROLE_ARN": f"arn:aws:iam::{ACCOUNTS['irsa']}:role/{ROLE}",
                  "AWS_WEB_IDENTITY_TOKEN_FILE": "web-identity-token",
                  "AWS_DEFAULT_REGION": REGION},
             {"sts:AssumeRoleWithWebIdentity": 1}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_credentials_scans_its_own_account(setup: Setup, case: str) -> None:
    arguments, environment, credential_calls = CASES[case]
    if case == "irsa":  # the token file, by its absolute path as the pod's is
        environment = {**environment, "AWS_WEB_IDENTITY_TOKEN_FILE":
                       str(setup.home / "web-identity-token")}
    if case == "container":
        environment = {**environment, "AWS_CONTAINER_CREDENTIALS_FULL_URI":
                       setup.container_url}
    write_tokens(setup.home)  # as the case expects them, whatever ran before
    completed, document = scan(setup, *arguments, env=environment)
    account = ACCOUNTS[case]
    assert findings(document, attribute=False) == {
        ("ENC-001", "fail", f"arn:aws:s3:::clinic-{case}")}
    assert document["problems"] == []
    assert document["live"]["accounts"] == [account]
    # The credential calls are counted with the scan's (and nothing else was called).
    assert document["live"]["api_calls"] == dict(sorted({**SCAN_CALLS,
                                                          **credential_calls}.items()))
    assert "Traceback" not in completed.stderr


def test_an_sso_token_is_refreshed_only_through_the_credential_clients(setup: Setup) -> None:
    """The expiring token is refreshed (sso-oidc:CreateToken), the role credentials are
    asked with the new one, and botocore rewrites the cache in the temporary HOME."""
    write_tokens(setup.home)
    first = len(setup.proxy.calls)
    scan(setup, "--profile", "sso-expiring")
    calls = [(call.method, call.url_path, call.headers.get("x-amz-sso_bearer_token"))
             for call in setup.proxy.calls[first:]
             if call.url_path in ("/token", "/federation/credentials")]
    assert calls == [("POST", "/token", None),
                     ("GET", "/federation/credentials", REFRESHED_TOKEN)]
    cached = setup.home / ".aws" / "sso" / "cache" / _token_file("clinic-expiring")
    assert json.loads(cached.read_text(encoding="utf-8"))["accessToken"] == REFRESHED_TOKEN


def test_process_credentials_are_never_printed(setup: Setup) -> None:
    completed, _ = scan(setup, "--profile", "process")
    secret = setup.process_credentials["SecretAccessKey"]
    assert secret not in completed.stdout and secret not in completed.stderr


def test_a_role_that_cannot_be_assumed_is_a_clear_error(setup: Setup) -> None:
    setup.proxy.deny_operations = {"sts:AssumeRole"}
    try:
        completed = run_ephi_lint("aws", "--profile", "role-from-profile", "--services", "s3",
                                  "--include-rule", "ENC-001", "--format", "json",
                                  endpoint=setup.proxy.url, home=setup.home)
    finally:
        setup.proxy.deny_operations = ()
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == (
        "ephi-lint: error: cannot start the AWS scan: An error occurred (AccessDenied) when "
        "calling the AssumeRole operation: injected by the test stand-in: AccessDenied")
    assert "Traceback" not in completed.stderr


def test_no_credentials_at_all_is_a_clear_error(setup: Setup) -> None:
    completed = run_ephi_lint("aws", "--services", "s3", endpoint=setup.proxy.url,
                              home=setup.home, env={"AWS_DEFAULT_REGION": REGION})
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == (
        "ephi-lint: error: no AWS credentials found (environment, --profile, SSO, instance "
        "role)")


def test_a_missing_profile_is_a_clear_error(setup: Setup) -> None:
    completed = run_ephi_lint("aws", "--profile", "no-such-profile", "--services", "s3",
                              endpoint=setup.proxy.url, home=setup.home)
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == (
        "ephi-lint: error: cannot start the AWS scan: The config profile (no-such-profile) could "
        "not be found")


def test_an_organization_scan_runs_from_a_role_profile(setup: Setup) -> None:
    """`--org-role` from a profile that is itself an assumed role: the role-assuming
    client gets the profile's credentials from the credential clients, then assumes the
    scan role in the member account (here the role-from-environment case's account)."""
    member = ACCOUNTS["role-from-environment"]
    completed, document = scan(setup, "--profile", "role-from-profile", "--org-role", ROLE,
                               "--accounts", member)
    assert findings(document, attribute=False) == {
        ("ENC-001", "fail", "arn:aws:s3:::clinic-role-from-environment")}
    assert document["live"]["accounts"] == [member]
    assert document["live"]["api_calls"] == {"s3:GetBucketEncryption": 1, "s3:ListBuckets": 1,
                                             "sts:AssumeRole": 2}
    # The profile's role (its credentials are needed only by the role-assuming client),
    # then the scan role in the member account.
    assert [call.params["RoleArn"] for call in setup.proxy.calls
            if call.operation == "AssumeRole"][-2:] == [
        f"arn:aws:iam::{ACCOUNTS['role-from-profile']}:role/{ROLE}",
        f"arn:aws:iam::{member}:role/{ROLE}"]
