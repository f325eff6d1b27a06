"""Who can reach a LoadBalancer Service: internal scheme and client source ranges.

The manifest does not say which cloud runs it, so every cloud's internal annotation is
read; each controller ignores the others' annotations, and no cluster runs two clouds.
Names, values and defaults: tables/k8s_annotations.yaml (load_balancer_exposure).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from linter.adapters.fields import field_at
from linter.adapters.kubernetes._fields import annotation_field, go_bool
from linter.models.base import Field, FieldState
from linter.values import ConfigNode, Unknown

SOURCE_RANGES = "spec.loadBalancerSourceRanges"


def internal_load_balancer(body: ConfigNode, source_type: str, exposure: dict[str, Any],
                           aws_controller: bool) -> Field:
    """{"internal": bool, "detail": why}, as the controller building the load balancer reads it.

    A written internal value wins over everything; then an unreadable value (UNKNOWN); then
    a written non-internal value (its line is what to fix); then the controller's default.
    """
    candidates = [_aws_scheme(body, source_type, exposure, aws_controller)]
    for entry in exposure["cloud_internal"]:
        written = annotation_field(body, entry["key"], source_type)
        if written.state is FieldState.UNKNOWN:
            candidates.append(written)
        elif written.state is FieldState.SET:
            allowed = " or ".join(f'"{value}"' for value in entry["internal_values"])
            candidates.append(_verdict(written, _text(written.value) in entry["internal_values"],
                                       f"internal only when {allowed}"))
    for wanted in (
        lambda field: field.state is not FieldState.UNKNOWN and field.value["internal"],
        lambda field: field.state is FieldState.UNKNOWN,
        lambda field: field.line is not None,
        lambda field: True,
    ):
        chosen = next((field for field in candidates if wanted(field)), None)
        if chosen is not None:
            return chosen
    raise AssertionError("the AWS candidate is always present")


def _aws_scheme(body: ConfigNode, source_type: str, exposure: dict[str, Any],
                aws_controller: bool) -> Field:
    scheme = annotation_field(body, exposure["aws_scheme"], source_type)
    legacy = annotation_field(body, exposure["aws_internal"], source_type)
    for field in (scheme, legacy):
        if field.state is FieldState.UNKNOWN:
            return field
    if aws_controller:
        # The controller reads the scheme first, then the deprecated boolean.
        if scheme.state is FieldState.SET:
            return _verdict(scheme, _text(scheme.value) == "internal",
                            'the AWS Load Balancer Controller is internal only for "internal"')
        if legacy.state is FieldState.SET:
            return _verdict(legacy, go_bool(legacy).value is True,
                            "the AWS Load Balancer Controller reads it as a boolean")
        return Field({"internal": True, "detail": "the AWS Load Balancer Controller's default "
                                                  "scheme (v2.2.0+) is internal"},
                     FieldState.DEFAULT, scheme.attribute, None,
                     "AWS Load Balancer Controller default")
    # The in-tree provider ignores the scheme annotation and treats any internal value but
    # "false" as internal (cloud-provider-aws EnsureLoadBalancer).
    if legacy.state is FieldState.SET:
        return _verdict(legacy, _text(legacy.value) not in ("", "false"),
                        'the in-tree AWS provider is internal for any value but "false"')
    return Field({"internal": False,
                  "detail": "no internal load-balancer annotation: the in-tree AWS, Azure "
                            "and GKE controllers create an internet-facing load balancer"},
                 FieldState.DEFAULT, "metadata.annotations", None, "controller default")


def _verdict(field: Field, internal: bool, rule: str) -> Field:
    detail = f'`{field.attribute}` is "{_text(field.value)}" ({rule})'
    return Field({"internal": internal, "detail": detail}, field.state, field.attribute,
                 field.line, field.reason, field.path)


def load_balancer_source_ranges(body: ConfigNode, source_type: str,
                                exposure: dict[str, Any]) -> Field:
    """The admitted client CIDRs in canonical form; any /0 is shown as 0.0.0.0/0 or ::/0."""
    written = field_at(body, SOURCE_RANGES, source_type)
    # An empty list counts as unset: the controllers then read the annotation.
    if written.state is FieldState.SET and written.value == []:
        written = field_at(None, SOURCE_RANGES, source_type)
    if written.state is FieldState.DEFAULT:
        annotation = annotation_field(body, exposure["source_ranges"], source_type)
        if annotation.state is FieldState.UNKNOWN:
            return annotation
        if annotation.state is FieldState.SET and _text(annotation.value).strip():
            ranges = [item for item in _text(annotation.value).split(",") if item.strip()]
            written = Field(ranges, FieldState.SET, annotation.attribute, annotation.line)
    if written.state is FieldState.UNKNOWN:
        return written
    items = written.value if isinstance(written.value, list) else [written.value]
    if any(isinstance(item, Unknown) for item in items):
        return Field(None, FieldState.UNKNOWN, written.attribute, written.line,
                     "a source range is not known")
    return Field([_canonical(item) for item in items], written.state, written.attribute,
                 written.line, written.reason)


def _canonical(item: Any) -> Any:
    text = str(item).strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return text  # not a CIDR: the API server rejects it; shown as written
    return str(network)


def _text(value: Any) -> str:
    """Annotation values are strings; an unquoted YAML boolean is read as its spelling."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
