"""Wall time of a one-region live scan: ephi-lint against prowler, same moto server.

Run on demand (not part of the test suite):

    python benchmarks/bench_live.py [--prowler PATH] [--services s3,ec2,rds,kms,cloudtrail|all]

Run it inside a network namespace that has only loopback, so neither tool can reach
anything but the local server:

    unshare -n sh -c 'ip link set lo up; python benchmarks/bench_live.py'

Starts moto's server on 127.0.0.1 (as the tests do), seeds compliant and non-compliant
resources, then times `ephi-lint aws` and `prowler aws` against it in the same run and
reports the ratio. prowler is optional (install it in its own virtual environment).

`--services all` times every ephi-lint service but EMR (moto cannot list its security
configurations) against the prowler services that read the same AWS services (prowler
names four of them differently, and has no DAX or Timestream service; CloudWatch Logs
is part of its cloudwatch service).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from tests.live_server import FAKE_ENVIRONMENT, MotoServer  # noqa: E402


def seed(url: str) -> None:
    import boto3

    def client(service: str):  # noqa: ANN202 - a boto3 client
        return boto3.session.Session(**{"region_name": "us-east-1"}).client(
            service, endpoint_url=url)

    s3, ec2, kms = client("s3"), client("ec2"), client("kms")
    key = kms.create_key(Description="phi")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    kms.create_key(Description="no rotation")
    for index in range(5):
        s3.create_bucket(Bucket=f"clinic-photos-{index}")
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=index % 2 == 0)
    s3.create_bucket(Bucket="clinic-trail")
    client("cloudtrail").create_trail(Name="audit", S3BucketName="clinic-trail")


# ephi-lint --services name -> prowler's service names for the same AWS APIs.
PROWLER_NAMES = {"lambda": ["awslambda"], "docdb": ["documentdb"], "msk": ["kafka"],
                 "apigateway": ["apigateway", "apigatewayv2"], "logs": ["cloudwatch"],
                 "dax": [], "timestream": []}


def prowler_services(ours: str) -> list[str]:
    return sorted({name for service in ours.split(",")
                   for name in PROWLER_NAMES.get(service, [service])})


def timed(command: list[str], environment: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    completed = subprocess.run(command, env=environment, capture_output=True, text=True,
                               timeout=1800)
    return time.perf_counter() - started, completed.returncode


def _prowler_results(folder: Path) -> int:
    """How many prowler results name a seeded resource: proof it read this server."""
    import json

    count = 0
    for path in folder.rglob("*.ocsf.json"):
        for item in json.loads(path.read_text() or "[]"):
            if "clinic-" in json.dumps(item.get("resources", [])) or "vol-" in json.dumps(
                    item.get("resources", [])):
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prowler", default=shutil.which("prowler"))
    parser.add_argument("--services", default="s3,ec2,rds,kms,cloudtrail")
    options = parser.parse_args()
    if options.services == "all":
        from linter.live.services import SERVICES

        # moto has no EMR ListSecurityConfigurations: it answers 500, which both tools
        # retry for a minute (the tests answer it with a stand-in), so EMR is left out.
        options.services = ",".join(name for name in SERVICES if name != "emr")
    server = MotoServer()
    try:
        environment = {**os.environ, **FAKE_ENVIRONMENT, "AWS_ENDPOINT_URL": server.url,
                       "PYTHONPATH": str(REPOSITORY)}
        os.environ.update(FAKE_ENVIRONMENT)
        seed(server.url)
        with tempfile.TemporaryDirectory(prefix="ephi-live-bench-") as folder:
            ours, our_code = timed([sys.executable, "-m", "linter.cli", "aws", "--regions",
                                    "us-east-1", "--services", options.services, "-f", "json",
                                    "-o", f"{folder}/ours.json"], environment)
            count = len(options.services.split(","))
            line = (f"one-region live scan of {count} services: ephi-lint {ours:.2f}s "
                    f"(exit {our_code})")
            if options.prowler:
                theirs, their_code = timed(
                    [options.prowler, "aws", "-f", "us-east-1", "--services",
                     *prowler_services(options.services), "-M", "json-ocsf", "-o", folder,
                     "--no-banner"], environment)
                line += (f"; prowler {theirs:.2f}s (exit {their_code}, "
                         f"{_prowler_results(Path(folder))} results naming seeded resources); "
                         f"ratio ephi-lint/prowler = {ours / theirs:.3f}")
            print(line)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
