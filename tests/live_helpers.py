"""What every live-scan test does with moto (tests/live_server.py): scan through a
`StandIn`, run `ephi-lint aws` in-process, read its JSON and its findings."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from tests.live_server import MotoServer, StandIn


@contextmanager
def through_stand_in(moto_server: MotoServer, *,
                     endpoints: Sequence[str] = ("AWS_ENDPOINT_URL",),
                     **options: Any) -> Iterator[StandIn]:
    """A `StandIn` in front of `moto_server` (`options`: StandIn's keywords), with boto3
    pointed at it through each variable of `endpoints` (AWS_ENDPOINT_URL: every service;
    AWS_ENDPOINT_URL_<SERVICE>: that service only) until the block ends; then closed."""
    proxy = StandIn(moto_server.url, **options)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for variable in endpoints:
                patch.setenv(variable, proxy.url)
            yield proxy
    finally:
        proxy.close()


def run_aws(*args: str, rules: Sequence[str]) -> Any:
    """`ephi-lint aws ARGS` with `--include-rule` for each of `rules`, in-process, on an
    app that holds only the aws command."""
    import typer
    from typer.testing import CliRunner

    from linter.cli_aws import aws

    app = typer.Typer()
    app.command("aws")(aws)
    app.command("version")(lambda: None)  # two commands: the name `aws` is required
    rule_options = [part for rule in rules for part in ("--include-rule", rule)]
    return CliRunner().invoke(app, ["aws", *args, *rule_options])


def scan_json(regions: str, *, rules: Sequence[str], services: str | None = None,
              exit_codes: Collection[int] = (1,)) -> dict[str, Any]:
    """The JSON document of `ephi-lint aws --regions REGIONS [--services SERVICES]
    --format json` with `rules`, once its exit code is one of `exit_codes` (stderr shown
    if not) and, unless exit code 2 (errors) is among them, it lists no problems."""
    selected = ("--services", services) if services is not None else ()
    result = run_aws("--regions", regions, *selected, "--format", "json", rules=rules)
    assert result.exit_code in exit_codes, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    if 2 not in exit_codes:
        assert document["problems"] == []
    return document


def findings(document: dict[str, Any], *, attribute: bool = True) -> set[tuple[str, ...]]:
    """A JSON document's findings as (rule, status, resource, attribute) tuples, or
    (rule, status, resource) ones with attribute=False."""
    if not attribute:
        return {(item["rule"], item["status"], item["resource"])
                for item in document["findings"]}
    return {(item["rule"], item["status"], item["resource"], item["attribute"])
            for item in document["findings"]}
