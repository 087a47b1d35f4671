"""The source chain walk and the all-region copy search, against the demo world (moto)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from tests.conftest import SourceFactory
from tui.backups import AwsError, Backup, BackupSource
from tui.backups.demo import (
    DEMO_ACCOUNT,
    DEMO_DENIED_REGION,
    DEMO_NOT_ENABLED_REGION,
    DEMO_REGIONS,
    DEMO_SEARCH_REGIONS,
    DemoWorld,
    WorldSpec,
    start_demo,
)
from tui.backups.demo_wire import backup_item
from tui.backups.lineage import (
    CopyNode,
    CopySearch,
    RegionStatus,
    candidate_regions,
    classify,
    partition_of,
    walk_sources,
)

HOME, EU, WEST, AP = DEMO_REGIONS
Hook = Callable[..., Any]


def backup(world: DemoWorld, region: str, backup_id: str) -> Backup:
    return Backup.from_api(next(b for b in world.backups(region) if b["BackupId"] == backup_id))


def landmark(world: DemoWorld, name: str, index: int = -1) -> tuple[str, Backup]:
    region, backup_id = world.landmarks[name][index]
    return region, backup(world, region, backup_id)


def hooked(world: DemoWorld, hooks: dict[str, Hook], latency_ms: int = 0) -> BackupSource:
    """A source over the demo world with extra botocore hooks: event name -> handler.

    Handlers go first, ahead of the demo's own `before-call` ones (latency, failing regions).
    """
    base = world.session_factory(latency_ms)

    def factory(profile: str | None) -> boto3.Session:
        session = base(profile)
        for event, handler in hooks.items():
            session.events.register_first(event, handler)
        return session

    return BackupSource(session_factory=factory)


def failing(regions: set[str], code: str, status: int = 500) -> Hook:
    """A before-call hook answering an error for `regions`, as the demo does for its own."""

    def hook(context: dict[str, Any], **_: Any) -> Any:
        if context.get("client_region") not in regions:
            return None
        parsed = {
            "Error": {"Code": code, "Message": "injected"},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
        }
        return AWSResponse("https://x.invalid/", status, HTTPHeaders(), None), parsed

    return hook


@pytest.fixture
def plant(demo_world: DemoWorld) -> Callable[..., Backup]:
    """Put a backup straight into moto's backend (the API cannot make copies or cycles)."""
    from moto.cloudhsmv2.models import Backup as MotoBackup
    from moto.cloudhsmv2.models import cloudhsmv2_backends

    def make(
        region: str,
        backup_id: str,
        source_region: str | None = None,
        source_backup: str | None = None,
        state: str = "READY",
    ) -> Backup:
        item = MotoBackup(
            "cluster-plantedclust",
            "hsm2m.medium",
            "FIPS",
            [],
            source_backup=source_backup,
            source_cluster="cluster-plantedclust" if source_backup else None,
            source_region=source_region,
            region_name=region,
        )
        item.backup_id = backup_id
        item.backup_arn = f"arn:aws:cloudhsm:{region}:{DEMO_ACCOUNT}:backup/{backup_id}"
        item.backup_state = state
        cloudhsmv2_backends[DEMO_ACCOUNT][region].backups[backup_id] = item
        result: Backup = Backup.from_api(backup_item(item))
        return result

    return make


def ident(word: str, i: int) -> str:
    """A valid backup ID: `word` (letters) padded to 11 characters, then a letter for `i`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "backup-" + (word + "x" * 11)[:10] + letters[i]


# walk_sources ---------------------------------------------------------------------------------


def test_chain_of_three_regions_back_to_the_original(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    region, last = landmark(demo_world, "chain")
    nodes = walk_sources(make_source(), last, region)
    assert [(n.region, n.backup_id, n.status) for n in nodes] == [
        (r, i, "ok") for r, i in demo_world.landmarks["chain"]
    ]
    assert nodes[-1].backup is last
    assert all(n.backup is not None for n in nodes)
    assert nodes[0].backup is not None
    assert not nodes[0].backup.is_copy


def test_an_original_is_its_own_chain(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    region, origin = landmark(demo_world, "chain", 0)
    (node,) = walk_sources(make_source(), origin, region)
    assert (node.region, node.backup, node.status, node.message) == (region, origin, "ok", "")


def test_orphaned_copy_is_a_missing_node(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    region, orphan = landmark(demo_world, "orphan_copy")
    first, last = walk_sources(make_source(), orphan, region)
    assert (first.region, first.backup_id, first.backup) == (
        orphan.source_region,
        orphan.source_backup,
        None,
    )
    assert first.status == "missing"
    assert "not found" in first.message
    assert last.status == "ok"


def test_copy_of_a_deleted_copy_walks_on_to_the_original(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    region, last = landmark(demo_world, "copy_of_deleted")
    nodes = walk_sources(make_source(), last, region)
    assert [(n.region, n.backup_id) for n in nodes] == list(demo_world.landmarks["copy_of_deleted"])
    assert [n.status for n in nodes] == ["ok", "deleted", "ok"]
    assert nodes[1].backup is not None
    assert nodes[1].backup.state == "DELETED"
    assert nodes[1].backup.delete_at is not None


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("copy_from_denied_region", "denied", "CloudHsmAccessDeniedException"),
        ("copy_from_not_enabled_region", "not-enabled", "UnrecognizedClientException"),
    ],
)
def test_source_in_an_unreadable_region(
    demo_world: DemoWorld, make_source: SourceFactory, name: str, status: str, code: str
) -> None:
    region, copy = landmark(demo_world, name)
    first, last = walk_sources(make_source(), copy, region)
    assert first.region == copy.source_region
    assert first.region in (DEMO_DENIED_REGION, DEMO_NOT_ENABLED_REGION)
    assert (first.backup_id, first.backup, first.status) == (copy.source_backup, None, status)
    assert first.message.startswith(f"{code}: ")
    assert last.backup is copy


def test_other_errors_end_the_chain_as_error(demo_world: DemoWorld) -> None:
    source = hooked(
        demo_world, {"before-call.cloudhsmv2": failing({EU}, "CloudHsmInternalFailureException")}
    )
    region, last = landmark(demo_world, "chain")
    nodes = walk_sources(source, last, region)
    assert [(n.region, n.status) for n in nodes] == [(EU, "error"), (AP, "ok")]
    assert "CloudHsmInternalFailureException" in nodes[0].message


def test_a_cycle_is_a_node_not_a_hang(
    demo_world: DemoWorld, make_source: SourceFactory, plant: Callable[..., Backup]
) -> None:
    a, b = ident("cyclea", 0), ident("cycleb", 1)
    first = plant(HOME, a, EU, b)
    plant(EU, b, HOME, a)
    nodes = walk_sources(make_source(), first, HOME)
    assert [(n.region, n.backup_id, n.status) for n in nodes] == [
        (HOME, a, "cycle"),
        (EU, b, "ok"),
        (HOME, a, "ok"),
    ]


@pytest.mark.parametrize(("max_depth", "lookups"), [(3, 3), (10, 10), (12, 12)])
def test_depth_is_capped(
    demo_world: DemoWorld, plant: Callable[..., Backup], max_depth: int, lookups: int
) -> None:
    calls: list[str] = []
    source = hooked(
        demo_world,
        {"before-call.cloudhsmv2": lambda context, **_: calls.append(context["client_region"])},
    )
    regions = [HOME, EU]
    ids = [ident("deepchain", i) for i in range(14)]
    prev: tuple[str | None, str | None] = (None, None)
    items: list[Backup] = []
    for i, backup_id in enumerate(ids):  # ids[i] is a copy of ids[i - 1], alternating regions
        items.append(plant(regions[i % 2], backup_id, *prev))
        prev = (regions[i % 2], backup_id)
    last_region = regions[(len(ids) - 1) % 2]
    nodes = walk_sources(source, items[-1], last_region, max_depth=max_depth)
    assert len(calls) == lookups
    assert nodes[0].status == "depth"
    assert nodes[0].backup_id == ids[-2 - max_depth]
    assert [n.status for n in nodes[1:]] == ["ok"] * (max_depth + 1)
    assert [n.backup_id for n in nodes[1:]] == ids[-1 - max_depth :]


def test_default_depth_is_ten(make_source: SourceFactory, plant: Callable[..., Backup]) -> None:
    ids = [ident("tenhops", i) for i in range(13)]
    items: list[Backup] = []
    prev: tuple[str | None, str | None] = (None, None)
    regions = [HOME, EU]
    for i, backup_id in enumerate(ids):
        items.append(plant(regions[i % 2], backup_id, *prev))
        prev = (regions[i % 2], backup_id)
    nodes = walk_sources(make_source(), items[-1], regions[12 % 2])
    assert len(nodes) == 12  # a "depth" node, ten sources, the backup itself
    assert nodes[0].status == "depth"


def test_cancel_returns_what_it_has(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    region, last = landmark(demo_world, "chain")
    cancel = threading.Event()
    cancel.set()
    assert [n.backup_id for n in walk_sources(make_source(), last, region, cancel=cancel)] == [
        last.backup_id
    ]
    # Cancelled while the first look-up is in flight: that answer is kept, no further call.
    cancel = threading.Event()
    calls: list[str] = []

    def stop(context: dict[str, Any], **_: Any) -> None:
        calls.append(context["client_region"])
        cancel.set()

    source = hooked(demo_world, {"before-call.cloudhsmv2": stop})
    nodes = walk_sources(source, last, region, cancel=cancel)
    assert calls == [EU]
    assert [(n.region, n.status) for n in nodes] == [(EU, "ok"), (AP, "ok")]


def test_walk_makes_one_call_per_hop(demo_world: DemoWorld) -> None:
    sent: list[dict[str, Any]] = []
    source = hooked(
        demo_world,
        {
            "provide-client-params.cloudhsmv2.DescribeBackups": lambda params, **_: sent.append(
                dict(params)
            )
        },
    )
    region, last = landmark(demo_world, "chain")
    walk_sources(source, last, region)
    chain = demo_world.landmarks["chain"]
    assert [s["Filters"] for s in sent] == [
        {"backupIds": [chain[1][1]]},
        {"backupIds": [chain[0][1]]},
    ]


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("CloudHsmAccessDeniedException", "denied"),
        ("AccessDeniedException", "denied"),
        ("UnrecognizedClientException", "not-enabled"),
        ("InvalidClientTokenId", "not-enabled"),
        ("EndpointConnectionError", "not-enabled"),
        ("CloudHsmInternalFailureException", "error"),
        ("ThrottlingException", "error"),
    ],
)
def test_classify(code: str, kind: str) -> None:
    assert classify(AwsError(code, "t", "m", "h")) == kind


# CopySearch -----------------------------------------------------------------------------------


def tree(nodes: list[CopyNode]) -> list[tuple[str, str, list[Any]]]:
    return [(n.region, n.backup.backup_id, tree(n.children)) for n in nodes]


def states(statuses: dict[str, RegionStatus]) -> dict[str, tuple[str, int]]:
    return {r: (s.state, s.found) for r, s in statuses.items()}


def test_copies_of_the_original_across_regions(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    (r0, origin), (r1, first), (r2, second) = demo_world.landmarks["chain"]
    result = CopySearch(make_source(), DEMO_SEARCH_REGIONS).run(origin, r0)
    assert tree(result.roots) == [(r1, first, [(r2, second, [])])]  # the copy of the copy too
    assert list(result.statuses) == list(DEMO_SEARCH_REGIONS)
    assert states(result.statuses) == {
        HOME: ("none", 0),
        EU: ("done", 1),
        WEST: ("none", 0),
        AP: ("done", 1),
        DEMO_DENIED_REGION: ("denied", 0),
        DEMO_NOT_ENABLED_REGION: ("not-enabled", 0),
    }
    assert "CloudHsmAccessDeniedException" in result.statuses[DEMO_DENIED_REGION].message
    assert "UnrecognizedClientException" in result.statuses[DEMO_NOT_ENABLED_REGION].message
    # Level 1 in all six regions, levels 2 and 3 in the four that answer.
    assert result.calls == 6 + 4 + 4
    assert not result.cancelled
    assert not result.depth_capped


def test_copied_to_two_regions_and_on(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    (r0, origin), (r1, eu_copy), (r2, west_copy) = demo_world.landmarks["copied_twice"]
    result = CopySearch(make_source(), DEMO_REGIONS).run(origin, r0)
    assert [(n.region, n.backup.backup_id) for n in result.roots] == [
        (r1, eu_copy),
        (r2, west_copy),
    ]
    for node in result.roots:
        for child in node.children:
            assert child.backup.source_backup == node.backup.backup_id
            assert child.backup.source_region == node.region


def test_deleted_copies_are_in_the_tree(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    (r0, origin), (r1, deleted), (r2, last) = demo_world.landmarks["copy_of_deleted"]
    result = CopySearch(make_source(), DEMO_REGIONS).run(origin, r0)
    assert tree(result.roots) == [(r1, deleted, [(r2, last, [])])]
    assert result.roots[0].backup.state == "DELETED"


def test_concurrency_is_bounded(demo_world: DemoWorld) -> None:
    lock = threading.Lock()
    in_flight, peak, calls = 0, 0, 0

    def started(**_: Any) -> None:
        nonlocal in_flight, peak, calls
        with lock:
            in_flight += 1
            calls += 1
            peak = max(peak, in_flight)

    def ended(**_: Any) -> None:
        nonlocal in_flight
        with lock:
            in_flight -= 1

    source = hooked(
        demo_world,
        {"before-call.cloudhsmv2": started, "after-call.cloudhsmv2": ended},
        latency_ms=30,
    )
    origin = demo_world.landmarks["chain"][0][1]
    result = CopySearch(source, DEMO_SEARCH_REGIONS, concurrency=2).run(origin, HOME)
    assert len(result.roots) == 1
    assert peak <= 2
    assert in_flight == 0
    assert result.calls == calls == 14


def test_one_failing_region_does_not_fail_the_search(demo_world: DemoWorld) -> None:
    source = hooked(
        demo_world, {"before-call.cloudhsmv2": failing({WEST}, "CloudHsmInternalFailureException")}
    )
    (r0, origin), (r1, eu_copy), _ = demo_world.landmarks["copied_twice"]
    result = CopySearch(source, DEMO_REGIONS).run(origin, r0)
    assert [(n.region, n.backup.backup_id) for n in result.roots] == [(r1, eu_copy)]
    assert result.statuses[WEST].state == "error"
    assert "CloudHsmInternalFailureException" in result.statuses[WEST].message
    assert result.statuses[EU].state == "done"


def test_a_region_failing_on_a_later_level_keeps_its_error(demo_world: DemoWorld) -> None:
    (r0, origin), (r1, first), _ = demo_world.landmarks["chain"]
    seen: list[str] = []

    def second_level_fails(params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        body = params.get("body", b"")
        body = body.encode() if isinstance(body, str) else body
        seen.append(context["client_region"])
        if context["client_region"] == EU and first.encode() in body:
            return failing({EU}, "ThrottlingException", 400)(context=context)
        return None

    source = hooked(demo_world, {"before-call.cloudhsmv2": second_level_fails})
    result = CopySearch(source, DEMO_REGIONS).run(origin, r0)
    assert result.statuses[EU] == RegionStatus(EU, "error", 1, "ThrottlingException: injected")
    assert seen.count(EU) == 2  # not asked again on level 3
    assert result.calls == 4 + 4 + 3
    assert tree(result.roots)[0][:2] == (r1, first)


def test_progress_snapshots_from_worker_threads(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    snapshots: list[dict[str, RegionStatus]] = []
    threads: set[str] = set()

    def progress(snapshot: dict[str, RegionStatus]) -> None:
        threads.add(threading.current_thread().name)
        snapshots.append(snapshot)
        snapshot.clear()  # a snapshot is the receiver's own copy

    origin = demo_world.landmarks["chain"][0][1]
    result = CopySearch(make_source(), DEMO_SEARCH_REGIONS).run(origin, HOME, on_progress=progress)
    assert len(snapshots) == 14  # one per region and level
    assert all(name.startswith("copy-search") for name in threads)
    assert result.statuses[HOME].state == "none"
    assert len(result.statuses) == 6


def test_progress_shows_regions_finishing(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    seen: list[dict[str, tuple[str, int]]] = []
    origin = demo_world.landmarks["chain"][0][1]
    search = CopySearch(make_source(), DEMO_SEARCH_REGIONS, concurrency=1)
    result = search.run(origin, HOME, on_progress=lambda s: seen.append(states(s)))
    assert seen[0][HOME] == ("none", 0)
    assert seen[0][EU] == ("pending", 0)  # one at a time: the others have not started
    assert seen[-1] == states(result.statuses)


def test_cancel_stops_the_search(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    cancel = threading.Event()
    origin = demo_world.landmarks["chain"][0][1]
    search = CopySearch(make_source(), DEMO_SEARCH_REGIONS, concurrency=1)
    result = search.run(origin, HOME, on_progress=lambda _: cancel.set(), cancel=cancel)
    assert result.cancelled
    assert result.calls == 1
    assert result.roots == []
    assert [s.state for s in result.statuses.values()] == ["none"] + ["pending"] * 5

    cancel = threading.Event()
    cancel.set()
    result = CopySearch(make_source(), DEMO_REGIONS).run(origin, HOME, cancel=cancel)
    assert (result.cancelled, result.calls, result.roots) == (True, 0, [])


def test_cycles_and_the_depth_cap(
    demo_world: DemoWorld, make_source: SourceFactory, plant: Callable[..., Backup]
) -> None:
    a, b = ident("loopa", 0), ident("loopb", 1)
    plant(HOME, a, EU, b)
    plant(EU, b, HOME, a)
    result = CopySearch(make_source(), DEMO_REGIONS).run(a, HOME)
    assert tree(result.roots) == [(EU, b, [])]
    assert not result.depth_capped

    (r0, origin), (r1, first), _ = demo_world.landmarks["chain"]
    capped = CopySearch(make_source(), DEMO_REGIONS, max_depth=1).run(origin, r0)
    assert tree(capped.roots) == [(r1, first, [])]
    assert capped.depth_capped
    assert capped.calls == 4


def test_every_page_is_read(
    demo_world: DemoWorld, plant: Callable[..., Backup], make_source: SourceFactory
) -> None:
    origin = demo_world.landmarks["chain"][0][1]
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(60):
        plant(WEST, ident("many" + letters[i // 26], i % 26), HOME, origin)
    result = CopySearch(make_source(), [HOME, WEST]).run(origin, HOME)
    assert result.statuses[WEST] == RegionStatus(WEST, "done", 60)
    assert len(result.roots) == 60
    # Level 1: one page in us-east-1, two in us-west-2; level 2: 60 IDs, 3 batches per region.
    assert result.calls == 1 + 2 + 3 + 3


def test_origin_region_is_searched_even_when_not_given(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    (r0, origin), (r1, _), _ = demo_world.landmarks["chain"]
    result = CopySearch(make_source(), [r1, r1]).run(origin, r0)
    assert list(result.statuses) == [r0, r1]


# candidate_regions ----------------------------------------------------------------------------

AVAILABLE = [
    "ap-southeast-2",
    "cn-north-1",
    "cn-northwest-1",
    "eu-west-1",
    "us-east-1",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-2",
]


@pytest.mark.parametrize(
    ("current", "explicit", "expected"),
    [
        ("eu-west-1", None, ["eu-west-1", "ap-southeast-2", "us-east-1", "us-west-2"]),
        ("us-gov-west-1", None, ["us-gov-west-1", "us-gov-east-1"]),
        ("cn-north-1", [], ["cn-north-1", "cn-northwest-1"]),
        (None, None, ["ap-southeast-2", "eu-west-1", "us-east-1", "us-west-2"]),
        (
            "eu-south-3",
            None,
            ["eu-south-3", "ap-southeast-2", "eu-west-1", "us-east-1", "us-west-2"],
        ),
        ("eu-west-1", ["us-west-2", "cn-north-1", "us-west-2", ""], ["us-west-2", "cn-north-1"]),
    ],
)
def test_candidate_regions(
    current: str | None, explicit: list[str] | None, expected: list[str]
) -> None:
    assert candidate_regions(current, explicit, AVAILABLE) == expected


def test_partitions_of_real_regions() -> None:
    assert partition_of("us-gov-west-1") == "aws-us-gov"
    assert partition_of("cn-northwest-1") == "aws-cn"
    assert partition_of("us-isob-east-1") == "aws-iso-b"
    assert partition_of("us-iso-east-1") == "aws-iso"
    assert partition_of("me-south-1") == "aws"
    regions = candidate_regions("us-east-1", None, BackupSource.available_regions())
    assert regions[0] == "us-east-1"
    assert DEMO_DENIED_REGION in regions
    assert not any(r.startswith(("cn-", "us-gov-")) for r in regions)


# The demo's lineage landmarks -----------------------------------------------------------------


@pytest.mark.parametrize("scale", [0.01, 1.0])
def test_demo_lineage_landmarks_at_every_scale(scale: float) -> None:
    with start_demo(WorldSpec(scale=scale)) as world:
        by_id = {b["BackupId"]: (r, b) for r in world.regions for b in world.backups(r)}
        (r0, origin), (r1, deleted), (r2, last) = world.landmarks["copy_of_deleted"]
        assert (r0, r1, r2) == (HOME, EU, AP)
        assert by_id[origin][1]["BackupState"] == "READY"
        assert "SourceBackup" not in by_id[origin][1]
        assert by_id[deleted][1]["BackupState"] == "DELETED"
        assert by_id[deleted][1]["SourceBackup"] == origin
        assert by_id[last][1]["SourceBackup"] == deleted
        assert by_id[last][1]["BackupState"] == "READY"
        for name, unreadable in (
            ("copy_from_denied_region", DEMO_DENIED_REGION),
            ("copy_from_not_enabled_region", DEMO_NOT_ENABLED_REGION),
        ):
            ((region, copy_id),) = world.landmarks[name]
            item = by_id[copy_id][1]
            assert by_id[copy_id][0] == region
            assert item["SourceRegion"] == unreadable
            assert item["SourceBackup"] not in by_id
            assert item["SourceCluster"] == item["ClusterId"]
        gone = [by_id[i][1] for _, i in world.landmarks["cluster_gone"]]
        assert [b["NeverExpires"] for b in gone][-1] is False
        assert all(b["NeverExpires"] for b in gone[:-1])
        assert world.search_regions == DEMO_SEARCH_REGIONS


def test_demo_additions_stay_off_the_first_pages(demo_world: DemoWorld) -> None:
    """UI snapshots show the first rows of us-east-1 and eu-west-1: the additions are older."""
    added = {
        i
        for name in ("copy_of_deleted", "copy_from_denied_region", "copy_from_not_enabled_region")
        for _, i in demo_world.landmarks[name]
    } | {demo_world.landmarks["cluster_gone"][-1][1]}
    for region in (HOME, EU):
        first = [b["BackupId"] for b in demo_world.backups(region)[:50]]
        assert not added & set(first)


@pytest.mark.parametrize(
    ("region", "code", "fragment"),
    [
        (DEMO_DENIED_REGION, "CloudHsmAccessDeniedException", "not authorized"),
        (DEMO_NOT_ENABLED_REGION, "UnrecognizedClientException", "security token"),
    ],
)
@pytest.mark.parametrize("operation", ["describe_backups", "describe_clusters"])
def test_demo_failing_regions(
    make_source: SourceFactory, region: str, code: str, fragment: str, operation: str
) -> None:
    source = make_source()
    with pytest.raises(AwsError) as caught:
        source.call(region, operation)
    assert caught.value.code == code
    assert fragment in caught.value.message
    assert not caught.value.retryable
    assert source.call(HOME, operation)  # the others still answer
