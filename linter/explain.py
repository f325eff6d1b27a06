"""A rule's documentation, generated from its rule file and its fixtures.

`ephi-lint explain`, SARIF help and docs/rules.md read the same sources, so the
documentation cannot drift from what the rule does: the examples are the very fixtures
the test suite runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from linter.engine import Rule, catalogue_directory

FORMAT_SUFFIXES = (
    (".cfn.yaml", "cloudformation"), (".cfn.json", "cloudformation"),
    (".k8s.yaml", "kubernetes"), (".tf.json", "terraform"), (".tf", "terraform"),
    (".pem", "pem"), (".crt", "pem"),
)
# The code-fence language of each format, for Markdown (docs/rules.md, SARIF help).
SNIPPET_LANGUAGE = {"terraform": "hcl", "cloudformation": "yaml", "kubernetes": "yaml",
                    "pem": "text"}


def fixture_format(path: Path) -> str | None:
    for suffix, fmt in FORMAT_SUFFIXES:
        if path.name.endswith(suffix):
            return fmt
    return None


def fixture_examples(rule_id: str) -> dict[str, dict[str, Path]]:
    """{"fail"|"pass": {format: first fixture file}} for the rule."""
    directory = catalogue_directory("fixtures") / rule_id
    examples: dict[str, dict[str, Path]] = {"fail": {}, "pass": {}}
    if not directory.is_dir():
        return examples
    # The plain `fail.tf` / `pass.cfn.yaml` come first: variants (`fail-sam.cfn.yaml`)
    # show edge cases, not the rule's typical case.
    for path in sorted(directory.iterdir(), key=lambda item: ("-" in item.name.split(".")[0],
                                                              item.name)):
        fmt = fixture_format(path)
        kind = path.name.split(".")[0].split("-")[0]
        if path.is_file() and fmt and kind in examples:
            examples[kind].setdefault(fmt, path)
    return examples


def explain(identifier: str, rules: Sequence[Rule]) -> str | None:
    """`ephi-lint explain ID`: a rule id explains that rule; a checkov check id (CKV_AWS_3)
    names the ephi-lint rules that list it among their equivalents and explains the
    first, so a team moving from checkov finds its checks here. None when it is neither.
    """
    wanted = identifier.strip().upper()
    by_id = {rule.id: rule for rule in rules}
    if wanted in by_id:
        return explain_rule(by_id[wanted])
    from linter.checkov_results import checkov_table, equivalent_rules, hipaa_sections

    equivalents = [by_id[rule_id] for rule_id in equivalent_rules(wanted, rules)]
    if equivalents:
        first = equivalents[0]
        lines = [f"checkov {wanted} is judged here by "
                 f"{', '.join(rule.id for rule in equivalents)}; a "
                 f"`#checkov:skip={wanted}:<reason>` comment in Terraform or CloudFormation "
                 f"is an exception for {'them' if len(equivalents) > 1 else 'it'} too."]
        if len(equivalents) > 1:
            lines += ["", *(f"  {rule.id}  {rule.title}  (ephi-lint explain {rule.id})"
                            for rule in equivalents)]
        return "\n".join([*lines, "", explain_rule(first)])
    sections, topic = hipaa_sections(wanted, rules)
    if sections:
        title = checkov_table().get(wanted, {}).get("title", "")
        return (f"checkov {wanted}{f' ({title})' if title else ''} has no ephi-lint "
                f"equivalent: ephi-lint does not judge {topic or 'it'}. `ephi-lint report` "
                f"shows checkov's results for it under 45 CFR {', '.join(sections)}.")
    return None


def explain_rule(rule: Rule) -> str:
    lines = [f"{rule.id}: {rule.title}",
             f"severity: {rule.severity}   category: {rule.category}   "
             f"HIPAA: {', '.join(f'45 CFR {citation}' for citation in rule.hipaa)}",
             "", "Why it matters", _indent(rule.rationale), "",
             "How to fix", _indent(rule.remediation["summary"])]
    for fmt in ("terraform", "cloudformation", "kubernetes"):
        if rule.remediation.get(fmt):
            lines += ["", f"  {fmt}:", _indent(rule.remediation[fmt].rstrip(), 4)]
    examples = fixture_examples(rule.id)
    for kind, heading in (("fail", "Failing example"), ("pass", "Passing example")):
        for fmt, path in examples[kind].items():
            lines += ["", f"{heading} ({fmt}, {path.name})",
                      _indent(path.read_text(encoding="utf-8").rstrip(), 4)]
    if rule.limits:
        lines += ["", "Known limits", _indent(rule.limits)]
    peers = [f"{tool}: {', '.join(ids)}" for tool, ids in rule.equivalents.items() if ids]
    if peers:
        lines += ["", "Equivalent checks", *(_indent(peer) for peer in peers)]
    if rule.references:
        lines += ["", "References", *(_indent(reference) for reference in rule.references)]
    return "\n".join(lines)


def _indent(text: str, width: int = 2) -> str:
    return "\n".join((" " * width + line) if line else "" for line in text.splitlines())
