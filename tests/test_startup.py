"""The CLI starts light: no boto3 or checkov import on the scan path."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from linter import catalogue, engine, source_index
from linter.engine import RuleError, catalogue_directory, load_rules
from tests.conftest import REPOSITORY

HEAVY = ("boto3", "botocore", "checkov", "moto")


def _modules_after(code: str) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             f"print(','.join(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               cwd=REPOSITORY, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return [name for name in completed.stdout.strip().split(",") if name]


def test_importing_the_cli_imports_no_cloud_sdk() -> None:
    assert _modules_after("import linter.cli") == []


def test_a_full_scan_imports_no_cloud_sdk() -> None:
    code = ("from linter.cli import app\n"
            "try:\n    app(['scan', 'examples/', '--format', 'json', '-o', '/dev/null'])\n"
            "except SystemExit:\n    pass")
    assert _modules_after(code) == []


# --- what a run loads ------------------------------------------------------------------

HEAVY_AT_START = (*HEAVY, "pydantic", "jsonschema")
OTHER_FORMATS = ("linter.adapters.cloudformation", "linter.resolve.cloudformation",
                 "linter.adapters.pem")


def _loaded(code: str, prefixes: tuple[str, ...], cache: Path) -> list[str]:
    probe = (f"{code}\nimport sys\n"
             "print('\\nloaded:' + ','.join(sorted(m for m in sys.modules "
             f"if m.startswith({prefixes!r}))))")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               cwd=REPOSITORY, timeout=120,
                               # What a scan that scans loads: a stored result skips it all.
                               env={**os.environ, "EPHI_LINT_CACHE_DIR": str(cache),
                                    "EPHI_LINT_RESULT_CACHE": "off"})
    assert completed.returncode == 0, completed.stderr
    listed = completed.stdout.rsplit("\nloaded:", 1)[1].strip()
    return [name for name in listed.split(",") if name]


def _scan_code(target: str) -> str:
    return ("from linter.cli import main\nimport sys\n"
            f"sys.argv = ['ephi-lint', 'scan', {target!r}, '-o', '/dev/null']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")


def test_printing_help_loads_neither_pydantic_nor_jsonschema(tmp_path: Path) -> None:
    code = ("from linter.cli import main\nimport sys\nsys.argv = ['ephi-lint', 'scan', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")
    assert _loaded("import linter.cli", HEAVY_AT_START, tmp_path) == []
    assert _loaded(code, HEAVY_AT_START, tmp_path) == []


def test_a_terraform_scan_with_a_compiled_catalogue_loads_only_what_it_needs(
        tmp_path: Path) -> None:
    target = "examples/dermatology-practice/terraform/storage.tf"
    first = _loaded(_scan_code(target), ("jsonschema",), tmp_path)
    assert "jsonschema" in first  # the first run validates the catalogue and compiles it
    # Nor PyYAML (vendor tables come compiled in the source index) nor pathspec (a named
    # file is never matched against .gitignore): a pre-commit run counts milliseconds.
    light = (*HEAVY_AT_START, "yaml", "pathspec")
    loaded = _loaded(_scan_code(target), (*light, *OTHER_FORMATS), tmp_path)
    assert [name for name in loaded if name.split(".")[0] in light
            or any(name == other or name.startswith(f"{other}.") for other in OTHER_FORMATS)
            ] == []
    assert "linter.adapters.terraform.s3" in _loaded(_scan_code(target), ("linter.",), tmp_path)


def test_tables_an_adapter_reads_whole_come_from_the_source_index(tmp_path: Path) -> None:
    # database.tf's RDS and DocumentDB adapters read their defaults files whole
    # (load_table("defaults/aws_rds")): those too are compiled, so no YAML is parsed.
    target = "examples/dermatology-practice/terraform/database.tf"
    _loaded(_scan_code(target), ("yaml",), tmp_path)  # compiles catalogue and index
    assert _loaded(_scan_code(target), ("yaml",), tmp_path) == []


def test_yaml_that_cannot_be_a_template_or_manifest_is_never_parsed(tmp_path: Path) -> None:
    # A CI workflow beside Terraform: no `apiVersion`/`kind`, no CloudFormation marker, so
    # PyYAML is not even imported (10 ms of the worker that meets it).
    folder = tmp_path / "repo"
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "ci.yml").write_text(
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n")
    shutil.copy(REPOSITORY / "examples" / "dermatology-practice" / "terraform" / "keys.tf",
                folder / "keys.tf")
    _loaded(_scan_code(str(folder)), ("yaml",), tmp_path)  # compiles catalogue and index
    assert _loaded(_scan_code(str(folder)), ("yaml",), tmp_path) == []


def test_every_dataclass_has_a_docstring() -> None:
    # Python 3.11's dataclasses makes a missing docstring from inspect.signature(cls):
    # ~0.3 ms of every run's imports per class.
    missing = []
    for path in sorted((REPOSITORY / "linter").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and ast.get_docstring(node) is None \
                    and any("dataclass" in ast.unparse(decorator)
                            for decorator in node.decorator_list):
                missing.append(f"{path.relative_to(REPOSITORY)}:{node.lineno} {node.name}")
    assert missing == []


# --- the compiled rule catalogue ------------------------------------------------------


@pytest.fixture()
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogue, with a private cache folder for its compiled entry."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(cache))
    monkeypatch.setattr(catalogue, "_scanned", ())
    copy = tmp_path / "rules"
    shutil.copytree(catalogue_directory("rules"), copy)
    return copy


def _entries(rules: Path) -> list[Path]:
    """The compiled entries in the cache folder (one per rules directory content)."""
    return sorted((Path(os.environ["EPHI_LINT_CACHE_DIR"]) / catalogue.NAMESPACE).glob("*.json"))


def _fail_if_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    def validated(path: Path, content: bytes) -> None:
        raise AssertionError(f"{path} was validated again")
    monkeypatch.setattr(engine, "_validated_data", validated)


def test_a_compiled_catalogue_gives_the_same_rules(rules_copy: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_rules([rules_copy])
    [entry] = _entries(rules_copy)
    key = catalogue.catalogue_key(rules_copy, catalogue.read_sources(rules_copy))
    assert entry.name == f"{key}.json"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    _fail_if_validated(monkeypatch)
    assert load_rules([rules_copy]) == loaded
    enc = next(rule for rule in loaded if rule.id == "ENC-001")
    assert enc.path == str(next(rules_copy.rglob("ENC-001*.yaml")))


def test_a_changed_rule_file_is_validated_again(rules_copy: Path) -> None:
    load_rules([rules_copy])
    rule_file = next(rules_copy.rglob("ENC-001*.yaml"))
    rule_file.write_text(rule_file.read_text(encoding="utf-8").replace(
        "severity:", "severity: extreme\nold_severity:", 1), encoding="utf-8")
    with pytest.raises(RuleError, match=r"ENC-001.*\.yaml: .*"):
        load_rules([rules_copy])


def test_an_entry_that_is_not_for_these_files_is_a_miss(rules_copy: Path) -> None:
    loaded = load_rules([rules_copy])
    [entry] = _entries(rules_copy)
    document = json.loads(entry.read_text(encoding="utf-8"))
    # An entry whose rules were edited to pass everything, under another key: refused.
    document["key"] = "0" * 64
    for item in document["rules"]:
        item["data"]["severity"] = "low"
    entry.write_text(json.dumps(document), encoding="utf-8")
    assert load_rules([rules_copy]) == loaded
    entry.write_text("", encoding="utf-8")  # emptied: a miss, never "no rules"
    assert load_rules([rules_copy]) == loaded


def test_an_entry_from_an_unsafe_folder_or_a_symlink_is_not_read(
        rules_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    load_rules([rules_copy])
    [entry] = _entries(rules_copy)
    key = entry.stem
    assert catalogue.cached(key) is not None
    entry.parent.chmod(0o777)  # another user could have written it
    assert catalogue.cached(key) is None
    entry.parent.chmod(0o700)
    planted = tmp_path / "planted.json"
    entry.rename(planted)
    entry.symlink_to(planted)
    assert catalogue.cached(key) is None


# --- stamps: the key of an unchanged rules directory without reading it --------------


def _stamps() -> list[Path]:
    return sorted((Path(os.environ["EPHI_LINT_CACHE_DIR"]) / catalogue.STAMP_NAMESPACE
                   ).glob("*.json"))


def _fail_if_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def read(directory: Path, names: list[str] | None = None) -> None:
        raise AssertionError(f"{directory} was read again")
    monkeypatch.setattr(catalogue, "read_sources", read)


@pytest.fixture()
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files copied a moment ago count as settled (a stamp waits for a few seconds)."""
    monkeypatch.setattr(catalogue, "SETTLED_NS", 0)


def test_an_unchanged_rules_directory_is_loaded_without_reading_its_files(
        rules_copy: Path, settled: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from linter.provenance import rule_catalogue_digest

    loaded = load_rules([rules_copy])
    read_digest = rule_catalogue_digest([rules_copy])
    [stamp] = _stamps()
    assert json.loads(stamp.read_text(encoding="utf-8"))["key"] == _entries(rules_copy)[0].stem
    monkeypatch.setattr(catalogue, "_digested", {})
    _fail_if_read(monkeypatch)
    assert load_rules([rules_copy]) == loaded
    assert [rule.origin for rule in load_rules([rules_copy])] == [rule.origin for rule in loaded]
    # The provenance record names the files' digests as if it had read them.
    assert rule_catalogue_digest([rules_copy]) == read_digest
    monkeypatch.setattr(catalogue, "_digested", {})
    assert rule_catalogue_digest([rules_copy]) == read_digest  # from the files themselves


def test_a_rule_edited_in_place_with_its_size_and_time_kept_is_seen(
        rules_copy: Path, settled: None) -> None:
    load_rules([rules_copy])
    rule_file = next(rules_copy.rglob("ENC-001*.yaml"))
    before = rule_file.stat()
    text = rule_file.read_text(encoding="utf-8")
    assert "severity: medium" in text
    time.sleep(0.05)  # past the file system clock's tick: the change time moves
    rule_file.write_text(text.replace("severity: medium", "severity: severe", 1), encoding="utf-8")
    os.utime(rule_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = rule_file.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert after.st_ctime_ns != before.st_ctime_ns
    with pytest.raises(RuleError, match=r"ENC-001.*\.yaml: severity: 'severe' is not one of"):
        load_rules([rules_copy])


def test_files_changed_in_the_last_seconds_get_no_stamp(rules_copy: Path) -> None:
    load_rules([rules_copy])  # copied a moment ago: a write in the same tick could follow
    assert _entries(rules_copy) != [] and _stamps() == []


def test_a_stamp_not_for_these_files_is_a_miss(rules_copy: Path, settled: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_rules([rules_copy])
    [stamp] = _stamps()
    document = json.loads(stamp.read_text(encoding="utf-8"))
    reads: list[Path] = []
    read_sources = catalogue.read_sources

    def counted(directory: Path, names: list[str] | None = None) -> list[tuple[str, bytes]]:
        reads.append(directory)
        return read_sources(directory, names)
    monkeypatch.setattr(catalogue, "read_sources", counted)
    for tampered in ({**document, "files": document["files"][1:]},  # a file left out
                     {**document, "stamp": "0" * 64},  # another stamp's entry
                     {**document, "format": "ephi-lint-catalogue-stamp-0"}):
        stamp.write_text(json.dumps(tampered), encoding="utf-8")
        assert load_rules([rules_copy]) == loaded
    assert reads == [rules_copy] * 3
    stamp.write_text("{", encoding="utf-8")
    assert load_rules([rules_copy]) == loaded and reads == [rules_copy] * 4


def test_a_cache_folder_inside_a_scanned_path_is_neither_read_nor_written(
        rules_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    load_rules([rules_copy])
    [entry] = _entries(rules_copy)
    catalogue.refuse_inside([tmp_path])
    assert catalogue.cached(entry.stem) is None
    entry.unlink()
    _fail_if_validated(monkeypatch)
    with pytest.raises(AssertionError, match="validated again"):
        load_rules([rules_copy])
    assert _entries(rules_copy) == []


def test_the_shipped_catalogue_compiles_to_a_loadable_entry(tmp_path: Path) -> None:
    """`python -m linter.catalogue OUTPUT` (a wheel build) writes what the loader reads."""
    output = tmp_path / "catalogue.json"
    completed = subprocess.run([sys.executable, "-m", "linter.catalogue", str(output)],
                               capture_output=True, text=True, cwd=REPOSITORY, timeout=300)
    assert completed.returncode == 0, completed.stderr
    directory = catalogue_directory("rules")
    key = catalogue.catalogue_key(directory, catalogue.read_sources(directory))
    compiled = catalogue.rules_of(output.read_bytes(), key)
    assert compiled is not None
    expected = {rule.id: rule for rule in load_rules([directory])}
    assert {data["id"]: engine.rule_from_data(data, directory / relative)
            for relative, data in compiled} == expected
    assert completed.stdout.strip() == f"{output}: {len(expected)} rules"


# --- the source index -----------------------------------------------------------------


def test_a_terraform_scan_imports_only_the_adapters_and_models_of_its_types(
        tmp_path: Path) -> None:
    """storage.tf holds S3 buckets, an EFS file system and an EBS volume: with the source
    index compiled, only their adapter, model and check modules load (not the other 55
    Terraform adapters, ~100 models and 16 check modules), and no mapping table or
    defaults file is parsed."""
    target = "examples/dermatology-practice/terraform/storage.tf"
    _loaded(_scan_code(target), ("linter.",), tmp_path)  # compiles catalogue and index
    # Reading a table or defaults file from YAML would leave a mark among the modules.
    probe = ("import sys, linter.adapters.mapped as mapped, linter.tables as tables\n"
             "def parsed():\n    sys.modules['YAML-PARSED'] = sys\n    return {}\n"
             "mapped.read_mapping_tables = tables.read_service_defaults = parsed\n"
             + _scan_code(target))
    loaded = _loaded(probe, ("linter.adapters", "linter.models", "linter.checks", "YAML"),
                     tmp_path)
    assert loaded == [
        "linter.adapters", "linter.adapters.fields", "linter.adapters.mapped",
        "linter.adapters.policy_documents", "linter.adapters.terraform",
        "linter.adapters.terraform.ebs", "linter.adapters.terraform.s3",
        "linter.checks", "linter.checks.policies",  # the bucket policy checks
        "linter.models", "linter.models.aws", "linter.models.aws.ec2",
        "linter.models.aws.efs", "linter.models.aws.s3", "linter.models.base"]


def _index_entry() -> Path:
    [entry] = (Path(os.environ["EPHI_LINT_CACHE_DIR"]) / source_index.NAMESPACE).glob("*.json")
    return entry


@pytest.fixture()
def index_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty cache folder, and no index remembered by this process."""
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(catalogue, "_scanned", ())
    monkeypatch.setattr(source_index, "SHIPPED", tmp_path / "no-shipped-index.json")
    source_index.source_index.cache_clear()
    yield tmp_path / "cache"
    source_index.source_index.cache_clear()


def _fail_if_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def built() -> None:
        raise AssertionError("the source index was built again")
    monkeypatch.setattr(source_index, "build_index", built)


def test_the_source_index_is_stored_and_read_back(index_cache: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    built = source_index.source_index()
    entry = _index_entry()
    assert entry.name == f"{source_index.index_key()}.json"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    source_index.source_index.cache_clear()
    _fail_if_built(monkeypatch)
    assert source_index.source_index() == {**built, "key": source_index.index_key()}


def test_a_source_index_entry_not_for_these_files_is_a_miss(
        index_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built = source_index.build_index()
    source_index.source_index()
    entry = _index_entry()
    document = json.loads(entry.read_text(encoding="utf-8"))
    # An index that hides every Terraform builder, under another key: refused.
    document["key"] = "0" * 64
    document["builders"]["linter.adapters.terraform"] = []
    for text in (json.dumps(document), "", "[]", '{"format": "ephi-lint-source-index-1"}'):
        entry.write_text(text, encoding="utf-8")
        source_index.source_index.cache_clear()
        found = source_index.source_index()
        assert found["builders"] == built["builders"], text[:40]
    # A well-formed entry under the right key, but planted through a symlink: not read.
    document["key"] = source_index.index_key()
    planted = tmp_path / "planted.json"
    planted.write_text(json.dumps(document), encoding="utf-8")
    entry.unlink()
    entry.symlink_to(planted)
    source_index.source_index.cache_clear()
    assert source_index.source_index()["builders"] == built["builders"]


def test_compiled_entries_in_the_work_tree_of_a_scanned_file_are_not_read(
        index_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """pre-commit names files, not folders: a cache folder committed to (or restored into)
    the checkout holding them could plant a source index hiding every builder, or a rule
    catalogue passing everything, so it is neither read nor written."""
    checkout = tmp_path / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "modules").mkdir()
    scanned = checkout / "modules" / "main.tf"
    scanned.write_text("", encoding="utf-8")
    planted = checkout / ".ci-cache"
    monkeypatch.setenv("EPHI_LINT_CACHE_DIR", str(planted))
    source_index.source_index()  # written while no path is scanned
    [entry] = (planted / source_index.NAMESPACE).glob("*.json")
    document = json.loads(entry.read_text(encoding="utf-8"))
    document["builders"]["linter.adapters.terraform"] = []
    entry.write_text(json.dumps(document), encoding="utf-8")
    source_index.source_index.cache_clear()
    assert source_index.source_index()["builders"]["linter.adapters.terraform"] == []
    catalogue.refuse_inside([scanned])
    source_index.source_index.cache_clear()
    assert source_index.source_index()["builders"]["linter.adapters.terraform"] != []
    assert catalogue.read_entry(source_index.NAMESPACE, entry.stem) is None
    assert not catalogue.write_entry(source_index.NAMESPACE, "other", "{}")
    catalogue.refuse_inside([tmp_path / "elsewhere" / "main.tf"])
    assert catalogue.read_entry(source_index.NAMESPACE, entry.stem) is not None


def test_a_changed_adapter_file_changes_the_index_key(index_cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    package = tmp_path / "linter"
    shutil.copytree(REPOSITORY / "linter", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(source_index, "PACKAGE_DIRECTORY", package)
    before = source_index.index_key()
    for relative in ("adapters/terraform/s3.py", "models/aws/s3.py", "checks/gcp.py",
                     "tables/mappings/aws_core.yaml", "tables/defaults/aws_s3.yaml"):
        changed = package / relative
        original = changed.read_bytes()
        changed.write_bytes(original + b"\n")
        assert source_index.index_key() != before, relative
        changed.write_bytes(original)
    assert source_index.index_key() == before


def test_the_source_index_is_written_for_a_wheel(tmp_path: Path) -> None:
    """`python -m linter.source_index OUTPUT` (a wheel build) writes what the loader reads."""
    output = tmp_path / "source_index.json"
    completed = subprocess.run([sys.executable, "-m", "linter.source_index", str(output)],
                               capture_output=True, text=True, cwd=REPOSITORY, timeout=300)
    assert completed.returncode == 0, completed.stderr
    found = source_index.index_of(output.read_bytes(), source_index.index_key())
    assert found is not None
    assert found["builders"] == source_index.build_index()["builders"]


# --- one command built, not all --------------------------------------------------------

STORAGE = "examples/dermatology-practice/terraform/storage.tf"


@pytest.mark.parametrize("arguments", [
    ["scan", "--help"], ["scan", "--bogus"], ["scan", STORAGE, "--no-color"],
    ["scan", STORAGE, "--format", "sarif", "--severity-threshold", "extreme"],
    ["scan", "no/such/path.tf"], ["explain", "ENC-001"], ["explain", "NOPE-001"],
    ["rules", "--format", "json"], ["merge", "--help"], ["init", "--help"],
    ["aws", "--help"], ["report", "--help"],
], ids=lambda arguments: " ".join(arguments))
def test_a_command_run_alone_behaves_as_in_the_whole_app(arguments: list[str]) -> None:
    """main() registers only the command named first (linter.cli.command_app): its
    output, errors and exit code are those of the whole app."""
    from typer.testing import CliRunner

    from linter.cli import app, command_app

    single = command_app(arguments)
    assert single is not app
    assert [info.callback for info in single.registered_commands] == [
        info.callback for info in app.registered_commands
        if (info.name or info.callback.__name__.lower().replace("_", "-")) == arguments[0]]
    runner = CliRunner()
    whole = runner.invoke(app, arguments, prog_name="ephi-lint")
    alone = runner.invoke(single, arguments, prog_name="ephi-lint")
    assert (alone.exit_code, _timeless(alone.stdout), _timeless(alone.stderr)) == \
        (whole.exit_code, _timeless(whole.stdout), _timeless(whole.stderr))
    assert whole.exit_code in (0, 1, 2)


def _timeless(text: str) -> str:
    """The text summary's elapsed time (`(0.17s)`) is the one part two runs differ in."""
    return re.sub(r"\(\d+\.\d+s\)", "(elapsed)", text)


@pytest.mark.parametrize("arguments", [[], ["--help"], ["--version"], ["scna"], ["baseline"],
                                       ["evidence", "create", "--help"]])
def test_anything_but_a_command_first_runs_the_whole_app(arguments: list[str]) -> None:
    from linter.cli import app, command_app

    assert command_app(arguments) is app


# --- command-line values without pydantic ---------------------------------------------

SAMPLES: dict[str, list[Any]] = {
    "bool": [True, False, "true", "FALSE", " yes ", "0", "1", "", "maybe", "on", "off", "t",
             "N", "2"],
    "str": ["abc", "", "a b", "ENC-001,TLS-*"],
    "float": ["10", "1.5", " 2 ", "abc", "1e999", "nan", "inf", "1_0", "-3", "", "0x10"],
    "int": ["1", "64", "65", "0", "1.0", "1.5", "abc", "1_0", " 7 ", "", "-1"],
    "Path": ["a/b.tf", "-", "", ".", "~/x"],
    "enum": ["bogus", "", "TEXT"],
}


def _parameters() -> list[Any]:
    import typer.main

    from linter.cli import app

    found = []

    def walk(command: Any) -> None:
        found.extend((command, parameter) for parameter in command.params
                     if hasattr(parameter, "type_descriptor"))
        for child in getattr(command, "commands", {}).values():
            walk(child)
    walk(typer.main.get_command(app))
    return found


def _samples(annotation: Any) -> list[Any]:
    from enum import Enum
    from typing import get_args, get_origin

    if get_origin(annotation) is list:
        leaf = get_args(annotation)[0]
        return [[value] for value in _samples(leaf)] + [_samples(leaf)[:2], ("x", "y")]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [*(member.value for member in annotation), *list(annotation)[:1],
                *SAMPLES["enum"]]
    return SAMPLES[getattr(annotation, "__name__", "")]


def _outcome(runtime: Any, value: Any, parameter: Any, context: Any) -> tuple[str, Any]:
    from typer._click.exceptions import BadParameter

    try:
        return "value", repr(runtime.coerce(value, param=parameter, ctx=context))
    except BadParameter as error:
        return "error", error.message


def test_values_convert_as_typer_converts_them() -> None:
    """Every parameter of every command, over good and bad values: the same value or the
    same error message as typer's own (pydantic) conversion."""
    from typer import _coercion, core
    from typer._click import Context

    import linter.cli  # noqa: F401  (installs the plain conversion)

    assert getattr(core.build_runtime_param, "_ephi_lint", False)
    compared = 0
    for command, parameter in _parameters():
        context = Context(command)
        plain = core.build_runtime_param(parameter.type_descriptor)
        typers = _coercion.build_runtime_param(parameter.type_descriptor)
        assert type(plain).__name__ == "PlainRuntimeParam", parameter.name
        for value in _samples(parameter.type_descriptor.annotation):
            assert _outcome(plain, value, parameter, context) == \
                _outcome(typers, value, parameter, context), (command.name, parameter.name,
                                                              value)
            compared += 1
    assert compared > 300
