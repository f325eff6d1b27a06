"""Google Cloud predicates: SSL policy settings, KMS rotation periods, public IAM members.

An SSL policy is judged by what it lets a client negotiate, read from
tables/gcp_tls.yaml: the minimum TLS version and the profile (or custom feature list)
together decide the oldest usable protocol and the suites on offer. A profile, version
or feature the table does not know is UNKNOWN, never PASS.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from linter.checks import CheckResult
from linter.models.address_ranges import is_whole_internet
from linter.tables import (
    PROTOCOL_ORDER,
    list_suites,
    load_table,
    protocol_rank,
    weak_suites,
)
from linter.values import Branches, ResourceRef, Unknown

_SETTINGS = ("min_tls_version", "profile", "custom_features")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)s")


# --- SSL policies ----------------------------------------------------------------------


def _variants(settings: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """One settings mapping per combination of conditional branches (usually just one)."""
    choices = []
    for key in _SETTINGS:
        value = settings.get(key)
        if isinstance(value, Branches):
            choices.append([(f"{label}: ", option) for option, label
                            in zip(value.options, value.labels)])
        else:
            choices.append([("", value)])
    variants = []
    for combination in itertools.product(*choices):
        label = "".join(prefix for prefix, _ in combination)
        values = dict(settings, **{key: value for key, (_, value)
                                   in zip(_SETTINGS, combination)})
        variants.append((label, values))
    return variants


def _describe(settings: dict[str, Any]) -> str:
    """`profile MODERN with min_tls_version TLS_1_2`, naming the policy when it is another
    resource's (a proxy's policy)."""
    text = (f"profile {settings.get('profile')} with min_tls_version "
            f"{settings.get('min_tls_version')}")
    return f"{settings['name']} ({text})" if settings.get("name") else text


def _features(settings: dict[str, Any]) -> tuple[list[str] | None, str]:
    """The TLS 1.0-1.2 suites the profile enables, or None and why not known."""
    profile = settings.get("profile")
    if isinstance(profile, Unknown):
        return None, f"the profile cannot be known statically ({profile.reason})"
    if profile == "CUSTOM":
        features = settings.get("custom_features")
        items = features if isinstance(features, list) else ([] if features is None
                                                            else [features])
        if any(not isinstance(item, str) for item in items):
            return None, "custom_features cannot be known statically"
        return list(items), ""
    profiles = load_table("gcp_tls")["profiles"]
    if not isinstance(profile, str) or profile not in profiles:
        return None, f"profile {profile} is not in the GCP TLS table"
    return list(profiles[profile]), ""


def _floor(settings: dict[str, Any]) -> tuple[str | None, str]:
    version = settings.get("min_tls_version")
    if isinstance(version, Unknown):
        return None, f"min_tls_version cannot be known statically ({version.reason})"
    versions = load_table("gcp_tls")["min_tls_versions"]
    protocol = versions.get(version) if isinstance(version, str) else None
    if protocol is None:
        return None, f"min_tls_version {version} is not in the GCP TLS table"
    return protocol, ""


def _allowed_protocols(floor: str) -> list[str]:
    return [protocol for protocol in PROTOCOL_ORDER
            if protocol_rank(protocol) >= max(protocol_rank(floor), protocol_rank("TLSv1"))]


def _minimum_one(settings: dict[str, Any], minimum: str) -> CheckResult:
    floor, why = _floor(settings)
    features, why_features = _features(settings)
    if floor is not None and protocol_rank(floor) >= protocol_rank(minimum):
        return CheckResult(True, f"{_describe(settings)} allows {floor} at the oldest")
    if floor is None:
        # A profile whose suites all need TLS 1.2 (RESTRICTED) passes whatever the minimum.
        older = None if features is None else _oldest_usable(features, "TLSv1")
        if older is not None and protocol_rank(older) >= protocol_rank(minimum):
            return CheckResult(True, f"{_describe(settings)} enables only suites that "
                                     f"need {older} or newer")
        return CheckResult(None, why)
    if features is None:
        return CheckResult(None, why_features)
    oldest = _oldest_usable(features, floor)
    if oldest is None:
        return CheckResult(None, f"{_describe(settings)} enables suites the GCP TLS table "
                                 "does not know")
    if protocol_rank(oldest) < protocol_rank(minimum):
        return CheckResult(False, f"{_describe(settings)} allows {oldest}, older than {minimum}")
    return CheckResult(True, f"{_describe(settings)} allows {oldest} at the oldest: its "
                             "suites need it")


def _oldest_usable(features: list[str], floor: str) -> str | None:
    """The oldest protocol at or above `floor` that some enabled suite works with;
    None when an unknown suite might enable an older one."""
    table = load_table("gcp_tls")["features"]
    known = [table[feature] for feature in features if feature in table]
    for protocol in _allowed_protocols(floor):
        if protocol == "TLSv1.3" or any(protocol in protocols for protocols in known):
            return protocol
        if len(known) < len(features):
            return None
    return None


def gcp_ssl_policy_minimum(value: Any, *, minimum: str = "TLSv1.2", **_: Any) -> CheckResult:
    """Passes when the oldest protocol the policy lets a client use is `minimum` or newer."""
    if protocol_rank(minimum) < 0:
        raise ValueError(f"gcp_ssl_policy_minimum: unknown protocol {minimum!r}")
    if isinstance(value, Unknown):
        return CheckResult(None, value.reason)
    return _judge_variants(value, lambda settings: _minimum_one(settings, minimum))


def _strong_one(settings: dict[str, Any]) -> CheckResult:
    floor, why = _floor(settings)
    if floor is None:
        return CheckResult(None, why)
    if protocol_rank(floor) >= protocol_rank("TLSv1.3"):
        return CheckResult(True, f"{_describe(settings)} allows only TLS 1.3 suites")
    features, why = _features(settings)
    if features is None:
        return CheckResult(None, why)
    table = load_table("gcp_tls")["features"]
    allowed = set(_allowed_protocols(floor))
    # A suite the table does not know is judged by its IANA name, which spells out the key
    # exchange and the cipher mode.
    offered = [feature for feature in features
               if feature not in table or allowed.intersection(table[feature])]
    weak = weak_suites(offered)
    if weak:
        listed = list_suites(weak)
        return CheckResult(False, f"{_describe(settings)} offers suites without forward "
                                  f"secrecy or AEAD: {listed}")
    return CheckResult(True, f"{_describe(settings)} offers only forward-secret AEAD suites")


def gcp_ssl_policy_strong_suites(value: Any, **_: Any) -> CheckResult:
    """Passes when every suite a client can negotiate is forward-secret and AEAD."""
    if isinstance(value, Unknown):
        return CheckResult(None, value.reason)
    return _judge_variants(value, _strong_one)


def _judge_variants(value: Any, judge: Any) -> CheckResult:
    if not isinstance(value, dict):
        return CheckResult(None, "the SSL policy settings are not understood")
    results = [(label, judge(settings)) for label, settings in _variants(value)]
    for outcome in (False, None):
        for label, result in results:
            if result.passed is outcome:
                return CheckResult(outcome, f"{label}{result.detail}")
    return CheckResult(True, results[0][1].detail if len(results) == 1
                       else "every branch complies")


# --- KMS --------------------------------------------------------------------------------


def gcp_rotation_period_at_most(value: Any, *, max_seconds: int, **_: Any) -> CheckResult:
    """Passes when the key rotates automatically at least every `max_seconds`."""
    if value is None:
        return CheckResult(False, "no rotation_period is set, so the key never rotates "
                                  "automatically")
    match = _DURATION.fullmatch(str(value).strip())
    if match is None:
        return CheckResult(None, f"rotation_period {value!r} is not a duration in seconds")
    seconds = float(match.group(1))
    days = seconds / 86400
    if seconds > max_seconds:
        return CheckResult(False, f"rotation_period is {value} ({days:g} days), longer than "
                                  f"{max_seconds / 86400:g} days")
    return CheckResult(True, f"rotation_period is {value} ({days:g} days)")


def gcp_no_public_members(value: Any, **_: Any) -> CheckResult:
    """Passes when no member is a public principal (allUsers, allAuthenticatedUsers)."""
    public_principals = set(load_table("gcp_iam")["public_principals"])
    items = value if isinstance(value, list) else ([] if value is None else [value])
    public = [item for item in items if isinstance(item, str) and item in public_principals]
    if public:
        return CheckResult(False, f"grants a role to {', '.join(public)}")
    if any(not isinstance(item, str) for item in items):
        return CheckResult(None, "some members cannot be known statically")
    return CheckResult(True, "no public principal is granted a role")


# --- Firewall rules ---------------------------------------------------------------------


def _port_group(group: str) -> list[dict[str, Any]]:
    """The ports a rule keeps closed: the shared plaintext table or a GCP group."""
    if group == "plaintext":
        return list(load_table("plaintext_ports")["ports"])
    groups = load_table("gcp_net_ports")["port_groups"]
    if group not in groups:
        raise ValueError(f"gcp_firewall_closed_ports: unknown port group {group!r}")
    return list(groups[group])


def _internet_sources(value: Any) -> tuple[list[str], list[str]]:
    """(internet sources, descriptions of sources that cannot be known)."""
    if isinstance(value, Branches):
        internet: list[str] = []
        unknown: list[str] = []
        for option, label in zip(value.options, value.labels):
            found, undecided = _internet_sources(option)
            internet += [f"{item} ({label})" for item in found]
            unknown += undecided
        return internet, unknown
    if isinstance(value, Unknown):
        return [], [value.reason or "the source ranges"]
    items = value if isinstance(value, list) else [] if value is None else [value]
    internet, unknown = [], []
    for item in items:
        if isinstance(item, (Branches, Unknown)):
            found, undecided = _internet_sources(item)
            internet += found
            unknown += undecided
        elif isinstance(item, str):
            if is_whole_internet(item):
                internet.append(item.strip())
        elif not isinstance(item, ResourceRef):  # a subnet's range is private in practice
            unknown.append("a source range")
    return internet, unknown


def _port_ranges(ports: Any) -> list[tuple[int, int]] | None:
    """The (low, high) ranges of written ports; every port when none is written; None
    when a port cannot be read."""
    if ports is None or ports == []:
        return [(0, 65535)]
    items = ports if isinstance(ports, list) else [ports]
    ranges = []
    for item in items:
        text = str(item).strip() if isinstance(item, (str, int)) else None
        if text is None:
            return None
        low, _, high = text.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            return None
    return ranges


def _reached_ports(exposure: dict[str, Any], group: str) -> list[str] | None:
    protocol = exposure.get("protocol")
    if not isinstance(protocol, (str, int)) or isinstance(protocol, bool):
        return None
    name = str(protocol).strip().lower()
    name = load_table("gcp_net_ports")["protocol_numbers"].get(name, name)
    everything = name == "all"
    ranges = [(0, 65535)] if everything else _port_ranges(exposure.get("ports"))
    if ranges is None:
        return None
    reached = []
    for entry in _port_group(group):
        if not everything and name not in entry["protocols"]:
            continue
        if any(low <= entry["port"] <= high for low, high in ranges):
            shown = "/".join(entry["protocols"]) if everything else name
            reached.append(f"port {entry['port']} ({entry['name']}, {shown})")
    return reached


def _not_applied(exposure: dict[str, Any]) -> tuple[bool | None, str]:
    """Whether the rule lets no ingress traffic through (egress, disabled, not an allow);
    None when that cannot be known."""
    direction, disabled, action = (exposure.get(key) for key in
                                   ("direction", "disabled", "action"))
    if isinstance(direction, str) and direction.upper() == "EGRESS":
        return True, "an egress rule"
    if disabled is True:
        return True, "the rule is disabled"
    if isinstance(action, str) and action.lower() not in ("allow",
                                                          "apply_security_profile_group"):
        return True, f"the rule's action is {action}"
    for key, value in (("direction", direction), ("disabled", disabled), ("action", action)):
        if not isinstance(value, (str, bool)):
            return None, f"{key} cannot be known statically"
    return False, ""


def gcp_firewall_closed_ports(value: Any, *, ports: str = "plaintext",
                              **_: Any) -> CheckResult:
    """Passes unless the rule lets the internet (a /0 source) reach a port of the group:
    `plaintext` (tables/plaintext_ports.yaml) or a group of tables/gcp_net_ports.yaml."""
    if not isinstance(value, dict):
        return CheckResult(None, "the firewall rule is not understood")
    skipped, why = _not_applied(value)
    if skipped:
        return CheckResult(True, why)
    internet, unknown = _internet_sources(value.get("sources"))
    if not internet and not unknown:
        return CheckResult(True, "no internet source (0.0.0.0/0 or ::/0)")
    reached = _reached_ports(value, ports)
    if reached is None:
        return CheckResult(None, "the protocol or ports cannot be known statically")
    if not reached:
        return CheckResult(True, "no such port in the rule's ports")
    listed = ", ".join(reached[:3]) + (f" and {len(reached) - 3} more" if len(reached) > 3
                                       else "")
    if skipped is None:
        return CheckResult(None, f"{listed} open to the internet if the rule applies, "
                                 f"but {why}")
    if internet:
        shown = ", ".join(dict.fromkeys(internet))
        if value.get("default_sources"):
            shown += " (no source written: Google Cloud's default)"
        return CheckResult(False, f"{listed} open to {shown}")
    return CheckResult(None, f"{listed} open to a source that cannot be known statically "
                             f"({unknown[0]})")


# --- Load balancers ---------------------------------------------------------------------


def gcp_redirects_to_https(value: Any, **_: Any) -> CheckResult:
    """Passes when the proxy's URL map answers every request with a redirect to HTTPS."""
    if value is True:
        return CheckResult(True, "the URL map redirects every request to HTTPS")
    if value is False:
        return CheckResult(False, "the URL map routes requests to backends instead of "
                                  "redirecting them (default_url_redirect.https_redirect "
                                  "is not true)")
    return CheckResult(None, "whether the URL map redirects cannot be known statically")


CHECKS = {
    "gcp_ssl_policy_minimum": gcp_ssl_policy_minimum,
    "gcp_ssl_policy_strong_suites": gcp_ssl_policy_strong_suites,
    "gcp_rotation_period_at_most": gcp_rotation_period_at_most,
    "gcp_no_public_members": gcp_no_public_members,
    "gcp_firewall_closed_ports": gcp_firewall_closed_ports,
    "gcp_redirects_to_https": gcp_redirects_to_https,
}
