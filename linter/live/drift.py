"""Drift: what runs in the account against what the CloudFormation templates or the
Terraform state declare (`ephi-lint aws --templates DIR` / `--terraform-state FILE`).

The declarations are read with the file scan's own parsers and adapters, so a declared
store and a live one are the same model class (aws.s3.Bucket from a template, a state or
the S3 API) and are compared field by field:
- each live ePHI store (linter.adapters.aws_live.relations.is_store) is matched to its
  declaration: a template resource by the aws:cloudformation tags that anchored it
  (linter.live.templates), a state instance by its `arn`, else its id or name;
- a matched store becomes an aws.drift.DeclaredStore (DRF-001 encryption at rest,
  DRF-002 TLS-only, DRF-003 the KMS key), located at the declaring line, addressed by
  the live ARN, so every finding names both sides;
- every live store becomes an aws.drift.LiveStore, declared or not (DRF-004).
Nothing here calls AWS: it reads the models the live scan built.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.engine import Evaluator, Outcome, Rule, model_classes
from linter.models.aws.drift import DeclaredStore, LiveStore
from linter.models.base import Field, FieldState, Resource
from linter.report.live_place import is_virtual
from linter.status import Status

DRIFT_PREFIX = "DRF-"
# Boolean fields that say a store refuses plaintext connections, per the store models.
TLS_FIELDS = ("tls_required", "require_ssl", "transit_encryption")
_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?P<kind>key|alias)/(?P<name>.+)$")
_KEY_ID = re.compile(r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                     r"[0-9a-f]{12})$")


class DriftInputError(ValueError):
    """Declarations that cannot be read; the message names the file."""


@dataclass
class Declarations:
    """The declared store models, and how to find the one a live resource matches."""

    models: list[Resource] = field(default_factory=list)
    # (model name, file, line) -> declared model: what a template-anchored live model hits.
    by_place: dict[tuple[str, str, int], Resource] = field(default_factory=dict)
    # (model name, identity) -> declared model: a state's arn, id, bucket or name values.
    by_identity: dict[tuple[str, str], Resource] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # the files read, as displayed


def is_store_model(model: Resource | type[Resource]) -> bool:
    """ePHI stores whose declaration drift is judged; snapshots are copies no template
    declares, so they are left out of the unmanaged list."""
    from linter.adapters.aws_live.relations import is_store

    kind = model if isinstance(model, type) else type(model)
    return is_store(kind) and "Snapshot" not in kind.MODEL


def reading_rules(selected: list[Rule], catalogue: list[Rule]) -> list[Rule]:
    """The rules the live scan reads with: the selected ones, plus the catalogue's rules
    on store models, so the settings drift compares are read (their findings are left out
    by the caller)."""
    classes = model_classes()
    chosen = {rule.id for rule in selected}
    extra = [rule for rule in catalogue if rule.id not in chosen
             and any(model in classes and is_store_model(classes[model])
                     for model in rule.models)]
    return [*selected, *extra]


# --- reading the declarations -----------------------------------------------------------


def load_declarations(templates: Path | None, state: Path | None, root: Path) -> Declarations:
    declarations = Declarations()
    if templates is not None:
        _add_templates(declarations, templates, root)
    if state is not None:
        _add_state(declarations, state, root)
    return declarations


def _probe_rule() -> Rule:
    """A rule that judges every store model without a `when`, so the file scan yields an
    outcome (and so the model) for each declared store."""
    models = tuple(sorted(name for name, kind in model_classes().items() if is_store_model(kind)))
    return Rule(id="DRF-000", title="declared store (drift probe)", severity="low",
                category="drift", hipaa=("164.308(a)(8)",), rationale="internal",
                message="{resource}", models=models,
                condition={"field": "kms_key", "exists": True},
                remediation={"summary": "internal"})


def _add_templates(declarations: Declarations, directory: Path, root: Path) -> None:
    from linter.pipeline import ScanRequest, scan

    request = ScanRequest(paths=[directory], root=root, rules=[_probe_rule()],
                          frameworks=frozenset({"cloudformation"}), keep_models=True)
    result = scan(request)
    errors = [problem for problem in result.problems if problem.level == "error"]
    if errors:
        raise DriftInputError(f"--templates: {errors[0].where}: {errors[0].reason}")
    for model in _models(result.outcomes):
        location = model.location
        declarations.models.append(model)
        declarations.by_place[(model.MODEL, location.path, location.start_line)] = model
    declarations.sources += [shown for _, shown in result.inputs]


def _add_state(declarations: Declarations, path: Path, root: Path) -> None:
    import os

    from linter.adapters import terraform as terraform_adapters
    from linter.discover import FileProblem
    from linter.parsers.tfstate import StateError, parse_state
    from linter.resolve.tfplan import PlanResolver
    from linter.values import bound_numbers

    shown = Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    try:
        state = parse_state(path.read_text(encoding="utf-8"), shown)
    except (OSError, UnicodeDecodeError) as error:
        raise DriftInputError(f"--terraform-state {path}: cannot read: {error}") from None
    except StateError as error:
        raise DriftInputError(f"--terraform-state {path}: {error}") from None
    problems: list[FileProblem] = []
    blocks = PlanResolver(state.plan).blocks()
    for block in blocks:
        bound_numbers(block.config)
    models = terraform_adapters.build_models(blocks, problems)
    if problems:
        raise DriftInputError(f"--terraform-state {path}: {problems[0].reason}")
    # By Terraform address: `terraform show -json` writes one line, so lines cannot tell
    # the instances apart.
    by_address = {instance.address: instance for instance in state.instances}
    for model in models:
        instance = by_address.get(model.address)
        if not is_store_model(model) or instance is None:
            continue
        model = dataclasses.replace(model, location=dataclasses.replace(
            model.location, path=shown))
        declarations.models.append(model)
        for identity in instance.identities.values():
            declarations.by_identity.setdefault((model.MODEL, identity), model)
    declarations.sources.append(shown)


def _models(outcomes: list[Outcome]) -> list[Resource]:
    """Each store model among the outcomes' resources, once, in their order."""
    seen: dict[int, Resource] = {}
    for outcome in outcomes:
        if is_store_model(outcome.resource):
            seen.setdefault(id(outcome.resource), outcome.resource)
    return list(seen.values())


# --- matching and comparing -------------------------------------------------------------


def drift_outcomes(result: Any, declarations: Declarations, rules: list[Rule]) -> list[Outcome]:
    """The DRF rules among `rules`, judged on the live scan's store models."""
    drift_rules = [rule for rule in rules if rule.id.startswith(DRIFT_PREFIX)]
    if not drift_rules:
        return []
    models: list[Resource] = []
    for live in _models(result.outcomes):
        declared = match(live, declarations)
        models.append(_live_store(live, declared))
        if declared is not None:
            models.append(compare(live, declared))
    outcomes = Evaluator(drift_rules).evaluate(models)
    return [outcome for outcome in outcomes if outcome.status is not Status.ERROR
            or outcome.rule.id.startswith(DRIFT_PREFIX)]


def match(live: Resource, declarations: Declarations) -> Resource | None:
    """The declaration of a live model: the template line its tags anchored it to, else
    the state instance with its ARN, else with the ARN's last part as id or name."""
    location = live.location
    if not is_virtual(location.path):
        found = declarations.by_place.get((live.MODEL, location.path, location.start_line))
        if found is not None:
            return found
    arn = live.address
    for identity in (arn, *_arn_names(arn)):
        found = declarations.by_identity.get((live.MODEL, identity))
        if found is not None:
            return found
    return None


def _arn_names(arn: str) -> list[str]:
    """`arn:aws:s3:::photos` -> [photos]; `...:db:clinic` -> [clinic]; `.../fs-1` -> [fs-1]."""
    tail = arn.rsplit(":", 1)[-1]
    names = [tail, tail.rsplit("/", 1)[-1]]
    return [name for name in dict.fromkeys(names) if name]


def _declared_at(declared: Resource) -> str:
    return f"{declared.location.path}:{declared.location.start_line}"


def _live_store(live: Resource, declared: Resource | None) -> LiveStore:
    place = live.location if declared is None else declared.location
    declaration = Field.derived(_declared_at(declared), "declaration") if declared \
        else Field.absent("declaration")
    return LiveStore(address=live.address, source_type=live.source_type,
                     source_format=live.source_format, location=place, scope=live.scope,
                     declaration=declaration)


def compare(live: Resource, declared: Resource) -> DeclaredStore:
    """The DeclaredStore of a live model and its declaration (same model class)."""
    encryption = _switch(declared, "encryption_enabled")
    tls_declared, tls_live = _tls(declared), _tls(live)
    key_declared = _declared_key(declared)
    return DeclaredStore(
        address=live.address, source_type=live.source_type, source_format=live.source_format,
        location=declared.location, scope=live.scope,
        declared_encryption=Field.derived(encryption, _declared(declared,
                                                                "encryption_enabled")),
        encryption_drift=_flag_drift(encryption, _switch_field(live, "encryption_enabled"),
                                     declared, "encryption_enabled", "encrypted",
                                     "not encrypted"),
        declared_tls_only=Field.derived(tls_declared[0] is True, tls_declared[1]),
        tls_drift=_tls_drift(tls_declared[0], tls_live, declared),
        declared_key=key_declared,
        key_drift=_key_drift(key_declared, getattr(live, "kms_key", None), declared))


def _attribute(model: Resource, name: str) -> str:
    value = getattr(model, name, None)
    return value.attribute if isinstance(value, Field) else name


def _declared(declared: Resource, name: str) -> str:
    return _named(declared, _attribute(declared, name))


def _named(declared: Resource, attribute: str) -> str:
    """A declared attribute with the declaring resource's name (`aws_db_instance.main:
    kms_key_id`, `PatientDataVolume: Properties.Encrypted`), which the state's or template's
    line alone does not give (`terraform show -json` is one line)."""
    return attribute if ": " in attribute else f"{declared.address}: {attribute}"


def _switch_field(model: Resource, name: str) -> Field | None:
    value = getattr(model, name, None)
    return value if isinstance(value, Field) else None


def _switch(model: Resource, name: str) -> bool:
    """True only when the model's field is known and true (a conditional is not)."""
    value = _switch_field(model, name)
    return value is not None and value.is_known and value.value is True


def _flag_drift(declared_on: bool, live: Field | None, declared: Resource, name: str,
                on: str, off: str) -> Field:
    """ABSENT: no drift (or nothing declared); SET: the difference; UNKNOWN: the live
    setting could not be read."""
    attribute = f"{_declared(declared, name)} vs live {live.attribute if live else name}"
    if not declared_on:
        return Field.absent(attribute)
    if live is None or not live.is_known:
        reason = live.reason if live is not None else "the live scan did not read it"
        return Field(None, FieldState.UNKNOWN, attribute, _line(declared, name), reason)
    if live.value is True:
        return Field.absent(attribute)
    return _difference(f"declared {on}, live {off}", attribute, declared, name)


def _difference(text: str, attribute: str, declared: Resource, name: str) -> Field:
    value = _switch_field(declared, name)
    return Field(text, FieldState.SET, attribute, _line(declared, name),
                 path=value.path if value is not None else None)


def _line(declared: Resource, name: str) -> int | None:
    value = _switch_field(declared, name)
    if value is not None and value.line and value.path is None:
        return value.line
    return None


def _tls(model: Resource) -> tuple[bool | None, str, str]:
    """(refuses plaintext connections, or None when unknown; the attribute that says so;
    why it is unknown)."""
    policy = _switch_field(model, "policy")
    if policy is not None and model.MODEL == "aws.s3.Bucket":
        from linter.checks.policies import denies_insecure_transport
        from linter.values import plain

        if not policy.is_known:
            return None, policy.attribute, policy.reason
        if policy.value is None:
            return False, policy.attribute, ""
        return denies_insecure_transport(plain(policy.value)).passed is True, \
            policy.attribute, ""
    for name in TLS_FIELDS:
        value = _switch_field(model, name)
        if value is not None:
            if not value.is_known:
                return None, value.attribute, value.reason
            return value.value is True, value.attribute, ""
    return False, "tls", ""


def _tls_drift(declared_on: bool | None, live: tuple[bool | None, str, str],
               declared: Resource) -> Field:
    name = "policy" if declared.MODEL == "aws.s3.Bucket" else next(
        (name for name in TLS_FIELDS if _switch_field(declared, name) is not None), "tls")
    attribute = f"{_named(declared, _tls(declared)[1])} vs live {live[1]}"
    if not declared_on or live[0] is True:
        return Field.absent(attribute)
    if live[0] is None:
        return Field(None, FieldState.UNKNOWN, attribute, _line(declared, name), live[2])
    return _difference("declared TLS-only, live accepts plaintext", attribute, declared, name)


def key_identity(value: Any) -> str | None:
    """`key/ID` or `alias/NAME` for a key ARN, key id, alias ARN or alias name; None for
    anything else (a reference, an unknown value)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    found = _KEY_ARN.match(text)
    if found:
        return f"{found['kind']}/{found['name']}"
    if _KEY_ID.match(text):
        return f"key/{text}"
    if text.startswith("alias/"):
        return text.split(" ", 1)[0]
    return None


def _declared_key(declared: Resource) -> Field:
    key = _switch_field(declared, "kms_key")
    if key is None or not key.is_known or key.value is None or key.state is FieldState.ABSENT:
        return Field.absent("kms_key")
    value = key.value
    if key_identity(value) is not None:
        return Field(key_identity(value), FieldState.SET, _named(declared, key.attribute),
                     key.line, path=key.path)
    if type(value).__name__ == "ResourceRef":  # the declaration's own customer-managed key
        return Field(str(value), FieldState.SET, _named(declared, key.attribute), key.line,
                     path=key.path)
    return Field.absent(key.attribute)


def _key_drift(declared: Field, live: Field | None, model: Resource) -> Field:
    """The live key when it is not the declared one. The declared key is in the attribute
    (the value is shown up to 80 characters: two key ids would not fit)."""
    wanted = str(declared.value)
    attribute = (f"{declared.attribute} = {wanted} vs live "
                 f"{live.attribute if live else 'kms_key'}")
    if declared.state is FieldState.ABSENT:
        return Field.absent(declared.attribute)
    if live is None or not live.is_known:
        reason = live.reason if live is not None else "the live scan did not read the key"
        return Field(None, FieldState.UNKNOWN, attribute, declared.line, reason)
    live_key = key_identity(live.value if live.state is not FieldState.ABSENT else None)
    differs = Field(live_key or "no customer-managed key", FieldState.SET, attribute,
                    declared.line, path=declared.path)
    if live_key is None or live_key.startswith("alias/aws/"):
        # No key, or an AWS-managed one, where a customer-managed key is declared (a
        # literal one, or a reference to a key of the same template or configuration).
        return differs
    if not wanted.startswith(("key/", "alias/")):
        return Field.absent(attribute)  # a reference: customer-managed is all it says
    if wanted.split("/", 1)[0] != live_key.split("/", 1)[0]:
        return Field(None, FieldState.UNKNOWN, attribute, declared.line,
                     f"declared {wanted}, live {live_key}: an alias and a key id cannot be "
                     "compared without resolving the alias")
    return differs if wanted != live_key else Field.absent(attribute)
