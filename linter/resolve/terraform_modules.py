"""Terraform module calls and resource instances: where a module's files are, which
directories are root modules, and how `count` / `for_each` expand into instances.

Module sources:
- a local path (`./x`, `../x`) is joined to the calling module's directory; the files
  come from the scan when the directory was scanned, else they are read from disk;
- any other source (registry, git, http) is found through the root module's
  `.terraform/modules/modules.json`, written by `terraform init`, whose `Key` is the
  dotted chain of call names (`photos.inner`; since Terraform 1.1 the recorded `Source`
  is normalised and need not equal the written one, so the key is what is matched);
- anything else is not read: the run gets a warning naming the call and its source, the
  module's resources are not guessed at, and its outputs are Unknown.

Root modules: a scanned directory that is the local source of a module call found in
the scan is evaluated only through its callers (once per call, with the caller's
arguments), never again on its own defaults (trivy#10926). A directory no scanned
caller reaches, including a module directory scanned alone, is a root module.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from linter import dependencies
from linter.discover import DEFAULT_MAX_FILE_BYTES, FileProblem, read_text
from linter.parsers.hcl_expressions import Literal
from linter.parsers.terraform import (
    HclBlock,
    TerraformFile,
    TerraformSyntaxError,
    parse_hcl,
    parse_json,
)
from linter.values import ConfigNode, Unknown, is_known

# Limits that keep one configuration from exhausting memory or time (`count =
# 100000000` grew to 11 GB; modules calling themselves three times a level, to 4.6 GB).
# Past a limit the scan says so: UNKNOWN values, or an error, never a hang.
# Instances of one resource or module call judged one by one; past it, ONE `[*]`
# instance stands for them all, its count.index / each.* unknown.
MAX_INSTANCES = 10_000
# Module calls nested deeper than this are not followed (an error).
MAX_MODULE_DEPTH = 20
# Module instances evaluated for one root module (fan-out: calls x count x nesting).
MAX_MODULE_INSTANCES = 2_000
# Resource instances expanded for one root module, all its module instances together;
# past it, each further resource is judged as one `[*]` instance.
MAX_RESOURCE_INSTANCES = 50_000
_Declarations = TypeVar("_Declarations")
# Arguments of a module call that are Terraform's own, not the module's variables.
META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers",
                            "depends_on"})


class _UnknownKey:
    """The key of the single instance judged when count/for_each is not known."""

    def __repr__(self) -> str:
        return "*"


# Shown as `[*]` in addresses: `aws_s3_bucket.photos[*]` means "every instance, however
# many there are", judged once with count.index / each.* unknown (never dropped, trivy#7099).
UNKNOWN_KEY: Any = _UnknownKey()


@dataclass(frozen=True)
class Instance:
    """One instance of a resource or module call (count or for_each) and its bindings."""

    key: Any  # None: no count/for_each; int (count); str (for_each); UNKNOWN_KEY
    bindings: dict[str, Any] = field(default_factory=dict)  # "count"/"each" -> value


# The one instance of a resource or module call with neither count nor for_each (shared:
# an Instance is never changed, nor are its bindings).
NO_REPETITION = Instance(None)


def key_suffix(key: Any) -> str:
    """`[0]`, `["raw"]`, `[*]`, or nothing for a block without count/for_each."""
    if key is None:
        return ""
    if key is UNKNOWN_KEY:
        return "[*]"
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


def expand(count: Any, for_each: Any, has_count: bool, has_for_each: bool,
           label: str, limit: int = MAX_INSTANCES) -> list[Instance]:
    """The instances of a resource or module call, given its evaluated count/for_each;
    past `limit` instances, one `[*]` instance whose count/each say why."""
    if has_count:
        number = _count(count)
        if number is None:
            reason = count.reason if isinstance(count, Unknown) else "it is not a known number"
            unknown = Unknown(f"count of {label} is not known ({reason})")
            return [Instance(UNKNOWN_KEY, {"count": unknown})]
        if number > limit:
            return [over_limit(f"count of {label} is {_amount(number)}, over the limit of "
                               f"{limit:,} instances judged one by one")]
        return [Instance(index, {"count": _node(index=index)}) for index in range(number)]
    if has_for_each:
        pairs = _for_each(for_each)
        if pairs is None:
            reason = (for_each.reason if isinstance(for_each, Unknown)
                      else "it is not a known map or set of strings")
            unknown = Unknown(f"for_each of {label} is not known ({reason})")
            return [Instance(UNKNOWN_KEY, {"each": unknown})]
        if len(pairs) > limit:
            return [over_limit(f"for_each of {label} has {len(pairs):,} elements, over the "
                               f"limit of {limit:,} instances judged one by one")]
        return [Instance(key, {"each": _node(key=key, value=value)}) for key, value in pairs]
    return [NO_REPETITION]


def over_limit(reason: str) -> Instance:
    """The one `[*]` instance judged for a resource or module call past an instance
    limit: whatever depends on count.index or each.* is Unknown, naming the limit."""
    unknown = Unknown(f"{reason}; one instance [*] stands for all of them")
    return Instance(UNKNOWN_KEY, {"count": unknown, "each": unknown})


def _amount(number: int) -> str:
    # Python refuses to print integers of more than 4,300 digits.
    return f"{number:,}" if number.bit_length() <= 64 else "larger than 2^64"


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _for_each(value: Any) -> list[tuple[str, Any]] | None:
    if isinstance(value, ConfigNode):
        # Terraform orders map instances by key.
        return sorted(value.items(), key=lambda item: item[0])
    if isinstance(value, list):
        keys = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                return None  # an unknown member, or not a set of strings
            keys.append(str(item))
        return [(key, key) for key in sorted(set(keys))]
    return None


def _node(**values: Any) -> ConfigNode:
    node = ConfigNode(0)
    for name, value in values.items():
        node.set(name, value, 0)
    return node


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../")) or source in (".", "..")


def local_calls(files: Iterable[TerraformFile], module_dir: str) -> list[str]:
    """Directories that this module calls by a literal local source path."""
    found = []
    for terraform_file in files:
        for block in terraform_file.blocks:
            source = _literal_source(block)
            if source is not None and is_local_source(source):
                found.append(join(module_dir, source))
    return found


def root_directories(modules: dict[str, list[TerraformFile]]) -> list[str]:
    """Scanned directories to evaluate as root modules, in a deterministic order.

    A directory called by another scanned directory is left to its callers; directories
    only reachable through a call cycle are still evaluated (nothing is dropped).
    """
    return root_order({directory: local_calls(files, directory)
                       for directory, files in modules.items()})


def root_order(calls: dict[str, list[str]]) -> list[str]:
    """root_directories from each scanned directory's local call targets (`calls`, any
    target: those not scanned, and a directory's calls of itself, are left out here)."""
    calls = {directory: [target for target in targets if target in calls and target != directory]
             for directory, targets in calls.items()}
    called = {target for targets in calls.values() for target in targets}
    roots = [directory for directory in sorted(calls) if directory not in called]
    reached: set[str] = set()

    def reach(directory: str) -> None:
        pending = [directory]
        while pending:
            current = pending.pop()
            if current not in reached:
                reached.add(current)
                pending.extend(calls.get(current, ()))

    for root in roots:
        reach(root)
    for directory in sorted(calls):
        if directory not in reached:
            roots.append(directory)
            reach(directory)
    return roots


def join(module_dir: str, source: str) -> str:
    return posixpath.normpath(posixpath.join(module_dir, source))


def _literal_source(block: HclBlock) -> str | None:
    if block.type != "module" or not block.labels:
        return None
    attribute = block.attributes.get("source")
    if attribute is None or not isinstance(attribute.expression, Literal):
        return None
    value = attribute.expression.value
    return value if isinstance(value, str) else None


def call_address(call_path: tuple[str, ...]) -> str:
    """`module.a.module.b`: the chain of call names, as Terraform writes it."""
    return ".".join(f"module.{name}" for name in call_path)


@dataclass
class RootBudget:
    """Instances one root module has expanded so far (see the limits above)."""

    module_instances: int = 0
    resource_instances: int = 0


@dataclass
class ModuleSource:
    """Where a module call's code is: its directory (as shown in findings) and files."""

    directory: str
    files: list[TerraformFile]


class ModuleLibrary:
    """Finds and reads module sources; collects what could not be read as problems."""

    def __init__(self, scanned: dict[str, list[TerraformFile]], root: Path,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.scanned = scanned
        self.root = root
        self.max_file_bytes = max_file_bytes
        self.problems: list[FileProblem] = []
        self._read: dict[str, list[TerraformFile] | None] = {}
        self._manifests: dict[str, dict[str, str]] = {}
        self._budgets: dict[str, RootBudget] = {}
        # id(files) -> (files, their number, what they declare): see declarations().
        self._declarations: dict[int, tuple[list[TerraformFile], int, Any]] = {}
        # id(traversal expression) -> its parts, for every scope (ModuleScope._traversal).
        self.traversals: dict[int, tuple[Any, ...]] = {}

    def find(self, root_dir: str, call_path: tuple[str, ...], caller_dir: str,
             source: Any, where: tuple[str, int]) -> ModuleSource | Unknown:
        """The source of the call `call_path[-1]` made in `caller_dir`, or why not."""
        name = call_path[-1]
        if not isinstance(source, str) or not is_known(source):
            return self._unread(where, f'module "{name}" has a source that is not a literal '
                                       "string", name, "(not known)")
        if len(call_path) > MAX_MODULE_DEPTH:
            return self.refuse(where, f'module "{name}" is nested {len(call_path)} deep, over '
                                      f"the limit of {MAX_MODULE_DEPTH} (call path "
                                      f"{call_address(call_path)}); not evaluated",
                               f"module {name}, nested past the limit")
        if is_local_source(source):
            directory = join(caller_dir, source)
            files = self._files(directory)
            if files is None:
                return self._unread(where, f'module "{name}" (source "{source}"): directory '
                                           f"{directory} has no readable Terraform files",
                                    name, source)
            return ModuleSource(directory, files)
        entry = self._manifest(root_dir).get(".".join(call_path))
        if entry is not None:
            directory = join(root_dir, entry)
            files = self._files(directory)
            if files is not None:
                return ModuleSource(directory, files)
        return self._unread(where, f'module "{name}" (source "{source}") was not read: it is '
                                   "not a local path and .terraform/modules/modules.json has "
                                   "no readable entry for it (run terraform init); its "
                                   "resources are not judged", name, source)

    def refuse(self, where: tuple[str, int], reason: str, what: str) -> Unknown:
        """A module call that is not evaluated because of a limit or a cycle: an error
        (its resources are not judged) at the call's file and line."""
        path, line = where
        problem = FileProblem(path, reason, "error", line)
        if problem not in self.problems:
            self.problems.append(problem)
        return Unknown(f"output of {what}, not evaluated")

    def budget(self, root_dir: str) -> RootBudget:
        """What one root module's evaluation has spent of the instance limits."""
        budget = self._budgets.get(root_dir)
        if budget is None:
            budget = self._budgets[root_dir] = RootBudget()
        return budget

    def declarations(self, files: list[TerraformFile],
                     index: Callable[[list[TerraformFile]], _Declarations]) -> _Declarations:
        """`index(files)`, once per list of a module directory's files: every call and
        instance of a module shares its source's list (`find` and the scanned modules
        give the same list each time). A list that has grown since is indexed again."""
        entry = self._declarations.get(id(files))
        if entry is not None and entry[0] is files and entry[1] == len(files):
            return entry[2]
        declared = index(files)
        self._declarations[id(files)] = (files, len(files), declared)
        return declared

    def _unread(self, where: tuple[str, int], reason: str, name: str, source: str) -> Unknown:
        path, line = where
        problem = FileProblem(path, f"line {line}: {reason}", "warning")
        if problem not in self.problems:
            self.problems.append(problem)
        return Unknown(f'output of module {name}, whose source "{source}" was not read')

    def _files(self, directory: str) -> list[TerraformFile] | None:
        if directory in self.scanned:
            return self.scanned[directory]
        if directory not in self._read:
            self._read[directory] = self._read_directory(directory)
        return self._read[directory]

    def _read_directory(self, directory: str) -> list[TerraformFile] | None:
        """A module directory outside the scan (`../modules/x`, `.terraform/modules/x`)."""
        on_disk = self.root / directory
        dependencies.looked_at(on_disk)  # its listing: a cached result needs it unchanged
        if not on_disk.is_dir():
            return None
        files = []
        for path in sorted(on_disk.iterdir()):
            lower = path.name.lower()
            if not path.is_file() or not lower.endswith((".tf", ".tf.json")):
                continue
            shown = posixpath.join(directory, path.name)
            dependencies.looked_at(path)
            try:
                text = read_text(path, self.max_file_bytes)
                parser = parse_json if lower.endswith(".json") else parse_hcl
                files.append(parser(text, shown))
            except (ValueError, TerraformSyntaxError, RecursionError) as error:
                # A module file that cannot be parsed is an error like any other file.
                self.problems.append(FileProblem(shown, str(error) or "invalid HCL"))
                return None
        return files or None

    def _manifest(self, root_dir: str) -> dict[str, str]:
        """`.terraform/modules/modules.json` of a root module: call key -> directory."""
        if root_dir not in self._manifests:
            entries: dict[str, str] = {}
            path = self.root / root_dir / ".terraform" / "modules" / "modules.json"
            dependencies.looked_at(path)
            if path.is_file():
                try:
                    data = json.loads(read_text(path, self.max_file_bytes))
                    for module in data.get("Modules", []):
                        if isinstance(module, dict) and module.get("Key") and \
                                isinstance(module.get("Dir"), str):
                            entries[module["Key"]] = module["Dir"]
                except (ValueError, AttributeError) as error:
                    self.problems.append(FileProblem(
                        posixpath.join(root_dir, ".terraform/modules/modules.json"),
                        f"cannot read the module manifest: {error}", "warning"))
            self._manifests[root_dir] = entries
        return self._manifests[root_dir]
