"""Documented exceptions: inline `ephi-lint: ignore[...]` comments and config waivers.

HIPAA lets a practice choose an equivalent alternative to encryption if it writes down
why, so an exception here is an auditable act, never a silent ignore:
- a suppression needs a justification; without one it does not suppress and is reported;
- an expired waiver stops suppressing and says so;
- a suppression or waiver that matches no finding is reported (stale exceptions are a
  finding for auditors, like ruff's RUF100);
- the config can forbid inline suppressions or name rules that cannot be suppressed.
Suppressed findings are kept (with their suppression), never dropped.

`ephi-lint aws` applies the same policy to a live scan: a waiver's `resource` is then an
ARN or ARN glob, and its `tags` (KEY=VALUE globs) must all be on the resource.

Where an inline suppression attaches (tfsec#1406): a comment `# ephi-lint: ignore[ID]
why` (HCL `#` or `//`, YAML `#`) applies to the line it ends; a comment alone on its
line applies to the next line that is not blank or a comment. When that line is the
resource's first line (`resource "t" "n" {`, a CloudFormation logical id, a Kubernetes
document's first line) the suppression covers every finding of that resource for the
named rules; on any other line it covers the findings reported at that line (the
attribute's line, or a repeated block's first line).

checkov's own `#checkov:skip=CKV_AWS_3:reason` comments are exceptions too, for the
ephi-lint rules that name the check among their equivalents (linter.checkov_results), with
the reason as justification: a team moving from checkov keeps its documented exceptions
instead of writing each one twice. checkov applies a skip to the whole resource block
holding the comment, so a skip covers the findings of the resource whose line range
holds it, in the formats where checkov reads comments (Terraform, CloudFormation; it
reads Kubernetes skips from annotations). A CloudFormation resource can also list its
skips in its Metadata (`checkov: {skip: [{id: CKV_AWS_18, comment: reason}]}`), with the
comment as the reason; they cover that resource the same way. The same policy applies
as to ephi-lint's comments: no reason, forbidden inline suppressions or an unsuppressible
rule refuse it with a notice. A skip that matches no ephi-lint finding is not reported as
unused: checkov may still need it for its own check, which need not judge what ours does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linter.config import Config, Waiver, path_matches, rule_matches
from linter.discover import SourceFile, decode, display_path, read_data
from linter.engine import Outcome
from linter.input_facts import BYTE_MARKERS, MARKERS
from linter.redaction import redact
from linter.status import Status

if TYPE_CHECKING:
    import datetime

_DIRECTIVE = re.compile(r"(?:#|//)\s*ephi-lint:\s*(?P<body>.*)$")
_CLAUSE = re.compile(r"ignore\[(?P<ids>[^\]]*)\]")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//)")
# The formats whose comments checkov reads skips from (Kubernetes skips are annotations).
CHECKOV_COMMENT_FORMATS = frozenset({"terraform", "cloudformation"})


@dataclass(frozen=True)
class Suppression:
    """Why a finding is suppressed: a justified comment or waiver, and where it is written."""

    kind: str  # SARIF suppression kind: "inSource" (a comment) or "external" (a waiver)
    justification: str
    source: str  # where it is written: `main.tf:12` or `.ephi-lint.yaml:30`
    compensating_control: str = ""
    approved_by: str = ""
    expires: str = ""


@dataclass(frozen=True)
class Notice:
    """Something about the exceptions an auditor must see; shown by every output."""

    kind: str  # missing-justification | expired-waiver | unused-suppression | unused-waiver
    #            | inline-forbidden | unsuppressible
    message: str
    path: str
    line: int
    rule: str = ""
    # The exception's own terms, so the exceptions register shows them without reading
    # them back out of the message. `resource` is the finding's address for an inline
    # comment, the resource pattern as the waiver writes it for a waiver.
    resource: str = ""
    justification: str = ""
    approved_by: str = ""
    expires: str = ""  # ISO date, or "" when the exception has none
    compensating_control: str = ""

    def __post_init__(self) -> None:
        for name in ("message", "justification", "compensating_control"):
            object.__setattr__(self, name, redact(getattr(self, name)))


@dataclass(frozen=True)
class Directive:
    """A suppression comment (or checkov skip) as written in a scanned file."""

    path: str  # display path of the file holding the comment
    line: int  # the comment's line
    target: int  # the line it attaches to
    rule: str
    justification: str
    checkov_id: str = ""  # set for a checkov skip: the check it names
    # True for a skip listed in a CloudFormation resource's Metadata, not a comment.
    in_metadata: bool = False

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def described(self) -> str:
        if self.checkov_id:
            form = "Metadata skip" if self.in_metadata else "skip"
            return (f"checkov {form} of {self.checkov_id} (ephi-lint {self.rule}) at "
                    f"{self.where}")
        return f"inline suppression of {self.rule} at {self.where}"

    @property
    def how_to_justify(self) -> str:
        """The fix a missing-justification notice shows."""
        if self.in_metadata:
            return (f"add `comment: <why this is acceptable>` to the skip of "
                    f"{self.checkov_id} in the resource's Metadata")
        if self.checkov_id:
            return f"write `checkov:skip={self.checkov_id}:<why this is acceptable>`"
        return f"write `ephi-lint: ignore[{self.rule}] <why this is acceptable>`"


def parse_directives(text: str, path: str) -> list[Directive]:
    """Every `ignore[...]` clause in the file; one Directive per rule id."""
    if "ephi-lint:" not in text:
        return []
    lines = text.splitlines()
    found: list[Directive] = []
    for number, line in enumerate(lines, start=1):
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        target = number
        if _COMMENT_LINE.match(line):  # a comment alone attaches to the next code line
            target = next((later for later in range(number + 1, len(lines) + 1)
                           if lines[later - 1].strip()
                           and not _COMMENT_LINE.match(lines[later - 1])), number)
        body = match.group("body")
        clauses = list(_CLAUSE.finditer(body))
        for position, clause in enumerate(clauses):
            # The justification is the text up to the next clause: several clauses on one
            # line each carry their own reason (checkov#7170).
            end = clauses[position + 1].start() if position + 1 < len(clauses) else len(body)
            justification = body[clause.end():end].strip(" \t;,-:")
            for rule_id in clause.group("ids").split(","):
                if rule_id.strip():
                    found.append(Directive(path, number, target, rule_id.strip().upper(),
                                           justification))
    return found


class Policy:
    """Applies per-path rule selection and exceptions to a scan's outcomes."""

    def __init__(self, config: Config, root: Path, rule_ids: Iterable[str],
                 today: datetime.date | None = None, report_unused_waivers: bool = True,
                 select: Callable[[list[SourceFile]], list[SourceFile]] | None = None,
                 tags_of: Callable[[str], Mapping[str, str] | None] | None = None) -> None:
        self.config = config
        # A live scan: a resource's tags by its address (ARN), for waivers that name
        # tags; None when unknown (a waiver with tags then matches nothing).
        self.tags_of = tags_of
        self.root = root
        # Thousands of outcomes share a handful of files: each file is related once.
        self._relative_paths: dict[str, str] = {}
        self.rule_ids = set(rule_ids)
        self._today = today
        # A partial scan (changed files, one shard) cannot tell that a waiver is unused.
        self.report_unused_waivers = report_unused_waivers
        self.select = select
        self.notices: list[Notice] = []
        # Notices about waivers point at the config file, relative to the scan root.
        self.config_path = display_path(config.path, root) if config.path else config.label

    @property
    def today(self) -> datetime.date:
        """The date waivers expire against: asked for only when a waiver has an expiry
        (importing datetime cost every run 1.2 ms)."""
        if self._today is None:
            import datetime

            self._today = datetime.date.today()
        return self._today

    def select_files(self, files: list[SourceFile]) -> list[SourceFile]:
        return self.select(files) if self.select else files

    def apply(self, outcomes: list[Outcome], sources: list[tuple[Path | None, str]],
              stdin_text: str | None = None, marked: set[str] | None = None) -> list[Outcome]:
        """`marked`: the display paths of the sources that hold a marker, when the scan
        knows them already (linter.input_facts); the others are not read."""
        kept = [outcome for outcome in outcomes
                if self.config.rule_selected(outcome.rule.id, self._relative(outcome))]
        if marked is not None:
            sources = [(path, shown) for path, shown in sources
                       if path is None or shown in marked]
        texts = self._texts(sources, stdin_text)
        directives = [directive for path, text in texts
                      for directive in parse_directives(text, path)]
        templates = {outcome.resource.location.path for outcome in kept
                     if outcome.resource.source_format == "cloudformation"}
        skips = checkov_skip_directives(texts, {outcome.rule.id: outcome.rule
                                                for outcome in kept}.values(), templates)
        by_place: dict[tuple[str, int], list[Directive]] = {}
        for directive in directives:
            by_place.setdefault((directive.path, directive.target), []).append(directive)
        used_directives: set[Directive] = set()
        used_waivers: set[int] = set()
        notified: set[tuple[str, str, int, str]] = set()
        result = []
        for outcome in kept:
            if outcome.status in (Status.FAIL, Status.UNKNOWN):
                suppression = self._inline(outcome, by_place, used_directives, notified) \
                    or self._checkov_skip(outcome, skips, notified) \
                    or self._waiver(outcome, used_waivers, notified)
                if suppression is not None:
                    outcome = dataclasses.replace(outcome, suppression=suppression)
            result.append(outcome)
        self._report_unused(directives, used_directives, used_waivers)
        return result

    # --- matching -----------------------------------------------------------------

    def _relative(self, outcome: Outcome) -> str:
        return self._relative_path(outcome.resource.location.path)

    def _relative_path(self, path: str) -> str:
        if path not in self._relative_paths:
            self._relative_paths[path] = self.config.relative(path, self.root)
        return self._relative_paths[path]

    def _notify(self, notified: set[tuple[str, str, int, str]], notice: Notice) -> None:
        key = (notice.kind, notice.path, notice.line, notice.rule)
        if key not in notified:
            notified.add(key)
            self.notices.append(notice)

    def _inline(self, outcome: Outcome, by_place: dict[tuple[str, int], list[Directive]],
                used: set[Directive], notified: set[tuple[str, str, int, str]]
                ) -> Suppression | None:
        places = [(outcome.location.path, outcome.location.start_line),
                  (outcome.resource.location.path, outcome.resource.location.start_line)]
        for place in dict.fromkeys(places):
            for directive in by_place.get(place, ()):
                if directive.rule != outcome.rule.id:
                    continue
                used.add(directive)
                suppression = self._honour(directive, outcome, notified)
                if suppression is not None:
                    return suppression
        return None

    def _checkov_skip(self, outcome: Outcome, skips: list[Directive],
                      notified: set[tuple[str, str, int, str]]) -> Suppression | None:
        """A checkov skip covers the resource block that holds the comment."""
        resource = outcome.resource
        if resource.source_format not in CHECKOV_COMMENT_FORMATS:
            return None
        for skip in skips:
            if skip.rule == outcome.rule.id and skip.path == resource.location.path \
                    and resource.location.start_line <= skip.line <= resource.location.end_line:
                suppression = self._honour(skip, outcome, notified)
                if suppression is not None:
                    return suppression
        return None

    def _honour(self, directive: Directive, outcome: Outcome,
                notified: set[tuple[str, str, int, str]]) -> Suppression | None:
        """The comment's suppression, or None with a notice saying why it is refused."""
        refusal = self._refusal(directive)
        if refusal is None:
            return Suppression("inSource", directive.justification, directive.where)
        self._notify(notified, Notice(refusal[0], refusal[1], directive.path, directive.line,
                                      directive.rule, resource=outcome.resource.address,
                                      justification=directive.justification))
        return None

    def _refusal(self, directive: Directive) -> tuple[str, str] | None:
        label = self.config.label
        if self.config.forbid_inline_suppressions:
            return ("inline-forbidden", f"{directive.described} is not honoured: {label} "
                    "forbids inline suppressions (add a reviewed waiver there instead)")
        if rule_matches(directive.rule, self.config.unsuppressible_rules):
            return ("unsuppressible", f"{directive.described} is not honoured: {label} "
                    f"marks {directive.rule} as not suppressible")
        if not directive.justification:
            return ("missing-justification", f"{directive.described} has no justification, "
                    f"so it does not suppress: {directive.how_to_justify}")
        return None

    def _waiver(self, outcome: Outcome, used: set[int],
                notified: set[tuple[str, str, int, str]]) -> Suppression | None:
        config = self.config
        where = config.label
        paths = {self._relative(outcome), self._relative_path(outcome.location.path)}
        for waiver in config.waivers:
            if not self._waiver_matches(waiver, outcome, paths):
                continue
            used.add(waiver.index)
            source = f"{where}:{waiver.line}"
            if rule_matches(outcome.rule.id, config.unsuppressible_rules):
                self._notify(notified, Notice(
                    "unsuppressible", f"waiver {waiver.index + 1} ({source}) is not honoured: "
                    f"{where} marks {outcome.rule.id} as not suppressible", self.config_path,
                    waiver.line, outcome.rule.id, **_terms(waiver)))
                continue
            if waiver.expires is not None and waiver.expires < self.today:
                self._notify(notified, Notice(
                    "expired-waiver", f"waiver {waiver.index + 1} ({source}) for "
                    f"{waiver.rule} on {waiver.resource} expired on "
                    f"{waiver.expires.isoformat()}: its findings are reported again",
                    self.config_path, waiver.line, waiver.rule, **_terms(waiver)))
                continue
            return Suppression("external", waiver.justification, source,
                               waiver.compensating_control, waiver.approved_by,
                               waiver.expires.isoformat() if waiver.expires else "")
        return None

    def _waiver_matches(self, waiver: Waiver, outcome: Outcome, paths: set[str]) -> bool:
        import fnmatch

        if not rule_matches(outcome.rule.id, [waiver.rule]):
            return False
        address = outcome.resource.address
        if not (fnmatch.fnmatchcase(address, waiver.resource)
                or fnmatch.fnmatchcase(f"{address} {outcome.element}".strip(), waiver.resource)):
            return False
        if waiver.tags:
            tags = self.tags_of(address) if self.tags_of else None
            if tags is None or not all(key in tags and fnmatch.fnmatchcase(tags[key], value)
                                       for key, value in waiver.tags):
                return False
        return not waiver.paths or any(path_matches(path, pattern)
                                       for path in paths for pattern in waiver.paths)

    # --- inputs and leftovers -----------------------------------------------------

    @staticmethod
    def _texts(sources: list[tuple[Path | None, str]],
               stdin_text: str | None) -> list[tuple[str, str]]:
        """(display path, text) of every scanned source that can hold a comment."""
        texts = []
        for path, shown in sources:
            try:
                text = (stdin_text or "") if path is None else _text_with_markers(path)
            except ValueError:
                continue  # the pipeline already reported why this file cannot be read
            if text is not None and any(marker in text for marker in MARKERS):
                texts.append((shown, text))
        return texts

    def _report_unused(self, directives: list[Directive], used_directives: set[Directive],
                       used_waivers: set[int]) -> None:
        for directive in directives:
            if directive in used_directives or directive.rule not in self.rule_ids:
                continue
            self.notices.append(Notice(
                "unused-suppression", f"inline suppression of {directive.rule} at "
                f"{directive.where} matches no finding: remove it (or move it to the "
                "resource's first line or the attribute's line)", directive.path,
                directive.line, directive.rule, justification=directive.justification))
        if not self.report_unused_waivers:
            return
        for waiver in self.config.waivers:
            if waiver.index in used_waivers or not any(
                    rule_matches(rule_id, [waiver.rule]) for rule_id in self.rule_ids):
                continue
            self.notices.append(Notice(
                "unused-waiver", f"waiver {waiver.index + 1} ({self.config.label}:"
                f"{waiver.line}) for {waiver.rule} on {waiver.resource} matches no finding: "
                "remove it", self.config_path, waiver.line, waiver.rule, **_terms(waiver)))


def _terms(waiver: Waiver) -> dict[str, str]:
    """A waiver's terms as Notice fields."""
    return {"resource": waiver.resource, "justification": waiver.justification,
            "approved_by": waiver.approved_by,
            "expires": waiver.expires.isoformat() if waiver.expires else "",
            "compensating_control": waiver.compensating_control}


def checkov_skip_directives(texts: Sequence[tuple[str, str]], rules: Iterable[Any],
                            templates: Collection[str] = ()) -> list[Directive]:
    """One Directive per checkov skip and ephi-lint rule equivalent to the check it names
    (among `rules`): every `checkov:skip=` comment, and the Metadata skips of the
    CloudFormation templates among `templates` (display paths); `target` is the skip's
    own line."""
    comments = [(path, text) for path, text in texts if "skip=" in text]
    metadata = [(path, text) for path, text in texts if path in templates and "skip" in text]
    if not comments and not metadata:
        return []  # checkov_results (and its tables) load only when a skip is written
    from linter.checkov_results import checkov_metadata_skips, checkov_skips, equivalents_index

    index = equivalents_index(rules)
    found = [Directive(path, line, line, rule_id, reason, checkov_id=check_id)
             for path, text in comments for line, check_id, reason in checkov_skips(text)
             for rule_id in index.get(check_id, ((), ()))[0]]
    found += [Directive(path, line, line, rule_id, reason, checkov_id=check_id,
                        in_metadata=True)
              for path, text in metadata
              for line, check_id, reason in checkov_metadata_skips(text, _is_json(path, text))
              for rule_id in index.get(check_id, ((), ()))[0]]
    return found


def _is_json(path: str, text: str) -> bool:
    """JSON templates load in JSON mode (tabs are whitespace there, not in YAML)."""
    return path.lower().endswith(".json") or text.lstrip().startswith("{")




def _text_with_markers(path: Path) -> str | None:
    """The file's text when it holds a marker, else None: most files hold none, and are
    not decoded (a 20,000-file scan read every file a second time here). ValueError as
    linter.discover.read_text raises it."""
    data = read_data(path)
    if not any(marker in data for marker in BYTE_MARKERS):
        return None
    return decode(data)
