"""ElastiCache stand-alone clusters and serverless caches against moto (ENC-007, PLN-003,
KEY-001), beside the replication groups test_live_services.py covers.

Seeded in us-west-2 through boto3. moto differences the seed and the expectations
account for:
- moto has no ElastiCache Serverless API: DescribeServerlessCaches is answered by a hook
  on the loopback `StandIn`, with the caches below as AWS writes them; every other call
  reaches moto unchanged.
- moto leaves AtRestEncryptionEnabled out of DescribeCacheClusters (AWS answers false
  for every stand-alone cluster), and TransitEncryptionEnabled for a cluster created
  without it: both read as not set, which fails ENC-007 and PLN-003 the same way.
- moto lists the members of a replication group only when they are created as cache
  clusters naming the group: `sessions-002` stands for such a member.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.live_helpers import findings, scan_json, through_stand_in
from tests.live_server import Call, Hook, MotoServer, Reply, StandIn, client

REGION = "us-west-2"
ACCOUNT = "123456789012"
ARN = f"arn:aws:elasticache:{REGION}:{ACCOUNT}"
RULES = ("ENC-007", "PLN-003", "KEY-001")


def serverless_caches(caches: dict[str, str | None]) -> Hook:
    """Answers DescribeServerlessCaches (which moto lacks) with `caches`: name -> KMS key
    (None: the default service key, which AWS leaves out of the answer)."""
    members = "".join(
        f"<member><ServerlessCacheName>{name}</ServerlessCacheName><Engine>valkey</Engine>"
        f"<Status>available</Status><ARN>{ARN}:serverlesscache:{name}</ARN>"
        + (f"<KmsKeyId>{key}</KmsKeyId>" if key else "") + "</member>"
        for name, key in caches.items())
    body = ("<DescribeServerlessCachesResponse xmlns=\"http://elasticache.amazonaws.com/doc/"
            "2015-02-02/\"><DescribeServerlessCachesResult><ServerlessCaches>"
            f"{members}</ServerlessCaches></DescribeServerlessCachesResult>"
            "<ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>"
            "</DescribeServerlessCachesResponse>").encode()

    def hook(call: Call, forward: Callable[[], Reply]) -> Reply | None:
        if call.operation != "DescribeServerlessCaches":
            return None
        return Reply(200, {"Content-Type": "text/xml"}, body)
    return hook


def seed() -> dict[str, str]:
    key = client("kms", REGION).create_key(Description="ePHI key")["KeyMetadata"]["Arn"]
    elasticache = client("elasticache", REGION)
    elasticache.create_replication_group(
        ReplicationGroupId="sessions", ReplicationGroupDescription="portal sessions",
        Engine="redis", AtRestEncryptionEnabled=True, TransitEncryptionEnabled=True,
        KmsKeyId=key)
    common = {"CacheNodeType": "cache.t4g.small", "NumCacheNodes": 1}
    # A member of the encrypted group: judged through the group, not on its own.
    elasticache.create_cache_cluster(CacheClusterId="sessions-002", Engine="redis",
                                     ReplicationGroupId="sessions", **common)
    elasticache.create_cache_cluster(CacheClusterId="waiting-room", Engine="redis",
                                     TransitEncryptionEnabled=True, **common)
    elasticache.create_cache_cluster(CacheClusterId="schedule-cache", Engine="memcached",
                                     **common)
    return {"key": key}


@pytest.fixture(scope="module")
def seeded(moto_server: MotoServer) -> dict[str, str]:
    moto_server.reset()
    return seed()


@pytest.fixture()
def stand_in(seeded: dict[str, str], moto_server: MotoServer) -> Iterator[StandIn]:
    caches = {"portal-serverless": seeded["key"], "reports-serverless": None}
    with through_stand_in(moto_server, hooks=[serverless_caches(caches)]) as proxy:
        yield proxy


def test_clusters_and_serverless_caches_feed_the_same_rules(stand_in: StandIn) -> None:
    document = scan_json(REGION, services="elasticache", rules=RULES)
    clusters = "elasticache:DescribeCacheClusters"
    assert findings(document) == {
        ("ENC-007", "fail", f"{ARN}:cluster:waiting-room",
         f"{clusters} AtRestEncryptionEnabled"),
        ("ENC-007", "fail", f"{ARN}:cluster:schedule-cache",
         f"{clusters} AtRestEncryptionEnabled"),
        ("PLN-003", "fail", f"{ARN}:cluster:schedule-cache",
         f"{clusters} TransitEncryptionEnabled"),
        ("KEY-001", "fail", f"{ARN}:serverlesscache:reports-serverless",
         "elasticache:DescribeServerlessCaches KmsKeyId"),
    }
    # Passes: sessions (ENC-007, PLN-003, KEY-001), waiting-room (PLN-003), both
    # serverless caches (ENC-007, PLN-003) and portal-serverless's key (KEY-001) = 9.
    # Resources: 1 group + 2 stand-alone clusters + 2 serverless caches; the group's
    # member sessions-002 is not read as a resource of its own.
    assert document["summary"]["passed"] == 9
    assert document["summary"]["resources"] == 5


def test_only_the_lists_a_selected_rule_needs_are_read(stand_in: StandIn) -> None:
    # KEY-001 judges replication groups and serverless caches, never stand-alone
    # clusters (they have no key): DescribeCacheClusters is not called.
    document = scan_json(REGION, services="elasticache", rules=("KEY-001",))
    assert document["summary"]["resources"] == 3  # sessions and the two serverless caches
    assert "DescribeServerlessCaches" in {call.operation for call in stand_in.calls}
    assert "DescribeCacheClusters" not in {call.operation for call in stand_in.calls}
