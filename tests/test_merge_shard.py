"""Scale-out: `--shard K/N` partitions the files deterministically (a Terraform module
folder stays whole, so its variables still resolve) and `ephi-lint merge` makes one run
of the shards' SARIF files, equal to the unsharded scan's."""

from __future__ import annotations

import json
from pathlib import Path

from linter.config import Shard
from linter.discover import SourceFile
from tests.conftest import run_cli
from tests.test_sarif import _github_check

SHARDS = 3


def _tree(root: Path) -> None:
    for number in range(8):
        module = root / f"module{number}"
        module.mkdir()
        # The value comes from another file of the module: a shard that split the module
        # would not see the default, and the finding would turn UNKNOWN or vanish.
        (module / "variables.tf").write_text('variable "rotate" {\n  default = false\n}\n')
        (module / "main.tf").write_text(
            f'resource "aws_kms_key" "key{number}" {{\n  enable_key_rotation = var.rotate\n}}\n')
    for number in range(4):
        (root / f"stack{number}.yaml").write_text(
            'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
            f"  Key{number}:\n    Type: AWS::KMS::Key\n")


def _results(path: Path) -> set[tuple[str, str, int]]:
    run = json.loads(path.read_text())["runs"][0]
    return {(result["ruleId"],
             result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             result["locations"][0]["physicalLocation"]["region"]["startLine"])
            for result in run["results"]}


def test_shards_partition_and_merge_equals_the_full_scan(tmp_path: Path) -> None:
    _tree(tmp_path)
    full = tmp_path / "full.sarif"
    assert run_cli("scan", ".", "--include-rule", "KEY-002", "-o", f"sarif={full}",
                   cwd=tmp_path).returncode == 1
    expected = ({("KEY-002", f"module{n}/main.tf", 2) for n in range(8)}
                | {("KEY-002", f"stack{n}.yaml", 3) for n in range(4)})
    assert _results(full) == expected
    shards = []
    for index in range(1, SHARDS + 1):
        output = tmp_path / f"shard-{index}.sarif"
        completed = run_cli("scan", ".", "--include-rule", "KEY-002", "--shard",
                            f"{index}/{SHARDS}", "-o", f"sarif={output}", cwd=tmp_path)
        assert completed.returncode in (0, 1), completed.stderr
        shards.append(output)
    parts = [_results(path) for path in shards]
    assert set().union(*parts) == expected  # nothing lost, no UNKNOWN from a split module
    assert sum(len(part) for part in parts) == len(expected)  # and nothing twice
    assert all(parts), "the 12 files spread over every shard"
    merged = tmp_path / "all.sarif"
    # A shard given twice is deduplicated by fingerprint.
    completed = run_cli("merge", *map(str, shards), str(shards[0]), "-o", str(merged),
                        cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    document = json.loads(merged.read_text())
    assert len(document["runs"]) == 1
    assert _results(merged) == expected
    run = document["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == ["KEY-002"]
    assert all(rule_ids[result["ruleIndex"]] == result["ruleId"] for result in run["results"])
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    checked = _github_check([merged])
    assert f"{merged}: 0 error(s)" in checked.stdout, checked.stdout + checked.stderr


def test_shard_assignment_is_stable_and_keeps_modules_together() -> None:
    shard = Shard.parse("2/4")
    files = [SourceFile(Path("x"), "infra/app/main.tf", "terraform"),
             SourceFile(Path("x"), "infra/app/variables.tf", "terraform"),
             SourceFile(Path("x"), "infra/app/terraform.tfvars", "tfvars")]
    assert len({shard.holds(source) for source in files}) == 1
    owners = [index for index in range(1, 5)
              if Shard(index, 4).holds(SourceFile(Path("x"), "k8s/web.yaml", "document"))]
    assert len(owners) == 1


def test_bad_shard_and_mismatched_merges_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("")
    for value in ("0/3", "4/3", "1", "a/b"):
        completed = run_cli("scan", ".", "--shard", value, cwd=tmp_path)
        assert completed.returncode == 2
        assert "expected K/N with 1 <= K <= N" in completed.stderr
    for category in ("a", "b"):
        run_cli("scan", ".", "--sarif-category", category, "-o", f"sarif={category}.sarif",
                cwd=tmp_path)
    completed = run_cli("merge", "a.sarif", "b.sarif", cwd=tmp_path)
    assert completed.returncode == 2
    assert "b.sarif: category 'b/' differs from 'a/'" in completed.stderr


def test_merge_keeps_every_shards_inputs_and_spans_their_times(tmp_path: Path) -> None:
    _tree(tmp_path)
    shards = []
    for index in (1, 2):
        output = tmp_path / f"shard-{index}.sarif"
        run_cli("scan", ".", "--include-rule", "KEY-002", "--shard", f"{index}/2",
                "-o", f"sarif={output}", cwd=tmp_path)
        shards.append(json.loads(output.read_text())["runs"][0])
    merged_path = tmp_path / "all.sarif"
    assert run_cli("merge", "shard-1.sarif", "shard-2.sarif", "-o", str(merged_path),
                   cwd=tmp_path).returncode == 0
    merged = json.loads(merged_path.read_text())["runs"][0]
    uris = sorted(artifact["location"]["uri"] for artifact in merged["artifacts"])
    assert uris == sorted([*(f"module{n}/{name}" for n in range(8)
                             for name in ("main.tf", "variables.tf")),
                           *(f"stack{n}.yaml" for n in range(4))])
    assert uris == sorted(artifact["location"]["uri"] for shard in shards
                          for artifact in shard["artifacts"])
    invocation = merged["invocations"][0]
    assert invocation["startTimeUtc"] == min(shard["invocations"][0]["startTimeUtc"]
                                             for shard in shards)
    assert invocation["endTimeUtc"] == max(shard["invocations"][0]["endTimeUtc"]
                                           for shard in shards)
