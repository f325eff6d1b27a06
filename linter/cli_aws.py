"""`ephi-lint aws`: judge what is deployed in an AWS account with the same rule catalogue.

Registered in linter/cli.py. This module imports neither boto3 nor linter.cli at import
time: the file scan stays light, and cli.py can import it without a cycle. The options'
machinery is linter.cli_options, shared with `scan`.
"""

from __future__ import annotations

import io
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from linter.cli_options import environment_lists, load_rules, option, set_debug, split_list
from linter.cli_output import fail, write


class LiveOutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class LiveSeverity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


AWS_EPILOG = """\b
Examples:
  ephi-lint aws --regions us-east-1,eu-west-1 -f sarif -o live.sarif
  ephi-lint aws --regions all --services s3,rds,kms,cloudtrail
  ephi-lint aws --org-role ephi-lint-scan --regions all
  ephi-lint aws --templates infra/ -o sarif=live.sarif -o text

\b
Every option can also be set as EPHI_LINT_<OPTION> (EPHI_LINT_REGIONS=all);
the command line wins. Exit codes: 0 clean, 1 findings, 2 any error.
"""


@environment_lists
def aws(
    context: typer.Context,
    profile: Annotated[str | None, option(
        "--profile", help="Named profile from the AWS config files.")] = None,
    regions: Annotated[list[str] | None, option(
        "--regions", help="Comma-separated regions, or `all` for every enabled region "
                          "(default: the profile's region).")] = None,
    services: Annotated[list[str] | None, option(
        "--services", help="Comma-separated services to read (default: every service a "
                           "selected rule judges).")] = None,
    output_format: Annotated[LiveOutputFormat, option(
        "--format", "-f")] = LiveOutputFormat.text,
    outputs: Annotated[list[str] | None, option(
        "--output", "-o", metavar="[FORMAT=]FILE|FORMAT",
        help="Write the --format report to FILE, or FORMAT=FILE (repeatable; FORMAT alone, "
             "FORMAT=- or - is standard output).")] = None,
    org_role: Annotated[str | None, option(
        "--org-role", help="Scan the organization's accounts through this role, assumed "
                           "in each (arn:aws:iam::ACCOUNT:role/ROLE_NAME).")] = None,
    accounts: Annotated[list[str] | None, option(
        "--accounts", help="With --org-role: comma-separated account ids (default: every "
                           "ACTIVE account of the organization).")] = None,
    max_workers: Annotated[int, option(
        "--max-workers", min=1, max=64,
        help="Accounts, services and regions read at the same time.")] = 8,
    severity_threshold: Annotated[LiveSeverity, option(
        "--severity-threshold",
        help="Report and fail only on findings of this severity or higher.")] = LiveSeverity.low,
    rules_dirs: Annotated[list[Path] | None, option(
        "--rules", help="Extra rule directory (repeatable).")] = None,
    include_rules: Annotated[list[str] | None, option(
        "--include-rule", help="Run only these rule ids (glob, repeatable or "
                               "comma-separated).")] = None,
    exclude_rules: Annotated[list[str] | None, option(
        "--exclude-rule", help="Skip these rule ids (glob, repeatable or "
                               "comma-separated).")] = None,
    fail_on_unknown: Annotated[bool, option(
        "--fail-on-unknown", help="Exit 1 when a setting cannot be decided.")] = False,
    soft_fail: Annotated[bool, option(
        "--soft-fail", help="Findings do not fail the run (exit 0); an error still "
                            "exits 2.")] = False,
    sarif_category: Annotated[str | None, option(
        "--sarif-category", help="SARIF runAutomationDetails.id.")] = None,
    templates: Annotated[Path | None, option(
        "--templates", exists=True, help="Directory of the CloudFormation templates: "
        "resources tagged aws:cloudformation:logical-id point at the line that "
        "declared them.")] = None,
    color: Annotated[bool | None, option(
        "--color/--no-color", help="Colour text output (default: on a terminal, unless "
                                   "NO_COLOR is set; FORCE_COLOR forces it).")] = None,
    quiet: Annotated[bool, option(
        "--quiet", "-q", help="Only findings and errors: no progress, no summary.")] = False,
    debug: Annotated[bool, option(
        "--debug", help="Print the traceback of an internal error.")] = False,
    include_passed: Annotated[bool, option(
        "--include-passed", help="JSON: add the inventory of every outcome, passed checks "
                                 "included (for `ephi-lint report`).")] = False,
) -> None:
    """Scan a live AWS account, read-only, with the same rules as the file scan."""
    from linter.provenance import utc_now

    set_debug(debug)
    started = utc_now()
    try:
        import boto3  # noqa: F401 - only to give a clear message when it is missing
    except ImportError:
        raise fail("the aws command needs boto3: pip install 'ephi-lint[aws]'") from None
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    from linter.live.progress import ScanProgress, summary
    from linter.live.scan import LiveScanRequest, LiveScanResult, run_live_scan
    from linter.live.services import SERVICES, selected_services
    from linter.report import ScanReport
    from linter.report.outputs import RenderOptions, parse_targets, render, use_colour

    try:
        targets = parse_targets(output_format.value, outputs or [],
                                tuple(item.value for item in LiveOutputFormat))
    except ValueError as error:
        raise fail(str(error)) from None
    rules = load_rules(rules_dirs or [], split_list(include_rules), split_list(exclude_rules))
    service_names = [name.lower() for name in split_list(services or [])]
    unknown = sorted(set(service_names) - set(SERVICES))
    if unknown:
        raise fail(f"--services: unknown service {', '.join(unknown)} "
                   f"(known: {', '.join(sorted(SERVICES))})")
    if not selected_services(rules, service_names or None):
        raise fail("no selected rule judges the selected services: nothing would be assessed")
    account_ids = split_list(accounts or [])
    if account_ids and not org_role:
        raise fail("--accounts needs --org-role: the role to assume in each account")
    malformed = [account for account in account_ids
                 if not (account.isdigit() and len(account) == 12)]
    if malformed:
        raise fail(f"--accounts: not a 12-digit account id: {', '.join(malformed)}")
    # Quiet: the progress lines are kept from the terminal (the report still lists what
    # could not be assessed).
    progress = ScanProgress(io.StringIO() if quiet else None)
    request = LiveScanRequest(rules=rules, regions=split_list(regions or []) or None,
                              services=service_names or None, profile=profile,
                              max_workers=max_workers)
    if templates is not None:
        from linter.live.templates import load_templates

        request.templates = load_templates(templates)
    try:
        from linter.live.session import LiveSession

        session = LiveSession(profile, max_pool=max(10, max_workers))
        result: LiveScanResult  # an OrgScanResult for an organization scan
        with progress:
            if org_role:
                from linter.live.accounts import run_org_scan

                result = run_org_scan(request, org_role, account_ids or None,
                                      progress.for_account, session)
            else:
                request.progress = progress.for_account(session.account_id())
                result = run_live_scan(request, session)
    except NoCredentialsError:
        raise fail("no AWS credentials found (environment, --profile, SSO, instance "
                   "role)") from None
    except (ClientError, BotoCoreError) as error:
        # Only the account lookup, the organization's account list and the region list
        # can fail here: without them there is nothing to scan.
        raise fail(f"cannot start the AWS scan: {error}") from None
    report = ScanReport(result, severity_threshold.value, fail_on_unknown, soft_fail=soft_fail,
                        include_passed=include_passed)
    report.provenance = _live_provenance(started, result, rules_dirs or [], session.caller_arn)
    options = RenderOptions(root=Path.cwd(), category=sarif_category or "ephi-lint-aws",
                            colour=use_colour(color, sys.stdout), quiet=quiet)
    for target in targets:
        write(render(target, report, options), target.path)
    if not quiet:
        typer.echo(summary(result), err=True)
        if not any(target.format == "text" and target.path is None for target in targets):
            from linter.report.text import summary as scan_summary

            typer.echo(scan_summary(report), err=True)
    raise typer.Exit(report.exit_code)


def _live_provenance(started: Any, result: Any, rules_dirs: list[Path],
                     caller_arn: str | None) -> dict[str, Any]:
    """When, by which rules, in which account and Regions, as whom (linter.provenance):
    the live counterpart of a file scan's inputs and commits. `caller_arn` is None when
    the scan never asked GetCallerIdentity (an organization scan)."""
    from linter.engine import catalogue_directory
    from linter.provenance import collect, live_context, utc_now
    from linter.report.json_format import live_summary

    # The caller's ARN comes with the account id's GetCallerIdentity: no extra STS call.
    live = live_context(account_id=getattr(result, "account", "") or None,
                        caller_arn=caller_arn,
                        regions=list(result.regions),
                        services=live_summary(result)["services"])
    return collect(started=started, finished=utc_now(), roots=[], inputs=[],
                   rule_directories=[catalogue_directory("rules"), *rules_dirs],
                   argv=["ephi-lint", *sys.argv[1:]], display_root=Path.cwd(), live=live)
