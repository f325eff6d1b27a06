"""The sections of the HTML report, each a function from scan documents or figures to
markup (linter.report.html assembles the page).

Every scanned value goes through `_e` (html.escape with quotes): a resource name, a
message or a justification can never become markup.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from linter.metrics import STATES
from linter.report.html_chart import COLOURS, LABELS, donut, legend, stacked_bar

SEVERITY_ORDER = ("critical", "high", "medium", "low")
# The sections the catalogue cites, in the words of 45 CFR Part 164.
SECTION_TITLES = {
    "164.308(a)(1)(ii)(D)": "Information system activity review",
    "164.308(a)(4)(ii)(B)": "Access authorization",
    "164.308(a)(5)(ii)(D)": "Password management",
    "164.308(a)(7)(ii)(A)": "Data backup plan",
    "164.308(a)(7)(ii)(B)": "Disaster recovery plan",
    "164.312(a)(1)": "Access control",
    "164.312(a)(2)(i)": "Unique user identification",
    "164.312(a)(2)(iv)": "Encryption and decryption (at rest)",
    "164.312(b)": "Audit controls",
    "164.312(c)(1)": "Integrity",
    "164.312(d)": "Person or entity authentication",
    "164.312(e)(1)": "Transmission security",
    "164.312(e)(2)(i)": "Integrity controls (in transit)",
    "164.312(e)(2)(ii)": "Encryption (in transit)",
}
METRIC_STATES = STATES
CHECK_STATES = ("pass", "excepted", "fail", "unknown", "error")


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def percent_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}%"


def _where(row: Mapping[str, Any]) -> str:
    live = row.get("live")
    if isinstance(live, Mapping):  # a live finding (json_format.finding): no line 1
        place = f'account {live.get("account")}, {live.get("region")}'
        if live.get("declared"):
            place += f' (declared at {row.get("file")}:{row.get("line")})'
        return f'<span class="mono">{_e(place)}</span>'
    if row.get("arn"):
        return f'<span class="mono">{_e(row["arn"])}</span>'
    return f'<span class="mono">{_e(row.get("file"))}:{_e(row.get("line"))}</span>'


def cover(documents: Sequence[Mapping[str, Any]], today: datetime.date) -> str:
    roots = sorted({root.get("path", "") for document in documents
                    for root in (document.get("provenance") or {}).get("roots", [])})
    accounts = sorted({account for document in documents
                       for account in (document.get("live") or {}).get("accounts", [])})
    scope = ", ".join([*roots, *(f"AWS account {account}" for account in accounts)])
    versions = sorted({str(document.get("version", "")) for document in documents})
    return ('<header class="cover"><h1>ePHI encryption coverage report</h1>'
            '<p>HIPAA Security Rule, 45 CFR 164.312(a)(2)(iv), (e)(2)(ii) and 164.316</p>'
            + (f'<p class="scope">Scope: {_e(scope)}</p>' if scope else "")
            + f"<p>Report generated {_e(today.isoformat())} from {len(documents)} "
            f"scan{'s' if len(documents) != 1 else ''} by ephi-lint "
            f"{_e(', '.join(versions))}</p></header>")


def overview(documents: Sequence[Mapping[str, Any]], figures: Mapping[str, Any]) -> str:
    def total(key: str) -> int:
        return sum(int((document.get("summary") or {}).get(key) or 0) for document in documents)

    totals = figures["totals"]
    tiles = [("Resources judged", totals["resources"], ""), ("Checks", totals["checks"], ""),
             ("Failed", total("failed"), "bad" if total("failed") else "good"),
             ("Unknown", total("unknown"), "warn" if total("unknown") else "good"),
             ("Errors", total("errors"), "bad" if total("errors") else "good"),
             ("Under exception", total("suppressed"), "")]
    return ('<section id="overview"><h2>Overview</h2><div class="tiles">' + "".join(
        f'<div class="tile {kind}" data-tile="{_e(label)}"><b>{value}</b>'
        f"<span>{_e(label)}</span></div>" for label, value, kind in tiles) + "</div></section>")


def missing_inventory(missing: int) -> str:
    if not missing:
        return ""
    return (f'<p class="note">{missing} scan document(s) carry no inventory of passed '
            "checks, so their resources are missing from the coverage figures: scan with "
            "--include-passed.</p>")


def metrics_section(figures: Mapping[str, Any]) -> str:
    cards = []
    for item in figures["metrics"]:
        segments = [(state, item[state]) for state in METRIC_STATES if state != "not_measured"]
        label = (f"{item['title']}: {item['covered']} of {item['total']} {item['unit']} "
                 f"covered ({percent_text(item['percent'])})")
        counts = "".join(
            f'<li class="metric-{state}"><span class="swatch" style="background:'
            f'{COLOURS[state]}"></span>{LABELS[state]}: <b>{item[state]}</b></li>'
            for state in METRIC_STATES if state != "covered" and item[state])
        cards.append(
            f'<article class="metric" id="metric-{_e(item["id"])}" data-metric="{_e(item["id"])}">'
            f'{donut(segments, percent_text(item["percent"]), label)}<div>'
            f'<h3>{_e(item["title"])}</h3><div class="cite">45 CFR {_e(item["citation"])}</div>'
            f'<p class="of"><b class="metric-percent">{percent_text(item["percent"])}</b> — '
            f'<span class="metric-covered">{item["covered"]}</span> of '
            f'<span class="metric-total">{item["total"]}</span> {_e(item["unit"])}</p>'
            f'<ul class="counts">{counts}</ul></div></article>')
    return ('<section id="metrics"><h2>Coverage</h2><p class="lead">Share of judged '
            "resources that comply. Unknown and error are never counted as covered; "
            "they stay in the total.</p>"
            f'<div class="metrics">{"".join(cards)}</div>'
            f"{legend(METRIC_STATES)}</section>")


def section_table(title: str, lead: str, groups: Sequence[Mapping[str, Any]],
                  names: Mapping[str, str], kind: str) -> str:
    if not groups:
        return ""
    body = "".join(
        f'<tr data-{kind}="{_e(group["key"])}"><td><b>{_e(group["key"])}</b>'
        + (f'<br><span class="cite">{_e(names[group["key"]])}</span>'
           if group["key"] in names else "")
        + f'</td><td class="num">{group["resources"]}</td><td class="num">{group["checks"]}</td>'
        + "".join(f'<td class="num">{group[state]}</td>' for state in CHECK_STATES)
        + f'<td class="num"><b>{percent_text(group["percent"])}</b></td>'
        f'<td>{stacked_bar([(state, group[state]) for state in CHECK_STATES], title)}</td>'
        "</tr>" for group in groups)
    head = "".join(f'<th class="num">{_e(LABELS[state])}</th>' for state in CHECK_STATES)
    anchor = title.lower().replace(" ", "-")
    return (f'<section id="{anchor}"><h2>{_e(title)}</h2><p class="lead">{_e(lead)}</p>'
            f'<table class="breakdown"><thead><tr><th>{_e(kind)}</th><th class="num">'
            f'resources</th><th class="num">checks</th>{head}<th class="num">passed</th>'
            f"<th></th></tr></thead><tbody>{body}</tbody></table></section>")


def not_assessed_section(units: Sequence[Mapping[str, Any]]) -> str:
    if not units:
        return ""
    rows = "".join(f"<tr><td>{_e(unit['account'])}</td><td>{_e(unit['region'])}</td>"
                   f"<td>{_e(unit['service'])}</td><td>{_e(unit['reason'])}</td></tr>"
                   for unit in units)
    return ('<section id="not-assessed"><h2>Not assessed</h2><p class="lead">Live services '
            "that could not be read: nothing in them is counted as covered.</p><table>"
            "<thead><tr><th>account</th><th>region</th><th>service</th><th>reason</th></tr>"
            f"</thead><tbody>{rows}</tbody></table></section>")


def findings_section(findings: Sequence[Mapping[str, Any]]) -> str:
    def order(item: Mapping[str, Any]) -> tuple[Any, ...]:
        severity = item.get("severity")
        rank = SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 9
        return (item.get("status") != "fail", rank, item.get("rule") or "",
                item.get("file") or "", item.get("line") or 0)

    if not findings:
        return ('<section id="findings"><h2>Open findings</h2>'
                '<p class="empty">No failing or unknown setting.</p></section>')
    rows = "".join(
        f'<tr class="finding" data-rule="{_e(item.get("rule"))}">'
        f'<td><span class="sev {_e(item.get("severity"))}">{_e(item.get("severity"))}</span>'
        f'<br><span class="status {_e(item.get("status"))}">{_e(item.get("status"))}</span></td>'
        f'<td><b>{_e(item.get("rule"))}</b><br><span class="cite">'
        f'{_e(", ".join(item.get("hipaa") or []))}</span></td>'
        f'<td><span class="mono res">{_e(item.get("resource"))}</span><br>'
        f'<span class="path">{_where(item)}</span></td>'
        f'<td><div class="title">{_e(item.get("title"))}</div>'
        f'<div class="msg">{_e(item.get("message"))}</div>'
        f'<div class="fix"><b>Fix:</b> {_e(item.get("fix"))}</div></td></tr>'
        for item in sorted(findings, key=order))
    return ('<section id="findings"><h2>Open findings</h2><p class="lead">Failing settings '
            "first, then settings that cannot be decided from the files, most severe first."
            "</p><table class=\"findings\"><colgroup><col class=\"c1\"><col class=\"c2\">"
            "<col class=\"c3\"><col></colgroup><thead><tr><th>severity</th><th>rule</th>"
            "<th>resource</th>"
            f"<th>finding and fix</th></tr></thead><tbody>{rows}</tbody></table></section>")


def checkov_section(results: Sequence[Mapping[str, Any]]) -> str:
    """checkov's results (linter.checkov_results.results_json), under their sections."""
    if not results:
        return ""
    by_section: dict[str, dict[str, int]] = {}
    for item in results:
        for section in item.get("hipaa") or ["not mapped"]:
            counts = by_section.setdefault(section, {"passed": 0, "failed": 0, "skipped": 0})
            counts[item.get("status", "failed")] = counts.get(item.get("status", "failed"), 0) + 1
    summary = "".join(
        f'<tr data-checkov-section="{_e(section)}"><td><b>{_e(section)}</b><br>'
        f'<span class="cite">{_e(SECTION_TITLES.get(section, ""))}</span></td>'
        f'<td class="num">{counts["passed"]}</td><td class="num">{counts["failed"]}</td>'
        f'<td class="num">{counts["skipped"]}</td></tr>'
        for section, counts in sorted(by_section.items()))
    failing = "".join(
        f'<tr><td><b>{_e(item.get("check_id"))}</b><br><span class="cite">'
        f'{_e(", ".join(item.get("hipaa") or []))}</span></td>'
        f'<td>{_e(item.get("check_name"))}</td><td><span class="mono res">'
        f'{_e(item.get("resource"))}</span><br><span class="mono">{_e(item.get("file"))}:'
        f'{_e(item.get("line"))}</span></td></tr>'
        for item in results if item.get("status") == "failed")
    return ('<section id="checkov"><h2>checkov results</h2><p class="lead">Checks ephi-lint '
            "does not make (access control, authentication, audit, integrity, contingency), "
            "placed under the sections they serve; results that repeat an ephi-lint rule on "
            "the same resource are left out.</p><table><thead><tr><th>section</th>"
            '<th class="num">passed</th><th class="num">failed</th><th class="num">skipped'
            f"</th></tr></thead><tbody>{summary}</tbody></table>"
            + (f"<h3>Failed checks</h3><table><thead><tr><th>check</th><th>what</th>"
               f"<th>resource</th></tr></thead><tbody>{failing}</tbody></table>"
               if failing else "") + "</section>")


def exceptions_section(register: Mapping[str, Any]) -> str:
    counts = register["counts"]
    summary = ", ".join(f"{counts[state]} {state.replace('_', ' ')}" for state in counts)
    if not register["entries"]:
        return ('<section id="exceptions"><h2>Exceptions register</h2>'
                f'<p class="empty">No documented exception (as of {_e(register["as_of"])}).'
                "</p></section>")
    rows = "".join(
        f'<tr data-state="{_e(entry["state"])}"><td><span class="state {_e(entry["state"])}">'
        f'{_e(entry["state"].replace("_", " "))}</span></td>'
        f'<td>{_e(", ".join(entry["rules"]))}<br><span class="mono">'
        f'{_e(", ".join(entry["resources"]))}</span></td>'
        f'<td>{_justification(entry)}</td><td>{_e(entry["approved_by"]) or "—"}</td>'
        f'<td class="date">{_e(entry["expires"]) or "none"}'
        + (f'<br><span class="cite">{_e(_days(entry["days_left"]))}</span>'
           if entry["days_left"] is not None else "")
        + f'</td><td><span class="mono">{_e(entry["source"])}</span> ({_e(entry["kind"])})</td>'
        "</tr>" for entry in register["entries"])
    return ('<section id="exceptions"><h2>Exceptions register</h2><p class="lead">'
            f'As of {_e(register["as_of"])}: {_e(summary)}. Expiring means within 30 days.'
            "</p><table><thead><tr><th>state</th><th>rules and resources</th>"
            "<th>justification</th><th>approved by</th><th>expires</th><th>written at</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


def _justification(entry: Mapping[str, Any]) -> str:
    """The exception's own words, its compensating control, and for an exception that is
    expired, refused or unused, the notice saying so (why it no longer suppresses)."""
    parts = [_e(entry["justification"])] if entry["justification"] else []
    if entry["compensating_control"]:
        parts.append(f'<i>Compensating control:</i> {_e(entry["compensating_control"])}')
    if entry["message"]:
        parts.append(f'<span class="cite">{_e(entry["message"])}</span>')
    return "<br>".join(parts)


def _days(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    return "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"


def provenance_section(documents: Sequence[Mapping[str, Any]]) -> str:
    blocks = []
    for number, document in enumerate(documents, start=1):
        record = document.get("provenance")
        if not record:
            blocks.append(f"<h3>Scan {number}</h3><p class=\"empty\">ephi-lint "
                          f"{_e(document.get('version'))}: no provenance recorded.</p>")
            continue
        roots = "".join(
            f"<tr><td>{_e(root.get('path'))}</td><td class=\"mono\">"
            f"{_e((root.get('git') or {}).get('commit') or '—')}</td><td>"
            f"{_e(_dirty_label(root.get('git') or {}))}</td><td class=\"mono\">"
            f"{_e((root.get('git') or {}).get('remote') or '')}</td></tr>"
            for root in record.get("roots", []))
        inputs = "".join(f"<tr><td class=\"mono\">{_e(item.get('path'))}</td>"
                         f"<td class=\"mono\">{_e(item.get('sha256') or item.get('error'))}"
                         "</td></tr>" for item in record.get("inputs", []))
        live = record.get("live") or {}
        tool = (record.get("tool") or {}).get("version")
        blocks.append(
            f"<h3>Scan {number}</h3><table class=\"facts\"><tbody>"
            f"<tr><th>tool</th><td>ephi-lint {_e(tool)}</td></tr>"
            f"<tr><th>started / finished (UTC)</th><td>{_e(record.get('started'))} / "
            f"{_e(record.get('finished'))}</td></tr>"
            f"<tr><th>command line</th><td class=\"mono\">"
            f"{_e(' '.join(record.get('command_line') or []))}</td></tr>"
            f"<tr><th>rule catalogue</th><td class=\"mono\">sha256 "
            f"{_e((record.get('rules') or {}).get('sha256'))} "
            f"({_e((record.get('rules') or {}).get('files'))} rule files)</td></tr>"
            + (f"<tr><th>AWS account / caller</th><td class=\"mono\">"
               f"{_e(live.get('account_id'))} / {_e(live.get('caller_arn'))}</td></tr>"
               f"<tr><th>regions</th><td>{_e(', '.join(live.get('regions') or []))}</td></tr>"
               if live else "")
            + "</tbody></table>"
            + (f"<table><thead><tr><th>root</th><th>git commit</th><th>work tree</th>"
               f"<th>remote</th></tr></thead><tbody>{roots}</tbody></table>" if roots else "")
            + (f"<table><thead><tr><th>input file</th><th>sha-256</th></tr></thead>"
               f"<tbody>{inputs}</tbody></table>" if inputs else ""))
    return '<section id="provenance"><h2>Provenance</h2>' + "".join(blocks) + "</section>"


def _dirty_label(git: Mapping[str, Any]) -> str:
    if git.get("dirty") is None:
        return git.get("reason") or "unknown"
    return f"modified ({git.get('changed_files', '?')} files)" if git["dirty"] else "clean"


def inventory_section(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    body = "".join(
        f'<tr><td class="mono">{_e(row["resource"])}</td><td class="mono">'
        f'{_e(row["resource_type"])}</td><td>{_where(row)}</td>'
        f'<td class="rule">{_e(row["rule"])}</td>'
        f'<td><span class="status {_state_class(row)}">{_state_class(row)}</span></td></tr>'
        for row in sorted(rows, key=lambda row: (row["root"], row["scope"], row["resource"],
                                                 row["rule"], row["line"])))
    return ('<section id="inventory" class="appendix"><h2>Appendix: inventory</h2>'
            '<p class="lead">Every judged resource and rule, passes included: the figures '
            "above are counted from these rows.</p><table class=\"inventory\"><thead><tr>"
            "<th>resource</th>"
            "<th>type</th><th>file:line or ARN</th><th>rule</th><th>outcome</th></tr>"
            f"</thead><tbody>{body}</tbody></table></section>")


def _state_class(row: Mapping[str, Any]) -> str:
    if row.get("suppression") and row["status"] in ("fail", "unknown"):
        return "excepted"
    return escape(str(row["status"]))


def method_footer(figures: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{_e(item['title'])}</td><td class=\"mono\">"
        f"{_e(', '.join(item['definition']['rules']))}"
        + (f" (categories: {_e(', '.join(item['definition']['categories']))})"
           if item["definition"]["categories"] else "")
        + (f" except {_e(', '.join(item['definition']['exclude']))}"
           if item["definition"]["exclude"] else "")
        + f"</td><td>{_e(item['definition']['covered_when'])}</td></tr>"
        for item in figures["metrics"])
    return ('<footer><h3>How the figures are counted</h3><table><thead><tr><th>figure</th>'
            f"<th>rules</th><th>covered when</th></tr></thead><tbody>{rows}</tbody></table>"
            "<p>A resource is a subject of a figure when one of its rules judged it. FAIL, "
            "UNKNOWN, ERROR and findings under an exception are never covered. Every figure "
            "can be recomputed from the scan JSON's inventory (linter.metrics)."
            "</p></footer>")
