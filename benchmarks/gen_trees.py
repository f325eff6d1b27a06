"""Generated Terraform trees for the memory and scale figures of issue 14.

Run on demand (not part of the test suite); output goes under a folder you name,
normally in /tmp:

    python benchmarks/gen_trees.py many /tmp/ephi-many --files 20000 --per-module 10
    python benchmarks/gen_trees.py big /tmp/ephi-big --megabytes 3

then measure a scan with GNU time (Maximum resident set size, Elapsed):

    EPHI_LINT_CACHE_DIR=off /usr/bin/time -v .venv/bin/ephi-lint scan /tmp/ephi-many \\
        --format json -o /tmp/ephi-many.json

`many`: small root modules of `--per-module` files each (a bucket with its encryption,
versioning and public-access settings, a KMS key, a queue, a log group), every file a
few hundred bytes, as in a monorepo of many small stacks. `big`: one .tf file of about
`--megabytes` MB of such resources, the largest single file a scan should bear.

The files are generated, not copied from anywhere, so the figures do not depend on a
network or a corpus checkout; the content is deterministic for the same arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# One resource set per file; `{n}` makes every name unique in its module.
_RESOURCES = (
    '''resource "aws_s3_bucket" "records_{n}" {{
  bucket = "derm-records-{module}-{n}"
  tags = {{
    team        = "clinical"
    environment = var.environment
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "records_{n}" {{
  bucket = aws_s3_bucket.records_{n}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.records_{n}.arn
    }}
  }}
}}

resource "aws_kms_key" "records_{n}" {{
  description         = "records {n}"
  enable_key_rotation = {rotation}
}}
''',
    '''resource "aws_sqs_queue" "intake_{n}" {{
  name                      = "intake-{module}-{n}"
  message_retention_seconds = 86400
  sqs_managed_sse_enabled   = {rotation}
}}

resource "aws_cloudwatch_log_group" "intake_{n}" {{
  name              = "/derm/intake/{module}/{n}"
  retention_in_days = 365
}}
''',
)

_VARIABLES = '''variable "environment" {
  type    = string
  default = "production"
}
'''


def resource_text(module: int, number: int) -> str:
    """One small file's resources; every third key lacks rotation, so rules fail too."""
    template = _RESOURCES[number % len(_RESOURCES)]
    rotation = "false" if number % 3 == 0 else "true"
    return template.format(n=number, module=module, rotation=rotation)


def write_many(target: Path, files: int, per_module: int) -> int:
    """`files` .tf files in root modules of `per_module` files (one of them variables.tf)
    under `target`, sixteen modules to a folder; the number of files written."""
    written = 0
    module = 0
    while written < files:
        folder = target / f"group{module // 16:04d}" / f"stack{module:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "variables.tf").write_text(_VARIABLES, encoding="utf-8")
        written += 1
        for number in range(min(per_module - 1, files - written)):
            (folder / f"resources_{number:02d}.tf").write_text(
                resource_text(module, number), encoding="utf-8")
            written += 1
        module += 1
    return written


def write_big(target: Path, megabytes: float) -> int:
    """One main.tf of about `megabytes` MB (and its variables.tf); its size in bytes."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "variables.tf").write_text(_VARIABLES, encoding="utf-8")
    limit = int(megabytes * 1024 * 1024)
    parts: list[str] = []
    size = number = 0
    while size < limit:
        text = resource_text(0, number)
        parts.append(text)
        size += len(text.encode())
        number += 1
    (target / "main.tf").write_text("\n".join(parts), encoding="utf-8")
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    many = commands.add_parser("many", help="many small root modules")
    many.add_argument("target", type=Path)
    many.add_argument("--files", type=int, default=20_000)
    many.add_argument("--per-module", type=int, default=10)
    big = commands.add_parser("big", help="one large .tf file")
    big.add_argument("target", type=Path)
    big.add_argument("--megabytes", type=float, default=3.0)
    arguments = parser.parse_args()
    if arguments.target.exists() and any(arguments.target.iterdir()):
        parser.error(f"{arguments.target} is not empty: name a new folder")
    if arguments.command == "many":
        count = write_many(arguments.target, arguments.files, max(2, arguments.per_module))
        print(f"{count} files under {arguments.target}")
    else:
        size = write_big(arguments.target, arguments.megabytes)
        print(f"{size} bytes in {arguments.target / 'main.tf'}")


if __name__ == "__main__":
    main()
