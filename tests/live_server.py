"""A real AWS API for the live-scan tests: moto's server mode on loopback, and one stand-in.

- `moto_server` (session fixture): starts `python -m moto.server` on 127.0.0.1 and a
  free port, waits until it answers, points boto3 at it through AWS_ENDPOINT_URL with
  fake credentials, and stops it by its process id.
- A loopback guard on botocore's HTTP layer refuses any request to a host other than
  127.0.0.1 / localhost, for every client in the test process (the tests' own seeding
  clients and ephi-lint's): no test can reach real AWS, whatever a bug does.
- `StandIn`: the one loopback HTTP proxy in front of moto, for what moto cannot do.
  A test points boto3 at it (AWS_ENDPOINT_URL, or AWS_ENDPOINT_URL_<SERVICE> for one
  service) and it forwards every call to moto, except that it
  - injects faults moto cannot simulate: AccessDenied per service, per operation
    (`service:Operation`) or per request, throttling, a dropped connection;
  - runs the test's hooks, each answering the one call where moto lacks an API or
    answers differently from AWS, or rewriting moto's answer to it. Each hook says in
    a comment which call moto gets wrong and how.
  Hooks and predicates get a parsed `Call`: the SigV4 service, method, path and query,
  headers, body and, for the RPC protocols, the operation name (query `Action=`, JSON
  `X-Amz-Target`); REST calls are matched on method and path. Errors are written in
  the protocol botocore's model gives the service (XML for query, EC2 and REST-XML,
  JSON for JSON and REST-JSON), so botocore reads their codes as it would AWS's.
No in-process mock (botocore's Stubber, moto's decorators) is used: every AWS call a test
makes crosses HTTP to moto or to the stand-in.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

import pytest

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
FAKE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    # No profile, config file or instance metadata may supply real credentials.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


class NonLoopbackRequest(AssertionError):
    """A test tried to reach a host other than loopback."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- loopback guard -------------------------------------------------------------------

_guard_lock = threading.Lock()
_original_send: Any = None


def install_loopback_guard() -> None:
    """Wrap botocore's one HTTP sender: every request of every client passes through it."""
    global _original_send
    from botocore.httpsession import URLLib3Session

    with _guard_lock:
        if _original_send is not None:
            return
        _original_send = URLLib3Session.send

        def send(self: Any, request: Any) -> Any:
            host = urlsplit(request.url).hostname or ""
            if host not in LOOPBACK:
                raise NonLoopbackRequest(f"test tried to reach {request.url}")
            return _original_send(self, request)

        URLLib3Session.send = send  # type: ignore[method-assign]


def remove_loopback_guard() -> None:
    global _original_send
    from botocore.httpsession import URLLib3Session

    with _guard_lock:
        if _original_send is not None:
            URLLib3Session.send = _original_send  # type: ignore[method-assign]
            _original_send = None


# --- moto server ----------------------------------------------------------------------


class MotoServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, **FAKE_ENVIRONMENT, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto server did not answer within 30 seconds")

    def reset(self) -> None:
        """Forget every resource: each test module seeds its own account."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


_server: MotoServer | None = None


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """The one moto server of the test session, with boto3 pointed at it."""
    global _server
    saved = {name: os.environ.get(name) for name in [*FAKE_ENVIRONMENT, "AWS_ENDPOINT_URL",
                                                     "AWS_PROFILE"]}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(FAKE_ENVIRONMENT)
    install_loopback_guard()
    if _server is None:
        _server = MotoServer()
    os.environ["AWS_ENDPOINT_URL"] = _server.url
    try:
        yield _server
    finally:
        # Several test modules import this fixture; the first teardown stops the server
        # (session fixtures all end together) and the rest find it stopped.
        if _server is not None:
            _server.stop()
            _server = None
        remove_loopback_guard()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def client(service: str, region: str = "us-east-1") -> Any:
    """An unguarded client for seeding the server (the loopback guard still applies)."""
    import boto3

    return boto3.session.Session().client(service, region_name=region,
                                          endpoint_url=os.environ["AWS_ENDPOINT_URL"])


# --- the stand-in: a loopback proxy in front of moto ---------------------------------

# What a request shows of its protocol family, for each protocol botocore resolves a
# service to (a service that also offers Smithy RPC v2 CBOR, like CloudWatch, offers JSON,
# which botocore prefers).
_WIRE = {"query": "query", "ec2": "query", "json": "json", "rest-json": "rest",
         "rest-xml": "rest"}


@functools.cache
def _services_signed_as() -> dict[str, list[tuple[str, str, frozenset[str]]]]:
    """SigV4 signing name -> (service, protocol botocore speaks, operations) of the
    botocore service models of ephi-lint's allow-lists: the only clients whose calls the
    stand-in answers with errors (read once, then kept small)."""
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    from linter.live import allowlist

    loader = create_loader()  # its own: the full models are dropped once indexed
    index: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
    names = {*allowlist.READ_OPERATIONS, *allowlist.ORGANIZATION_OPERATIONS,
             *allowlist.ASSUME_ROLE_OPERATIONS}
    for name in sorted(names):
        model = ServiceModel(loader.load_service_model(name, "service-2"), name)
        index.setdefault(model.signing_name, []).append(
            (name, model.resolved_protocol, frozenset(model.operation_names)))
    return index


def _protocol_of(service: str, wire: str) -> str:
    """botocore's protocol for a request signed as `service` whose shape is `wire`.

    The model decides; the request's shape only picks among services that share a
    signing name (ses is query, sesv2 rest-json; both sign as `ses`)."""
    signed = _services_signed_as().get(service, [])
    fitting = [protocol for _, protocol, _ in signed if _WIRE.get(protocol) == wire]
    if not fitting:
        raise AssertionError(f"no botocore service signed as {service!r} speaks a {wire} "
                             f"protocol; signed so: {[name for name, _, _ in signed]}")
    return fitting[0]


@dataclass
class Reply:
    """One HTTP answer: the stand-in's own, or moto's (which a hook may rewrite)."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Call:
    """One request as hooks and predicates see it."""

    service: str  # SigV4 signing name from the credential scope: "elasticloadbalancing"
    method: str
    path: str  # path with query string, as sent: "/clinic-exports?policy"
    headers: Message
    body: bytes
    params: dict[str, str]  # the query string and a form-encoded body, merged
    wire: str  # the protocol family the request shows: query, json or rest
    # The operation for the RPC protocols: `Action=` of query (STS, RDS, ELB, EC2...),
    # `X-Amz-Target: Prefix.Operation` of JSON. REST requests carry none ("" here):
    # hooks match them on method and path.
    operation: str

    @classmethod
    def parse(cls, method: str, path: str, headers: Message, body: bytes) -> Call:
        # `Credential=AKID/date/region/SERVICE/aws4_request`
        scope = (headers.get("Authorization", "").partition("Credential=")[2]
                 .split(",")[0].split("/"))
        params = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        if (headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            params.update(parse_qsl(body.decode(errors="replace"), keep_blank_values=True))
        if headers.get("X-Amz-Target"):
            wire, operation = "json", headers["X-Amz-Target"].rpartition(".")[2]
        elif "Action" in params:
            wire, operation = "query", params["Action"]
        else:
            wire, operation = "rest", ""
        return cls(scope[3] if len(scope) > 3 else "", method, path, headers, body, params,
                   wire, operation)

    @property
    def url_path(self) -> str:
        return urlsplit(self.path).path

    @functools.cached_property
    def protocol(self) -> str:
        return _protocol_of(self.service, self.wire)

    def error(self, code: str, message: str, status: int = 403) -> Reply:
        """An AWS error in the protocol botocore expects of this service, so botocore
        reads `code` as the error code."""
        protocol = self.protocol
        if protocol in ("json", "rest-json"):
            content_type = ("application/json" if protocol == "rest-json"
                            else "application/x-amz-json-1.1")
            return Reply(status, {"Content-Type": content_type, "x-amzn-ErrorType": code},
                         json.dumps({"__type": code, "message": message}).encode())
        error = f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        if protocol == "ec2":
            body = (f"<Response><Errors><Error>{error}</Error></Errors>"
                    "<RequestID>stand-in</RequestID></Response>")
        elif protocol == "rest-xml":  # S3's shape; botocore reads CloudFront's errors so too
            body = f"<Error>{error}<RequestId>stand-in</RequestId></Error>"
        else:
            assert protocol == "query", protocol  # STS, RDS, ELB, ...
            body = (f"<ErrorResponse><Error><Type>Sender</Type>{error}</Error>"
                    "<RequestId>stand-in</RequestId></ErrorResponse>")
        return Reply(status, {"Content-Type": "text/xml"}, body.encode())


# What AWS's services answer to a call the caller may not make, by protocol.
_ACCESS_DENIED = {"ec2": "UnauthorizedOperation", "query": "AccessDenied",
                  "rest-xml": "AccessDenied"}  # the JSON protocols: AccessDeniedException
# A hook answers a call itself or rewrites moto's answer (`forward()` asks moto);
# None lets the next hook, then moto, answer.
Hook = Callable[[Call, Callable[[], Reply]], Reply | None]
_DROP = Reply(0, {}, b"")  # no answer: the stand-in cuts the connection


class StandIn:
    """Loopback HTTP proxy in front of moto: forwards every call, except that it

    - denies (403 AccessDenied in the service's protocol) every call to a service in
      `deny`, every `service:Operation` in `deny_operations` (SigV4 service names; RPC
      protocols only, REST calls name no operation) and every call `deny_request` picks;
    - throttles the first `throttle_first` calls, then cuts the connection of the next
      `drop_first` without an answer;
    - lets each of `hooks` answer a call or rewrite moto's answer, where moto lacks an
      API or answers differently from AWS.

    It counts the requests per service (`requests`), keeps each (`calls`) and counts
    the answers it made up (`injected`, "service:code").
    """

    def __init__(self, upstream: str, *, deny: frozenset[str] = frozenset(),
                 deny_operations: Iterable[str] = (),
                 deny_request: Callable[[Call], bool] | None = None,
                 throttle_first: int = 0, drop_first: int = 0,
                 hooks: Sequence[Hook] = ()) -> None:
        self.upstream = urlsplit(upstream)
        assert self.upstream.hostname in LOOPBACK  # the stand-in only ever talks to moto
        self.deny = deny
        self.deny_operations = deny_operations  # may be changed while it runs
        self.deny_request = deny_request
        self.throttle_left = throttle_first
        self.drop_left = drop_first
        self.hooks = list(hooks)  # may be added to while it runs
        self.requests: Counter[str] = Counter()
        self.calls: list[Call] = []
        self.injected: Counter[str] = Counter()
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                call = Call.parse(self.command, self.path, self.headers,
                                  self.rfile.read(length) if length else b"")
                reply = stand_in._answer(call)
                if reply is None:  # cut the connection, as a network fault would
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding",
                                            "connection", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def deny_operations(self) -> frozenset[str]:
        return self._deny_operations

    @deny_operations.setter
    def deny_operations(self, entries: Iterable[str]) -> None:
        self._deny_operations = _checked_operations(frozenset(entries))

    def _answer(self, call: Call) -> Reply | None:
        """The answer to `call`; None: cut the connection."""
        fault = self._fault(call)
        if fault is not None:
            return None if fault is _DROP else fault
        for hook in self.hooks:
            reply = hook(call, lambda: self.forward(call))
            if reply is not None:
                return reply
        return self.forward(call)

    def _fault(self, call: Call) -> Reply | None:
        """The injected answer (`_DROP`: none, the connection is cut), or None."""
        service = call.service
        with self._lock:
            self.requests[service] += 1
            self.calls.append(call)
            if (service in self.deny or f"{service}:{call.operation}" in self.deny_operations
                    or (self.deny_request is not None and self.deny_request(call))):
                code = _ACCESS_DENIED.get(call.protocol, "AccessDeniedException")
                self.injected[f"{service}:{code}"] += 1
                return call.error(code, f"injected by the test stand-in: {code}")
            if self.throttle_left > 0:
                self.throttle_left -= 1
                code = {"ec2": "RequestLimitExceeded", "s3": "SlowDown"}.get(
                    service, "Throttling")
                self.injected[f"{service}:{code}"] += 1
                return call.error(code, "injected by the test stand-in: slow down",
                                  503 if service == "s3" else 400)
            if self.drop_left > 0:
                self.drop_left -= 1
                self.injected[f"{service}:dropped"] += 1
                return _DROP
        return None

    def forward(self, call: Call) -> Reply:
        """moto's answer to `call`."""
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                timeout=30)
        try:
            connection.request(call.method, call.path, body=call.body,
                               headers=dict(call.headers))
            response = connection.getresponse()
            return Reply(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _checked_operations(deny_operations: frozenset[str]) -> frozenset[str]:
    """Each `service:Operation` must name an RPC operation of a service signed so: a
    REST call names no operation, and a typo would deny nothing."""
    for entry in deny_operations:
        service, _, operation = entry.partition(":")
        signed = _services_signed_as().get(service, [])
        if not any(operation in operations and _WIRE.get(protocol) in ("query", "json")
                   for _, protocol, operations in signed):
            raise ValueError(f"{entry}: no service signed as {service!r} has an operation "
                             f"{operation!r} in an RPC protocol (a REST call names none: "
                             "match it with deny_request)")
    return deny_operations
