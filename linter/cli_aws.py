"""`ephi-lint aws`: judge what is deployed in an AWS account with the same rule catalogue.

Registered in linter/cli.py. This module imports neither boto3 nor linter.cli at import
time: the file scan stays light, and cli.py can import it without a cycle. The options'
machinery is linter.cli_options, shared with `scan`; so are the configuration file, the
exceptions (linter.suppress.Policy), the baseline (linter.cli_run) and the outputs
(linter.cli_output.write_reports), so a live scan is suppressed and reported as a file
scan is. With --templates or --terraform-state, the DRF rules compare what runs with
what is declared (linter.live.drift).
"""

from __future__ import annotations

import io
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from linter.cli_options import environment_lists, load_rules, option, set_debug, split_list
from linter.cli_output import fail


class LiveOutputFormat(str, Enum):
    """Every format `scan` writes (linter.report.outputs.FORMATS)."""

    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"
    gitlab_sast = "gitlab-sast"


class LiveSeverity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


AWS_EPILOG = """\b
Examples:
  ephi-lint aws --regions us-east-1,eu-west-1 -f sarif -o live.sarif
  ephi-lint aws --regions all --services s3,rds,kms,cloudtrail
  ephi-lint aws --org-role ephi-lint-scan --regions all --shard 2/4
  ephi-lint aws --templates infra/ -o sarif=live.sarif -o json=live.json -o text
  ephi-lint aws --terraform-state terraform.tfstate --include-rule 'DRF-*'
  ephi-lint aws --config .ephi-lint.yaml --baseline accepted.sarif --soft-fail

\b
Every option can also be set as EPHI_LINT_<OPTION> (EPHI_LINT_REGIONS=all);
the command line wins. The nearest .ephi-lint.yaml (from the working
directory up) applies as for `scan`: its waivers match ARNs, ARN globs and
tags. Exit codes: 0 clean, 1 findings (0 with --soft-fail), 2 any error.
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
        help="Write the --format report to FILE, or FORMAT=FILE (repeatable: several "
             "outputs in one run; FORMAT alone, FORMAT=- or - is standard output).")] = None,
    org_role: Annotated[str | None, option(
        "--org-role", help="Scan the organization's accounts through this role, assumed "
                           "in each (arn:aws:iam::ACCOUNT:role/ROLE_NAME).")] = None,
    accounts: Annotated[list[str] | None, option(
        "--accounts", help="With --org-role: comma-separated account ids (default: every "
                           "ACTIVE account of the organization).")] = None,
    max_workers: Annotated[int, option(
        "--max-workers", min=1, max=64,
        help="Accounts, services and regions read at the same time.")] = 8,
    shard: Annotated[str | None, option(
        "--shard", metavar="K/N",
        help="Read only shard K of N of the account x Region x service units (default: "
             "JOB_COMPLETION_INDEX in a Kubernetes Indexed Job); combine the SARIF outputs "
             "with `ephi-lint merge`.")] = None,
    severity_threshold: Annotated[LiveSeverity | None, option(
        "--severity-threshold",
        help="Report and fail only on findings of this severity or higher (default: the "
             "config's, else low).")] = None,
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
    soft_fail: Annotated[bool | None, option(
        "--soft-fail/--no-soft-fail",
        help="Findings do not fail the run (exit 0); an error still exits 2 (default: the "
             "config's soft_fail, else off).")] = None,
    config_path: Annotated[Path | None, option(
        "--config", help="Configuration file (default: the nearest .ephi-lint.yaml in the "
                         "working directory or above).")] = None,
    no_config: Annotated[bool, option(
        "--no-config", help="Ignore .ephi-lint.yaml files.")] = False,
    baseline: Annotated[Path | None, option(
        "--baseline", help="SARIF file of accepted findings: report only new ones.")] = None,
    update_baseline: Annotated[bool, option(
        "--update-baseline",
        help="Add this scan's findings to the --baseline file (created if missing; kept "
             "findings stay).")] = False,
    sarif_category: Annotated[str | None, option(
        "--sarif-category", help="SARIF runAutomationDetails.id.")] = None,
    sarif_omit_suppressed: Annotated[bool | None, option(
        "--sarif-omit-suppressed/--sarif-keep-suppressed",
        help="Leave suppressed results out of the SARIF file (default: the config's "
             "sarif_omit_suppressed, else kept).")] = None,
    templates: Annotated[Path | None, option(
        "--templates", exists=True, help="Directory of the CloudFormation templates: "
        "resources tagged aws:cloudformation:logical-id point at the line that "
        "declared them, and the DRF rules compare each with its declaration.")] = None,
    terraform_state: Annotated[Path | None, option(
        "--terraform-state", exists=True, dir_okay=False, metavar="FILE",
        help="terraform.tfstate or `terraform show -json` output: the DRF rules compare "
             "each live resource with the state's declaration and list the ePHI stores "
             "no declaration covers.")] = None,
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

    from linter.cli_output import write_reports
    from linter.cli_run import load_configuration, read_baseline
    from linter.cli_run import update_baseline as add_to_baseline
    from linter.live.progress import ScanProgress, summary
    from linter.live.scan import LiveScanRequest, LiveScanResult, resolve_shard, run_live_scan
    from linter.live.services import SERVICES, selected_services
    from linter.report import ScanReport
    from linter.report.outputs import RenderOptions, parse_targets, use_colour
    from linter.suppress import Policy

    try:
        targets = parse_targets(output_format.value, outputs or [],
                                tuple(item.value for item in LiveOutputFormat))
        # The option, else EPHI_LINT_SHARD, else an Indexed Job's JOB_COMPLETION_INDEX with
        # EPHI_LINT_SHARD_TOTAL: a malformed one is a usage error, before any AWS call.
        resolve_shard(shard)
    except ValueError as error:
        raise fail(str(error)) from None
    known = read_baseline(baseline, update_baseline)
    config = load_configuration(config_path, no_config, [])
    # Drift reads a checkout (templates, a state file): a compiled catalogue or source
    # index planted in it must not be read, as for `scan`.
    from linter.catalogue import refuse_inside

    refuse_inside([path for path in (templates, terraform_state) if path is not None])
    rules = load_rules(rules_dirs or [], split_list(include_rules) or list(config.enable),
                       [*split_list(exclude_rules), *config.disable])
    declarations, read_rules = _drift_inputs(rules, templates, terraform_state, rules_dirs)
    service_names = [name.lower() for name in split_list(services or [])]
    unknown = sorted(set(service_names) - set(SERVICES))
    if unknown:
        raise fail(f"--services: unknown service {', '.join(unknown)} "
                   f"(known: {', '.join(sorted(SERVICES))})")
    if not selected_services(read_rules, service_names or None):
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
    request = LiveScanRequest(rules=read_rules, regions=split_list(regions or []) or None,
                              services=service_names or None, profile=profile,
                              max_workers=max_workers, shard=shard)
    if templates is not None:
        from linter.live.templates import load_templates

        request.templates = load_templates(templates)
    elif any(waiver.tags for waiver in config.waivers):
        from linter.live.templates import TemplateIndex

        # An empty index: nothing is anchored, but the scan reads the tags that only a
        # separate call returns (S3) and the index keeps each resource's tags for them.
        request.templates = TemplateIndex()
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
    if declarations is not None:
        from linter.live.drift import drift_outcomes

        result.outcomes = [*result.outcomes, *drift_outcomes(result, declarations, rules)]
    # Rules read only so that drift has the live settings to compare report nothing.
    selected = {rule.id for rule in rules}
    result.outcomes = [outcome for outcome in result.outcomes if outcome.rule.id in selected]
    result.rules = rules
    index = request.templates
    sharded = shard is not None or getattr(result, "shard", None) is not None
    policy = Policy(config, Path.cwd(), selected, report_unused_waivers=not sharded,
                    tags_of=index.tags_of if index is not None else None)
    result.outcomes = policy.apply(result.outcomes, list(index.files) if index else [])
    report = ScanReport(result, severity_threshold.value if severity_threshold
                        else config.severity_threshold or "low", fail_on_unknown,
                        notices=policy.notices, baseline=known,
                        soft_fail=config.soft_fail if soft_fail is None else soft_fail,
                        include_passed=include_passed)
    category = sarif_category or "ephi-lint-aws"
    if update_baseline and baseline is not None:  # a baseline carries no provenance
        report.baseline = add_to_baseline(baseline, report, Path.cwd(), category)
    report.provenance = _live_provenance(started, result, rules_dirs or [], session.caller_arn)
    options = RenderOptions(
        root=Path.cwd(), category=category, colour=use_colour(color, sys.stdout), quiet=quiet,
        omit_suppressed=config.sarif_omit_suppressed if sarif_omit_suppressed is None
        else sarif_omit_suppressed)
    if not quiet:
        typer.echo(summary(result), err=True)
    write_reports(targets, report, options, quiet)
    raise typer.Exit(report.exit_code)


def _drift_inputs(rules: list[Any], templates: Path | None, state: Path | None,
                  rules_dirs: list[Path] | None) -> tuple[Any, list[Any]]:
    """(the declarations to compare with, the rules the scan reads with): with
    --templates or --terraform-state and a DRF rule selected, the scan also reads the
    settings drift compares, with rules whose findings are then left out."""
    from linter.live.drift import DRIFT_PREFIX

    drift_rules = [rule for rule in rules if rule.id.startswith(DRIFT_PREFIX)]
    if templates is None and state is None:
        if drift_rules and len(drift_rules) == len(rules):
            raise fail("the DRF rules compare the account with its declarations: give "
                       "--templates DIR or --terraform-state FILE")
        return None, rules
    if not drift_rules:
        return None, rules
    from linter.live.drift import DriftInputError, load_declarations, reading_rules

    try:
        declarations = load_declarations(templates, state, Path.cwd())
    except DriftInputError as error:
        raise fail(str(error)) from None
    return declarations, reading_rules(rules, load_rules(rules_dirs or [], [], []))


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
    shard = getattr(result, "shard", None)
    if shard is not None:  # the SARIF invocation's `live` properties carry the manifest
        live["shard"] = shard.as_json()
    return collect(started=started, finished=utc_now(), roots=[], inputs=[],
                   rule_directories=[catalogue_directory("rules"), *rules_dirs],
                   argv=["ephi-lint", *sys.argv[1:]], display_root=Path.cwd(), live=live)
