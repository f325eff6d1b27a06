"""The boto3 session of a live scan: standard credentials, adaptive retries, guarded clients.

boto3 is imported here and only here (lazily, by the `aws` command): a file scan never
pays for it. AWS_ENDPOINT_URL (and the per-service AWS_ENDPOINT_URL_<SERVICE>) are
honoured by boto3 itself, which is how the tests reach the local server.

Credentials come from botocore's standard chain (environment, profile with role_arn,
credential_process, SSO, web identity, container and instance roles), resolved by a
dedicated credential session: botocore's providers make their calls (sts:AssumeRole,
sso:GetRoleCredentials, ...) through clients of the session they are given, and the
scan session's read-only guard would refuse them. The credential session's own guard
allows exactly those calls; the scan session gets the (refreshable) credentials and
never resolves any itself.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from linter.live import guard

# Adaptive mode adds client-side rate limiting on top of standard retries, so a throttled
# call waits and is retried instead of being lost (prowler#7082). Ten attempts ride out
# bursts of throttling on large accounts; timeouts keep a dead endpoint from hanging.
RETRIES = {"mode": "adaptive", "max_attempts": 10}
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60


class LiveSession:
    """One account's credentials, with one guarded client per (service, region).

    `credentials` (botocore credentials, e.g. refreshable ones from an assumed role)
    replace the standard chain; the profile still supplies the region and config.
    `account` is the account the credentials are known to belong to (an assumed role's),
    which saves the GetCallerIdentity call.
    """

    def __init__(self, profile: str | None = None, max_pool: int = 10,
                 credentials: Any = None, account: str | None = None,
                 region: str | None = None, models_of: LiveSession | None = None) -> None:
        """`models_of`: a session whose botocore loader (its parsed service models) this
        one shares: an organization scan's member sessions parse each model once per
        process, not once per account (S3's alone is over a megabyte of JSON)."""
        import boto3
        import botocore.session
        from botocore.config import Config

        core = botocore.session.Session(profile=profile)
        if models_of is not None:
            core.register_component("data_loader", models_of.data_loader)
        self.counter = guard.CallCounter()
        if credentials is not None:
            core._credentials = credentials  # botocore's documented way to inject credentials
        else:
            use_credential_clients(core, self.counter, region)
        guard.install(core, self.counter)  # before any client exists: clients copy handlers
        self._session = boto3.Session(botocore_session=core, region_name=region)
        self._config = Config(retries=RETRIES, connect_timeout=CONNECT_TIMEOUT,
                              read_timeout=READ_TIMEOUT, max_pool_connections=max_pool,
                              user_agent_extra="ephi-lint")
        self._clients: dict[tuple[str, str], Any] = {}
        self._offered: dict[tuple[str, str], set[str] | None] = {}
        # boto3 sessions are not thread-safe while creating clients; clients themselves are.
        self._lock = threading.Lock()
        self._account: str | None = account
        # Who the scan ran as, for provenance: known once GetCallerIdentity has answered
        # (not for a session given its account, which never asks).
        self.caller_arn: str | None = None

    @property
    def credentials(self) -> Any:
        """The credentials this session signs with (resolved once, refreshable), or None."""
        return self._session._session.get_credentials()

    @property
    def data_loader(self) -> Any:
        """botocore's loader of service models for this session."""
        return self._session._session.get_component("data_loader")

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                client = self._session.client(service, region_name=region,
                                              config=self._config)
                if (client.meta.service_model.endpoint_discovery_operation is not None
                        and not _is_aws_endpoint(client.meta.endpoint_url)):
                    # An endpoint configured by AWS_ENDPOINT_URL (or the profile) does not
                    # stop endpoint discovery (Timestream), which would then send every
                    # call to the AWS host it names: given explicitly, it does.
                    client = self._session.client(service, region_name=region,
                                                  config=self._config,
                                                  endpoint_url=client.meta.endpoint_url)
                self._clients[key] = client
            return self._clients[key]

    @property
    def default_region(self) -> str:
        return self._session.region_name or "us-east-1"

    def account_id(self) -> str:
        if self._account is None:
            identity = self.client("sts", self.default_region).get_caller_identity()
            self._account = str(identity["Account"])
            self.caller_arn = str(identity.get("Arn") or "") or None
        return self._account

    def offered_regions(self, client: str, partition: str) -> set[str] | None:
        """The Regions botocore's endpoint data lists for the client (None: no list, as
        for global services; then every Region is tried). Asked once per client and
        partition, however many Regions are scanned."""
        key = (client, partition)
        with self._lock:
            if key not in self._offered:
                self._offered[key] = set(self._session.get_available_regions(
                    client, partition)) or None
            return self._offered[key]

    def enabled_regions(self) -> list[str]:
        """The regions enabled for the account (opt-in regions only once opted in)."""
        response = self.client("ec2", self.default_region).describe_regions(AllRegions=False)
        return sorted(region["RegionName"] for region in response["Regions"])


def resolve_credentials(profile: str | None, counter: guard.CallCounter | None = None,
                        region: str | None = None) -> Any:
    """The credentials of `profile` (None: the default chain), or None when there are none.

    A dedicated botocore session resolves them, guarded to make botocore's credential
    calls and nothing else. Credentials of an assumed role or an SSO login are
    refreshable: their refreshes, too, go through that session's clients. Its calls are
    counted in `counter` like the scan's.
    """
    import botocore.session
    from botocore.credentials import create_credential_resolver

    core = botocore.session.Session(profile=profile)
    guard.install_credential_guard(core, counter)
    # The profile's Region for the STS client, unless the scan names one (a Region of
    # another partition needs that partition's STS).
    region = region or core.get_config_variable("region")
    return create_credential_resolver(core, region_name=region).load_credentials()


def use_credential_clients(core: Any, counter: guard.CallCounter | None = None,
                           region: str | None = None) -> None:
    """Give the botocore session `core` its profile's credentials, resolved through the
    credential clients (resolve_credentials), so that `core` never resolves any itself:
    its guard would refuse botocore's credential calls."""
    from botocore.credentials import CredentialResolver

    profile = core.instance_variables().get("profile")
    credentials = resolve_credentials(profile, counter, region)
    if credentials is None:
        # No credentials anywhere: an empty chain keeps `core` from looking again (its
        # first call then fails with NoCredentialsError, as without a profile).
        core.register_component("credential_provider", CredentialResolver(providers=[]))
    else:
        core._credentials = credentials  # as an injected role's, above


def _is_aws_endpoint(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".api.aws"))
