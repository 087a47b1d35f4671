"""The demo world itself: realistic, deterministic, and the same at every scale that matters."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from tui.backups.demo import (
    DEMO_ACCOUNT,
    DEMO_ANCHOR,
    DEMO_HOME_REGION,
    DEMO_REGIONS,
    DemoWorld,
    WorldSpec,
    start_demo,
)
from tui.backups.demo_data import HOSTILE_VALUES

ID = re.compile(r"^(backup|cluster)-[a-z2-7]{11}$")


def everything(world: DemoWorld) -> dict[str, list[dict[str, Any]]]:
    """Every backup of every region, own and shared, by region."""
    return {r: world.backups(r) + world.backups(r, shared=True) for r in world.regions}


def snapshot(spec: WorldSpec) -> dict[str, list[tuple[Any, ...]]]:
    with start_demo(spec) as world:
        return {
            r: [
                (
                    b["BackupId"],
                    b["ClusterId"],
                    b["BackupState"],
                    b["CreateTimestamp"],
                    str(b["TagList"]),
                )
                for b in world.backups(r) + world.backups(r, shared=True)
            ]
            for r in world.regions
        }


def test_regions() -> None:
    assert len(DEMO_REGIONS) >= 3
    assert DEMO_REGIONS[0] == DEMO_HOME_REGION == "us-east-1"
    assert DEMO_ANCHOR.utcoffset() == timedelta(0)


def test_same_spec_same_world() -> None:
    first = snapshot(WorldSpec())
    assert first == snapshot(WorldSpec())
    assert sum(len(v) for v in first.values()) >= 200  # "a few hundred"


def test_another_seed_another_world() -> None:
    a, b = snapshot(WorldSpec(seed=1)), snapshot(WorldSpec(seed=2))
    assert {x[0] for v in a.values() for x in v}.isdisjoint({x[0] for v in b.values() for x in v})


def test_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="scale"):
        WorldSpec(scale=0)


def test_every_state_and_mix(demo_world: DemoWorld) -> None:
    home = demo_world.backups(DEMO_HOME_REGION)
    assert len(home) >= 100
    for region in demo_world.regions:
        items = demo_world.backups(region)
        states = Counter(b["BackupState"] for b in items)
        assert set(states) == {"CREATE_IN_PROGRESS", "READY", "DELETED", "PENDING_DELETION"}
        assert {b["NeverExpires"] for b in items} == {True, False}
    all_items = [b for v in everything(demo_world).values() for b in v]
    assert {b["HsmType"] for b in all_items} == {"hsm1.medium", "hsm2m.medium"}
    assert {b["Mode"] for b in all_items} == {"FIPS", "NON_FIPS"}


def test_create_timestamps_are_distinct_and_in_the_past(demo_world: DemoWorld) -> None:
    for region, items in everything(demo_world).items():
        stamps = [b["CreateTimestamp"] for b in items]
        assert len(set(stamps)) == len(stamps), region
        assert all(s < DEMO_ANCHOR for s in stamps)
        assert min(stamps) > DEMO_ANCHOR - timedelta(days=400)


def test_api_order_is_newest_first(demo_world: DemoWorld) -> None:
    for region in demo_world.regions:
        stamps = [b["CreateTimestamp"] for b in demo_world.backups(region)]
        assert stamps == sorted(stamps, reverse=True)


def test_deletion_timestamps(demo_world: DemoWorld) -> None:
    items = [b for v in everything(demo_world).values() for b in v]
    pending = [b for b in items if b["BackupState"] == "PENDING_DELETION"]
    assert pending
    assert all(b["DeleteTimestamp"] > DEMO_ANCHOR for b in pending)
    assert all(b["DeleteTimestamp"] <= DEMO_ANCHOR + timedelta(days=7) for b in pending)
    soon = [b for b in pending if b["DeleteTimestamp"] < DEMO_ANCHOR + timedelta(hours=24)]
    later = [b for b in pending if b["DeleteTimestamp"] > DEMO_ANCHOR + timedelta(days=1)]
    assert soon
    assert later
    deleted = [b for b in items if b["BackupState"] == "DELETED"]
    assert all(b["CreateTimestamp"] < b["DeleteTimestamp"] < DEMO_ANCHOR for b in deleted)
    others = [b for b in items if b["BackupState"] in ("READY", "CREATE_IN_PROGRESS")]
    assert all("DeleteTimestamp" not in b for b in others)


def test_ids_look_real(demo_world: DemoWorld) -> None:
    for region, items in everything(demo_world).items():
        for b in items:
            assert ID.match(b["BackupId"]), b["BackupId"]
            assert ID.match(b["ClusterId"]), b["ClusterId"]
            for key in ("SourceBackup", "SourceCluster"):
                assert key not in b or ID.match(b[key])
            assert b["BackupArn"].startswith(f"arn:aws:cloudhsm:{region}:")
            assert b["BackupArn"].endswith(f":backup/{b['BackupId']}")
        for c in demo_world.clusters(region):
            assert ID.match(c["ClusterId"])
    ids = [b["BackupId"] for v in everything(demo_world).values() for b in v]
    assert len(ids) == len(set(ids))


def test_clusters_have_retention_policies(demo_world: DemoWorld) -> None:
    values = set()
    for region in demo_world.regions:
        clusters = demo_world.clusters(region)
        assert len(clusters) >= 2
        for c in clusters:
            assert c["BackupRetentionPolicy"]["Type"] == "DAYS"
            values.add(c["BackupRetentionPolicy"]["Value"])
    assert values == {"7", "30", "90", "379"}


def test_tags(demo_world: DemoWorld) -> None:
    items = [b for v in everything(demo_world).values() for b in v]
    counts = Counter(len(b["TagList"]) for b in items)
    assert min(counts) == 0
    assert max(counts) == 8
    values = [t["Value"] for b in items for t in b["TagList"]]
    assert any(len(v) > 100 for v in values)
    assert any(not v.isascii() for v in values)
    assert any(ord(ch) > 0xFFFF for v in values for ch in v)  # emoji
    keys = {t["Key"] for b in items for t in b["TagList"]}
    assert {"env", "owner", "cost-center", "app", "ticket", "Name"} <= keys
    assert not any(h in values for h in HOSTILE_VALUES)


def _by_id(world: DemoWorld) -> dict[str, tuple[str, dict[str, Any]]]:
    return {b["BackupId"]: (r, b) for r, v in everything(world).items() for b in v}


def test_copies_point_at_their_source(demo_world: DemoWorld) -> None:
    by_id = _by_id(demo_world)
    # Copies whose source lives in a region the demo cannot read are checked in test_lineage.
    copies = [
        (r, b)
        for r, b in by_id.values()
        if "SourceBackup" in b and b["SourceRegion"] in DEMO_REGIONS
    ]
    assert len(copies) >= 20
    resolved = 0
    for region, copy in copies:
        assert copy["SourceRegion"] != region
        assert "CopyTimestamp" in copy
        if copy["SourceBackup"] not in by_id:
            continue  # the orphan
        src_region, source = by_id[copy["SourceBackup"]]
        assert src_region == copy["SourceRegion"]
        assert copy["SourceCluster"] == source["ClusterId"] == copy["ClusterId"]
        gap = copy["CopyTimestamp"] - source["CreateTimestamp"]
        assert timedelta(0) < gap < timedelta(minutes=30)
        resolved += 1
    assert resolved == len(copies) - 1
    assert {r for r, _ in copies} == set(DEMO_REGIONS)  # every region holds copies


def test_copy_of_a_copy_of_a_copy(demo_world: DemoWorld) -> None:
    by_id = _by_id(demo_world)
    chain = demo_world.landmarks["chain"]
    assert [r for r, _ in chain] == ["us-east-1", "eu-west-1", "ap-southeast-2"]
    (r0, origin), (r1, first), (r2, second) = chain
    assert "SourceBackup" not in by_id[origin][1]
    assert (by_id[first][1]["SourceRegion"], by_id[first][1]["SourceBackup"]) == (r0, origin)
    assert (by_id[second][1]["SourceRegion"], by_id[second][1]["SourceBackup"]) == (r1, first)
    assert by_id[second][0] == r2


def test_one_backup_copied_to_two_regions(demo_world: DemoWorld) -> None:
    by_id = _by_id(demo_world)
    targets: dict[str, set[str]] = {}
    for region, b in by_id.values():
        if "SourceBackup" in b:
            targets.setdefault(b["SourceBackup"], set()).add(region)
    source = demo_world.landmarks["copied_twice"][0][1]
    assert targets[source] == {"eu-west-1", "us-west-2"}


def test_orphan_copy_and_gone_cluster(demo_world: DemoWorld) -> None:
    by_id = _by_id(demo_world)
    orphans = [
        b
        for _, b in by_id.values()
        if "SourceBackup" in b
        and b["SourceBackup"] not in by_id
        and b["SourceRegion"] in DEMO_REGIONS
    ]
    assert [b["BackupId"] for b in orphans] == [demo_world.landmarks["orphan_copy"][0][1]]
    live = {c["ClusterId"] for r in demo_world.regions for c in demo_world.clusters(r)}
    gone = [
        b
        for b in demo_world.backups(DEMO_HOME_REGION)
        if b["ClusterId"] not in live and "SourceBackup" not in b
    ]
    assert {b["BackupId"] for b in gone} == {i for _, i in demo_world.landmarks["cluster_gone"]}
    assert all(f":{DEMO_ACCOUNT}:" in b["BackupArn"] for b in gone)


@pytest.mark.parametrize("scale", [0.01, 0.1])
def test_small_worlds_keep_the_landmarks(scale: float) -> None:
    with start_demo(WorldSpec(scale=scale)) as world:
        by_id = _by_id(world)
        total = sum(len(v) for v in everything(world).values())
        assert total < 100
        for name in ("chain", "copied_twice", "orphan_copy", "cluster_gone", "shared"):
            assert world.landmarks[name], name
            assert all(i in by_id for _, i in world.landmarks[name])
        states = {b["BackupState"] for _, b in by_id.values()}
        assert {"READY", "PENDING_DELETION", "CREATE_IN_PROGRESS"} <= states


def test_larger_worlds_scale_the_bulk() -> None:
    with start_demo(WorldSpec(scale=5)) as world:
        assert len(world.backups(DEMO_HOME_REGION)) > 600


def test_hostile_world_adds_tags_and_changes_nothing_else() -> None:
    plain = snapshot(WorldSpec())
    with start_demo(WorldSpec(hostile=True)) as world:
        items = [b for v in everything(world).values() for b in v]
        values = {t["Value"] for b in items for t in b["TagList"]}
        assert set(HOSTILE_VALUES) <= values
        newest = world.backups(DEMO_HOME_REGION)[0]
        assert any(t["Value"] in HOSTILE_VALUES for t in newest["TagList"])
        ids = {
            r: [b["BackupId"] for b in world.backups(r) + world.backups(r, shared=True)]
            for r in world.regions
        }
    assert ids == {r: [x[0] for x in v] for r, v in plain.items()}


def test_backups_returns_fresh_dicts(demo_world: DemoWorld) -> None:
    first = demo_world.backups(DEMO_HOME_REGION)
    first[0]["BackupState"] = "MUTATED"
    first[0]["TagList"].append({"Key": "x", "Value": "y"})
    again = demo_world.backups(DEMO_HOME_REGION)[0]
    assert again["BackupState"] != "MUTATED"
    assert {"Key": "x", "Value": "y"} not in again["TagList"]


def test_stop_is_idempotent_and_ends_the_mock() -> None:
    from moto.cloudhsmv2.models import cloudhsmv2_backends

    world = start_demo(WorldSpec(scale=0.05))
    assert cloudhsmv2_backends[DEMO_ACCOUNT][DEMO_HOME_REGION].backups
    world.stop()
    world.stop()
    assert DEMO_HOME_REGION not in dict(cloudhsmv2_backends.get(DEMO_ACCOUNT, {}))


def _through_boto3(world: DemoWorld, region: str, op: str, key: str, **kw: Any) -> list[Any]:
    client: Any = world.session_factory()(None).client("cloudhsmv2", region_name=region)
    items: list[Any] = []
    for page in client.get_paginator(op).paginate(**kw):
        items.extend(page[key])
    return items


def test_the_worlds_own_answer_is_what_boto3_gets_from_moto(demo_world: DemoWorld) -> None:
    """The tests' expected answer is written by our code, not moto's: it must be moto's answer.

    A moto release that changes what it serialises (as 5.2.6 did when it dropped to_dict)
    fails here, by the field, instead of somewhere downstream.
    """
    for region in demo_world.regions:
        for shared in (False, True):
            got = _through_boto3(demo_world, region, "describe_backups", "Backups", Shared=shared)
            assert got == demo_world.backups(region, shared=shared), (region, shared)
        clusters = _through_boto3(demo_world, region, "describe_clusters", "Clusters")
        assert clusters == demo_world.clusters(region), region
