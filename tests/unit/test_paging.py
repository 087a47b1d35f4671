"""Listing: the paging state machine, driven by hand-made pages (no AWS, no moto)."""

from __future__ import annotations

import tracemalloc
from dataclasses import replace
from typing import Any

import pytest

from tui.backups import (
    AwsError,
    Backup,
    BackupQuery,
    BackupSource,
    Listing,
    Page,
    PagingError,
    describe_error,
)
from tui.backups.demo import DemoWorld
from tui.backups.paging import (
    EMPTY_PAGE_BUDGET,
    RESTART_BUDGET,
    PagingLimit,
    TokenGuard,
    follow,
    token_digest,
)
from tui.backups.retention import fetch_clusters

QUERY = BackupQuery(region="us-east-1")


def b(n: int, state: str = "READY") -> Backup:
    return Backup(backup_id=f"backup-{n:011d}", state=state)


def page(token: str | None, items: list[Backup], next_token: str | None) -> Page:
    return Page(query=QUERY, token=token, backups=tuple(items), next_token=next_token)


def test_new_listing_starts_from_no_token() -> None:
    listing = Listing(QUERY)
    assert listing.next_token is None
    assert not listing.started
    assert not listing.done
    assert listing.count == 0


def test_pages_append_in_order() -> None:
    listing = Listing(QUERY)
    first = listing.accept(page(None, [b(1), b(2)], "t1"))
    second = listing.accept(page("t1", [b(3)], "t2"))
    assert [x.backup_id for x in first.appended] == [b(1).backup_id, b(2).backup_id]
    assert [x.backup_id for x in second.appended] == [b(3).backup_id]
    assert first.replaced == second.replaced == []
    assert listing.next_token == "t2"
    assert listing.pages == 2
    assert listing.count == 3
    assert [listing.index_of(b(n).backup_id) for n in (1, 2, 3)] == [0, 1, 2]
    assert listing.index_of("backup-unknown00") is None
    assert not listing.done


def test_same_backup_on_two_pages_is_shown_once_and_replaced_in_place() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1), b(2), b(3)], "t1"))
    changed = b(2, state="PENDING_DELETION")
    update = listing.accept(page("t1", [changed, b(4)], None))
    assert [x.backup_id for x in update.appended] == [b(4).backup_id]
    assert update.replaced == [(1, changed)]
    assert update.replaced[0][1].state == "PENDING_DELETION"
    assert listing.count == 4
    assert listing.index_of(b(4).backup_id) == 3


@pytest.mark.parametrize("end", [None, ""])
def test_no_token_or_empty_token_is_the_end(end: str | None) -> None:
    listing = Listing(QUERY)
    update = listing.accept(page(None, [b(1)], end))
    assert listing.done
    assert listing.next_token is None
    assert not update.keep_going


def test_token_seen_twice_stops_with_paging_error() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1)], "t1"))
    listing.accept(page("t1", [b(2)], "t2"))
    with pytest.raises(PagingError):
        listing.accept(page("t2", [b(3)], "t1"))
    assert listing.done  # stopped, not looping
    assert listing.next_token is None
    assert listing.index_of(b(3).backup_id) is None  # the looping page was not taken in


def test_empty_page_with_token_keeps_going_within_budget() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1)], "t0"))
    flags = []
    for n in range(1, EMPTY_PAGE_BUDGET + 1):
        update = listing.accept(page(f"t{n - 1}", [], f"t{n}"))
        flags.append(update.keep_going)
        assert update.appended == []
    assert flags == [True] * (EMPTY_PAGE_BUDGET - 1) + [False]
    assert listing.empty_streak == EMPTY_PAGE_BUDGET
    assert not listing.done  # out of budget, but the token is kept: the user may go on


def test_a_page_with_rows_resets_the_empty_streak() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [], "t1"))
    listing.accept(page("t1", [], "t2"))
    assert listing.empty_streak == 2
    update = listing.accept(page("t2", [b(1)], "t3"))
    assert listing.empty_streak == 0
    assert not update.keep_going  # it showed something: wait for the user to scroll


def test_empty_last_page_does_not_keep_going() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1)], "t1"))
    update = listing.accept(page("t1", [], None))
    assert not update.keep_going
    assert listing.done


def test_page_with_more_items_than_asked_is_accepted() -> None:
    listing = Listing(QUERY)
    update = listing.accept(page(None, [b(n) for n in range(120)], "t1"))
    assert len(update.appended) == 120
    assert listing.count == 120


def test_page_for_another_query_is_rejected() -> None:
    listing = Listing(QUERY)
    other = BackupQuery(region="us-east-1", states=("READY",))
    with pytest.raises(ValueError, match="another query"):
        listing.accept(Page(query=other, token=None, backups=(b(1),), next_token=None))
    assert listing.count == 0
    assert not listing.started


def test_pages_of_only_known_rows_count_toward_the_budget() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1)], "t0"))
    for n in range(1, EMPTY_PAGE_BUDGET + 1):
        update = listing.accept(page(f"t{n - 1}", [b(1)], f"t{n}"))
    assert update.keep_going is False
    assert listing.empty_streak == EMPTY_PAGE_BUDGET
    assert listing.count == 1


def test_the_same_backup_twice_on_one_page_is_one_row_with_the_later_copy() -> None:
    listing = Listing(QUERY)
    first, again = b(1), replace(b(1), state="DELETED")
    update = listing.accept(page(None, [first, b(2), again], None))
    assert update.appended == [again, b(2)]
    assert update.replaced == []
    assert listing.count == 2


def test_backups_without_an_id_are_each_kept() -> None:
    listing = Listing(QUERY)
    nameless = Backup.from_api({"BackupState": "READY"})
    update = listing.accept(page(None, [nameless, nameless, b(1)], None))
    assert len(update.appended) == 3
    assert listing.count == 3


def test_restart_goes_back_to_the_first_page_keeping_rows_and_order() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1), b(2)], "t1"))
    listing.accept(page("t1", [b(3), b(4)], "t2"))
    assert listing.restart()
    assert listing.next_token is None
    assert not listing.done
    again = listing.accept(page(None, [b(1), b(2)], "t1"))  # the same token is fine again
    assert again.appended == []
    assert again.replaced == [(0, b(1)), (1, b(2))]
    assert again.keep_going, "known rows while catching up: fetch on by itself"
    assert listing.empty_streak == 0
    listing.accept(page("t1", [b(3), b(4)], "t2"))
    new = listing.accept(page("t2", [b(5)], None))
    assert new.appended == [b(5)]
    assert listing.count == 5
    assert listing.done


def test_restarts_are_budgeted() -> None:
    listing = Listing(QUERY)
    listing.accept(page(None, [b(1)], "t1"))
    assert [listing.restart() for _ in range(RESTART_BUDGET + 1)] == [True] * RESTART_BUDGET + [
        False
    ]


# Bounded memory: 1 MB tokens, the caps ---------------------------------------------------------

MEGABYTE = 1 << 20


def big_token(n: int) -> str:
    """A distinct 1 MB NextToken (made on the fly: the test must not hold them either)."""
    return f"{n:08d}" + "t" * (MEGABYTE - 8)


def test_a_hundred_1mb_tokens_take_no_more_memory_than_one_and_a_repeat_is_still_caught() -> None:
    pages = 100
    listing = Listing(QUERY)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for n in range(pages):
            listing.accept(page(listing.next_token, [b(n)], big_token(n)))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    held = after - before
    # The next token itself (1 MB) is held, to be sent; the 99 before it are 16-byte digests.
    assert held < 2 * MEGABYTE, f"{held:,} bytes held for {pages} pages of 1 MB tokens"
    with pytest.raises(PagingError, match="already given"):
        listing.accept(page(listing.next_token, [], big_token(37)))
    assert listing.done, "stopped, with an error, not looping"


def test_the_page_cap_stops_the_listing_with_a_clear_error_and_keeps_the_rows() -> None:
    listing = Listing(QUERY, max_pages=5)
    for n in range(5):
        listing.accept(page(listing.next_token, [b(n)], f"t{n}"))
    with pytest.raises(PagingLimit, match="more than 5 pages"):
        listing.accept(page(listing.next_token, [b(99)], "t5"))
    assert listing.count == 5
    assert listing.done
    err = describe_error(PagingLimit("x"))
    assert (err.code, err.title) == ("PagingLimit", "Listing limit reached")


def test_the_row_cap_counts_only_new_rows_and_stops_with_a_clear_error() -> None:
    listing = Listing(QUERY, max_rows=3)
    listing.accept(page(None, [b(1), b(2)], "t1"))
    listing.accept(page("t1", [b(1), b(2), b(3)], "t2"))  # one new row: 3, at the cap
    assert listing.count == 3
    with pytest.raises(PagingLimit, match="more than 3 backups"):
        listing.accept(page("t2", [b(4)], "t3"))
    assert listing.count == 3
    assert listing.done


def test_the_token_guard_keeps_digests_only() -> None:
    guard = TokenGuard(limit=2)
    guard.add(big_token(1))
    assert big_token(1) in guard
    assert big_token(2) not in guard
    assert token_digest(big_token(1)) != token_digest(big_token(2))
    assert len(token_digest(big_token(1))) == 16
    guard.add("\ud800 a lone surrogate is still a token")
    with pytest.raises(PagingLimit):
        guard.add("third")
    with pytest.raises(PagingError):
        guard.add(big_token(1))


def test_one_pager_for_the_look_ups(demo_world: DemoWorld) -> None:
    """Lineage, clusters and the watch page through `follow`: a repeated token is an error,
    never a quiet stop with half an answer (the cluster and lineage loops used to stop)."""
    factory = demo_world.session_factory()

    def looping(profile: str | None) -> Any:
        session = factory(profile)

        def same(parsed: dict[str, Any], **_: Any) -> None:
            parsed["NextToken"] = "again"

        session.events.register("after-call.cloudhsmv2", same)
        return session

    source = BackupSource(session_factory=looping)
    seen: list[dict[str, Any]] = []
    with pytest.raises(AwsError) as caught:
        seen.extend(follow(source, "us-east-1", "describe_clusters", {}, budget=10))
    assert caught.value.code == "PagingLoop"
    assert len(seen) == 2, "the second answer handed the token out again"
    cluster = demo_world.clusters("us-east-1")[0]["ClusterId"]
    info = fetch_clusters(source, "us-east-1", [cluster])[cluster]
    assert info.found, "the cluster came on the first page: it is found"
    other = "cluster-abcdefghijk"
    assert fetch_clusters(source, "us-east-1", [other])[other].error == "PagingLoop"
