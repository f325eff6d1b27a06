"""The compliance officer's report: one self-contained HTML file from scan JSON documents.

Files and accounts together (several documents), figures recomputed from each
document's `inventory` by linter.metrics, so the page shows what the JSON proves. No
script, no network: inline CSS and SVG, and a Content-Security-Policy that forbids any
load, so the file reads the same offline, archived or printed to PDF. Every scanned
value goes through html.escape: a resource name or message can never become markup.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from linter.metrics import compute, not_assessed
from linter.report.html_sections import (
    SECTION_TITLES,
    SEVERITY_ORDER,
    checkov_section,
    cover,
    exceptions_section,
    findings_section,
    inventory_section,
    method_footer,
    metrics_section,
    missing_inventory,
    not_assessed_section,
    overview,
    percent_text,
    provenance_section,
    section_table,
)

__all__ = ["SECTION_TITLES", "combined_figures", "render_html", "render_markdown_summary"]

CSS = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--brand:#0b3d61}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:#eef1f4}
main{max-width:1180px;margin:0 auto;background:#fff;padding:0 40px 40px}
header.cover{background:var(--brand);color:#fff;margin:0 -40px 28px;padding:28px 40px 24px}
header.cover h1{margin:0 0 4px;font-size:26px;font-weight:600}
header.cover p{margin:2px 0;color:#c9d7e3}
header.cover .scope{color:#fff;font-weight:500}
h2{font-size:19px;margin:34px 0 6px;padding-bottom:6px;border-bottom:2px solid var(--brand);
color:var(--brand)}
h3{font-size:15px;margin:20px 0 6px}
p.lead{color:var(--muted);margin:0 0 14px}
.tiles{display:grid;grid-template-columns:repeat(6,1fr);gap:10px;margin:0 0 8px}
.tile{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:var(--soft)}
.tile b{display:block;font-size:24px;line-height:1.2}
.tile span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.tile.bad b{color:#cf222e}.tile.warn b{color:#9a6700}.tile.good b{color:#1a7f37}
.metrics{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}
.metric{border:1px solid var(--line);border-radius:10px;padding:14px;display:flex;gap:14px;
align-items:center;break-inside:avoid}
.metric svg{flex:0 0 auto}
.metric h3{margin:0 0 2px;font-size:14px}
.metric .cite{color:var(--muted);font-size:12px}
.metric .of{margin:4px 0;font-size:13px}
.metric ul.counts{list-style:none;margin:0;padding:0;font-size:12px;color:var(--muted)}
.metric ul.counts li{display:inline-block;margin-right:8px}
.donut-centre{font:600 17px sans-serif;fill:var(--ink)}
.legend{list-style:none;padding:0;margin:8px 0 0;font-size:12px;color:var(--muted)}
.legend li{display:inline-block;margin-right:14px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;
vertical-align:-1px}
table{width:100%;border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:12px;color:var(--muted);
text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr{break-inside:avoid}
thead{display:table-header-group}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
overflow-wrap:anywhere}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:600;
text-transform:uppercase;color:#fff}
.sev.critical{background:#8c1d18}.sev.high{background:#cf222e}.sev.medium{background:#bf8700}
.sev.low{background:#57606a}
.status{font-weight:600}.status.fail{color:#cf222e}.status.unknown{color:#9a6700}
.status.pass{color:#1a7f37}.status.error{color:#57606a}.status.excepted{color:#8250df}
.finding .msg{margin:2px 0}.finding .title{font-weight:600;margin:0 0 2px}
.finding .res{font-weight:600}.finding .path{color:var(--muted)}
table.findings col.c1{width:92px}table.findings col.c2{width:150px}
table.findings col.c3{width:30%}.finding .fix{color:#1a4d2e;background:#eaf6ee;border-radius:4px;
padding:3px 8px;margin-top:4px;font-size:12.5px}
td.date,td.rule{white-space:nowrap}
table.inventory{font-size:12px}table.inventory td{padding:3px 8px}
table.facts th{width:230px;text-transform:none;font-size:12.5px}
.state{font-weight:600;text-transform:capitalize}
.state.expired,.state.not_honoured{color:#cf222e}.state.expiring{color:#9a6700}
.state.open{color:#1a7f37}.state.unused{color:var(--muted)}
.note{border-left:4px solid #bf8700;background:#fff8c5;padding:8px 12px;margin:10px 0}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);
font-size:12px}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{background:#fff;font-size:11px}
 main{max-width:none;padding:0}
 header.cover{margin:0 0 16px;padding:16px 18px}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .metrics{grid-template-columns:repeat(2,1fr)}
 .tiles{grid-template-columns:repeat(3,1fr)}
 h2{break-after:avoid}
 section.appendix{break-before:page}
}
"""


def render_html(documents: Sequence[Mapping[str, Any]],
                today: datetime.date | None = None) -> str:
    """One self-contained HTML report from one or several scan JSON documents."""
    today = today or datetime.date.today()
    rows, figures = combined_figures(documents, today)
    findings = [item for document in documents for item in document.get("findings", [])]
    checkov = [item for document in documents for item in document.get("checkov") or []]
    missing = sum(1 for document in documents if not isinstance(document.get("inventory"), list))
    parts = [
        cover(documents, today),
        overview(documents, figures),
        missing_inventory(missing),
        metrics_section(figures),
        section_table("HIPAA sections", "Each check counted under every section its rule "
                      "cites.", figures["by_hipaa"], SECTION_TITLES, "section"),
        section_table("Categories", "Checks per rule category.", figures["by_category"],
                      {}, "category"),
        section_table("Scanned roots and accounts", "Checks per scanned folder or AWS "
                      "account.", figures["by_root"], {}, "root"),
        not_assessed_section(figures["not_assessed"]),
        findings_section(findings),
        checkov_section(checkov),
        exceptions_section(figures["exceptions"]),
        provenance_section(documents),
        inventory_section(rows),
        method_footer(figures),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src data:\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>ePHI encryption coverage report</title>"
            f"<style>{CSS}</style></head><body><main>"
            + "".join(part for part in parts if part) + "</main></body></html>\n")


def combined_figures(documents: Sequence[Mapping[str, Any]], today: datetime.date
                     ) -> tuple[list[Mapping[str, Any]], dict[str, Any]]:
    """(inventory rows, figures) of several scan documents taken together."""
    rows = [row for document in documents for row in document.get("inventory") or []]
    notices = [notice for document in documents for notice in document.get("notices", [])]
    figures = compute(rows, notices, today=today)
    figures["not_assessed"] = [unit for document in documents
                               for unit in not_assessed(document.get("live"))]
    return rows, figures


def render_markdown_summary(documents: Sequence[Mapping[str, Any]],
                            today: datetime.date | None = None) -> str:
    """The coverage figures as a CI job summary (GitHub, GitLab)."""
    rows, figures = combined_figures(documents, today or datetime.date.today())
    lines = ["## ePHI encryption coverage", "",
             "| figure | covered | of | % | not covered | exception | unknown | error |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for item in figures["metrics"]:
        lines.append(f"| {_md(item['title'])} | {item['covered']} | {item['total']} | "
                     f"{percent_text(item['percent'])} | {item['not_covered']} | "
                     f"{item['excepted']} | {item['unknown']} | {item['error']} |")
    counts = figures["exceptions"]["counts"]
    lines += ["", "Exceptions: " + ", ".join(f"{counts[state]} {state.replace('_', ' ')}"
                                             for state in counts)]
    failing = sorted((item for document in documents for item in document.get("findings", [])
                      if item.get("status") == "fail"),
                     key=lambda item: (SEVERITY_ORDER.index(item["severity"])
                                       if item.get("severity") in SEVERITY_ORDER else 9,
                                       item.get("file") or "", item.get("line") or 0))
    if failing:
        lines += ["", "| severity | rule | resource | where | fix |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {_md(item.get('severity'))} | {_md(item.get('rule'))} | "
                  f"`{_md(item.get('resource'))}` | {_where_text(item)} | "
                  f"{_md(item.get('fix'))} |"
                  for item in failing[:50]]
        if len(failing) > 50:
            lines.append(f"\n{len(failing) - 50} more failing settings are in the full report.")
    if not rows:
        lines += ["", "_No inventory in the scan JSON: scan with --include-passed for "
                      "coverage figures._"]
    return "\n".join(lines) + "\n"


def _md(value: Any) -> str:
    """A table cell: no pipe, no newline, no backtick, no HTML that a summary would render."""
    text = "" if value is None else str(value)
    return escape(text.replace("|", "\\|").replace("\n", " ").replace("`", "'"), quote=False)


def _where_text(item: dict[str, Any]) -> str:
    """`file:line`, or a live finding's account and Region (its ARN is the resource)."""
    live = item.get("live")
    if isinstance(live, dict) and not live.get("declared"):
        return _md(f"account {live.get('account')}, {live.get('region')}")
    return f"`{_md(item.get('file'))}:{_md(item.get('line'))}`"
