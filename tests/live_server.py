"""A real AWS API stand-in for the live-scan tests: moto's server mode on loopback.

- `moto_server` (session fixture): starts `python -m moto.server` on 127.0.0.1 and a
  free port, waits until it answers, points boto3 at it through AWS_ENDPOINT_URL with
  fake credentials, and stops it by its process id.
- A loopback guard on botocore's HTTP layer refuses any request to a host other than
  127.0.0.1 / localhost, for every client in the test process (the tests' own seeding
  clients and ephi-lint's): no test can reach real AWS, whatever a bug does.
- `FaultProxy`: a tiny loopback HTTP proxy in front of moto that answers AccessDenied
  or throttling for chosen services (read from the SigV4 credential scope) and counts
  the requests that reached it; used for the fault tests, which moto cannot simulate.
  Its `stand_in` answers the one call a test names where moto cannot answer as AWS does.
"""

from __future__ import annotations

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
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

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


# --- fault proxy ----------------------------------------------------------------------


def _service_of(headers: Any) -> str:
    """The signing service from `Credential=AKID/date/region/SERVICE/aws4_request`."""
    authorization = headers.get("Authorization", "")
    scope = authorization.partition("Credential=")[2].split(",")[0].split("/")
    return scope[3] if len(scope) > 3 else ""


def _error(service: str, json_protocol: bool, code: str, message: str) -> tuple[str, bytes]:
    if json_protocol:
        return ("application/x-amz-json-1.1",
                json.dumps({"__type": code, "message": message}).encode())
    if service == "s3":
        body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    elif service == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                "</Error></Errors><RequestID>fault-proxy</RequestID></Response>")
    else:  # the query protocol of RDS, STS, ...
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>fault-proxy</RequestId>"
                "</ErrorResponse>")
    return "text/xml", body.encode()


class FaultProxy:
    """Loopback HTTP proxy in front of moto that injects AWS errors per service."""

    def __init__(self, upstream: str, deny: frozenset[str] = frozenset(),
                 throttle_first: int = 0, drop_first: int = 0,
                 deny_request: Callable[[str, str, str], bool] | None = None,
                 stand_in: Callable[[str, str, str], tuple[int, str, bytes] | None]
                 | None = None) -> None:
        self.upstream = urlsplit(upstream)
        # (service, method, path with query) -> (status, content type, body) for a call
        # moto cannot answer as AWS does; None: forward to moto.
        self.stand_in = stand_in
        self.deny = deny  # SigV4 service names answered with AccessDenied
        # (service, method, path with query) -> True: answer that one request AccessDenied
        self.deny_request = deny_request
        self.throttle_left = throttle_first  # first N requests answered with throttling
        self.drop_left = drop_first  # then N requests whose connection is cut, unanswered
        self.requests: Counter[str] = Counter()  # service -> requests that reached us
        self.injected: Counter[str] = Counter()  # "service:error" -> injected answers
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # keep test output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                service = _service_of(self.headers)
                json_protocol = "json" in (self.headers.get("Content-Type") or "")
                fault = proxy._fault(service, self.command, self.path)
                if fault == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                answer = proxy.stand_in and proxy.stand_in(service, self.command, self.path)
                if answer:
                    status, content_type, payload = answer
                    self._reply(status, {"Content-Type": content_type}, payload)
                    return
                if fault is not None:
                    status, code = fault
                    content_type, payload = _error(service, json_protocol, code,
                                                   f"injected by the test proxy: {code}")
                    self._reply(status, {"Content-Type": content_type}, payload)
                    return
                status, headers, payload = proxy._forward(self.command, self.path,
                                                          dict(self.headers), body)
                self._reply(status, headers, payload)

            def _reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding",
                                            "connection", "server", "date"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _fault(self, service: str, method: str, path: str) -> tuple[int, str] | str | None:
        with self._lock:
            self.requests[service] += 1
            if service in self.deny or (self.deny_request is not None
                                        and self.deny_request(service, method, path)):
                code = "UnauthorizedOperation" if service == "ec2" else (
                    "AccessDenied" if service in ("s3", "rds") else "AccessDeniedException")
                self.injected[f"{service}:{code}"] += 1
                return 403, code
            if self.throttle_left > 0:
                self.throttle_left -= 1
                code = {"ec2": "RequestLimitExceeded", "s3": "SlowDown"}.get(
                    service, "Throttling")
                self.injected[f"{service}:{code}"] += 1
                return (503 if service == "s3" else 400), code
            if self.drop_left > 0:
                self.drop_left -= 1
                self.injected[f"{service}:dropped"] += 1
                return "drop"
        return None

    def _forward(self, method: str, path: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, dict[str, str], bytes]:
        assert self.upstream.hostname in LOOPBACK  # the proxy only ever talks to moto
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
