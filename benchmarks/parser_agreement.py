"""How closely the tree-sitter Terraform reader agrees with python-hcl2, and what each
costs, over every `.tf` / `.tfvars` file of the pinned public corpora.

    .venv/bin/python benchmarks/parser_agreement.py [--corpora DIR] [--show N]

Each file is parsed by both parsers (the reference path: python-hcl2 with the census,
exactly what `EPHI_LINT_HCL_PARSER=python-hcl2` runs; and the default tree-sitter path,
which falls back to python-hcl2 on a syntax error). The outcome of each (the whole parse
model, or the error message) is compared; the report gives agreement, the files that
differ, how many files the tree-sitter path handed to python-hcl2, and the CPU time of
each parser (process time, so another process's load does not count).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linter.parsers import hcl_tree_sitter  # noqa: E402
from linter.parsers.terraform import (  # noqa: E402
    TerraformSyntaxError,
    parse_hcl,
    parse_variables_file,
)

DEFAULT_CORPORA = Path.home() / ".cache" / "ephi-lint" / "corpora"


def terraform_files(roots: list[Path]) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink() and (
                    path.suffix == ".tf" or path.name.endswith(".tfvars")) \
                    and ".git" not in path.parts:
                found.append(path)
    return found


def outcome(text: str, path: str, parser: str) -> Any:
    """The parse model, or ("error", message): what the rest of the scan would see."""
    try:
        if path.endswith(".tfvars"):
            return parse_variables_file(text, path, parser=parser)
        return parse_hcl(text, path, parser=parser)
    except TerraformSyntaxError as error:
        return ("error", str(error))


def falls_back(text: str) -> bool:
    """Whether the tree-sitter path hands this text to python-hcl2."""
    try:
        hcl_tree_sitter.parse_body(text)
    except (hcl_tree_sitter.Unsupported, TerraformSyntaxError, RecursionError):
        return True
    return False


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    options.add_argument("--show", type=int, default=20, help="differing files listed")
    arguments = options.parse_args()
    roots = sorted(path for path in arguments.corpora.iterdir() if path.is_dir()) \
        if arguments.corpora.is_dir() else []
    if not roots:
        print(f"no corpora under {arguments.corpora} (benchmarks/corpora.py fetches them)")
        return 2
    files = terraform_files(roots)
    texts = []
    for path in files:
        try:
            texts.append((path, path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    cpu = {}
    results: dict[str, list[Any]] = {}
    for parser in ("python-hcl2", "tree-sitter"):
        started = time.process_time()
        results[parser] = [outcome(text, str(path), parser) for path, text in texts]
        cpu[parser] = time.process_time() - started
    size = sum(len(text.encode()) for _, text in texts)
    differing = [path for (path, _), reference, fast in
                 zip(texts, results["python-hcl2"], results["tree-sitter"])
                 if reference != fast]
    fallbacks = sum(falls_back(text) for _, text in texts)
    errors = sum(isinstance(result, tuple) for result in results["python-hcl2"])
    agreeing = len(texts) - len(differing)
    print(f"{len(texts)} files ({size / 1e6:.2f} MB) in {len(roots)} corpora under "
          f"{arguments.corpora}")
    print(f"identical outcome (model or error message): {agreeing}/{len(texts)} "
          f"({100 * agreeing / max(len(texts), 1):.2f}%); python-hcl2 rejects {errors}")
    print(f"tree-sitter path handed to python-hcl2: {fallbacks} files")
    for parser in ("python-hcl2", "tree-sitter"):
        print(f"CPU {parser:12} {cpu[parser]:7.2f} s")
    ratio = cpu['tree-sitter'] / max(cpu['python-hcl2'], 1e-9)
    print(f"tree-sitter path / python-hcl2: {ratio:.3f}")
    for path in differing[:arguments.show]:
        print(f"DIFFERS {path}")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
