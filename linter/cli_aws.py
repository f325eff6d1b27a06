"""`ephi-lint aws`: judge what is deployed in an AWS account with the same rule catalogue.

Registered in linter/cli.py. This module imports neither boto3 nor linter.cli at import
time: the file scan stays light, and cli.py can import it without a cycle.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class LiveOutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class LiveSeverity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


def _split(values: list[str]) -> list[str]:
    """`--regions a,b --regions c` and `--regions a --regions b` mean the same."""
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def aws(
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Named profile from the AWS config files.")] = None,
    regions: Annotated[list[str] | None, typer.Option(
        "--regions", help="Comma-separated regions, or `all` for every enabled region "
                          "(default: the profile's region).")] = None,
    services: Annotated[list[str] | None, typer.Option(
        "--services", help="Comma-separated services to read (default: every service a "
                           "selected rule judges).")] = None,
    output_format: Annotated[LiveOutputFormat, typer.Option(
        "--format", "-f")] = LiveOutputFormat.text,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the report to FILE instead of stdout.")] = None,
    org_role: Annotated[str | None, typer.Option(
        "--org-role", help="Scan the organization's accounts through this role, assumed "
                           "in each (arn:aws:iam::ACCOUNT:role/ROLE_NAME).")] = None,
    accounts: Annotated[list[str] | None, typer.Option(
        "--accounts", help="With --org-role: comma-separated account ids (default: every "
                           "ACTIVE account of the organization).")] = None,
    max_workers: Annotated[int, typer.Option(
        "--max-workers", min=1, max=64,
        help="Accounts, services and regions read at the same time.")] = 8,
    severity_threshold: Annotated[LiveSeverity, typer.Option(
        "--severity-threshold",
        help="Report and fail only on findings of this severity or higher.")] = LiveSeverity.low,
    rules_dirs: Annotated[list[Path] | None, typer.Option(
        "--rules", help="Extra rule directory (repeatable).")] = None,
    include_rules: Annotated[list[str] | None, typer.Option(
        "--include-rule", help="Run only these rule ids (glob, repeatable).")] = None,
    exclude_rules: Annotated[list[str] | None, typer.Option(
        "--exclude-rule", help="Skip these rule ids (glob, repeatable).")] = None,
    fail_on_unknown: Annotated[bool, typer.Option(
        "--fail-on-unknown", help="Exit 1 when a setting cannot be decided.")] = False,
    sarif_category: Annotated[str | None, typer.Option(
        "--sarif-category", help="SARIF runAutomationDetails.id.")] = None,
    templates: Annotated[Path | None, typer.Option(
        "--templates", exists=True, help="Directory of the CloudFormation templates: "
        "resources tagged aws:cloudformation:logical-id point at the line that "
        "declared them.")] = None,
) -> None:
    """Scan a live AWS account, read-only, with the same rules as the file scan."""
    from linter.cli import _fail, _load_rules, _write

    try:
        import boto3  # noqa: F401 - only to give a clear message when it is missing
    except ImportError:
        raise _fail("the aws command needs boto3: pip install 'ephi-lint[aws]'") from None
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from linter.live.progress import ScanProgress, summary
    from linter.live.scan import LiveScanRequest, run_live_scan
    from linter.live.services import SERVICES, selected_services
    from linter.report import ScanReport

    rules = _load_rules(rules_dirs or [], include_rules or [], exclude_rules or [])
    service_names = [name.lower() for name in _split(services or [])]
    unknown = sorted(set(service_names) - set(SERVICES))
    if unknown:
        raise _fail(f"--services: unknown service {', '.join(unknown)} "
                    f"(known: {', '.join(sorted(SERVICES))})")
    if not selected_services(rules, service_names or None):
        raise _fail("no selected rule judges the selected services: nothing would be assessed")
    account_ids = _split(accounts or [])
    if account_ids and not org_role:
        raise _fail("--accounts needs --org-role: the role to assume in each account")
    malformed = [account for account in account_ids
                 if not (account.isdigit() and len(account) == 12)]
    if malformed:
        raise _fail(f"--accounts: not a 12-digit account id: {', '.join(malformed)}")
    progress = ScanProgress()
    request = LiveScanRequest(rules=rules, regions=_split(regions or []) or None,
                              services=service_names or None, profile=profile,
                              max_workers=max_workers)
    if templates is not None:
        from linter.live.templates import load_templates

        request.templates = load_templates(templates)
    try:
        from linter.live.session import LiveSession

        session = LiveSession(profile, max_pool=max(10, max_workers))
        with progress:
            if org_role:
                from linter.live.accounts import run_org_scan

                result = run_org_scan(request, org_role, account_ids or None,
                                      progress.for_account, session)
            else:
                request.progress = progress.for_account(session.account_id())
                result = run_live_scan(request, session)
    except NoCredentialsError:
        raise _fail("no AWS credentials found (environment, --profile, SSO, instance "
                    "role)") from None
    except (ClientError, BotoCoreError) as error:
        # Only the account lookup, the organization's account list and the region list
        # can fail here: without them there is nothing to scan.
        raise _fail(f"cannot start the AWS scan: {error}") from None
    report = ScanReport(result, severity_threshold.value, fail_on_unknown)
    if output_format is LiveOutputFormat.sarif:
        from linter.report import sarif

        rendered = sarif.render(report, Path.cwd(), sarif_category or "ephi-lint-aws")
    elif output_format is LiveOutputFormat.json:
        from linter.report import json_format

        rendered = json_format.render(report)
    else:
        from linter.report import text

        rendered = text.render(report, colour=output is None and sys.stdout.isatty())
    _write(rendered, output)
    typer.echo(summary(result), err=True)
    if output is not None or output_format is not LiveOutputFormat.text:
        from linter.report.text import summary

        typer.echo(summary(report), err=True)
    raise typer.Exit(report.exit_code)
