"""Which services a live scan can read, the models each yields, and the calls each field needs.

A service is read only when a selected rule judges one of its models, and an optional
per-resource call is made only when a selected rule judges a field that call feeds:
a scan restricted to `--include-rule ENC-001` never asks for bucket policies.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from linter.engine import Rule, condition_leaves, model_classes
from linter.live import collectors
from linter.live.collectors import Service


@cache
def all_services() -> dict[str, Service]:
    """Every collector module's `SERVICES`, by `--services` name."""
    found: dict[str, Service] = {}
    for info in sorted(pkgutil.iter_modules(collectors.__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{collectors.__name__}.{info.name}")
        for service in getattr(module, "SERVICES", ()):
            if service.name in found:
                raise ValueError(f"two collector modules declare the service {service.name}")
            found[service.name] = service
    return dict(sorted(found.items()))


SERVICES = all_services()


def store_services() -> set[str]:
    """The services that read ePHI stores (KEY-006 compares a trail's key with theirs)."""
    from linter.adapters.aws_live.relations import is_store

    stores = {name for name, model in model_classes().items() if is_store(model)}
    return {name for name, service in SERVICES.items()
            if any(model in stores for model in service.models)}


def judged_fields(rules: list[Rule]) -> dict[str, set[str]]:
    """Model name -> the fields (and derived properties) selected rules judge."""
    judged: dict[str, set[str]] = {}
    for rule in rules:
        names = {leaf["field"] for condition in (rule.condition, rule.when)
                 for leaf in condition_leaves(condition)}
        if rule.each:
            names.add(rule.each)
        for model in rule.models:
            judged.setdefault(model, set()).update(names)
    return judged


def needed_operations(service: Service, judged: dict[str, set[str]]) -> frozenset[str]:
    operations = set()
    for operation, (model, fields) in service.needs.items():
        if model in judged and (not fields or fields & judged[model]):
            operations.add(operation)
    return frozenset(operations)


def selected_services(rules: list[Rule], names: list[str] | None) -> list[Service]:
    """The services to read: asked for (or all), and judged by at least one rule."""
    judged = judged_fields(rules)
    chosen = [SERVICES[name] for name in names] if names else list(SERVICES.values())
    return [service for service in chosen
            if any(model in judged for model in service.models)]


def live_models() -> set[str]:
    """Every model some live collector yields (the rest are IaC- or Kubernetes-only)."""
    known = model_classes()
    # Drift models are built from a live answer and its declaration together
    # (linter/live/drift.py), by no collector of their own.
    return {model for service in SERVICES.values() for model in service.models
            if model in known} | {name for name in known if name.startswith("aws.drift.")}
