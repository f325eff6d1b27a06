"""Dataclasses' methods compiled ahead of time (linter.dataclass_code): the generated
modules are current, each function is exactly the text its name digests, a class made
with them has the very methods dataclasses compiles itself, and a scan compiles none."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from linter.dataclass_code import GENERATED_DIRECTORY, function_name
from tests.conftest import REPOSITORY

_GENERATED_FOR = re.search(r"^# Python (\d+\.\d+)$",
                           (GENERATED_DIRECTORY / "linter.py").read_text(encoding="utf-8"),
                           re.MULTILINE)
_THIS_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
same_python = pytest.mark.skipif(
    _GENERATED_FOR is None or _GENERATED_FOR.group(1) != _THIS_PYTHON,
    reason="the modules hold the texts of another Python's dataclasses (they miss here)")


def _python(code: str) -> str:
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               cwd=REPOSITORY, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@same_python
def test_the_generated_modules_are_current() -> None:
    completed = subprocess.run([sys.executable, "-m", "linter.dataclass_code", "--check"],
                               capture_output=True, text=True, cwd=REPOSITORY, timeout=300)
    assert completed.returncode == 0, completed.stderr


def test_each_generated_function_is_the_text_its_name_digests() -> None:
    checked = 0
    for module in sorted(GENERATED_DIRECTORY.glob("linter*.py")):
        for block in module.read_text(encoding="utf-8").split("\n\n\n")[1:]:
            comment, text, kept = block.rstrip("\n").split("\n", 1)[0], \
                *block.rstrip("\n").split("\n", 1)[1].rsplit("\n", 1)
            assert comment.startswith("# linter.")
            name, _, defined = kept.partition(" = ")
            assert text.startswith(f"def {defined}(")
            assert function_name(text) == name, f"{module.name}: {comment}"
            checked += 1
    assert checked > 500


# Each dataclass of every module, its generated methods as comparable data.
_DESCRIBE = """
import dataclasses, importlib, json, pkgutil, re, sys, types
compiled = []
def shown(value):  # no address: the two processes' objects differ in nothing else
    return re.sub(" at 0x[0-9a-f]+", "", repr(value))
{install}
import linter
described = {{}}
def code(value):
    if isinstance(value, types.CodeType):
        return [value.co_code.hex(), [code(item) for item in value.co_consts],
                value.co_names, value.co_varnames, value.co_freevars, value.co_cellvars,
                value.co_argcount, value.co_kwonlyargcount, value.co_flags]
    return repr(value)
for info in pkgutil.walk_packages(linter.__path__, "linter."):
    if info.name.startswith("linter._dataclass_code") or info.name.endswith("__main__"):
        continue
    try:
        module = importlib.import_module(info.name)
    except Exception:
        continue
    for thing in list(vars(module).values()):
        if isinstance(thing, type) and dataclasses.is_dataclass(thing) \\
                and thing.__module__ == info.name:
            methods = {{}}
            for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__",
                         "__delattr__"):
                method = vars(thing).get(name)
                method = getattr(method, "__wrapped__", method)
                if isinstance(method, types.FunctionType):
                    methods[name] = [code(method.__code__), method.__qualname__,
                                     method.__module__, repr(method.__defaults__),
                                     repr(method.__kwdefaults__),
                                     sorted(map(repr, method.__annotations__.values())),
                                     [shown(cell.cell_contents)
                                      for cell in method.__closure__ or ()]]
            described[f"{{info.name}}.{{thing.__qualname__}}"] = [methods, thing.__doc__]
print(json.dumps({{"classes": described, "compiled": sorted(
    set(name for name in compiled if name.startswith("linter")))}}))
"""


# Appends to `compiled` the module of every text linter.dataclass_code compiles itself
# (one it holds no generated function for).
_COUNT_COMPILED = ("import builtins\n_exec = builtins.exec\n"
                   "def counted(*arguments):\n"
                   "    if sys._getframe(1).f_code.co_name == '_exec':\n"
                   "        compiled.append(arguments[1].get('__name__'))\n"
                   "    return _exec(*arguments)\n"
                   "builtins.exec = counted\n")


@same_python
def test_classes_get_exactly_the_methods_dataclasses_compiles() -> None:
    hooked = json.loads(_python(_DESCRIBE.format(
        install="from linter.dataclass_code import install\ninstall()\n" + _COUNT_COMPILED)))
    plain = json.loads(_python(_DESCRIBE.format(install="")))
    assert len(plain["classes"]) > 200
    assert hooked["classes"] == plain["classes"]
    assert hooked["compiled"] == []  # every class of ours found its methods


@same_python
def test_a_scan_compiles_no_method_of_ours() -> None:
    output = _python(
        "import sys\ncompiled = []\n" + _COUNT_COMPILED
        + "from linter.dataclass_code import install\ninstall()\n"
        "from linter.cli import app\n"
        "try:\n    app(['scan', 'examples/', '-f', 'json', '-o', '/dev/null', '--no-config'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(name for name in compiled if name.startswith('linter')))")
    assert output.strip().splitlines()[-1] == "[]"


def test_dataclasses_loads_inspect_only_when_a_class_needs_it() -> None:
    # And a class not of ours is made as ever: its methods compiled from their text, with
    # dataclasses' future features (none), not linter.dataclass_code's.
    output = _python(
        "import sys\nfrom linter.dataclass_code import install\ninstall()\n"
        "import linter.scan_command, linter.report.outputs, linter.result_cache\n"
        "print('inspect' in sys.modules)\n"
        "import dataclasses\n"
        "@dataclasses.dataclass\nclass Undocumented:\n    size: int\n"
        "print(Undocumented.__doc__, Undocumented.__init__.__annotations__)\n"
        "import inspect\nprint(type(inspect.signature).__name__, dataclasses.inspect is inspect)")
    assert output.splitlines() == [
        "False", "Undocumented(size: int) {'size': <class 'int'>, 'return': None}",
        "function True"]


def test_the_console_script_installs_it(tmp_path: Path) -> None:
    output = _python(
        "import sys, dataclasses\n"
        "sys.argv = ['ephi-lint', '--version']\n"
        "from linter.launch import run\n"
        "import os\nos._exit = lambda code: (print(dataclasses.exec.__module__), sys.exit(code))\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n")
    assert output.splitlines()[-1] == "linter.dataclass_code"


def test_a_missing_or_damaged_generated_module_only_costs_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from linter import dataclass_code

    real_import = builtins.__import__

    def damaged(name: str, *arguments: object, **options: object) -> object:
        if name.startswith("linter._dataclass_code.linter_damaged"):
            raise SyntaxError("invalid syntax")
        return real_import(name, *arguments, **options)

    monkeypatch.setattr(builtins, "__import__", damaged)
    monkeypatch.setattr(dataclass_code, "_loaded", {})
    text = "def __create_fn__():\n def __repr__(self):\n  return ''\n return __repr__"
    assert dataclass_code._compiled("linter.damaged", text) is None
    assert dataclass_code._compiled("linter.absent", text) is None
    namespace: dict[str, object] = {}
    dataclass_code._exec(text, {"__package__": "linter.damaged", "__name__": "x"}, namespace)
    assert callable(namespace["__create_fn__"])
