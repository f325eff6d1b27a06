"""Collectors read one service in one region into Records; adapters/aws_live builds models.

A collector makes only List/Describe/Get-metadata calls (the guard enforces it), uses a
paginator wherever the API has one, and skips the optional per-resource calls that no
selected rule needs. A denied per-resource call does not stop the service: the record
remembers it (the fields it feeds become UNKNOWN) and the scan reports it as an error.

Every collector module declares `SERVICES`, the `--services` it reads, each with the
models it yields and the calls each field needs (linter.live.services collects them by
listing the modules, as the adapters collect `BUILDERS`). Every call a collector makes
must also be on the one audited allow-list, linter/live/allowlist.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

# Error codes that mean "the caller may not do this" across AWS protocols.
DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "AuthorizationErrorException", "Forbidden", "ForbiddenException",
    "AuthFailure",
})
# Error codes that mean "this service or region is not available to the account".
UNAVAILABLE_CODES = frozenset({
    "OptInRequired", "UnrecognizedClientException", "InvalidClientTokenId",
    "SubscriptionRequiredException", "UnsupportedOperation",
})


# operation -> (model, the fields it feeds; empty: every field of the model)
Needs = dict[str, tuple[str, frozenset[str]]]
ALL_FIELDS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Service:
    """One `--services` name: what it reads and which selected rules make it worth reading."""

    name: str
    needs: Needs
    collect: Callable[..., list[Record]]  # (CollectContext, RegionState) -> Records
    # A global service (CloudFront) is read once per account through this Region's
    # endpoint, and its resources are reported under the Region name "global".
    home_region: str = ""
    # The boto3 client whose Regions say where the service is offered (default: name).
    client: str = ""
    models: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", tuple(sorted({m for m, _ in self.needs.values()})))
        object.__setattr__(self, "client", self.client or self.name)


def plain(collect: Callable[[CollectContext], list[Record]]) -> Callable[..., list[Record]]:
    """A collector that needs nothing from the Region beyond its clients."""
    def run(context: CollectContext, _: Any) -> list[Record]:
        return collect(context)
    return run


@dataclass
class Record:
    """What the API said about one resource, by operation name."""

    kind: str  # the builder that reads it: "s3.bucket", "ec2.volume", ...
    api: str  # the IAM service prefix shown in field attributes: "s3", "ec2", "es"
    name: str  # the resource's name or id, last part of its virtual path
    arn: str
    data: dict[str, Any] = field(default_factory=dict)  # operation -> response part
    # operation -> why its answer is missing (denied): the fields it feeds are UNKNOWN.
    unreadable: dict[str, str] = field(default_factory=dict)
    # operations deliberately not called (no selected rule needs them)
    skipped: set[str] = field(default_factory=set)


@dataclass
class Denial:
    """An API call the scan's credentials were refused, named in the report."""

    service: str
    operation: str
    code: str
    resource: str


class ServiceUnavailable(Exception):
    """The service cannot be read in this region (not offered, not enabled)."""


@dataclass
class CollectContext:
    """What a collector needs: clients for its region, and what the rules ask for."""

    client_for: Callable[[str], Any]  # boto3 client name -> guarded client in this region
    account: str
    region: str
    operations: frozenset[str]  # optional operations some selected rule needs
    # `--templates` was given: read tags where only a separate call returns them (S3).
    anchoring: bool = False
    denials: list[Denial] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wants(self, operation: str) -> bool:
        return operation in self.operations

    def call(self, record: Record, service: str, operation: str,
             method: Callable[..., Any], absent_codes: tuple[str, ...] = (),
             **arguments: Any) -> Any:
        """A per-resource call: its answer, None when the setting is absent, or None with
        the record marked unreadable when the call is denied."""
        try:
            return method(**arguments)
        except ClientError as error:
            code = error_code(error)
            if code in absent_codes:
                return None
            if code in DENIED_CODES:
                record.unreadable[operation] = f"{service}:{operation} was denied ({code})"
                with self._lock:
                    self.denials.append(Denial(service, operation, code, record.name))
                return None
            raise


    def describe(self, record: Record, service: str, operation: str,
                 method: Callable[..., Any], key: str = "",
                 gone: tuple[str, ...] = ("ResourceNotFoundException",),
                 **arguments: Any) -> bool:
        """Keep `operation`'s answer (under `key`, or all of it) about a listed resource.

        False when the resource was deleted since it was listed (`gone` codes: it is not
        reported); a denied call keeps the resource, with the fields it feeds UNKNOWN.
        """
        response = self.call(record, service, operation, method, gone, **arguments)
        if response is None:
            return operation in record.unreadable
        response.pop("ResponseMetadata", None)
        record.data[operation] = response[key] if key else response
        return True


def error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def paginate(client: Any, method: str, key: str, **arguments: Any) -> Iterator[Any]:
    """Every item under `key` across all pages (the API's own paginator)."""
    for page in client.get_paginator(method).paginate(**arguments):
        yield from page.get(key, [])


def pages_by_token(method: Callable[..., Any], key: str, **arguments: Any) -> Iterator[Any]:
    """Every item under `key`, for the APIs that page by NextToken without a paginator."""
    while True:
        page = method(**arguments)
        yield from page.get(key, [])
        if not page.get("NextToken"):
            return
        arguments["NextToken"] = page["NextToken"]


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn(context: CollectContext, service: str, resource: str, *, regional: bool = True,
        with_account: bool = True) -> str:
    region = context.region if regional else ""
    account = context.account if with_account else ""
    return f"arn:{partition(context.region)}:{service}:{region}:{account}:{resource}"
