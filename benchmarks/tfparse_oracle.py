"""Evaluate Terraform with ephi-lint and with tfparse, match the resources, compare values.

tfparse (Terraform's Go HCL evaluator, through cffi) is the independent oracle for
ephi-lint's own evaluator (linter.resolve.terraform): every argument both sides know
must agree. Used by tests/test_tfparse_oracle.py (fixtures and examples, in CI) and
benchmarks/tfparse_agreement.py (the public corpora, on demand).

An evaluation unit is what ephi-lint evaluates as one root module, as a scan would:
a single `.tf` file scanned alone (as each fixture file is), or each root module
directory of a scanned tree (module calls followed, auto-loaded tfvars applied).
tfparse loads a directory, so a single file is copied into a scratch folder first; it
runs in a child process (benchmarks/tfparse_process.py).
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from benchmarks.tfparse_process import OracleError, TfparseProcess
from benchmarks.tfparse_values import ABSENT, Tally, compare_values
from linter.discover import FileProblem, discover, read_text
from linter.parsers.terraform import (
    HclAttribute,
    TerraformFile,
    TerraformSyntaxError,
    parse_hcl,
    parse_json,
    parse_variables_file,
)
from linter.resolve.terraform import ModuleScope, ResolvedBlock
from linter.resolve.terraform_modules import ModuleLibrary, root_directories
from linter.resolve.variables import CommandLineVariables, is_auto_loaded, module_values

# An instance key in an address: [0], ["name"], or [*] (ephi-lint: count/for_each unknown).
_KEY = r'\[(?:\d+|\*|"(?:[^"\\]|\\.)*")\]'
_INSTANCE_KEY, _LAST_KEY = re.compile(_KEY), re.compile(_KEY + "$")
# Terraform's order for auto-loaded variable files (later ones win), for tfparse, which
# reads only the files it is given (module_values orders ephi-lint's own layers).
_TFVARS_RANK = {"terraform.tfvars": 0, "terraform.tfvars.json": 1}


@dataclass(frozen=True)
class Disagreement:
    """A value (or an instance, or a declaration) the two evaluators do not agree on."""

    unit: str  # the root module directory, or the single file evaluated alone
    resource: str  # address, as both sides write it: `module.a.aws_s3_bucket.b["k"]`
    attribute: str  # `(instance)`, `(declaration)`, or a path into the arguments
    ephi_lint: Any
    tfparse: Any
    path: str  # the file that declares the resource
    line: int  # the attribute's line (ephi-lint's), or the resource's


@dataclass
class UnitComparison:
    unit: str
    resources: list[str] = field(default_factory=list)  # addresses matched on both sides
    skipped: int = 0  # instances with unknown count/for_each: no instance to match
    compared: list[str] = field(default_factory=list)  # "address attribute" both know
    disagreements: list[Disagreement] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what could not be evaluated


def units_of(path: Path) -> list[Path]:
    """The fixture convention: each `.tf` file of a folder alone, each sub-folder whole."""
    found = []
    for entry in sorted(path.iterdir()):
        if entry.is_file() and entry.name.lower().endswith((".tf", ".tf.json")):
            found.append(entry)
        elif entry.is_dir() and any(entry.rglob("*.tf")):
            found.append(entry)
    return found


def compare_path(path: Path, root: Path, scratch: Path,
                 tfparse: TfparseProcess) -> list[UnitComparison]:
    """Compare every root module found under `path` (a file is a root module alone).

    `root` is what display paths are relative to; `scratch` is a folder this may write
    to (single files are copied there for tfparse, which only loads directories).
    """
    root = root.absolute()
    modules, variables, problems = _parse_tree(path, root)
    library = ModuleLibrary(modules, root)
    results = []
    for root_dir in root_directories(modules):
        unit = root_dir
        if path.is_file():
            unit = PurePosixPath(path.absolute().relative_to(root)).as_posix()
        comparison = UnitComparison(unit, problems=list(problems.get(root_dir, [])))
        results.append(comparison)
        auto = sorted(variables.get(root_dir, {}),
                      key=lambda item: (_TFVARS_RANK.get(PurePosixPath(item).name, 2), item))
        try:
            values = module_values(variables.get(root_dir, {}), {}, CommandLineVariables())
            scope = ModuleScope(root_dir, modules[root_dir], values, library=library)
        except Exception as error:  # the oracle reports a crash and goes on, as a scan does
            comparison.problems.append(f"ephi-lint: {type(error).__name__}: {error}")
            continue
        crashes: list[FileProblem] = []  # as linter.pipeline: one resource's crash, not all
        ours = scope.contained_blocks(crashes)
        comparison.problems += [f"ephi-lint: {crash.where}: {crash.reason}" for crash in crashes]
        directory = root / root_dir
        if path.is_file():
            directory = scratch / f"unit{len(list(scratch.iterdir()))}"
            directory.mkdir(parents=True)
            shutil.copy(path, directory / path.name)
        try:
            loaded = tfparse.load(directory, [PurePosixPath(name).name for name in auto])
        except OracleError as error:
            comparison.problems.append(f"tfparse: {error}")
            continue
        compare_unit(comparison, root_dir, ours, loaded)
    return results


def _parse_tree(path: Path, root: Path) -> tuple[dict[str, list[TerraformFile]],
                                                 dict[str, dict[str, dict[str, HclAttribute]]],
                                                 dict[str, list[str]]]:
    """Terraform files by module directory, auto-loaded tfvars by directory, problems."""
    modules: dict[str, list[TerraformFile]] = defaultdict(list)
    variables: dict[str, dict[str, dict[str, HclAttribute]]] = defaultdict(dict)
    problems: dict[str, list[str]] = defaultdict(list)
    for source in discover([path], root).files:
        directory = str(PurePosixPath(source.display_path).parent)
        if source.kind not in ("terraform", "terraform_json", "tfvars"):
            continue
        name = PurePosixPath(source.display_path).name
        if source.kind == "tfvars" and not is_auto_loaded(name):
            continue
        try:
            text = read_text(source.path)
            if source.kind == "tfvars":
                variables[directory][source.display_path] = parse_variables_file(
                    text, source.display_path)
            elif source.kind == "terraform_json":
                modules[directory].append(parse_json(text, source.display_path))
            else:
                modules[directory].append(parse_hcl(text, source.display_path))
        except (ValueError, TerraformSyntaxError, RecursionError) as error:
            problems[directory].append(f"ephi-lint cannot parse {source.display_path}: {error}")
    return modules, variables, problems


def compare_unit(comparison: UnitComparison, root_dir: str, ours: list[ResolvedBlock],
                 loaded: dict[str, Any]) -> None:
    """Match ephi-lint's resource instances with tfparse's by address, then compare the
    declaration and every argument of each pair into `comparison`."""
    theirs = {item["__tfmeta"]["path"]: item for items in loaded.values()
              if isinstance(items, list) for item in items
              if isinstance(item, dict) and item.get("__tfmeta", {}).get("type")
              in ("resource", "data")}
    # ephi-lint judges a block whose count/for_each is unknown once, as `[*]`; tfparse
    # makes one instance of an unknown count and none of an unknown for_each, or leaves
    # the block unexpanded (no instance key) when it cannot evaluate the for_each.
    unknown_bases = {_base(block.address) for block in ours if "[*]" in block.address}
    unexpanded = {address for address, item in theirs.items()
                  if ("for_each" in item or "count" in item) and not address.endswith("]")}
    for block in ours:
        if _base(block.address) in unknown_bases or _block_of(block.address) in unexpanded:
            comparison.skipped += 1
            continue
        item = theirs.pop(block.address, None)
        if item is None:
            comparison.disagreements.append(Disagreement(
                comparison.unit, block.address, "(instance)", "declared", ABSENT,
                block.path, block.line))
            continue
        comparison.resources.append(block.address)
        meta = item["__tfmeta"]
        their_path = posixpath.normpath(posixpath.join(root_dir, meta["filename"]))
        if (their_path, meta["line_start"]) != (block.path, block.line):
            if PurePosixPath(their_path).name != PurePosixPath(block.path).name or \
                    meta["line_start"] != block.line:  # a single file's copy is elsewhere
                comparison.disagreements.append(Disagreement(
                    comparison.unit, block.address, "(declaration)",
                    f"{block.path}:{block.line}", f"{their_path}:{meta['line_start']}",
                    block.path, block.line))
        tally = Tally()
        compare_values(block.config, item, "", block.line, tally)
        comparison.compared += [f"{block.address} {path}" for path in tally.compared]
        comparison.disagreements.extend(
            Disagreement(comparison.unit, block.address, difference.attribute,
                         difference.ephi_lint, difference.tfparse, block.path, difference.line)
            for difference in tally.differences)
    for address, item in sorted(theirs.items()):
        if _base(address) in unknown_bases or address in unexpanded:
            comparison.skipped += 1
            continue
        meta = item["__tfmeta"]
        comparison.disagreements.append(Disagreement(
            comparison.unit, address, "(instance)", ABSENT, "declared",
            posixpath.normpath(posixpath.join(root_dir, meta["filename"])),
            meta["line_start"]))


def _block_of(address: str) -> str:
    """The address without its own instance key: `module.a["x"].aws_s3_bucket.b`."""
    return _LAST_KEY.sub("", address)


def _base(address: str) -> str:
    """The address without instance keys: every instance of one block, in every call."""
    return _INSTANCE_KEY.sub("", address)
