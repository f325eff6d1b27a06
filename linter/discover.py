"""Find the files to scan and read them safely.

Every path given is walked once (symlinked directories are followed, but never into a
directory already visited, so a symlink loop cannot recurse). A file that cannot be
read as text — too large, binary, not UTF-8, a broken or looping symlink — becomes a
`FileProblem` with its path and reason; the walk goes on.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linter import dependencies
from linter.gitignore import IgnoreSpec

SKIPPED_DIRECTORIES = frozenset({
    ".git", ".hg", ".svn", ".terraform", "node_modules", ".venv", "venv", "__pycache__",
    ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "cdk.out",
})
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
# ephi-lint's own configuration is YAML in the tree, never infrastructure.
CONFIG_NAMES = (".ephi-lint.yaml", ".ephi-lint.yml")

TERRAFORM_SUFFIXES = (".tf", ".tf.json")
VARIABLES_SUFFIXES = (".tfvars", ".tfvars.json")
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# Certificates and keys on disk, judged by the CRT rules (see linter/adapters/pem).
PEM_SUFFIXES = (".pem", ".crt", ".cer", ".key")


@dataclass(frozen=True)
class FileProblem:
    """A file, or a part of one, that could not be judged, and why."""

    path: str
    reason: str  # credentials it quotes are masked (linter.redaction)
    level: str = "error"  # "error" fails the run (exit 2); "warning" is reported only
    line: int | None = None  # the resource or block the problem is about, if not the file

    def __post_init__(self) -> None:
        from linter.redaction import redact  # here: a walk that finds no problem never loads it

        object.__setattr__(self, "reason", redact(self.reason))

    @property
    def where(self) -> str:
        """`path:line`, or the path alone."""
        return f"{self.path}:{self.line}" if self.line else self.path

    @classmethod
    def internal_error(cls, path: str, line: int | None, activity: str,
                       error: BaseException) -> FileProblem:
        """A crash of ephi-lint's own code on one file or resource (`activity`: "building
        the model of aws_s3_bucket.photos"): an error (exit 2) for that part only."""
        return cls(path, f"internal error while {activity} ({crash_summary(error)}); "
                         "not judged", "error", line)


DEBUG_VARIABLE = "EPHI_LINT_DEBUG"
_PACKAGE_PARENT = Path(__file__).resolve().parent.parent


def crash_summary(error: BaseException) -> str:
    """`KeyError at linter/adapters/terraform/s3.py:88`: the exception's type and the
    line of ephi-lint's code where it was raised. Its message can quote a scanned value
    (`int()` of a password), so it is shown only when EPHI_LINT_DEBUG is set."""
    import traceback  # here: only a crash needs it

    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        try:
            relative = Path(frame.filename).resolve().relative_to(_PACKAGE_PARENT)
        except ValueError:
            continue
        if relative.parts[0] == "linter":
            where = f" at {relative.as_posix()}:{frame.lineno}"
            break
    text = f"{type(error).__name__}{where}"
    return f"{text}: {error}" if os.environ.get(DEBUG_VARIABLE) else text


@dataclass(frozen=True)
class SourceFile:
    """A file to scan: where it is, how outputs name it, and its format."""

    path: Path  # as found on disk
    display_path: str  # relative POSIX path from the root, used in every output
    kind: str  # "terraform" | "terraform_json" | "tfvars" | "document" | "pem"


@dataclass
class Discovery:
    """The files a walk found, the problems it met and what it left out."""

    files: list[SourceFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    ignored: int = 0  # files of no interest by name (images, code, ...)
    # Paths (a folder counts once) left out by .gitignore or --skip-path, by reason:
    # reported in the summary, never dropped silently.
    skipped: dict[str, int] = field(default_factory=dict)


class PathFilter:
    """Which walked paths a scan leaves out: `--skip-path` patterns (gitignore syntax,
    relative to the scan root) and, unless turned off, `.gitignore` files as git reads
    them: every `.gitignore` from the git root (and its `.git/info/exclude`) down to the
    file's folder, the deepest file that has a matching pattern deciding, the last
    matching pattern in a file winning, and an ignored folder never entered (so a `!`
    pattern cannot bring back a file under it, as in git). Outside a git repository only
    the `.gitignore` files inside the scanned folders count.
    """

    def __init__(self, root: Path, skip_patterns: tuple[str, ...] = (),
                 gitignore: bool = True) -> None:
        self.root = root.absolute()
        self._root_prefix = self.root.as_posix().rstrip("/") + "/"
        self.skip_patterns = skip_patterns
        self.skip = IgnoreSpec(skip_patterns) if skip_patterns else None
        self.gitignore = gitignore
        # Folders as absolute POSIX text: a walk asks for every entry, and Path objects
        # cost more than the matching.
        self._specs: dict[str, IgnoreSpec | None] = {}  # ignore file -> its patterns
        self._tops: dict[str, str] = {}  # scanned folder -> its git root (or itself)
        self._chains: dict[tuple[str, str], list[tuple[str, IgnoreSpec]]] = {}

    def judge_folder(self, folder: str, start: Path, has_ignore_file: bool = True
                     ) -> Callable[[str, bool], str | None]:
        """Why an entry of one folder (`folder`: its absolute path) is left out, by name:
        "--skip-path", ".gitignore", or None when it is scanned. The folder's ignore files
        are looked up once, not for each entry; those above `start`, the scanned folder
        the walk began at, count only up to the git root. `has_ignore_file`: False when the
        folder's listing holds no `.gitignore` (it is not opened then)."""
        if not has_ignore_file:
            self._specs.setdefault(os.path.join(folder, ".gitignore"), None)
        prefix = folder.rstrip("/") + "/"
        chain = self._chain(folder, self._top(start)) if self.gitignore else []
        skip = self.skip if prefix.startswith(self._root_prefix) else None
        relative = prefix[len(self._root_prefix):]

        def reason(name: str, is_directory: bool) -> str | None:
            suffix = "/" if is_directory else ""
            if skip is not None and skip.ignores(relative + name + suffix):
                return "--skip-path"
            absolute = prefix + name
            for cut, spec in chain:
                verdict = spec.verdict(absolute[len(cut):] + suffix)
                if verdict is not None:
                    return ".gitignore" if verdict else None
            return None
        return reason

    def skips(self, path: Path, suffix: str = "") -> bool:
        """Whether a --skip-path pattern covers `path` (suffix "/" for a folder)."""
        return self.skip is not None and self._skips(os.path.abspath(path), suffix)

    def _skips(self, absolute: str, suffix: str) -> bool:
        if not absolute.startswith(self._root_prefix):
            return False  # outside the scan root: the patterns are relative to it
        return self.skip.ignores(absolute[len(self._root_prefix):] + suffix)

    def _chain(self, folder: str, top: str) -> list[tuple[str, IgnoreSpec]]:
        """The ignore files that rule on paths in `folder`, deepest first (each with its
        folder as a prefix to cut): the folder's own, then its parent's chain, up to
        `top`; each folder's chain is made once."""
        key = (folder, top)
        chain = self._chains.get(key)
        if chain is None:
            prefix = folder.rstrip("/") + "/"
            chain = [(prefix, spec) for spec in self._folder_specs(folder, folder == top)]
            parent = os.path.dirname(folder)
            if folder != top and parent != folder:
                chain += self._chain(parent, top)
            self._chains[key] = chain
        return chain

    def _top(self, start: Path) -> str:
        """The git root holding `start`, else the scanned folder itself."""
        text = os.path.abspath(start)
        top = self._tops.get(text)
        if top is None:
            folder = text if os.path.isdir(text) else os.path.dirname(text)
            top = next((candidate for candidate in _ancestors(folder)
                        if os.path.exists(os.path.join(candidate, ".git"))), folder)
            self._tops[text] = top
        return top

    def _folder_specs(self, folder: str, is_top: bool) -> list[IgnoreSpec]:
        specs = [self._spec(os.path.join(folder, ".gitignore"))]
        if is_top:  # the repository's own exclude file ranks below its .gitignore
            specs.append(self._spec(os.path.join(folder, ".git", "info", "exclude")))
        return [spec for spec in specs if spec is not None]

    def _spec(self, path: str) -> IgnoreSpec | None:
        if path not in self._specs:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except OSError:  # none there (or a folder of that name): no patterns
                lines = None
            self._specs[path] = IgnoreSpec(lines) if lines else None
        return self._specs[path]


def _ancestors(folder: str) -> Iterator[str]:
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def kind_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".tf.json"):
        return "terraform_json"
    if lower.endswith(".tf"):
        return "terraform"
    if lower.endswith(VARIABLES_SUFFIXES):
        return "tfvars"
    if lower.endswith(DOCUMENT_SUFFIXES):
        return "document"
    if lower.endswith(PEM_SUFFIXES):
        return "pem"
    return None


def display_path(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root).as_posix()
    except ValueError:
        return path.absolute().as_posix()


def scan_root(paths: list[Path]) -> Path:
    """Paths in findings are relative to the working directory (the repository root in
    CI, as code scanning expects), or to the scanned paths' common folder outside it."""
    cwd = Path.cwd()
    absolute = [path.absolute() for path in paths]
    if all(path == cwd or cwd in path.parents for path in absolute):
        return cwd
    folders = [path if path.is_dir() else path.parent for path in absolute]
    return Path(os.path.commonpath([str(folder) for folder in folders]))


def discover(paths: list[Path], root: Path, path_filter: PathFilter | None = None) -> Discovery:
    """The files under `paths`. `path_filter` leaves out what .gitignore and --skip-path
    name; a file named explicitly is left out only by --skip-path."""
    found = Discovery()
    visited_directories: set[str] = set()
    seen_files: set[str] = set()
    for start in paths:
        if not start.exists() and not start.is_symlink():  # a mistyped path
            found.problems.append(FileProblem(display_path(start, root), "does not exist"))
        elif start.is_dir():
            shown = display_path(start, root)
            _walk(start, _Walk(root, found, visited_directories, seen_files, path_filter,
                               start), "" if shown == "." else shown + "/")
        elif path_filter is not None and path_filter.skips(start):
            found.skipped["--skip-path"] = found.skipped.get("--skip-path", 0) + 1
        else:
            _add_file(start, root, found, seen_files, explicit=True)
    found.files.sort(key=lambda source: source.display_path)
    return found


@dataclass
class _Walk:
    """One walk from a scanned folder (`start`), and what it shares with the others."""

    root: Path
    found: Discovery
    visited: set[str]
    seen_files: set[str]
    path_filter: PathFilter | None
    start: Path

    def judge(self, folder: str, has_ignore_file: bool) -> Callable[[str, bool], bool]:
        """Whether an entry of `folder` (absolute), by name, is left out, counted by
        reason. Asked only for folders and files that would be scanned (the walk sets the
        others aside first): an ignored `.pyc` says nothing about the scan's coverage."""
        if self.path_filter is None:
            return lambda name, is_directory: False
        reason_of = self.path_filter.judge_folder(folder, self.start, has_ignore_file)
        skipped = self.found.skipped

        def left_out(name: str, is_directory: bool) -> bool:
            reason = reason_of(name, is_directory)
            if reason is not None:
                skipped[reason] = skipped.get(reason, 0) + 1
            return reason is not None
        return left_out


def _walk(directory: Path | str, walk: _Walk, prefix: str, real: str | None = None) -> None:
    """`prefix`: the folder's display path and a slash ("" for the scan root): each
    entry's display path is `prefix` and its name (paths as text: a walk makes one per
    entry, and pathlib's objects cost more than the rest of the walk). `real`: the
    folder's real path when the caller knows it (a folder that is not a symlink is its
    parent's real path and its name: os.path.realpath looks at every folder on the way,
    two thirds of a walk's system calls)."""
    found, visited, seen_files = walk.found, walk.visited, walk.seen_files
    real = os.path.realpath(directory) if real is None else real
    if real in visited:
        found.problems.append(FileProblem(prefix.rstrip("/") or ".",
                                          "symlink loop: directory already scanned", "warning"))
        return
    visited.add(real)
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as error:
        found.problems.append(FileProblem(prefix.rstrip("/") or ".",
                                          f"cannot list directory: {error.strerror}"))
        return
    left_out = walk.judge(os.path.abspath(directory),
                          any(entry.name == ".gitignore" for entry in entries))
    for entry in entries:
        name = entry.name
        try:
            is_directory = entry.is_dir()  # follows symlinks
        except OSError:
            is_directory = False
        if is_directory:
            if name not in SKIPPED_DIRECTORIES and not left_out(name, True):
                _walk(entry.path, walk, f"{prefix}{name}/",
                      None if _is_link(entry) else os.path.join(real, name))
            continue
        kind = kind_of(name)
        if name in CONFIG_NAMES or kind is None:  # not read: no Path made for it
            found.ignored += 1
            continue
        if left_out(name, False):
            continue
        # A plain file's real path is its folder's (known) and its name: no lstat of
        # every folder on the way, as os.path.realpath would do for each file.
        known = None if _is_link(entry) else os.path.join(real, name)
        _add_file(Path(entry.path), walk.root, found, seen_files, explicit=False, real=known,
                  shown=prefix + name)


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _add_file(path: Path, root: Path, found: Discovery, seen_files: set[str],
              explicit: bool, real: str | None = None, shown: str | None = None) -> None:
    kind = kind_of(path.name)
    if path.name in CONFIG_NAMES or (kind is None and not explicit):
        found.ignored += 1
        return
    shown = shown if shown is not None else display_path(path, root)
    if kind is None:
        if explicit:
            found.problems.append(FileProblem(shown, "not a Terraform, CloudFormation or "
                                              "Kubernetes file name", "warning"))
        found.ignored += 1
        return
    try:
        real = real or os.path.realpath(path, strict=True)
    except OSError as error:
        reason = ("symlink loop" if error.errno == errno.ELOOP
                  else "broken symlink" if os.path.islink(path)
                  else f"cannot read: {error.strerror or error}")
        found.problems.append(FileProblem(shown, reason))
        return
    # A file reached twice is read once, except that a Terraform file symlinked into
    # another folder belongs to that folder's module too, as in Terraform itself.
    seen = real
    if kind in ("terraform", "terraform_json", "tfvars"):
        seen = f"{real}\0{os.path.dirname(shown)}"
    if seen in seen_files:
        return
    seen_files.add(seen)
    found.files.append(SourceFile(path, shown, kind))


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """The file's text, or ValueError with the reason it cannot be scanned."""
    return decode(read_data(path, max_bytes))


def read_data(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """The file's bytes, or ValueError with the reason it cannot be scanned (too large,
    unreadable); read_text without the decoding."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ValueError(f"file is {size / 1048576:.1f} MiB, over the "
                             f"{max_bytes / 1048576:.1f} MiB limit (--max-file-size)")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise ValueError(f"cannot read: {error.strerror or error}") from None
    return data


def decode(data: bytes) -> str:
    if b"\0" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (invalid byte at offset {error.start})") from None


# What --framework / --skip-framework select (linter.parsing). A plan is JSON recognised
# by content, so it is told apart from CloudFormation and Kubernetes only once parsed.
FRAMEWORKS = ("terraform", "cloudformation", "kubernetes", "tfplan", "pem")

# A Go/Helm template action: `{{ .Values.x }}`, `{{- if`, `{{ include`, `{{ $x := ...}}`,
# `{{/* comment */}}`. Not `{{resolve:...}}` (a CloudFormation dynamic reference) and
# not `${{ ... }}` (GitHub Actions expressions): files holding those are plain YAML, and
# a syntax error in them is an error.
_GO_ACTION = re.compile(
    r"(?<!\$)\{\{-?\s*(?:[.$]|/\*|(?:if|else|end|range|with|define|template|block|include"
    r"|tpl|toYaml|toJson|fromYaml|indent|nindent|quote|squote|required|default|printf"
    r"|print|lookup|fail|not|and|or|eq|ne|len|index|trim|upper|lower|b64enc)\b)")
# What may stand before an action that stands for a whole line or a whole value:
# indentation, a list dash, or a mapping key.
_ACTION_PLACE = re.compile(r"^\s*(?:-\s+)?(?:[^\s#\"'][^#\"']*:\s+)?(?:-\s+)?$")


def might_be_infrastructure(text: str) -> bool:
    """A cheap look at a YAML or JSON file's text before parsing it (and before PyYAML is
    imported, 10 ms): most YAML and JSON in a repository (CI workflows, package manifests)
    is neither CloudFormation nor Kubernetes."""
    return ("AWSTemplateFormatVersion" in text or ("Resources" in text and "AWS::" in text)
            or ("apiVersion" in text and "kind" in text))


def looks_like_go_template(text: str, in_chart: bool = False) -> bool:
    """True when a YAML file that does not parse is a Go/Helm template to render first.

    A template action counts only outside quoted scalars and comments, and only at the
    start of a line or as a whole value, unless the file is in a chart's `templates/`
    folder (see `in_chart_templates`), where any such action counts.
    """
    if "{{" not in text:
        return False
    for line in text.splitlines():
        for match in _GO_ACTION.finditer(line):
            before = line[:match.start()]
            if _inside_quotes_or_comment(before):
                continue
            if in_chart or _ACTION_PLACE.match(before):
                return True
    return False


def _inside_quotes_or_comment(before: str) -> bool:
    quote = ""
    for position, character in enumerate(before):
        if quote:
            if character == quote and not (quote == '"' and before[position - 1] == "\\"):
                quote = ""
        elif character in "\"'":
            quote = character
        elif character == "#" and (position == 0 or before[position - 1] in " \t"):
            return True
    return bool(quote)


def in_chart_templates(path: Path) -> bool:
    """True for a file under a `templates/` folder of a Helm chart (a Chart.yaml beside
    that folder)."""
    for folder in path.absolute().parents:
        if folder.name == "templates":
            chart = folder.parent / "Chart.yaml"
            dependencies.looked_at(chart)  # may lie outside the scan: a result depends on it
            if chart.is_file():
                return True
    return False
