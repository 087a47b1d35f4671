"""BackupSource against the demo world: the real boto3 path, moto answering in-process."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import boto3
import pytest

from tests.conftest import SourceFactory
from tui.backups import AwsError, Backup, BackupQuery, BackupSource, Listing, Page
from tui.backups.demo import (
    DEMO_ACCOUNT,
    DEMO_HOME_REGION,
    DEMO_OTHER_ACCOUNT,
    DemoWorld,
    WorldSpec,
    start_demo,
)
from tui.backups.demo_data import HOSTILE_VALUES

HOME = DEMO_HOME_REGION


def fetch_all(source: BackupSource, query: BackupQuery, size: int = 50) -> list[Page]:
    """Every page of `query`, through a Listing exactly as the screen drives it."""
    listing, pages = Listing(query), []
    while not listing.done:
        page = source.fetch_page(query, listing.next_token, size)
        listing.accept(page)
        pages.append(page)
        assert len(pages) < 1000, "paging did not end"
    return pages


def ids_of(pages: list[Page]) -> list[str]:
    return [b.backup_id for p in pages for b in p.backups]


def world_ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["BackupId"] for item in items]


@pytest.mark.parametrize("size", [50, 7, 2, 1])
def test_paging_yields_the_region_exactly_once_in_order(
    demo_world: DemoWorld, make_source: SourceFactory, size: int
) -> None:
    region = HOME if size > 1 else "ap-southeast-2"  # one-item pages: the smallest region
    expected = world_ids(demo_world.backups(region))
    pages = fetch_all(make_source(), BackupQuery(region=region), size)
    got = ids_of(pages)
    assert got == expected
    assert len(set(got)) == len(got)
    assert all(len(p.backups) == size for p in pages[:-1])  # full pages until the last
    assert 0 < len(pages[-1].backups) <= size
    assert all(p.next_token for p in pages[:-1])
    assert pages[-1].next_token is None
    assert len(pages) == -(-len(expected) // size)


def test_first_page_has_no_token_and_tokens_chain(make_source: SourceFactory) -> None:
    pages = fetch_all(make_source(), BackupQuery(region=HOME), 50)
    assert pages[0].token is None
    assert [p.token for p in pages[1:]] == [p.next_token for p in pages[:-1]]


def _python_filter(
    world: DemoWorld, region: str, keep: Callable[[dict[str, Any]], bool]
) -> list[str]:
    return [b["BackupId"] for b in world.backups(region) if keep(b)]


def _cases(world: DemoWorld) -> list[tuple[str, BackupQuery, list[str]]]:
    """(name, query, expected ids) built from the world itself, so they cannot drift from it."""
    home = world.backups(HOME)
    chain = dict(world.landmarks["chain"])
    twice = world.landmarks["copied_twice"][0][1]
    some = [home[0]["BackupId"], home[60]["BackupId"], home[-1]["BackupId"]]
    cluster = world.clusters(HOME)[0]["ClusterId"]
    eu = "eu-west-1"
    return [
        (
            "backupIds",
            BackupQuery(region=HOME, backup_ids=(*some, "backup-zzzzzzzzzzz")),
            _python_filter(world, HOME, lambda b: b["BackupId"] in some),
        ),
        (
            "sourceBackupIds",
            BackupQuery(region=eu, source_backup_ids=(chain[HOME], twice)),
            _python_filter(world, eu, lambda b: b.get("SourceBackup") in (chain[HOME], twice)),
        ),
        (
            "clusterIds",
            BackupQuery(region=HOME, cluster_ids=(cluster,)),
            _python_filter(world, HOME, lambda b: b["ClusterId"] == cluster),
        ),
        (
            "states",
            BackupQuery(region=HOME, states=("PENDING_DELETION", "CREATE_IN_PROGRESS")),
            _python_filter(
                world,
                HOME,
                lambda b: b["BackupState"] in ("PENDING_DELETION", "CREATE_IN_PROGRESS"),
            ),
        ),
        (
            "neverExpires=true",
            BackupQuery(region=HOME, never_expires=True),
            _python_filter(world, HOME, lambda b: b["NeverExpires"] is True),
        ),
        (
            "neverExpires=false",
            BackupQuery(region=HOME, never_expires=False),
            _python_filter(world, HOME, lambda b: b["NeverExpires"] is False),
        ),
        (
            "combined",
            BackupQuery(
                region=HOME,
                cluster_ids=(cluster,),
                states=("READY", "DELETED"),
                never_expires=False,
            ),
            _python_filter(
                world,
                HOME,
                lambda b: (
                    b["ClusterId"] == cluster
                    and b["BackupState"] in ("READY", "DELETED")
                    and b["NeverExpires"] is False
                ),
            ),
        ),
    ]


def test_each_filter_narrows_like_a_python_filter(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    source = make_source()
    total = len(demo_world.backups(HOME))
    for name, query, expected in _cases(demo_world):
        got = ids_of(fetch_all(source, query, 7))
        assert got == expected, name
        assert 0 < len(got) < max(total, len(demo_world.backups(query.region or HOME))), name


def test_sort_ascending_is_the_reverse_order(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    source = make_source()
    newest_first = ids_of(fetch_all(source, BackupQuery(region="eu-west-1"), 9))
    oldest_first = ids_of(
        fetch_all(source, BackupQuery(region="eu-west-1", sort_ascending=True), 9)
    )
    assert oldest_first == newest_first[::-1]
    assert newest_first == world_ids(demo_world.backups("eu-west-1"))


def _recording(
    world: DemoWorld, sent: list[dict[str, Any]]
) -> Callable[[str | None], boto3.Session]:
    """The demo session factory plus a botocore hook recording the parameters actually sent."""
    base = world.session_factory()

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(dict(params))

    def factory(profile: str | None) -> boto3.Session:
        session = base(profile)
        session.events.register("provide-client-params.cloudhsmv2.DescribeBackups", record)
        return session

    return factory


@pytest.mark.parametrize(("asked", "on_wire"), [(51, 50), (1000, 50), (0, 1), (50, 50)])
def test_max_results_is_clamped_on_the_wire(
    demo_world: DemoWorld, asked: int, on_wire: int
) -> None:
    sent: list[dict[str, Any]] = []
    source = BackupSource(session_factory=_recording(demo_world, sent))
    page = source.fetch_page(BackupQuery(region=HOME), None, asked)
    assert [call["MaxResults"] for call in sent] == [on_wire]
    assert len(page.backups) == on_wire


def test_wire_params_follow_the_query(demo_world: DemoWorld) -> None:
    sent: list[dict[str, Any]] = []
    source = BackupSource(session_factory=_recording(demo_world, sent))
    query = BackupQuery(region=HOME, states=("READY",), never_expires=False, shared=False)
    first = source.fetch_page(query, None, 5)
    source.fetch_page(query, first.next_token, 5)
    assert sent[0] == {
        "MaxResults": 5,
        "SortAscending": False,
        "Filters": {"states": ["READY"], "neverExpires": ["false"]},
    }
    assert sent[1]["NextToken"] == first.next_token


def test_a_changed_query_starts_from_no_token(demo_world: DemoWorld) -> None:
    sent: list[dict[str, Any]] = []
    source = BackupSource(session_factory=_recording(demo_world, sent))
    old = BackupQuery(region=HOME)
    listing = Listing(old)
    listing.accept(source.fetch_page(old, None, 10))
    assert listing.next_token is not None
    new = BackupQuery(region=HOME, states=("READY",))
    fresh = Listing(new)
    page = source.fetch_page(new, fresh.next_token, 10)
    fresh.accept(page)
    assert "NextToken" not in sent[-1]
    assert [b.state for b in page.backups] == ["READY"] * 10


def test_a_token_used_with_another_query_is_an_error(make_source: SourceFactory) -> None:
    source = make_source()
    token = source.fetch_page(BackupQuery(region=HOME), None, 10).next_token
    with pytest.raises(AwsError) as caught:
        source.fetch_page(BackupQuery(region=HOME, states=("READY",)), token, 10)
    assert caught.value.code == "InvalidToken"


def test_a_stale_token_looks_like_the_end_in_moto(make_source: SourceFactory) -> None:
    # A measured moto fact the design relies on: an unknown token gives an empty last page.
    page = make_source().fetch_page(BackupQuery(region=HOME), "bm90LWEtdG9rZW4=", 10)
    assert page.backups == ()
    assert page.next_token is None


def test_shared_lists_only_other_accounts_backups(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    source = make_source()
    for region in ("us-east-1", "eu-west-1"):
        shared = [
            b
            for p in fetch_all(source, BackupQuery(region=region, shared=True), 4)
            for b in p.backups
        ]
        own = [b for p in fetch_all(source, BackupQuery(region=region), 50) for b in p.backups]
        expected = [bid for r, bid in demo_world.landmarks["shared"] if r == region]
        assert sorted(b.backup_id for b in shared) == sorted(expected)
        assert shared
        assert all(f":{DEMO_OTHER_ACCOUNT}:" in (b.arn or "") for b in shared)
        assert all(f":{DEMO_ACCOUNT}:" in (b.arn or "") for b in own)
        assert not {b.backup_id for b in shared} & {b.backup_id for b in own}
    assert fetch_all(source, BackupQuery(region="us-west-2", shared=True))[0].backups == ()


def test_datetimes_come_back_aware_utc(demo_world: DemoWorld, make_source: SourceFactory) -> None:
    backups: list[Backup] = [
        b for p in fetch_all(make_source(), BackupQuery(region="eu-west-1")) for b in p.backups
    ]
    world = {b["BackupId"]: b for b in demo_world.backups("eu-west-1")}
    stamps = [(b, b.created, world[b.backup_id]["CreateTimestamp"]) for b in backups]
    stamps += [(b, b.copied, world[b.backup_id].get("CopyTimestamp")) for b in backups]
    stamps += [(b, b.delete_at, world[b.backup_id].get("DeleteTimestamp")) for b in backups]
    checked = 0
    for b, got, expected in stamps:
        if expected is None:
            assert got is None, b.backup_id
            continue
        assert got is not None
        assert got.tzinfo is not None
        assert got.utcoffset() == timedelta(0)
        assert got == expected
        assert expected.tzinfo is UTC
        checked += 1
    assert checked > len(backups)  # copies and deletions were among them


def test_latency_hook_delays_each_call(make_source: SourceFactory) -> None:
    source = make_source(latency_ms=200)
    source.client(HOME)  # client creation is not a call
    started = time.perf_counter()
    source.fetch_page(BackupQuery(region=HOME), None, 5)
    assert time.perf_counter() - started >= 0.2


def test_demo_ignores_the_users_profile_and_endpoint(
    demo_world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    source = BackupSource(profile="prod", session_factory=demo_world.session_factory())
    page = source.fetch_page(BackupQuery(region=HOME), None, 3)
    assert [b.backup_id for b in page.backups] == world_ids(demo_world.backups(HOME))[:3]


def test_clusters_through_the_api_carry_retention_policies(
    demo_world: DemoWorld, make_source: SourceFactory
) -> None:
    response = make_source().call(HOME, "describe_clusters")
    clusters = response["Clusters"]
    assert [c["ClusterId"] for c in clusters] == [c["ClusterId"] for c in demo_world.clusters(HOME)]
    policies = {c["ClusterId"]: c["BackupRetentionPolicy"] for c in clusters}
    assert all(p["Type"] == "DAYS" for p in policies.values())
    assert {p["Value"] for p in policies.values()} == {"7", "30", "90", "379"}


def test_hostile_tags_survive_the_wire_byte_for_byte() -> None:
    with start_demo(WorldSpec(hostile=True, scale=0.2)) as world:
        source = BackupSource(session_factory=world.session_factory())
        for region in world.regions:
            got = {
                b.backup_id: b.tags
                for p in fetch_all(source, BackupQuery(region=region))
                for b in p.backups
            }
            expected = {
                b["BackupId"]: tuple((t["Key"], t["Value"]) for t in b["TagList"])
                for b in world.backups(region)
            }
            assert got == expected
            values = {v for tags in got.values() for _, v in tags}
            assert values & set(HOSTILE_VALUES)
