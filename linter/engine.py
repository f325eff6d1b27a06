"""Load the rule catalogue and judge models with it: PASS, FAIL, UNKNOWN or ERROR."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from linter import catalogue
from linter.catalogue import catalogue_directory as catalogue_directory  # re-exported
from linter.discover import crash_summary
from linter.models.base import Element, Field, Resource, ResourceRef, SourceLocation
from linter.redaction import redact
from linter.status import Status

if TYPE_CHECKING:
    from linter.conditions import Judge, Verdict

SEVERITIES = ("low", "medium", "high", "critical")


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue: what it judges, its condition, and what a finding says."""

    id: str
    title: str
    severity: str
    category: str
    hipaa: tuple[str, ...]
    rationale: str
    message: str
    models: tuple[str, ...]
    condition: dict[str, Any]
    remediation: dict[str, str]
    when: dict[str, Any] | None = None
    each: str | None = None
    references: tuple[str, ...] = ()
    equivalents: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    limits: str = ""
    path: str = ""
    # "<catalogue key>:<file>" for a rule read from a rules directory: its data is exactly
    # what that key stands for, so the result cache digests this, not the data
    # (linter.result_cache.rules_digest); "" for a rule made any other way, a copy made
    # by dataclasses.replace included (not an __init__ argument: see _from_catalogue).
    origin: str = dataclasses.field(default="", init=False, compare=False, repr=False)

    @property
    def family(self) -> str:
        return self.id.split("-")[0]


@dataclass(frozen=True, init=False, slots=True)
class Outcome:
    """One rule's verdict on one resource (or one of its repeated parts)."""

    rule: Rule
    # The judged resource's name and place; the model itself only where linter.live.drift
    # reads the models back from the outcomes (see Evaluator).
    resource: ResourceRef | Resource
    status: Status
    message: str
    location: SourceLocation  # where the finding points: the attribute, or the resource
    attribute: str  # the attribute judged, part of the fingerprint
    element: str = ""  # the repeated part judged (`ordered_cache_behavior[1]`), if any
    # A linter.suppress.Suppression when a justified exception covers this finding: it is
    # still reported (SARIF `suppressions`), but does not gate the exit code.
    suppression: Any = None
    # Facts the deciding check recorded ({"tls13": True} for TLS policies), for the
    # coverage figures in JSON and SARIF.
    facts: tuple[tuple[str, Any], ...] = ()

    def __init__(self, rule: Rule, resource: ResourceRef | Resource, status: Status,
                 message: str, location: SourceLocation, attribute: str, element: str = "",
                 suppression: Any = None, facts: tuple[tuple[str, Any], ...] = ()) -> None:
        # Slotted (a large scan holds a hundred thousand outcomes; a dict each cost
        # ~110 bytes more) and set through the slots' own descriptors: a frozen
        # dataclass's __init__ goes through object.__setattr__, three times as long.
        # Messages quote scanned values: credentials in them never reach an output.
        _fill(self, rule, resource, status, redact(message), location, attribute, element,
              suppression, facts)

    @property
    def fingerprint(self) -> str:
        """Stable across line moves and reformatting: rule + resource + attribute path."""
        identity = "|".join((self.rule.id, self.resource.source_format, self.resource.scope,
                             self.resource.address, self.element, self.attribute))
        return hashlib.sha256(identity.encode()).hexdigest()[:32]


_SLOT_SETTERS = tuple(getattr(Outcome, name).__set__ for name in Outcome.__slots__)


def _fill(outcome: Outcome, *values: Any) -> None:
    for setter, value in zip(_SLOT_SETTERS, values):
        setter(outcome, value)


def restored_outcome(rule: Rule, resource: ResourceRef | Resource, status: Status,
                     message: str, location: SourceLocation, attribute: str, element: str,
                     facts: tuple[tuple[str, Any], ...]) -> Outcome:
    """An outcome as it was stored (linter.result_cache): its message was redacted when it
    was made, and redacting again would cost most of a load."""
    outcome = object.__new__(Outcome)
    _fill(outcome, rule, resource, status, message, location, attribute, element, None, facts)
    return outcome


# --- loading --------------------------------------------------------------------------


@cache
def model_classes() -> dict[str, type[Resource]]:
    """Every model class by its MODEL name (`aws.s3.Bucket`)."""
    import importlib
    import pkgutil

    import linter.models as models_package

    found: dict[str, type[Resource]] = {}
    for info in pkgutil.walk_packages(models_package.__path__, "linter.models."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Resource) and value.MODEL:
                found[value.MODEL] = value
    return found


def load_rules(directories: list[Path]) -> list[Rule]:
    rules: dict[str, Rule] = {}
    for directory in directories:
        if not directory.is_dir():
            raise RuleError(f"{directory}: rules directory does not exist")
        for rule in _load_directory(directory):
            if rule.id in rules:
                raise RuleError(f"{rule.path}: rule id {rule.id} is already defined in "
                                f"{rules[rule.id].path}")
            rules[rule.id] = rule
    return sorted(rules.values(), key=lambda rule: rule.id)


def _load_directory(directory: Path) -> list[Rule]:
    """One directory's rules: from its compiled catalogue when one matches the files
    exactly (linter.catalogue; the key from the files' stamp when it matches their stats),
    else loaded, validated and checked, then compiled."""
    stamp = catalogue.stamp(directory)
    key = None if stamp is None else catalogue.stamped_key(directory, stamp)
    rules = None if key is None else _compiled_rules(directory, key)
    if rules is not None:
        return rules
    try:
        sources = catalogue.read_sources(directory, None if stamp is None else stamp.names)
    except OSError:  # an unreadable file: load_rule names it
        return [load_rule(path) for path in catalogue.rule_files(directory)]
    key = catalogue.catalogue_key(directory, sources)
    if stamp is not None:
        catalogue.store_stamp(directory, stamp, key)
    rules = _compiled_rules(directory, key)
    if rules is not None:
        return rules
    checked = _checked_sources(directory, sources)
    text = catalogue.entry(key, [(relative, data) for relative, data, _ in checked])
    if text is not None:
        catalogue.store(key, text)
    return [_from_catalogue(rule, key, relative) for relative, _, rule in checked]


def _compiled_rules(directory: Path, key: str) -> list[Rule] | None:
    """The rules of the catalogue compiled under `key` (shipped, or in the user cache
    folder), or None when there is none."""
    compiled = catalogue.shipped(directory, key) or catalogue.cached(key)
    if compiled is None:
        return None
    try:
        # Each path as text: a Path per rule cost 2 ms of every run, and a Rule keeps its
        # path as text.
        return [_from_catalogue(rule_from_data(data, os.path.join(directory, relative)),
                                key, relative)
                for relative, data in compiled]
    except (KeyError, TypeError, AttributeError):  # not a compiled catalogue after all
        return None


def _from_catalogue(rule: Rule, key: str, relative: str) -> Rule:
    object.__setattr__(rule, "origin", f"{key}:{relative}")  # frozen: set once, here
    return rule


def _checked_sources(directory: Path, sources: list[tuple[str, bytes]]
                     ) -> list[tuple[str, dict[str, Any], Rule]]:
    """(relative path, data, rule) of each file, validated and its references checked;
    the first file that fails raises its RuleError."""
    checked = []
    for relative, content in sources:
        path = directory / relative
        data = _validated_data(path, content)
        rule = rule_from_data(data, path)
        _check_references(rule)
        checked.append((relative, data, rule))
    return checked


def compile_directory(directory: Path) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """A rules directory's catalogue key and checked rule data (see linter.catalogue)."""
    sources = catalogue.read_sources(directory)
    checked = _checked_sources(directory, sources)
    return (catalogue.catalogue_key(directory, sources),
            [(relative, data) for relative, data, _ in checked])


def load_rule(path: Path) -> Rule:
    try:
        content = path.read_bytes()
    except OSError as error:
        raise RuleError(f"{path}: cannot read rule file: {error}") from None
    rule = rule_from_data(_validated_data(path, content), path)
    _check_references(rule)
    return rule


def _validated_data(path: Path, content: bytes) -> dict[str, Any]:
    # Imported here: rules come from the compiled catalogue (JSON) on nearly every run.
    import yaml

    from linter.parsers.yaml_source import SafeLoader
    from linter.schemas import validator

    try:
        data = yaml.load(content.decode("utf-8"), Loader=SafeLoader)  # noqa: S506 - safe
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise RuleError(f"{path}: cannot read rule file: {error}") from None
    errors = sorted(validator("rule").iter_errors(data),
                    key=lambda error: list(error.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "(top level)"
        raise RuleError(f"{path}: {where}: {first.message}")
    return data


def rule_from_data(data: dict[str, Any], path: Path | str) -> Rule:
    """A Rule from a rule file's (validated) data."""
    models = data["model"] if isinstance(data["model"], list) else [data["model"]]
    return Rule(
        id=data["id"], title=data["title"], severity=data["severity"],
        category=data["category"], hipaa=tuple(data["hipaa"]), rationale=data["rationale"].strip(),
        message=data["message"], models=tuple(models), condition=data["condition"],
        remediation=data["remediation"], when=data.get("when"), each=data.get("each"),
        references=tuple(data.get("references", [])), equivalents=data.get("equivalents", {}),
        limits=data.get("limits", "").strip(), path=str(path))


def _check_references(rule: Rule) -> None:
    """The fields and checks a rule names must exist: a typo must not read as a pass."""
    from linter.checks import registry as check_registry

    classes = model_classes()
    for model in rule.models:
        if model not in classes:
            raise RuleError(f"{rule.path}: model {model} does not exist")
        names = _field_names(classes[model])
        if rule.each:
            if rule.each not in names:
                raise RuleError(f"{rule.path}: model {model} has no field {rule.each}")
            names = _element_fields(classes[model], rule.each)
        for condition in (rule.condition, rule.when):
            for leaf in condition_leaves(condition):
                if leaf["field"] not in names:
                    raise RuleError(f"{rule.path}: model {model} has no field {leaf['field']}")
                if "check" in leaf and leaf["check"] not in check_registry():
                    raise RuleError(f"{rule.path}: check {leaf['check']} does not exist")


def _field_names(model: type) -> set[str]:
    """Dataclass fields, plus read-only properties that derive a Field from them."""
    properties = {name for name in dir(model) if isinstance(getattr(model, name), property)}
    return {field.name for field in dataclasses.fields(model)} | properties


def _element_fields(model: type[Resource], list_field: str) -> set[str]:
    element_type = getattr(model, "ELEMENTS", {}).get(list_field)
    if element_type is None:
        raise RuleError(f"model {model.MODEL} does not declare the element type of {list_field}")
    return _field_names(element_type)


def condition_leaves(condition: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not condition:
        return []
    for key in ("all", "any"):
        if key in condition:
            return [leaf for item in condition[key] for leaf in condition_leaves(item)]
    if "not" in condition:
        return condition_leaves(condition["not"])
    return [condition]


def supported_formats(model: str) -> set[str]:
    """The formats whose adapters build this model, read from the builders' return types."""
    import typing

    from linter.adapters import collect_builders

    formats = set()
    for fmt in ("terraform", "cloudformation", "kubernetes", "pem"):
        for builders in collect_builders(f"linter.adapters.{fmt}").values():
            for builder in builders:
                returned = typing.get_type_hints(builder).get("return")
                for argument in typing.get_args(returned):
                    if getattr(argument, "MODEL", None) == model:
                        formats.add(fmt)
    return formats


# --- evaluation -----------------------------------------------------------------------


class _Judged(NamedTuple):
    """A rule as the Evaluator applies it: its conditions compiled once."""

    rule: Rule
    when: Judge | None
    condition: Judge


class Evaluator:
    """Judges models with rules. Outcomes name their resource by a ResourceRef, so the
    models can be freed once judged; `keep_models` puts the model itself in each outcome,
    for callers that read the models back from the outcomes (live drift)."""

    def __init__(self, rules: list[Rule], *, keep_models: bool = False) -> None:
        self.rules = rules
        self.keep_models = keep_models
        # Imported here: a scan whose results come from the result cache judges nothing.
        from linter.conditions import compile_condition

        self._by_model: dict[str, list[_Judged]] = {}
        for rule in rules:
            judged = _Judged(rule, compile_condition(rule.when) if rule.when else None,
                             compile_condition(rule.condition))
            for model in rule.models:
                self._by_model.setdefault(model, []).append(judged)

    def evaluate(self, resources: list[Resource]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for resource in resources:
            rules = self._by_model.get(resource.MODEL)
            if not rules:
                continue
            named = resource if self.keep_models else resource.ref()
            for judged in rules:
                if judged.rule.each:
                    for element in getattr(resource, judged.rule.each):
                        self._judge(judged, resource, named, element, element, outcomes)
                else:
                    self._judge(judged, resource, named, resource, None, outcomes)
        return outcomes

    def _judge(self, judged: _Judged, resource: Resource, named: ResourceRef | Resource,
               subject: Any, element: Element | None, outcomes: list[Outcome]) -> None:
        """Appends the rule's outcome on the subject (the resource, or one element), if
        the rule applies to it."""
        try:
            if judged.when is not None:
                applies = judged.when(subject)
                if applies.status is Status.FAIL:
                    return
                if applies.status is not Status.UNKNOWN:
                    applies = judged.condition(subject)
            else:
                applies = judged.condition(subject)
            outcome = _outcome(judged.rule, resource, named, element, applies)
        except Exception as error:  # a crashing rule is an ERROR outcome, never a pass
            rule = judged.rule
            outcome = Outcome(rule, named, Status.ERROR,
                              f"rule {rule.id} failed on {resource.address}: internal "
                              f"error ({crash_summary(error)})", resource.location, "")
        outcomes.append(outcome)


def _outcome(rule: Rule, resource: Resource, named: ResourceRef | Resource,
             element: Element | None, verdict: Verdict) -> Outcome:
    field: Field | None = verdict.field
    place = resource.location
    if element is not None:
        line = field.line if field is not None and field.line else element.line
        subject = f"{resource.address} {element.label}"
    else:
        line = field.line if field is not None and field.line else place.start_line
        subject = resource.address
    path = field.path if field is not None and field.path else place.path
    if element is None and line == place.start_line and path == place.path:
        location = place  # the resource itself: its whole block
    else:
        location = SourceLocation(path, line, line if line != place.start_line or element
                                  else place.end_line)
    status = verdict.status
    if status is Status.UNKNOWN:
        message = f"{rule.title}: cannot be decided for {subject}: {verdict.detail}"
    elif status is Status.PASS:
        message = f"{subject}: {verdict.detail}" if verdict.detail else subject
    else:
        message = f"{rule.message.format(resource=subject)}: {verdict.detail}"
    return Outcome(rule, named, status, message, location,
                   field.attribute if field is not None else "",
                   element.label if element is not None else "", facts=verdict.facts)
