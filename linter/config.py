"""The project configuration file `.ephi-lint.yaml` and which files a run scans.

The file is found by walking up from the scanned path (or named with --config) and
validated against `schemas/config.schema.json`; a mistake is a usage error (exit 2)
that names the file, the line and the key. Path globs in the file are relative to the
folder that holds it, whatever folder the scan is started from.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from linter.discover import CONFIG_NAMES, SourceFile

if TYPE_CHECKING:
    import datetime

    import yaml


@functools.cache
def _loader() -> type:
    """PyYAML's safe loader, but dates stay strings (`2026-13-01` must be a schema error
    with a line, not a crash). Made on first use: a run without a config file never
    imports yaml."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return Loader


class ConfigError(ValueError):
    """A configuration file that cannot be used: `FILE:LINE: key: problem`."""


@dataclass(frozen=True)
class Waiver:
    """An exception written in the reviewed config file (SARIF kind `external`)."""

    index: int  # position in `waivers`, for messages
    line: int
    rule: str  # rule id or glob
    justification: str
    resource: str = "*"  # address or glob (an ARN or ARN glob for a live scan)
    paths: tuple[str, ...] = ()  # empty: anywhere
    # Live scans: (key, value glob) pairs the resource's tags must all hold; empty: any.
    tags: tuple[tuple[str, str], ...] = ()
    compensating_control: str = ""
    approved_by: str = ""
    expires: datetime.date | None = None


@dataclass(frozen=True)
class Override:
    """Rules enabled or disabled for the paths of one `overrides` entry."""

    paths: tuple[str, ...]
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()


@functools.lru_cache(maxsize=256)
def _absolute_in(text: str, working_folder: str) -> str:
    # Cached: asked for every finding of a scan (Config.relative), with the same few paths.
    return text if text.startswith("/") else posixpath.join(working_folder, text)


@functools.lru_cache(maxsize=64)
def _folders(config_path: Path | None, root: Path, working_folder: str) -> tuple[str, str]:
    """The scan root and the folder paths are read from (the configuration file's, the
    working folder without one), as absolute POSIX text."""
    base = config_path.parent.as_posix() if config_path else working_folder
    return _absolute_in(root.as_posix(), working_folder), _absolute_in(base, working_folder)


@dataclass(frozen=True)
class Config:
    """The configuration file's settings (`.ephi-lint.yaml`), or the defaults."""

    path: Path | None = None  # None: no configuration file
    severity_threshold: str | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    exclude: tuple[str, ...] = ()
    parse_errors: str = "report"
    forbid_inline_suppressions: bool = False
    unsuppressible_rules: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = field(default=())
    soft_fail: bool = False  # findings exit 0; errors still exit 2
    sarif_omit_suppressed: bool = False

    @property
    def label(self) -> str:
        return self.path.name if self.path else "configuration"

    def relative(self, display_path: str, root: Path) -> str:
        """A finding's path (relative to the scan root) as seen from the config folder."""
        # Strings, not Path objects: this runs for every file and finding of a scan.
        root_text, base = _folders(self.path, root, os.getcwd())
        absolute = posixpath.normpath(posixpath.join(root_text, display_path))
        if absolute == base:
            return "."
        prefix = base if base.endswith("/") else base + "/"
        return absolute[len(prefix):] if absolute.startswith(prefix) else display_path

    def rule_selected(self, rule_id: str, relative_path: str) -> bool:
        """Per-path selection; the global enable/disable are applied when rules load."""
        for override in self.overrides:
            if not any(path_matches(relative_path, pattern) for pattern in override.paths):
                continue
            if override.enable and not rule_matches(rule_id, override.enable):
                return False
            if rule_matches(rule_id, override.disable):
                return False
        return True

    def excluded(self, relative_path: str) -> bool:
        return any(path_matches(relative_path, pattern) for pattern in self.exclude)


def rule_matches(rule_id: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(fnmatch.fnmatchcase(rule_id, pattern.upper()) for pattern in patterns)


def path_matches(path: str, pattern: str) -> bool:
    """gitignore-like globs: `*` stays within a folder, `**` spans folders; a pattern
    without `/` (`*.tf`) matches at any depth; `legacy/` or `legacy` matches a folder and
    everything under it; a leading `/` anchors at the config folder."""
    pattern = pattern.strip().removeprefix("./")
    anchored = pattern.startswith("/") or "/" in pattern.strip("/")
    pattern = pattern.strip("/")
    if not anchored:
        pattern = "**/" + pattern
    return _glob_regex(pattern).fullmatch(path) is not None


@functools.cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    position = 0
    while position < len(pattern):
        if pattern.startswith("**/", position):
            parts.append("(?:.*/)?")
            position += 3
        elif pattern.startswith("**", position):
            parts.append(".*")
            position += 2
        elif pattern[position] == "*":
            parts.append("[^/]*")
            position += 1
        elif pattern[position] == "?":
            parts.append("[^/]")
            position += 1
        else:
            parts.append(re.escape(pattern[position]))
            position += 1
    # A folder pattern covers what is under it.
    return re.compile("".join(parts) + "(?:/.*)?")


# --- loading --------------------------------------------------------------------------


def find_config(paths: list[Path]) -> Path | None:
    """The nearest `.ephi-lint.yaml` in the first scanned path's folder or above it."""
    start = (paths[0] if paths else Path.cwd()).absolute()
    folder = start if start.is_dir() else start.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_folder / name
            if candidate.is_file():
                return candidate
    return None


def load_config(path: Path) -> Config:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=_loader())
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: "
                          f"{getattr(error, 'problem', None) or error}") from None
    if node is None:
        return Config(path=path)
    data = _plain(_loader()(text).construct_document(node))
    _validate(data, node, path)
    return _build(data, node, path)


def _plain(value: Any) -> Any:
    """YAML reads `2026-01-31` as a date; the schema checks dates written as strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):  # a date or datetime (datetime is imported lazily)
        return value.isoformat()
    return value


def _validate(data: Any, node: yaml.Node, path: Path) -> None:
    from linter.schemas import validator

    errors = sorted(validator("config").iter_errors(data),
                    key=lambda error: [str(part) for part in error.absolute_path])
    if not errors:
        return
    error = errors[0]
    keys = list(error.absolute_path)
    line = _line_of(node, keys)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # Point at the first unexpected key itself, which is what the user must fix.
        allowed = set(error.schema.get("properties", {}))
        unexpected = [key for key in error.instance if key not in allowed]
        if unexpected:
            keys.append(unexpected[0])
            line = _line_of(node, keys)
            raise ConfigError(f"{path}:{line}: {_dotted(keys)}: unknown key (allowed: "
                              f"{', '.join(sorted(allowed))})")
    message = error.message
    if error.validator == "pattern" and keys and keys[-1] == "justification":
        message = "a waiver must say why it is acceptable (the justification is empty)"
    elif error.validator == "format" and keys and keys[-1] == "expires":
        message = f"{error.instance!r} is not a date (write YYYY-MM-DD)"
    raise ConfigError(f"{path}:{line}: {_dotted(keys) or '(top level)'}: {message}")


def _dotted(keys: list[Any]) -> str:
    text = ""
    for key in keys:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _line_of(node: yaml.Node, keys: list[Any]) -> int:
    """The 1-based line of the value at `keys` (of its key, for a mapping entry)."""
    import yaml

    line = node.start_mark.line + 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(key):
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _build(data: dict[str, Any], node: yaml.Node, path: Path) -> Config:
    rules = data.get("rules", {})
    waivers = []
    for index, item in enumerate(data.get("waivers", [])):
        import datetime  # here: most configurations waive nothing

        expires = item.get("expires")
        waivers.append(Waiver(
            index=index, line=_line_of(node, ["waivers", index]), rule=item["rule"].upper(),
            justification=item["justification"].strip(), resource=item.get("resource", "*"),
            paths=tuple(item.get("paths", ())),
            tags=tuple((key.strip(), value.strip()) for key, _, value in
                       (tag.partition("=") for tag in item.get("tags", ()))),
            compensating_control=item.get("compensating_control", ""),
            approved_by=item.get("approved_by", ""),
            expires=datetime.date.fromisoformat(expires) if expires else None))
    return Config(
        path=path, severity_threshold=data.get("severity_threshold"),
        enable=tuple(rules.get("enable", ())), disable=tuple(rules.get("disable", ())),
        overrides=tuple(Override(tuple(item["paths"]), tuple(item.get("enable", ())),
                                 tuple(item.get("disable", ())))
                        for item in data.get("overrides", [])),
        exclude=tuple(data.get("exclude", ())), parse_errors=data.get("parse_errors", "report"),
        forbid_inline_suppressions=bool(data.get("forbid_inline_suppressions", False)),
        unsuppressible_rules=tuple(data.get("unsuppressible_rules", ())),
        waivers=tuple(waivers), soft_fail=bool(data.get("soft_fail", False)),
        sarif_omit_suppressed=bool(data.get("sarif_omit_suppressed", False)))


# --- which files a run scans ------------------------------------------------------------


@dataclass(frozen=True)
class Shard:
    """One shard of a scan split K/N (`--shard`)."""

    index: int  # 1-based K of K/N
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index, separator, count = text.partition("/")
        if not separator or not index.isdigit() or not count.isdigit() \
                or not 1 <= int(index) <= int(count):
            raise ValueError(f"--shard {text!r}: expected K/N with 1 <= K <= N")
        return cls(int(index), int(count))

    def holds(self, source: SourceFile) -> bool:
        """Stable across runs and machines (no Python hash randomisation). A Terraform
        module's files share their folder's key so the module is evaluated whole."""
        key = source.display_path
        if source.kind in ("terraform", "terraform_json", "tfvars"):
            key = str(PurePosixPath(key).parent) + "/"
        digest = hashlib.sha256(key.encode()).digest()
        return int.from_bytes(digest[:8], "big") % self.count == self.index - 1


def select_files(files: list[SourceFile], config: Config, root: Path,
                 shard: Shard | None) -> list[SourceFile]:
    # Each file's path from the config folder only when a pattern could leave one out
    # (config.relative looks up the working folder: a system call a file).
    kept = [source for source in files
            if not config.excluded(config.relative(source.display_path, root))] \
        if config.exclude else list(files)
    if shard is not None:
        kept = [source for source in kept if shard.holds(source)]
    return kept


def module_files(changed: list[Path]) -> list[Path]:
    """pre-commit passes only the changed files; a Terraform file is evaluated with its
    whole module folder (variables, locals and the resources it references live in the
    sibling files), so those siblings are scanned too (checkov#3515)."""
    from linter.discover import kind_of

    paths: list[Path] = []
    seen: set[Path] = set()
    for path in changed:
        kind = kind_of(path.name)
        siblings = [path]
        if kind in ("terraform", "terraform_json", "tfvars") and path.parent.is_dir():
            siblings += sorted(sibling for sibling in path.parent.iterdir()
                               if sibling.is_file() and kind_of(sibling.name) in
                               ("terraform", "terraform_json", "tfvars"))
        for sibling in siblings:
            if sibling.absolute() not in seen:
                seen.add(sibling.absolute())
                paths.append(sibling)
    return paths


STARTER_CONFIG = """\
# ephi-lint configuration: https://github.com/ephi-lint/ephi-lint#configuration
# Found by walking up from the scanned path (or named with --config). Paths and globs
# below are relative to this file's folder. Command-line options win over this file.
version: 1

# Report and fail only on findings of this severity or higher: low | medium | high | critical
severity_threshold: low

# Which rules run (rule ids or globs such as TLS-*). `enable` empty: all rules.
rules:
  enable: []
  disable: []

# Per-path rule selection: for files under these paths, run only `enable` (if given)
# minus `disable`.
overrides: []
#  - paths: ["sandbox/**"]
#    disable: ["TLS-006"]

# Files never scanned (gitignore-like globs).
exclude:
  - "**/.terragrunt-cache/**"

# Files that cannot be parsed always fail the run (exit 2). This only changes how much
# is reported: report (list them) | strict (warnings count as errors too) | quiet (list
# only errors, count warnings).
parse_errors: report

# CI: findings do not fail the job (exit 0); an error (a file not scanned) still exits 2.
soft_fail: false

# SARIF uploads without suppressed results. GitHub shows a suppressed result as a closed
# alert with its justification (the audit trail); leaving them out loses that, but avoids
# the alerts some GitHub setups still open for them.
sarif_omit_suppressed: false

# Security-team policy: refuse `# ephi-lint: ignore[...]` comments in the code, and/or
# name rules that no exception may cover.
forbid_inline_suppressions: false
unsuppressible_rules: []

# Documented exceptions (HIPAA: document the equivalent alternative). A waiver needs a
# justification; after `expires` it stops suppressing; a waiver that matches nothing is
# reported.
waivers: []
#  - rule: ENC-003
#    resource: aws_s3_bucket.public_assets      # address or glob (module.cdn.*); for
#                                               # `ephi-lint aws` an ARN or ARN glob
#    tags: ["data-class=public"]                # `ephi-lint aws`: the resource's tags
#    paths: ["terraform/static/**"]
#    justification: Public marketing images only; no ePHI is ever written here.
#    compensating_control: Bucket policy denies uploads except from the CMS role.
#    approved_by: security@clinic.example
#    expires: 2026-12-31
"""
