"""The merged listing: one order across sources, exactly once, shown rows never move."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tui.backups import AwsError, Backup, BackupQuery, Page
from tui.fleet.merge import MergedListing, Row
from tui.fleet.sources import SourceKey, classify, plan_sources

T0 = datetime(2026, 11, 1, tzinfo=UTC)
ACCOUNTS = {"prod": "111122223333", "dr": "444455556666"}


def _backup(i: int, profile: str, region: str, seconds: int) -> Backup:
    bid = "backup-" + format(i, "011d").translate(str.maketrans("0123456789", "abcdefghij"))
    account = ACCOUNTS[profile]
    return Backup.from_api(
        {
            "BackupId": bid,
            "BackupArn": f"arn:aws:cloudhsm:{region}:{account}:backup/{bid}",
            "BackupState": "READY",
            "CreateTimestamp": T0 + timedelta(seconds=seconds),
        }
    )


def _world(
    rng: random.Random, sources: list[SourceKey], ascending: bool
) -> dict[SourceKey, list[Backup]]:
    """Each source's backups in API order (CreateTimestamp only); many share a second."""
    world: dict[SourceKey, list[Backup]] = {}
    n = 0
    for key in sources:
        items = []
        for _ in range(rng.randint(0, 40)):
            n += 1
            assert key.profile is not None
            items.append(_backup(n, key.profile, key.region, rng.randint(0, 60)))
        items.sort(key=lambda b: b.created or T0, reverse=not ascending)
        world[key] = items
    return world


def _pages(
    key: SourceKey, query: BackupQuery, items: list[Backup], rng: random.Random
) -> list[Page]:
    pages: list[Page] = []
    at, token = 0, None
    stream_query = key.query(query)
    while True:
        size = rng.randint(0, 7)  # empty pages with a token happen
        chunk = tuple(items[at : at + size])
        at += size
        following = f"{key.label}-{len(pages)}" if at < len(items) or rng.random() < 0.1 else None
        pages.append(Page(stream_query, token, chunk, following))
        if following is None:
            return pages
        token = following


def _expected_order(listing: MergedListing, rows: list[Row]) -> list[tuple[str, str, str]]:
    return [r.identity for r in sorted(rows, key=listing._key)]


SOURCES = plan_sources(
    ["prod", "dr"], ["us-east-1", "eu-west-1", "ap-south-1"], BackupQuery(), "both"
)


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("ascending", [False, True])
def test_released_rows_are_the_sorted_union_exactly_once_and_never_move(
    seed: int, ascending: bool
) -> None:
    rng = random.Random(seed)
    query = BackupQuery(sort_ascending=ascending)
    world = _world(rng, SOURCES, ascending)
    pending = {key: _pages(key, query, items, rng) for key, items in world.items()}
    listing = MergedListing(query, SOURCES, ACCOUNTS)
    shown: list[tuple[str, str, str]] = []
    while pending:
        # Any open source may answer next, not only the ones the frontier asks for.
        key = rng.choice(list(pending))
        update = listing.accept(key, pending[key].pop(0))
        if not pending[key]:
            del pending[key]
        shown += [r.identity for r in update.released]
        assert shown == [r.identity for r in listing.rows]
    every = [Row(k, ACCOUNTS[str(k.profile)], b) for k, items in world.items() for b in items]
    assert listing.done
    assert shown == _expected_order(listing, every)
    assert len(set(shown)) == len(shown)


def test_a_row_is_held_until_every_open_source_answered_past_it() -> None:
    a, b = SourceKey("prod", "us-east-1"), SourceKey("prod", "eu-west-1")
    query = BackupQuery()
    listing = MergedListing(query, [a, b], ACCOUNTS)
    newest = _backup(1, "prod", "us-east-1", 50)
    older = _backup(2, "prod", "us-east-1", 10)
    update = listing.accept(a, Page(a.query(query), None, (newest, older), "t1"))
    assert update.released == [], "b has not answered: it could hold something newer"
    assert listing.wanted() == [b]
    middle = _backup(3, "prod", "eu-west-1", 30)
    update = listing.accept(b, Page(b.query(query), None, (middle,), None))
    assert [r.backup for r in update.released] == [newest, middle]
    assert listing.wanted() == [a]
    update = listing.accept(a, Page(a.query(query), "t1", (), None))
    assert [r.backup for r in update.released] == [older]


def test_a_failed_source_leaves_the_frontier_is_named_and_never_counts_as_zero() -> None:
    a, b, c = (SourceKey("prod", r) for r in ("us-east-1", "eu-west-1", "ap-south-1"))
    query = BackupQuery()
    listing = MergedListing(query, [a, b, c], ACCOUNTS)
    listing.accept(a, Page(a.query(query), None, (_backup(1, "prod", "us-east-1", 5),), None))
    denied = AwsError("CloudHsmAccessDeniedException", "Access denied", "no", "", False)
    listing.fail(b, denied)
    assert listing.rows == []
    not_enabled = AwsError("UnrecognizedClientException", "Not enabled", "no", "", False)
    update = listing.fail(c, not_enabled)
    assert len(update.released) == 1
    assert listing.done
    assert listing.partial
    assert [s.key for s in listing.failed] == [b], "a region not enabled is not a failure"
    assert listing.streams[b].state == "denied"
    assert listing.streams[b].rows == 0
    assert listing.streams[c].state == "not-enabled"


def test_the_same_backup_from_two_streams_is_one_row_replaced_in_place() -> None:
    """A backup that changed state between two calls of two state streams is listed once."""
    query = BackupQuery(states=("READY", "PENDING_DELETION"))
    ready, pending = plan_sources(["prod"], ["us-east-1"], query)
    assert (ready.state, pending.state) == ("READY", "PENDING_DELETION")
    listing = MergedListing(query, [ready, pending], ACCOUNTS)
    backup = _backup(1, "prod", "us-east-1", 5)
    listing.accept(ready, Page(ready.query(query), None, (backup,), None))
    gone = Backup.from_api({**_api(backup), "BackupState": "PENDING_DELETION"})
    update = listing.accept(pending, Page(pending.query(query), None, (gone,), None))
    assert [r.backup.state for r in listing.rows] == ["PENDING_DELETION"]
    assert update.released == list(listing.rows)


def _api(backup: Backup) -> dict[str, object]:
    return {
        "BackupId": backup.backup_id,
        "BackupArn": backup.arn,
        "BackupState": backup.state,
        "CreateTimestamp": backup.created,
    }


def test_streams_per_state_only_when_several_are_ticked() -> None:
    one = plan_sources([None], ["us-east-1"], BackupQuery(states=("READY",)))
    assert [k.state for k in one] == [None]
    assert one[0].query(BackupQuery(states=("READY",))).states == ("READY",)
    two = plan_sources([None], ["us-east-1"], BackupQuery(states=("READY", "DELETED")))
    assert [k.query(BackupQuery()).states for k in two] == [("READY",), ("DELETED",)]


@pytest.mark.parametrize(
    ("code", "state"),
    [
        ("CloudHsmAccessDeniedException", "denied"),
        ("UnrecognizedClientException", "not-enabled"),
        ("ExpiredTokenException", "credentials"),
        ("EndpointConnectionError", "unreachable"),
        ("ThrottlingException", "throttled"),
        ("CloudHsmInternalFailureException", "error"),
    ],
)
def test_a_failure_is_classified_by_its_code(code: str, state: str) -> None:
    assert classify(AwsError(code, "t", "m", "h", True)) == state
