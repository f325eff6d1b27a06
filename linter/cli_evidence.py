"""The compliance officer's commands: `ephi-lint report` and `ephi-lint evidence ...`.

`report` turns scan JSON files (files and accounts together) into one self-contained
HTML page, its figures recomputed from each scan's inventory; `evidence` signs the
outputs into a bundle an auditor can verify later and compares two bundles.

Registered in linter/cli.py with register(app), whose main() is the last guard for these
commands too. Like linter.cli_aws, this module imports only typer at import
time. Exit codes as for the rest of the CLI: 0 done (or verified), 1 a bundle that does
not verify, 2 an error (a missing or malformed file, a key that cannot be used), always
one line on stderr and never a traceback.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

# A scan JSON is read whole into memory: far above any real scan, far below harm.
MAX_SCAN_JSON_BYTES = 256 * 1024 * 1024
# The members `evidence create` takes by option, under the names an auditor expects.
NAMED_MEMBERS = (("sarif", "results.sarif"), ("json", "results.json"),
                 ("html", "report.html"))
# What the coverage figures read from each inventory row (linter.metrics.inventory_json).
_ROW_STRINGS = ("rule", "category", "status", "resource", "resource_type", "format",
                "scope", "file", "root")
_ROW_STATUSES = ("pass", "fail", "unknown", "error")


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add `report` and the `evidence` group to the main app."""
    app.command("report")(report)
    evidence_app = typer.Typer(help="Signed evidence bundles: create, verify, compare.",
                               no_args_is_help=True)
    evidence_app.command("keygen")(keygen)
    evidence_app.command("create")(create)
    evidence_app.command("verify")(verify)
    evidence_app.command("diff")(diff)
    app.add_typer(evidence_app, name="evidence")


def _fail(message: str) -> typer.Exit:
    # One line: a multi-line reason (a bundle's failures, one `  - ` line each) is
    # joined, not cut.
    flat = "; ".join(line.strip().removeprefix("- ") for line in message.splitlines()
                     if line.strip())
    typer.echo(f"ephi-lint: error: {flat}", err=True)
    return typer.Exit(2)


# --- report --------------------------------------------------------------------------


def report(
    scans: Annotated[list[Path], typer.Argument(
        help="Scan JSON files (`ephi-lint scan --format json --include-passed`); several "
             "make one report (files and AWS accounts together).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML report to write.")],
    markdown: Annotated[Path | None, typer.Option(
        "--markdown", help="Also write the figures as Markdown (a CI job summary).")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", metavar="YYYY-MM-DD",
        help="The date exceptions are judged against (default: today).")] = None,
) -> None:
    """Write the compliance officer's HTML report from scan JSON files.

    Coverage per HIPAA section, open findings with fixes, the exceptions register and
    provenance, counted from the scans' inventories."""
    from linter.discover import crash_summary
    from linter.report.html import render_html, render_markdown_summary

    as_of = _date(today)
    documents = [read_scan(path) for path in scans]
    try:
        html = render_html(documents, today=as_of)
        summary = render_markdown_summary(documents, today=as_of) if markdown else ""
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        # A document that passed read_scan's checks but holds a value of the wrong type
        # deeper down (hand-edited provenance, findings): named, never a traceback.
        raise _fail("cannot build the report from these scan JSON files (a value of the "
                    f"wrong type: {crash_summary(error)})") from None
    _write(output, html)
    if markdown is not None:
        _write(markdown, summary)
    typer.echo(f"{output}: report of {len(documents)} scan"
               f"{'s' if len(documents) != 1 else ''}", err=True)


def _date(text: str | None) -> datetime.date:
    if text is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--today {text!r}: expected a date as YYYY-MM-DD") from None


def read_scan(path: Path) -> dict[str, Any]:
    """A scan JSON the report can count from, or exit 2 saying what is wrong with it."""
    data = _read_file(path, MAX_SCAN_JSON_BYTES)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        reason = (error.msg if isinstance(error, json.JSONDecodeError)
                  else "nested too deeply" if isinstance(error, RecursionError)
                  else "not UTF-8 text")
        raise _fail(f"{path}: not JSON ({reason})") from None
    if not isinstance(document, dict) or document.get("tool") != "ephi-lint":
        raise _fail(f"{path}: not an ephi-lint scan JSON (write one with `ephi-lint scan "
                    "--format json --include-passed`)")
    if "inventory" not in document:
        raise _fail(f"{path}: this scan JSON has no `inventory`, the passed checks the "
                    "coverage figures are counted from: scan again with --include-passed")
    problem = document_problem(document)
    if problem:
        raise _fail(f"{path}: {problem}")
    return document


def document_problem(document: Mapping[str, Any]) -> str | None:
    """Why a scan JSON cannot be counted (hand-edited, truncated, another tool's), or None."""
    rows = document.get("inventory")
    if not isinstance(rows, list):
        return "`inventory` is not a list"
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            return f"inventory row {number} is not an object"
        wrong = next((name for name in _ROW_STRINGS if not isinstance(row.get(name), str)), None)
        if wrong:
            return f"inventory row {number}: `{wrong}` is missing or not a string"
        if row["status"] not in _ROW_STATUSES:
            return f"inventory row {number}: unknown status {row['status'][:20]!r}"
        line, hipaa = row.get("line"), row.get("hipaa")
        if not isinstance(line, int) or isinstance(line, bool):
            return f"inventory row {number}: `line` is not a number"
        if not isinstance(hipaa, list) or not all(isinstance(item, str) for item in hipaa):
            return f"inventory row {number}: `hipaa` is not a list of citations"
        if any(row.get(name) is not None and not isinstance(row[name], dict)
               for name in ("facts", "suppression")):
            return f"inventory row {number}: `facts` or `suppression` is not an object"
    for key in ("findings", "suppressed", "notices", "checkov"):
        items = document.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            return f"`{key}` is not a list of objects"
    for key in ("summary", "provenance", "live"):
        if document.get(key) is not None and not isinstance(document[key], dict):
            return f"`{key}` is not an object"
    return None


# --- evidence ------------------------------------------------------------------------


def keygen(
    private_key: Annotated[Path, typer.Option(
        "--private-key", help="Where to write the Ed25519 private key (PEM, mode 0600).")],
    public_key: Annotated[Path, typer.Option(
        "--public-key", help="Where to write the public key auditors verify with.")],
) -> None:
    """Write a new signing key pair (never overwrites a key)."""
    from linter.evidence import EvidenceError
    from linter.evidence import keygen as generate

    try:
        fingerprint = generate(private_key, public_key)
    except EvidenceError as error:
        raise _fail(str(error)) from None
    except OSError as error:
        raise _fail(f"cannot write the key: {error.strerror or error}") from None
    typer.echo(f"wrote {private_key} (private: keep it out of the repository) and "
               f"{public_key}; public key {fingerprint}", err=True)


def create(
    bundle: Annotated[Path, typer.Argument(help="The bundle (zip) to write.")],
    key: Annotated[Path, typer.Option("--key", help="The Ed25519 private key (PEM).")],
    members: Annotated[list[str] | None, typer.Argument(
        metavar="[NAME=FILE]...", help="More members, each under a plain file name.")] = None,
    sarif: Annotated[Path | None, typer.Option(
        "--sarif", help="The SARIF results (stored as results.sarif).")] = None,
    scan_json: Annotated[Path | None, typer.Option(
        "--json", help="The scan JSON (stored as results.json).")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", help="The HTML report (stored as report.html).")] = None,
) -> None:
    """Sign the scan's outputs into one evidence bundle."""
    from linter.evidence import MAX_MEMBER_BYTES, EvidenceError, check_member_name
    from linter.evidence import create as create_bundle

    sources: list[tuple[str, Path]] = []
    for (_, name), path in zip(NAMED_MEMBERS, (sarif, scan_json, html), strict=True):
        if path is not None:
            sources.append((name, path))
    for assignment in members or []:
        name, separator, file = assignment.partition("=")
        if not separator or not name or not file:
            raise _fail(f"{assignment!r}: expected NAME=FILE")
        sources.append((name, Path(file)))
    names = [name for name, _ in sources]
    try:
        for name in names:
            check_member_name(name)
    except EvidenceError as error:
        raise _fail(str(error)) from None
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise _fail(f"member {twice} is given twice")
    contents = {name: _read_file(path, MAX_MEMBER_BYTES) for name, path in sources}
    if not key.is_file():
        raise _fail(f"--key {key}: no such file")
    try:
        manifest = create_bundle(bundle, contents, key)
    except EvidenceError as error:
        raise _fail(str(error)) from None
    except OSError as error:
        raise _fail(f"cannot write {bundle}: {error.strerror or error}") from None
    typer.echo(f"{bundle}: {len(contents)} members ({', '.join(sorted(contents))}) signed "
               f"with key {manifest['signature']['public_key_sha256']}", err=True)


def verify(
    bundle: Annotated[Path, typer.Argument(help="The bundle to check.")],
    public_key: Annotated[Path, typer.Option(
        "--public-key", help="The public key the bundle must be signed with.")],
) -> None:
    """Check a bundle's signature and every member's digest.

    Exit 0 when verified; 1 with every failure named (a changed, added or removed member,
    another key)."""
    from linter.evidence import EvidenceError
    from linter.evidence import verify as verify_bundle

    _require_file(bundle)
    _require_file(public_key, "--public-key ")
    try:
        outcome = verify_bundle(bundle, public_key)
    except EvidenceError as error:
        raise _fail(str(error)) from None
    typer.echo(outcome.describe())
    raise typer.Exit(0 if outcome.ok else 1)


def diff(
    old: Annotated[Path, typer.Argument(help="The earlier bundle.")],
    new: Annotated[Path, typer.Argument(help="The later bundle.")],
    public_key: Annotated[Path | None, typer.Option(
        "--public-key", help="Verify both bundles with this key before comparing.")] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f")] = DiffFormat.text,
) -> None:
    """Compare two bundles: what was fixed, what regressed, how the figures moved.

    Findings are matched by fingerprint, so a finding that only moved lines is no change."""
    from linter.evidence import EvidenceError
    from linter.evidence_diff import bundle_scans, compare, format_diff, require_verified

    for path in (old, new):
        _require_file(path)
    if public_key is not None:
        _require_file(public_key, "--public-key ")
    try:
        if public_key is not None:
            require_verified([old, new], public_key)
        scans = [bundle_scans(old), bundle_scans(new)]
    except EvidenceError as error:
        raise _fail(str(error)) from None
    for path, documents in zip((old, new), scans, strict=True):
        for document in documents:
            problem = document_problem(document)
            if problem:
                raise _fail(f"{path}: a scan JSON in it cannot be compared: {problem}")
    result = compare(*scans)
    if output_format is DiffFormat.json:
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo(format_diff(result), nl=False)


# --- files ---------------------------------------------------------------------------


def _require_file(path: Path, label: str = "") -> None:
    if not path.is_file():
        reason = "not a regular file" if path.exists() else "no such file"
        raise _fail(f"{label}{path}: {reason}")


def _read_file(path: Path, limit: int) -> bytes:
    _require_file(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise _fail(f"{path}: {size} bytes, more than the {limit} this command reads")
        with path.open("rb") as stream:
            return stream.read(limit + 1)[:limit]
    except OSError as error:
        raise _fail(f"cannot read {path}: {error.strerror or error}") from None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise _fail(f"cannot write {path}: {error.strerror or error}") from None
