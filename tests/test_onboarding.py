"""The deployable scan role (deploy/aws) is generated from the allow-list and agrees with
docs/iam-policy.json; the template passes cfn-lint and Terraform's own evaluator reads the
module's actions back."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from linter.live.onboarding import TEMPLATE_NAME, generated_files, read_only_actions
from linter.parsers.yaml_source import load_documents
from linter.values import plain
from tests.conftest import REPOSITORY

DEPLOY = REPOSITORY / "deploy" / "aws"


def test_committed_files_are_generated_from_the_allow_list() -> None:
    stale = [name for name, text in generated_files().items()
             if (DEPLOY / name).read_text(encoding="utf-8") != text]
    assert stale == [], "run python -m linter.live.onboarding deploy/aws"


def test_actions_equal_the_published_policy() -> None:
    published = json.loads((REPOSITORY / "docs" / "iam-policy.json").read_text())
    [statement] = [item for item in published["Statement"]
                   if item["Sid"] == "EphiLintReadOnlyScan"]
    assert read_only_actions() == statement["Action"]

    [template] = load_documents((DEPLOY / TEMPLATE_NAME).read_text(encoding="utf-8"))
    role = plain(template)["Resources"]["ScanRole"]["Properties"]
    [policy] = role["Policies"]
    [granted] = policy["PolicyDocument"]["Statement"]
    assert (granted["Action"], granted["Resource"]) == (statement["Action"], "*")
    # Nothing in the role can write: every action is a read (List/Describe/Get, or
    # API Gateway's GET).
    verbs = {action.split(":", 1)[1] for action in granted["Action"]}
    assert all(verb.startswith(("List", "Describe", "Get")) or verb == "GET" for verb in verbs)


def test_template_passes_cfn_lint() -> None:
    pytest.importorskip("cfnlint")
    program = "import sys; from cfnlint.runner import main; sys.exit(main())"
    linted = subprocess.run([sys.executable, "-c", program, str(DEPLOY / TEMPLATE_NAME)],
                            capture_output=True, text=True, timeout=300)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_terraform_module_evaluates_to_the_same_actions() -> None:
    tfparse = pytest.importorskip("tfparse")
    parsed = tfparse.load_from_path(str(DEPLOY / "terraform"))
    documents = {item["__tfmeta"]["path"]: item for item in parsed["aws_iam_policy_document"]}
    statement = documents["data.aws_iam_policy_document.read_only"]["statement"]
    assert statement["actions"] == read_only_actions()
    assert statement["resources"] == ["*"]
