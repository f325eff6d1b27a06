"""The read-only guard: every client a live scan creates refuses non-read operations.

The guard sits at two layers of botocore, on the botocore session before any client
exists, so every client created from it (and every paginator, which calls through the
client) inherits both:
- `before-call` runs after parameter validation and before the request is built and
  signed: a refused operation is never even serialised;
- `before-send` runs for every HTTP attempt just before it leaves the process, whatever
  path built it: a request made past the client API (a private `_make_request`) is still
  refused there, named by the `before-send.SERVICE_ID.Operation` event botocore emits.

botocore's own credential calls (a profile's role_arn, web identity or SSO login) never
pass these guards: they are made by the clients of a dedicated credential session
(linter.live.session.resolve_credentials) whose guard, install_credential_guard, allows
those calls and nothing else.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from linter.live.allowlist import (
    FORBIDDEN_OPERATIONS,
    client_of,
    is_allowed,
    is_credential_operation,
    is_role_assumption,
)

# (client name, operation) -> allowed?
Allowed = Callable[[str, str], bool]
SEND_EVENT = "before-send."


class ReadOnlyViolation(RuntimeError):
    """An operation outside the read allow-list was attempted (a bug, never a finding)."""


class CallCounter:
    """API calls (one per operation call) and HTTP attempts (calls plus retries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()  # "service:Operation" -> calls
        self.attempts = 0

    def add_call(self, name: str) -> None:
        with self._lock:
            self.calls[name] += 1

    def add_attempt(self) -> None:
        with self._lock:
            self.attempts += 1

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def retries(self) -> int:
        return max(0, self.attempts - self.total_calls)


def refuse_unless_read(model: Any, **_: Any) -> None:
    """`before-call` handler: raise for any operation not on the allow-list."""
    _refuse_unless_read(model.service_model.service_name, model.name)


def refuse_unsent_unless_read(event_name: str, **_: Any) -> None:
    """`before-send` handler: raise for any request whose operation is not on the
    allow-list, however it was built."""
    client, operation = sent_operation(event_name)
    _refuse_unless_read(client, operation)


def sent_operation(event_name: str) -> tuple[str, str]:
    """(client name, operation) of a `before-send.SERVICE_ID.Operation` event; the client
    is the service id itself when no table of linter/live/allowlist.py names it."""
    hyphenated, _, operation = event_name.removeprefix(SEND_EVENT).rpartition(".")
    return client_of(hyphenated) or hyphenated, operation


def _refuse_unless_read(service: str, operation: str) -> None:
    if not is_allowed(service, operation):
        why = ("reads stored data or creates credentials" if operation in FORBIDDEN_OPERATIONS
               else "is not on the read-only allow-list")
        raise ReadOnlyViolation(f"refused {service}:{operation}: the operation {why} "
                                "(linter/live/allowlist.py)")


def install_credential_guard(botocore_session: Any, counter: CallCounter | None = None) -> None:
    """Guard the dedicated session that resolves a profile's credentials: botocore's
    credential calls (allowlist.CREDENTIAL_OPERATIONS), nothing else.

    That session's clients are made by botocore's credential providers only, and the
    session is never handed to a collector.
    """
    def refusal(service: str, operation: str) -> str:
        return (f"refused {service}:{operation}: the credential clients may only make "
                "botocore's credential calls (allowlist.CREDENTIAL_OPERATIONS)")

    _install_both(botocore_session, is_credential_operation, refusal, "credential")
    if counter is not None:
        _count(botocore_session, counter)


def install_role_assumer(botocore_session: Any, role_name: str,
                         counter: CallCounter | None = None) -> None:
    """Guard the dedicated STS session of `--org-role`: AssumeRole of that role, nothing else.

    The collectors' sessions (install) refuse AssumeRole like every credential-creating
    call; this session is never handed to a collector, and its guard allows exactly one
    operation, for `arn:aws:iam::ACCOUNT:role/ROLE_NAME` only. The session must already
    hold its credentials (linter.live.accounts.RoleAssumer gives it them): this guard
    would refuse botocore's own calls to resolve a role profile or an SSO login.
    """
    role_arn = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/" + re.escape(role_name))

    def refusal(service: str, operation: str) -> str:
        return (f"refused {service}:{operation}: the role-assuming client may only call "
                "sts:AssumeRole")

    def check_arn(arn: str) -> None:
        if not role_arn.fullmatch(arn):
            raise ReadOnlyViolation(f"refused sts:AssumeRole of {arn or 'no role'}: only the "
                                    f"role named by --org-role ({role_name}) may be assumed")

    def check_role(params: Any, **_: Any) -> None:
        check_arn(str((params or {}).get("RoleArn", "")))

    def check_sent_role(request: Any, **_: Any) -> None:
        # The query protocol sends the parameters as a form: the role is in the body.
        body = request.body or b""
        text = body.decode(errors="replace") if isinstance(body, bytes) else str(body)
        check_arn(dict(parse_qsl(text)).get("RoleArn", ""))

    _install_both(botocore_session, is_role_assumption, refusal, "role-assumer")
    # before-parameter-build sees the API parameters, before they are serialised.
    botocore_session.register("before-parameter-build.sts.AssumeRole", check_role,
                              unique_id="ephi-lint-role-arn-guard")
    botocore_session.register(f"{SEND_EVENT}sts.AssumeRole", check_sent_role,
                              unique_id="ephi-lint-role-arn-send-guard")
    if counter is not None:
        _count(botocore_session, counter)


def install(botocore_session: Any, counter: CallCounter | None = None) -> None:
    """Register the guard (and the call counter) on a botocore session.

    Must run before the first client is created: clients copy the session's event
    handlers when they are made.
    """
    # unique_id keeps a second install() from registering the guard twice.
    botocore_session.register("before-call", refuse_unless_read,
                              unique_id="ephi-lint-read-only-guard")
    botocore_session.register("before-send", refuse_unsent_unless_read,
                              unique_id="ephi-lint-read-only-send-guard")
    if counter is not None:
        _count(botocore_session, counter)


def _install_both(botocore_session: Any, allowed: Allowed,
                  refusal: Callable[[str, str], str], name: str) -> None:
    """A guard allowing only `allowed` operations at both layers, before-call and
    before-send; `refusal` says why another was refused."""
    def refuse_call(model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if not allowed(service, model.name):
            raise ReadOnlyViolation(refusal(service, model.name))

    def refuse_send(event_name: str, **_: Any) -> None:
        service, operation = sent_operation(event_name)
        if not allowed(service, operation):
            raise ReadOnlyViolation(refusal(service, operation))

    botocore_session.register("before-call", refuse_call, unique_id=f"ephi-lint-{name}-guard")
    botocore_session.register("before-send", refuse_send,
                              unique_id=f"ephi-lint-{name}-send-guard")


def _count(botocore_session: Any, counter: CallCounter) -> None:
    def count_call(model: Any, **_: Any) -> None:
        counter.add_call(f"{model.service_model.service_name}:{model.name}")

    def count_attempt(**_: Any) -> None:
        counter.add_attempt()

    # Registered after the guards, so a refused call (or attempt) is not counted as made.
    botocore_session.register("before-call", count_call, unique_id="ephi-lint-call-counter")
    botocore_session.register("before-send", count_attempt,
                              unique_id="ephi-lint-attempt-counter")
