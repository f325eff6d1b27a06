"""Wall time of a one-region live scan: ephi-lint against a plain boto3 sweep that makes
the same calls, and against prowler, on the same moto server.

Run on demand (not part of the test suite):

    python benchmarks/bench_live.py [--prowler PATH] [--services s3,ec2,rds,kms,cloudtrail|all]

The sweep is the floor any scanner written with boto3 has to pay: a first, untimed
ephi-lint run records every API call it makes (client, Region, operation, parameters,
in order), then a fresh Python process creates plain boto3 clients and makes those calls
one after the other, with no models, rules or report. Both are timed as whole processes
(start-up, imports, credentials included). The sweep does not retry (one request a
call), so it is a floor. The target: ephi-lint within 2x of the sweep.

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
import json
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


# Records every API call of an ephi-lint run into the file named by argv[1], then runs the
# aws command with the remaining arguments.
RECORDER = """
import json, sys, threading
from botocore.client import BaseClient

calls, lock, original = [], threading.Lock(), BaseClient._make_api_call
def recorded(self, operation, params):
    with lock:
        calls.append([self.meta.service_model.service_name, self.meta.region_name,
                      self.meta.service_model.operation_model(operation).name, params])
    return original(self, operation, params)
BaseClient._make_api_call = recorded
record, sys.argv = sys.argv[1], ["ephi-lint", *sys.argv[2:]]
from linter.cli import main
try:
    main()
finally:
    with open(record, "w") as file:
        json.dump(calls, file, default=str)
"""

# Makes the recorded calls with plain boto3 clients, one after the other; prints how many.
SWEEP = """
import json, sys
import boto3
from botocore import xform_name
from botocore.config import Config

# No retry: the floor is one request a call (moto answers some calls with a 500, which
# both ephi-lint and a default client would retry with back-off).
session, config = boto3.session.Session(), Config(retries={"total_max_attempts": 1})
clients, failed = {}, set()
calls = json.load(open(sys.argv[1]))
for service, region, operation, params in calls:
    client = clients.get((service, region))
    if client is None:
        client = clients[(service, region)] = session.client(service, region_name=region,
                                                             config=config)
    try:
        getattr(client, xform_name(operation))(**params)
    except Exception:  # noqa: BLE001 - botocore.parsers errors are plain exceptions
        # Answered all the same (a setting that is not there, an API moto lacks): the
        # scan got the same answer.
        failed.add(f"{service}:{operation}")
print(len(calls), ",".join(sorted(failed)) or "none")
"""


def timed(command: list[str], environment: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    completed = subprocess.run(command, env=environment, capture_output=True, text=True,
                               timeout=1800)
    return time.perf_counter() - started, completed.returncode


def _prowler_results(folder: Path) -> int:
    """How many prowler results name a seeded resource: proof it read this server."""
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
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (best kept)")
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
            scan = [sys.executable, "-m", "linter.cli", "aws", "--regions", "us-east-1",
                    "--services", options.services, "-f", "json", "-o", f"{folder}/ours.json"]
            record = Path(folder) / "calls.json"
            subprocess.run([sys.executable, "-c", RECORDER, str(record), *scan[3:-1],
                            f"{folder}/recorded.json"], env=environment, capture_output=True,
                           text=True, timeout=1800, check=False)
            recorded = json.loads(record.read_text())
            # Alternate the two, several times, and keep each one's best: on a shared
            # machine the noise only ever adds time.
            ours_times, plain_times = [], []
            for _ in range(options.runs):
                ours, our_code = timed(scan, environment)
                ours_times.append(ours)
                started = time.perf_counter()
                sweep = subprocess.run([sys.executable, "-c", SWEEP, str(record)],
                                       env=environment, capture_output=True, text=True,
                                       timeout=1800, check=False)
                plain_times.append(time.perf_counter() - started)
                if sweep.returncode:
                    raise SystemExit(f"the boto3 sweep failed: {sweep.stderr}")
            ours, plain = min(ours_times), min(plain_times)
            calls, failed = sweep.stdout.split()
            count = len(options.services.split(","))
            scanned = json.loads(Path(f"{folder}/ours.json").read_text())["live"]["api_calls"]
            line = (f"one-region live scan of {count} services, best of {options.runs}: "
                    f"ephi-lint {ours:.2f}s (exit {our_code}; runs "
                    f"{', '.join(f'{value:.2f}' for value in ours_times)}); plain boto3 sweep "
                    f"of the same {calls} calls {plain:.2f}s (runs "
                    f"{', '.join(f'{value:.2f}' for value in plain_times)}; answered with an "
                    f"error: {failed}; the scan's JSON counts {sum(scanned.values())} calls, "
                    f"the recording {len(recorded)}); ratio ephi-lint/sweep = "
                    f"{ours / plain:.2f} (target <= 2)")
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
