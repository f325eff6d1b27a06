"""The read-only guard: every client a live scan creates refuses non-read operations.

The guard is a botocore `before-call` handler registered on the botocore session before
any client exists, so every client created from it (and every paginator, which calls
through the client) inherits it. `before-call` runs after parameter validation and
before the request is signed or sent: a refused operation never leaves the process.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

from linter.live.allowlist import FORBIDDEN_OPERATIONS, is_allowed, is_role_assumption


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
    service = model.service_model.service_name
    operation = model.name
    if not is_allowed(service, operation):
        why = ("reads stored data or creates credentials" if operation in FORBIDDEN_OPERATIONS
               else "is not on the read-only allow-list")
        raise ReadOnlyViolation(f"refused {service}:{operation}: the operation {why} "
                                "(linter/live/allowlist.py)")


def install_role_assumer(botocore_session: Any, role_name: str,
                         counter: CallCounter | None = None) -> None:
    """Guard the dedicated STS session of `--org-role`: AssumeRole of that role, nothing else.

    The collectors' sessions (install) refuse AssumeRole like every credential-creating
    call; this session is never handed to a collector, and its guard allows exactly one
    operation, for `arn:aws:iam::ACCOUNT:role/ROLE_NAME` only.
    """
    role_arn = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/" + re.escape(role_name))

    def refuse_unless_assume_role(model: Any, **_: Any) -> None:
        service = model.service_model.service_name
        if not is_role_assumption(service, model.name):
            raise ReadOnlyViolation(f"refused {service}:{model.name}: the role-assuming "
                                    "client may only call sts:AssumeRole")

    def check_role(params: Any, **_: Any) -> None:
        arn = str((params or {}).get("RoleArn", ""))
        if not role_arn.fullmatch(arn):
            raise ReadOnlyViolation(f"refused sts:AssumeRole of {arn or 'no role'}: only the "
                                    f"role named by --org-role ({role_name}) may be assumed")

    botocore_session.register("before-call", refuse_unless_assume_role,
                              unique_id="ephi-lint-role-assumer-guard")
    # before-parameter-build sees the API parameters, before they are serialised.
    botocore_session.register("before-parameter-build.sts.AssumeRole", check_role,
                              unique_id="ephi-lint-role-arn-guard")
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
    if counter is not None:
        _count(botocore_session, counter)


def _count(botocore_session: Any, counter: CallCounter) -> None:
    def count_call(model: Any, **_: Any) -> None:
        counter.add_call(f"{model.service_model.service_name}:{model.name}")

    def count_attempt(**_: Any) -> None:
        counter.add_attempt()

    # Registered after the guard, so a refused call is not counted as made.
    botocore_session.register("before-call", count_call, unique_id="ephi-lint-call-counter")
    botocore_session.register("before-send", count_attempt,
                              unique_id="ephi-lint-attempt-counter")
