"""Outcomes name their resource by a small ResourceRef, not the judged model: a scan
keeps only its findings, and an outcome pickles small for a worker to send."""

from __future__ import annotations

import pickle
from pathlib import Path

from linter.engine import Evaluator, catalogue_directory, load_rules
from linter.models.aws.ec2 import Volume
from linter.models.base import Field, FieldState, ResourceRef, SourceLocation
from linter.pipeline import ScanRequest, scan

RULES = load_rules([catalogue_directory("rules")])

BUCKET_TF = '''resource "aws_s3_bucket" "photos" {
  bucket = "clinic-photos"
}

resource "aws_ebs_volume" "scans" {
  availability_zone = "us-east-1a"
  size              = 10
  encrypted         = false
}
'''


def _scan(tmp_path: Path) -> list:
    (tmp_path / "main.tf").write_text(BUCKET_TF)
    result = scan(ScanRequest(paths=[tmp_path], root=tmp_path, workers=1, rules=RULES))
    assert not result.errors
    return result.outcomes


def test_an_outcome_names_its_resource_by_a_ref(tmp_path: Path) -> None:
    outcomes = _scan(tmp_path)
    [volume] = [o for o in outcomes if o.rule.id == "ENC-002"]
    assert volume.resource == ResourceRef("aws_ebs_volume.scans", "aws_ebs_volume", "terraform",
                                          SourceLocation("main.tf", 5, 9), ".", "aws.ec2.Volume")
    assert volume.resource.MODEL == "aws.ec2.Volume"
    assert (volume.status.value, volume.location.start_line) == ("fail", 8)
    # One ref per resource, shared by every outcome that judges it.
    address = volume.resource.address
    assert {id(o.resource) for o in outcomes if o.resource.address == address} == {
        id(volume.resource)}


def test_an_outcome_pickles_without_the_model(tmp_path: Path) -> None:
    outcomes = _scan(tmp_path)
    [volume] = [o for o in outcomes if o.rule.id == "ENC-002"]
    copy = pickle.loads(pickle.dumps(volume))
    assert (copy.resource, copy.message, copy.fingerprint) == (
        volume.resource, volume.message, volume.fingerprint)
    assert not hasattr(copy.resource, "encrypted")


def _volume(source_format: str) -> Volume:
    return Volume(address="vol", source_type="aws_ebs_volume", source_format=source_format,
                  location=SourceLocation("main.tf", 1, 4), scope=".",
                  encrypted=Field(False, FieldState.SET, "encrypted", 3),
                  kms_key=Field.absent("kms_key_id"))


def test_keep_models_puts_the_model_in_each_outcome() -> None:
    rules = [rule for rule in RULES if rule.id == "ENC-002"]
    volume = _volume("terraform")
    [kept] = Evaluator(rules, keep_models=True).evaluate([volume])
    [named] = Evaluator(rules).evaluate([volume])
    assert kept.resource is volume and named.resource == volume.ref()
    assert (kept.message, kept.location, kept.fingerprint) == (
        named.message, named.location, named.fingerprint)
    # Drift reads a live scan's models, and the templates' (its probe scan), back from
    # the outcomes: both ask for them.
    from linter.pipeline import ScanRequest
    assert ScanRequest(paths=[], root=Path("."), rules=rules).keep_models is False
