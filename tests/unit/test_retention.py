"""Expiry rules (table-driven), cluster look-ups against the demo world, and the cluster cache."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, get_args

import boto3
import pytest
from botocore.stub import Stubber

from tests.conftest import SourceFactory
from tui.backups import Backup, BackupSource
from tui.backups.demo import DEMO_ANCHOR, DEMO_DENIED_REGION, DEMO_HOME_REGION, DemoWorld
from tui.backups.retention import (
    CLUSTER_BATCH,
    SHORT_MAX,
    ClusterCache,
    ClusterInfo,
    ExpiryKind,
    expiry,
    fetch_clusters,
    needs_cluster,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
#: The last second a datetime holds: CreateTimestamp 253402300799 from an odd endpoint.
LAST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
CID = "cluster-abcdefghijk"
HOME = DEMO_HOME_REGION


def ready(created: datetime | None = NOW - 7 * DAY, **kw: Any) -> Backup:
    fields: dict[str, Any] = {
        "backup_id": "backup-abcdefghijk",
        "state": "READY",
        "cluster_id": CID,
        "created": created,
        "never_expires": False,
    }
    fields.update(kw)
    return Backup(**fields)


def pending(delete_at: datetime | None, **kw: Any) -> Backup:
    return ready(state="PENDING_DELETION", delete_at=delete_at, **kw)


def policy(days: int | None, **kw: Any) -> ClusterInfo:
    return ClusterInfo(HOME, CID, True, days, **{"state": "ACTIVE", **kw})


COPY: dict[str, Any] = {"source_region": "eu-west-1", "source_backup": "backup-zyxwvutsrqp"}
GONE = ClusterInfo(HOME, CID, False, None)
DENIED = ClusterInfo(HOME, CID, False, None, error="CloudHsmAccessDeniedException")


@dataclass(frozen=True)
class Case:
    id: str
    backup: Backup
    cluster: ClusterInfo | None
    kind: str
    short: str
    when: datetime | None = None
    urgent: bool = False
    detail: tuple[str, ...] = ()
    now: datetime = NOW


CASES: list[Case] = [
    # READY with a retention policy: CreateTimestamp + days.
    Case(
        "ready-90-days",
        ready(NOW - 7 * DAY),
        policy(90),
        "expires",
        "in 83 d",
        NOW + 83 * DAY,
        detail=("2027-02-11 12:00:00 UTC", "90-day", CID, "last backup"),
    ),
    Case("ready-7-days", ready(NOW - 2 * DAY), policy(7), "expires", "in 5 d", NOW + 5 * DAY),
    Case(
        "ready-7-days-hours",
        ready(NOW - 2 * DAY - timedelta(hours=13, minutes=50)),
        policy(7),
        "expires",
        "in 4 d 10 h",
        NOW + 4 * DAY + timedelta(hours=10, minutes=10),
    ),
    Case(
        "ready-379-days-fresh",
        ready(NOW),
        policy(379),
        "expires",
        "in 1 y 14 d",
        NOW + 379 * DAY,
        detail=("2027-12-04 12:00:00 UTC", "379-day"),
    ),
    Case(
        "ready-379-days-old",
        ready(NOW - 378 * DAY),
        policy(379),
        "expires",
        "in 1 d",
        NOW + DAY,
    ),
    Case(
        "ready-one-second-before",
        ready(NOW - 90 * DAY + timedelta(seconds=1)),
        policy(90),
        "expires",
        "in 1 s",
        NOW + timedelta(seconds=1),
    ),
    # Exactly at created + days it is eligible: "due now" (overdue from that instant on).
    Case(
        "ready-at-the-boundary",
        ready(NOW - 90 * DAY),
        policy(90),
        "overdue",
        "due now",
        NOW,
        urgent=True,
        detail=("since 2026-11-20 12:00:00 UTC", "last backup"),
    ),
    Case(
        "ready-7-days-boundary",
        ready(NOW - 7 * DAY),
        policy(7),
        "overdue",
        "due now",
        NOW,
        urgent=True,
    ),
    Case(
        "ready-just-under-a-day-late",
        ready(NOW - 91 * DAY + timedelta(seconds=1)),
        policy(90),
        "overdue",
        "due now",
        NOW - DAY + timedelta(seconds=1),
        urgent=True,
    ),
    Case(
        "ready-overdue",
        ready(NOW - 93 * DAY),
        policy(90),
        "overdue",
        "overdue 3 d",
        NOW - 3 * DAY,
        urgent=True,
    ),
    # Never: exempt, a copy, a cluster without a policy.
    Case(
        "never-exempt",
        ready(never_expires=True),
        None,
        "never-exempt",
        "never (exempt)",
        detail=("NeverExpires", "by hand"),
    ),
    Case(
        "never-exempt-copy",
        ready(never_expires=True, **COPY),
        None,
        "never-exempt",
        "never (exempt)",
        detail=("NeverExpires", "not associated with a cluster"),
    ),
    Case(
        "never-copy",
        ready(**COPY),
        policy(90),
        "never-copy",
        "never (copy)",
        detail=("eu-west-1", "not associated with a cluster", "delete them by hand"),
    ),
    Case(
        "never-copy-region-only",
        ready(source_region="eu-west-1"),
        None,
        "never-copy",
        "never (copy)",
    ),
    Case(
        "never-no-policy",
        ready(),
        policy(None),
        "never-no-policy",
        "never (no policy)",
        detail=(CID, "no backup retention policy"),
    ),
    # The cluster is being read, is gone, cannot be read, or the backup lacks what we need.
    Case("checking", ready(), None, "checking", "…", detail=(CID,)),
    Case(
        "unknown-cluster-gone",
        ready(),
        GONE,
        "unknown",
        "unknown",
        detail=(f"cluster {CID} not found in us-east-1",),
    ),
    Case(
        "unknown-cluster-denied",
        ready(),
        DENIED,
        "unknown",
        "unknown",
        detail=(f"could not read cluster {CID} in us-east-1: CloudHsmAccessDeniedException",),
    ),
    Case(
        "unknown-cluster-deleted",
        ready(),
        policy(90, state="DELETED"),
        "unknown",
        "unknown",
        detail=("DELETED",),
    ),
    Case(
        "unknown-no-create-timestamp",
        ready(None),
        policy(90),
        "unknown",
        "unknown",
        detail=("CreateTimestamp",),
    ),
    Case("unknown-no-cluster-id", ready(cluster_id=None), None, "unknown", "unknown"),
    # Out of range: created + days past 9999-12-31 is not computed, and not a crash.
    Case(
        "unknown-created-in-9999",
        ready(LAST),
        policy(30),
        "unknown",
        "unknown (out of range)",
        detail=("out of range", "9999-12-31 23:59:59 UTC", "30-day", CID),
    ),
    Case(
        "unknown-3000000-day-policy",
        ready(),
        policy(3_000_000),
        "unknown",
        "unknown (out of range)",
        detail=("out of range", "3000000-day"),
    ),
    Case(
        "unknown-policy-past-a-timedelta",
        ready(),
        policy(10**12),
        "unknown",
        "unknown (out of range)",
        detail=("out of range",),
    ),
    Case(
        "pending-until-9999",
        pending(LAST),
        None,
        "pending-deletion",
        "deleted in 7978 y",
        LAST,
        detail=("9999-12-31 23:59:59 UTC",),
    ),
    # PENDING_DELETION counts down to DeleteTimestamp; urgent strictly under 24 h.
    Case(
        "pending-4-days",
        pending(NOW + timedelta(days=4, hours=3, minutes=20)),
        None,
        "pending-deletion",
        "deleted in 4 d 3 h",
        NOW + timedelta(days=4, hours=3, minutes=20),
        detail=("2026-11-24 15:20:00 UTC", "restored"),
    ),
    Case(
        "pending-23h59m59s",
        pending(NOW + timedelta(hours=23, minutes=59, seconds=59)),
        None,
        "pending-deletion",
        "deleted in 23 h 59 min",
        NOW + timedelta(hours=23, minutes=59, seconds=59),
        urgent=True,
    ),
    Case(
        "pending-24h-exactly",
        pending(NOW + DAY),
        None,
        "pending-deletion",
        "deleted in 1 d",
        NOW + DAY,
    ),
    Case(
        "pending-5-hours",
        pending(NOW + timedelta(hours=5, minutes=10)),
        None,
        "pending-deletion",
        "deleted in 5 h 10 min",
        NOW + timedelta(hours=5, minutes=10),
        urgent=True,
    ),
    Case(
        "pending-due-this-instant",
        pending(NOW),
        None,
        "pending-deletion",
        "deleting now",
        NOW,
        urgent=True,
    ),
    Case(
        "pending-past",
        pending(NOW - timedelta(minutes=3)),
        None,
        "pending-deletion",
        "deleting now",
        NOW - timedelta(minutes=3),
        urgent=True,
    ),
    Case(
        "pending-without-timestamp",
        pending(None),
        None,
        "pending-deletion",
        "pending deletion",
        detail=("no DeleteTimestamp",),
    ),
    Case(
        "pending-wins-over-exempt-and-copy",
        pending(NOW + 2 * DAY, never_expires=True, **COPY),
        None,
        "pending-deletion",
        "deleted in 2 d",
        NOW + 2 * DAY,
    ),
    # Plain states.
    Case(
        "deleted",
        ready(state="DELETED", delete_at=NOW - 3 * DAY),
        None,
        "deleted",
        "deleted",
        NOW - 3 * DAY,
        detail=("2026-11-17 12:00:00 UTC",),
    ),
    Case("deleted-no-timestamp", ready(state="DELETED"), None, "deleted", "deleted"),
    Case("creating", ready(state="CREATE_IN_PROGRESS"), None, "creating", "creating"),
    Case("no-state", ready(state=None), None, "no-state", "—", detail=("no BackupState",)),
    Case(
        "unknown-state-string",
        ready(state="ARCHIVED\x1b[2J"),
        policy(90),
        "no-state",
        "—",
        detail=("'ARCHIVED [2J'",),
    ),
    # Time zones: any aware `now` is the same instant; naive input is UTC.
    Case(
        "now-in-india",
        ready(NOW - 7 * DAY),
        policy(90),
        "expires",
        "in 83 d",
        NOW + 83 * DAY,
        now=NOW.astimezone(timezone(timedelta(hours=5, minutes=30))),
    ),
    Case(
        "now-west-of-utc-at-the-boundary",
        ready(NOW - 90 * DAY),
        policy(90),
        "overdue",
        "due now",
        NOW,
        urgent=True,
        now=NOW.astimezone(timezone(timedelta(hours=-10))),
    ),
    Case(
        "pending-now-east-of-utc",
        pending(NOW + timedelta(hours=23, minutes=59, seconds=59)),
        None,
        "pending-deletion",
        "deleted in 23 h 59 min",
        NOW + timedelta(hours=23, minutes=59, seconds=59),
        urgent=True,
        now=NOW.astimezone(timezone(timedelta(hours=14))),
    ),
    Case(
        "naive-now-is-utc",
        ready(NOW - 7 * DAY),
        policy(90),
        "expires",
        "in 83 d",
        NOW + 83 * DAY,
        now=NOW.replace(tzinfo=None),
    ),
    Case(
        "naive-created-is-utc",
        ready((NOW - 7 * DAY).replace(tzinfo=None)),
        policy(90),
        "expires",
        "in 83 d",
        NOW + 83 * DAY,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_expiry_rules(case: Case) -> None:
    got = expiry(case.backup, case.cluster, case.now)
    assert (got.kind, got.short, got.when, got.urgent) == (
        case.kind,
        case.short,
        case.when,
        case.urgent,
    )
    for part in case.detail:
        assert part in got.detail
    assert len(got.short) <= SHORT_MAX
    assert got.short.isascii() or got.short in ("…", "—")
    assert got.detail.endswith((".", "…"))
    assert "\x1b" not in got.detail
    if got.when is not None:
        assert got.when.utcoffset() == timedelta(0)


def test_every_kind_is_covered_by_the_table() -> None:
    kinds = {expiry(c.backup, c.cluster, c.now).kind for c in CASES}
    assert kinds == set(get_args(ExpiryKind))


def test_longest_possible_shorts_fit() -> None:
    far = NOW + 364 * DAY + timedelta(hours=23)
    worst = [
        expiry(pending(NOW + timedelta(hours=23, minutes=59)), None, NOW),
        expiry(pending(far), None, NOW),
        expiry(pending(NOW + 9 * DAY + timedelta(hours=23)), None, NOW),
        expiry(ready(NOW - 7 * DAY + timedelta(days=3000)), policy(379), NOW),
        expiry(ready(NOW - 4000 * DAY), policy(379), NOW),
    ]
    assert [len(e.short) <= SHORT_MAX for e in worst] == [True] * len(worst)
    assert max(len(e.short) for e in worst) == SHORT_MAX  # "deleted in 23 h 59 min"


def test_expiry_is_pure() -> None:
    b, c = ready(NOW - 7 * DAY), policy(90)
    assert expiry(b, c, NOW) == expiry(b, c, NOW)
    assert expiry(b, c, NOW + DAY).short == "in 82 d"


@pytest.mark.parametrize(
    ("backup", "needed"),
    [
        (ready(), True),
        (ready(never_expires=None), True),
        (ready(never_expires=True), False),
        (ready(**COPY), False),
        (ready(None), False),
        (ready(cluster_id=None), False),
        (ready(state="PENDING_DELETION"), False),
        (ready(state="DELETED"), False),
        (ready(state="CREATE_IN_PROGRESS"), False),
    ],
)
def test_needs_cluster(backup: Backup, needed: bool) -> None:
    assert needs_cluster(backup) is needed
    # Whatever the cluster, a backup that does not need it never waits for it.
    if not needed:
        assert expiry(backup, None, NOW).kind != "checking"


def test_every_demo_backup_gets_an_expiry(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    source = make_source()
    kinds: set[str] = set()
    for region in demo_world.regions:
        backups = [Backup.from_api(b) for b in demo_world.backups(region)]
        wanted = {b.cluster_id for b in backups if needs_cluster(b) and b.cluster_id}
        infos = fetch_clusters(source, region, wanted)
        for b in backups:
            got = expiry(b, infos.get(b.cluster_id or ""), DEMO_ANCHOR)
            assert len(got.short) <= SHORT_MAX
            assert got.kind != "checking"
            kinds.add(got.kind)
    assert kinds >= {
        "expires",
        "never-exempt",
        "never-copy",
        "unknown",
        "pending-deletion",
        "deleted",
        "creating",
    }
    gone = demo_world.landmarks["cluster_gone"][-1][1]
    item = next(b for b in demo_world.backups(HOME) if b["BackupId"] == gone)
    got = expiry(
        Backup.from_api(item),
        fetch_clusters(source, HOME, [item["ClusterId"]])[item["ClusterId"]],
        DEMO_ANCHOR,
    )
    assert got.kind == "unknown"
    assert "not found in us-east-1" in got.detail


# fetch_clusters ------------------------------------------------------------------------------


def _recording(
    world: DemoWorld, sent: list[dict[str, Any]]
) -> Callable[[str | None], boto3.Session]:
    base = world.session_factory()

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    def factory(profile: str | None) -> boto3.Session:
        session = base(profile)
        session.events.register("provide-client-params.cloudhsmv2.DescribeClusters", record)
        return session

    return factory


def test_fetch_clusters_reads_retention_and_finds_gone_ones(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    live = demo_world.clusters(HOME)
    gone = next(
        b
        for b in demo_world.backups(HOME)
        if b["BackupId"] in {i for _, i in demo_world.landmarks["cluster_gone"]}
    )["ClusterId"]
    ids = [gone, *(c["ClusterId"] for c in live), gone, ""]
    infos = fetch_clusters(make_source(), HOME, ids)
    assert list(infos) == [gone, *(c["ClusterId"] for c in live)]  # unique, in order
    assert infos[gone] == ClusterInfo(HOME, gone, False, None)
    for c in live:
        info = infos[c["ClusterId"]]
        assert info.found
        assert info.state == "ACTIVE"
        assert info.error is None
        assert info.retention_days == int(c["BackupRetentionPolicy"]["Value"])
    assert {infos[c["ClusterId"]].retention_days for c in live} == {7, 30, 90, 379}


def test_fetch_clusters_nothing_asked_no_call(demo_world: DemoWorld) -> None:
    sent: list[dict[str, Any]] = []
    source = BackupSource(session_factory=_recording(demo_world, sent))
    assert fetch_clusters(source, HOME, []) == {}
    assert sent == []


def test_fetch_clusters_batches(demo_world: DemoWorld) -> None:
    sent: list[dict[str, Any]] = []
    source = BackupSource(session_factory=_recording(demo_world, sent))
    live = [c["ClusterId"] for c in demo_world.clusters(HOME)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    fake = [f"cluster-nothere{letters[i // 26]}{letters[i % 26]}xx" for i in range(55)]
    ids = fake[:30] + live + fake[30:]
    infos = fetch_clusters(source, HOME, ids)
    batches = [call["Filters"]["clusterIds"] for call in sent]
    assert [len(b) for b in batches] == [CLUSTER_BATCH, CLUSTER_BATCH, 10]
    assert [i for b in batches for i in b] == ids
    assert all(set(call["Filters"]) == {"clusterIds"} for call in sent)
    assert all(call["MaxResults"] == CLUSTER_BATCH for call in sent)
    assert [i for i, info in infos.items() if info.found] == live
    assert not any(infos[i].found or infos[i].error for i in fake)


def test_fetch_clusters_in_a_denied_region_reports_the_code(make_source: SourceFactory) -> None:
    infos = fetch_clusters(make_source(), DEMO_DENIED_REGION, [CID, "cluster-bcdefghijkl"])
    assert set(infos) == {CID, "cluster-bcdefghijkl"}
    for info in infos.values():
        assert (info.found, info.error) == (False, "CloudHsmAccessDeniedException")
        assert info.region == DEMO_DENIED_REGION


def _cluster(cid: str, days: str | None, state: str = "ACTIVE") -> dict[str, Any]:
    item: dict[str, Any] = {"ClusterId": cid, "State": state}
    if days is not None:
        item["BackupRetentionPolicy"] = {"Type": "DAYS", "Value": days}
    return item


def test_fetch_clusters_follows_next_token_and_survives_a_failing_batch(
    make_source: SourceFactory,
) -> None:
    source = make_source()
    first = [f"cluster-first{chr(97 + i // 26)}{chr(97 + i % 26)}zzzz" for i in range(25)]
    second = ["cluster-secondbatch"]
    client = source.client(HOME)
    with Stubber(client) as stub:
        stub.add_response(
            "describe_clusters",
            {"Clusters": [_cluster(first[0], "90")], "NextToken": "page-2"},
            {"Filters": {"clusterIds": first}, "MaxResults": 25},
        )
        stub.add_response(
            "describe_clusters",
            {"Clusters": [_cluster(first[1], None), _cluster("cluster-notasked", "7")]},
            {"Filters": {"clusterIds": first}, "MaxResults": 25, "NextToken": "page-2"},
        )
        stub.add_client_error(
            "describe_clusters",
            service_error_code="CloudHsmInternalFailureException",
            service_message="boom",
            http_status_code=500,
        )
        infos = fetch_clusters(source, HOME, first + second)
        stub.assert_no_pending_responses()
    assert infos[first[0]] == ClusterInfo(HOME, first[0], True, 90, "ACTIVE")
    assert infos[first[1]] == ClusterInfo(HOME, first[1], True, None, "ACTIVE")
    assert all(not infos[i].found and infos[i].error is None for i in first[2:])
    assert infos[second[0]].error == "CloudHsmInternalFailureException"
    assert "cluster-notasked" not in infos


@pytest.mark.parametrize(
    ("policy_value", "days"),
    [
        ({"Type": "DAYS", "Value": "90"}, 90),
        ({"Type": "DAYS", "Value": "379"}, 379),
        ({"Type": "days", "Value": " 7 "}, 7),
        ({"Type": "DAYS", "Value": "soon"}, None),
        ({"Type": "DAYS", "Value": "0"}, None),
        ({"Type": "MONTHS", "Value": "3"}, None),
        ({}, None),
        ({"Type": "DAYS", "Value": "3000000"}, 3_000_000),  # read; its expiry is out of range
        ({"Type": "DAYS", "Value": "9" * 5000}, None),  # past int()'s digit limit
    ],
)
def test_retention_policy_parsing(policy_value: dict[str, str], days: int | None) -> None:
    from tui.backups.retention import _info

    item = {"ClusterId": CID, "State": "ACTIVE", "BackupRetentionPolicy": policy_value}
    assert _info(HOME, item).retention_days == days


# ClusterCache --------------------------------------------------------------------------------


def test_cache_marks_in_flight_and_stores() -> None:
    cache = ClusterCache()
    assert cache.missing(HOME, ["cluster-a", "cluster-b", "cluster-a", ""]) == [
        "cluster-a",
        "cluster-b",
    ]
    assert cache.missing(HOME, ["cluster-a", "cluster-c"]) == ["cluster-c"]  # a is in flight
    assert cache.missing("eu-west-1", ["cluster-a"]) == ["cluster-a"]  # per region
    assert cache.get(HOME, "cluster-a") is None
    info = ClusterInfo(HOME, "cluster-a", True, 90, "ACTIVE")
    cache.put([info])
    assert cache.get(HOME, "cluster-a") == info
    assert cache.missing(HOME, ["cluster-a"]) == []
    cache.release(HOME, ["cluster-b"])
    assert cache.missing(HOME, ["cluster-b"]) == ["cluster-b"]
    cache.put([replace(info, retention_days=30)])
    assert cache.get(HOME, "cluster-a") == replace(info, retention_days=30)
    cache.clear()
    assert cache.get(HOME, "cluster-a") is None
    assert cache.missing(HOME, ["cluster-a", "cluster-b", "cluster-c"]) == [
        "cluster-a",
        "cluster-b",
        "cluster-c",
    ]


def test_cache_hands_each_id_to_one_worker_only() -> None:
    cache = ClusterCache()
    ids = [f"cluster-{i}" for i in range(200)]
    got: list[list[str]] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        mine = cache.missing(HOME, ids)
        with lock:
            got.append(mine)
        cache.put(ClusterInfo(HOME, i, True, 7) for i in mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    handed = [i for mine in got for i in mine]
    assert sorted(handed) == sorted(ids)
    assert all(cache.get(HOME, i) is not None for i in ids)


def test_cache_with_fetch_clusters_end_to_end(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    cache, source = ClusterCache(), make_source()
    backups = [Backup.from_api(b) for b in demo_world.backups(HOME)]
    wanted = [b.cluster_id for b in backups if needs_cluster(b) and b.cluster_id]
    todo = cache.missing(HOME, wanted)
    assert 0 < len(todo) == len(set(wanted))
    cache.put(fetch_clusters(source, HOME, todo).values())
    assert cache.missing(HOME, wanted) == []
    first = next(b for b in backups if needs_cluster(b))
    assert expiry(first, cache.get(HOME, first.cluster_id or ""), DEMO_ANCHOR).kind in (
        "expires",
        "unknown",
    )


def test_a_cluster_named_with_a_lone_surrogate_is_found_and_scrubbed() -> None:
    from tests.canned import canned_source

    body = (
        b'{"Clusters": [{"ClusterId": "cluster-\\ud800bcdefghij", "State": "ACTIVE\\udfff",'
        b' "BackupRetentionPolicy": {"Type": "DAYS", "Value": "30"}}]}'
    )
    source, _ = canned_source(lambda _op, _req: (200, body))
    # The backup's ClusterId was scrubbed the same way on its way in.
    infos = fetch_clusters(source, HOME, ["cluster-\ufffdbcdefghij"])
    assert infos == {
        "cluster-\ufffdbcdefghij": ClusterInfo(
            HOME, "cluster-\ufffdbcdefghij", True, 30, "ACTIVE\ufffd"
        )
    }
