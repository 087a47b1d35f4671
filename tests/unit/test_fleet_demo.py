"""The engine against the demo world (moto, two accounts): the union, in order, exactly once."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from tui.backups import BackupQuery, BackupSource
from tui.backups.demo import (
    DEMO_ACCOUNTS,
    DEMO_DENIED_REGION,
    DEMO_DR_PROFILE,
    DEMO_HANGING_REGION,
    DEMO_NOT_ENABLED_REGION,
    DEMO_PROFILE,
    DEMO_REGIONS,
    DemoWorld,
)
from tui.fleet.merge import MergedListing, MergeUpdate
from tui.fleet.run import FleetRun
from tui.fleet.sources import plan_sources

PROFILES = [DEMO_PROFILE, DEMO_DR_PROFILE]
ACCOUNTS = dict(DEMO_ACCOUNTS)


def _sources_for(world: DemoWorld, **kw: Any) -> Any:
    made: dict[str | None, BackupSource] = {}

    def source_for(profile: str | None) -> BackupSource:
        if profile not in made:
            made[profile] = BackupSource(
                profile=profile, session_factory=world.session_factory(**kw)
            )
        return made[profile]

    return source_for


def _expected(
    world: DemoWorld, regions: list[str], query: BackupQuery, shared_too: bool = True
) -> list[tuple[str, str, str]]:
    rows = []
    for profile in PROFILES:
        account = DEMO_ACCOUNTS[profile]
        for region in regions:
            for shared in (False, True) if shared_too else (False,):
                for item in world.backups(region, shared=shared, account=account):
                    owner = item["BackupArn"].split(":")[4]
                    created: datetime = item["CreateTimestamp"]
                    stamp = created.timestamp()
                    primary = stamp if query.sort_ascending else -stamp
                    rows.append(
                        (
                            (primary, owner, region, item["BackupId"]),
                            (owner, region, item["BackupId"]),
                        )
                    )
    return [identity for _, identity in sorted(rows)]


def _run(listing: MergedListing, run: FleetRun) -> list[tuple[str, str, str]]:
    shown: list[tuple[str, str, str]] = []

    def apply(update: MergeUpdate) -> None:
        shown.extend(r.identity for r in update.released)
        assert shown == [r.identity for r in listing.rows]  # appended, never moved

    run.run(apply)
    return shown


@pytest.mark.parametrize("ascending", [False, True])
def test_three_regions_two_accounts_owned_and_shared_are_the_sorted_union_exactly_once(
    demo_world: DemoWorld, ascending: bool
) -> None:
    query = BackupQuery(sort_ascending=ascending)
    regions = list(DEMO_REGIONS[:3])
    sources = plan_sources(PROFILES, regions, query, "both")
    assert len(sources) == 12
    listing = MergedListing(query, sources, ACCOUNTS)
    shown = _run(listing, FleetRun(listing, _sources_for(demo_world), page_size=7))
    assert listing.done
    assert not listing.partial
    assert shown == _expected(demo_world, regions, query)
    assert len(shown) == len(set(shown)) > 300
    assert {a for a, _, _ in shown} >= set(DEMO_ACCOUNTS.values())


def test_failing_and_hanging_sources_are_named_and_the_rest_complete(
    demo_world: DemoWorld,
) -> None:
    query = BackupQuery()
    regions = [DEMO_REGIONS[0], DEMO_DENIED_REGION, DEMO_NOT_ENABLED_REGION, DEMO_HANGING_REGION]
    sources = plan_sources(PROFILES, regions, query, "owned")
    listing = MergedListing(query, sources, ACCOUNTS)
    started = time.monotonic()
    shown = _run(listing, FleetRun(listing, _sources_for(demo_world), budget=1.5))
    took = time.monotonic() - started
    assert listing.done
    states = {(k.profile, k.region): s.state for k, s in listing.streams.items()}
    for profile in PROFILES:
        assert states[(profile, DEMO_REGIONS[0])] == "complete"
        assert states[(profile, DEMO_DENIED_REGION)] == "denied"
        assert states[(profile, DEMO_NOT_ENABLED_REGION)] == "not-enabled"
        assert states[(profile, DEMO_HANGING_REGION)] == "unreachable"
    assert listing.partial
    failed = {(s.key.profile, s.key.region) for s in listing.failed}
    assert failed == {(p, r) for p in PROFILES for r in (DEMO_DENIED_REGION, DEMO_HANGING_REGION)}
    assert all(s.rows == 0 for s in listing.failed), "a failed source is not a zero"
    assert shown == _expected(demo_world, [DEMO_REGIONS[0]], query, shared_too=False)
    assert len(shown) == sum(
        len(demo_world.backups(DEMO_REGIONS[0], account=a)) for a in DEMO_ACCOUNTS.values()
    )
    assert took < 1.5 + 2.0, "one hanging source costs its own budget and nothing more"


def test_enough_stops_early_with_rows_in_order(demo_world: DemoWorld) -> None:
    query = BackupQuery()
    sources = plan_sources(PROFILES, list(DEMO_REGIONS[:3]), query)
    listing = MergedListing(query, sources, ACCOUNTS)
    run = FleetRun(listing, _sources_for(demo_world), page_size=10)
    run.run(lambda _: None, enough=lambda: len(listing.rows) >= 25)
    assert 25 <= len(listing.rows) < 200
    assert not listing.done
    stamps = [r.backup.created or datetime.min.replace(tzinfo=UTC) for r in listing.rows]
    assert stamps == sorted(stamps, reverse=True)
