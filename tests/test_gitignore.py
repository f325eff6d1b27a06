"""linter.gitignore held to pathspec's GitIgnoreSpec (the reference) and to git itself."""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
from pathlib import Path

import pathspec
import pytest

from linter.gitignore import IgnoreSpec
from tests.conftest import REPOSITORY

# pathspec's own regular expression for `[[]` draws a FutureWarning from `re`.
pytestmark = pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")

# Every kind of pattern gitignore(5) describes, and the corner cases of each.
PATTERNS = [
    "*.tf", "/build", "build/", "/build/", "a/b", "a/**/b", "**/b", "a/**", "a/**/", "**",
    "**/", "*", "*/", "/*", "/*/", "/**", "/**/", "**/**", "**/*", "**/*/", "?.tf",
    "[ab].tf", "[!a].tf", "[^a].tf", "[a-c]*", "[]]", "[]a]", "[a-]", "[!]]", "[[]", "a[]b",
    "[", "a[", "\\#x", "#x", "\\!x", "!keep.tf", "x\\ ", "x  ", "a\\*b", "\\[", "**/.terraform/*",
    ".terraform/", "*.tfstate.*", "d*/", "/*.tf", "a/*/c", "foo/**/bar/**", "**.tf", "a**b",
    "***", "/a/", "x/ ", "a?c", "?", "?*", "a/**/**/b", "!/a", "!a/**", " ",
]
NAMES = ["a", "b", "c", "x.tf", "build", "main.tf", ".terraform", "a.tfstate.backup",
         "keep.tf", "#x", "!x", "x ", "a*b", "axb", "d1", "foo", "bar", "]", "a[", "[", "ab",
         "abc", "z.tfvars"]


def _paths() -> list[str]:
    chosen = random.Random(3)
    paths = [name for name in NAMES] + ["/".join(pair) for pair in itertools.product(NAMES, NAMES)]
    paths += ["/".join(chosen.choice(NAMES) for _ in range(3)) for _ in range(300)]
    return sorted({variant for path in paths for variant in (path, path + "/")})


PATHS = _paths()


def _reference(lines: list[str]) -> pathspec.GitIgnoreSpec | None:
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # a line pathspec rejects (a lone `!`, a trailing backslash)
        return None


@pytest.mark.parametrize("pattern", PATTERNS)
def test_each_pattern_matches_what_pathspec_matches(pattern: str) -> None:
    reference = _reference([pattern])
    assert reference is not None
    ours = IgnoreSpec([pattern])
    assert [(path, ours.verdict(path)) for path in PATHS] == \
        [(path, reference.check_file(path).include) for path in PATHS]


@pytest.mark.parametrize("seed", range(4))
def test_files_of_several_patterns_decide_as_pathspec_does(seed: int) -> None:
    """The last pattern that matches a path itself decides; a later one that matches only
    through a folder decides only when none matches the path itself."""
    chosen = random.Random(seed)
    compared = 0
    for _ in range(300):
        lines = [("!" if chosen.random() < 0.3 else "") + chosen.choice(PATTERNS)
                 for _ in range(chosen.randint(2, 5))]
        reference = _reference(lines)
        if reference is None:
            continue
        ours = IgnoreSpec(lines)
        for path in chosen.sample(PATHS, 40):
            assert ours.verdict(path) == reference.check_file(path).include, (lines, path)
            compared += 1
    assert compared > 8000


def test_the_corpora_gitignore_files_match_as_pathspec_does() -> None:
    """A Terraform module's usual .gitignore, as in the terraform-aws-modules repositories."""
    lines = ["# Local .terraform directories", "**/.terraform/*", "", "*.tfstate",
             "*.tfstate.*", "crash.log", "*.tfvars", "override.tf", "override.tf.json",
             "*_override.tf", "*_override.tf.json", ".terraformrc", "terraform.rc",
             ".terraform.lock.hcl", "builds/", "__pycache__/", "*.zip", ".tox", ".DS_Store"]
    names = ["main.tf", "a.tfvars", "x_override.tf", "override.tf", "builds", ".terraform",
             "plugins", "terraform.tfstate", "terraform.tfstate.backup", "README.md"]
    paths = [f"{folder}{name}{slash}" for folder in ("", "examples/complete/", ".terraform/")
             for name in names for slash in ("", "/")]
    ours, reference = IgnoreSpec(lines), pathspec.GitIgnoreSpec.from_lines(lines)
    assert [ours.verdict(path) for path in paths] == \
        [reference.check_file(path).include for path in paths]


def test_lines_that_match_nothing_are_skipped_as_git_skips_them() -> None:
    # pathspec raises on these; git ignores them, and the other lines still count.
    spec = IgnoreSpec(["!", "a\\", "[unclosed", "*.log"])
    assert spec.verdict("x.log") is True
    assert spec.verdict("a") is None and spec.verdict("[unclosed") is None


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_files_git_ignores_are_the_files_ignored_here(tmp_path: Path) -> None:
    lines = ["**/.terraform/*", "*.tfvars", "builds/", "/top.tf", "docs/**/*.tf",
             "!keep.tfvars", "a?c.tf", "[xy].tf"]
    files = ["main.tf", "dev.tfvars", "keep.tfvars", "x.tf", "z.tf", "abc.tf", "top.tf",
             "sub/top.tf", "sub/dev.tfvars", "builds/out.tf", "sub/builds/out.tf",
             ".terraform/providers.tf", "sub/.terraform/m.tf", "docs/a/b.tf", "docs/b.tf",
             "docs/b.md"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("\n".join(lines) + "\n")
    completed = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"],
                               cwd=tmp_path, input="\n".join(files), capture_output=True,
                               text=True, check=False)
    ignored_by_git = set(completed.stdout.split())
    spec = IgnoreSpec(lines)
    assert {path for path in files if spec.ignores(path)} == ignored_by_git


def test_a_gitignore_line_git_skips_does_not_stop_the_scan(tmp_path: Path) -> None:
    from tests.test_ci_conventions import _cli

    (tmp_path / ".gitignore").write_text("!\n\\\nold.tf\n")
    source = (REPOSITORY / "examples" / "dermatology-practice" / "terraform" / "keys.tf")
    shutil.copy(source, tmp_path / "main.tf")
    shutil.copy(source, tmp_path / "old.tf")
    completed = _cli("scan", ".", "-f", "json", cwd=tmp_path)
    assert "internal error" not in completed.stderr
    assert completed.returncode in (0, 1), completed.stderr
    assert '"old.tf"' not in completed.stdout and '"main.tf"' in completed.stdout
