"""Paging every source of a merged listing: bounded concurrency, a time budget per call.

Calls run in daemon threads and answer through a queue, so a call that never returns holds
nothing: past its budget its source is marked unreachable and its answer, should it come, is
dropped. Next pages are asked only of the sources that hold the frontier back.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tui.backups.errors import AwsError
from tui.backups.models import Page
from tui.backups.paging import PagingError
from tui.backups.source import BackupSource
from tui.fleet.merge import MergedListing, MergeUpdate
from tui.fleet.sources import SourceKey

#: Calls in flight at once, across every source (the `--concurrency` default).
CONCURRENCY = 8
#: How long one call may take, retries included, before its source is called unreachable.
CALL_BUDGET = 10.0


def unanswered(key: SourceKey, budget: float) -> AwsError:
    """The error of a source whose call did not come back within its budget."""
    return AwsError(
        "Unanswered",
        "No answer in time",
        f"{key.region} did not answer within {budget:g} s.",
        "The other sources went on without it; r tries it again.",
        True,
    )


@dataclass(frozen=True, slots=True)
class _Answer:
    call: int
    key: SourceKey
    page: Page | None
    error: AwsError | None


class FleetRun:
    """Drives one MergedListing to its end (or until `enough` says so) from the calling thread.

    `source_for(profile)` gives the BackupSource of a profile (one per profile: its session,
    its credentials, its clients); each call is one `fetch_page`.
    """

    def __init__(
        self,
        listing: MergedListing,
        source_for: Callable[[str | None], BackupSource],
        *,
        page_size: int = 50,
        concurrency: int = CONCURRENCY,
        budget: float = CALL_BUDGET,
        after_page: Callable[[SourceKey, Page], None] | None = None,
    ) -> None:
        self.listing = listing
        #: Runs in the call's own thread once its page is in (the headless list looks up the
        #: page's clusters there), so that work overlaps other sources' calls.
        self._after_page = after_page
        self._source_for = source_for
        self.page_size = page_size
        self.concurrency = max(1, concurrency)
        self.budget = budget
        self._answers: queue.Queue[_Answer] = queue.Queue()
        #: source -> (call number, started at) of its call in flight: one per source.
        self._in_flight: dict[SourceKey, tuple[int, float]] = {}
        self._calls = 0

    def run(
        self,
        on_update: Callable[[MergeUpdate], None],
        *,
        enough: Callable[[], bool] | None = None,
        cancel: threading.Event | None = None,
        eager: bool = False,
    ) -> None:
        """Page until every source is complete or failed, `enough()` is true, or `cancel`.

        Lazily (the browser's way) only the sources holding the frontier back are asked;
        `eager` (everything is wanted: `list`, load all) asks every open source at once, up to
        the concurrency: the end comes after the slowest source's own pages, not their sum.
        """
        while not self.listing.done:
            if cancel is not None and cancel.is_set():
                return
            if enough is not None and enough() and not self._in_flight:
                return
            if enough is None or not enough():
                self._ask(eager)
            if not self._in_flight:
                return  # nothing asked and nothing out: every source waits on nothing more
            self._take_answer(on_update)

    def _ask(self, eager: bool) -> None:
        keys = self.listing.open_sources() if eager else self.listing.wanted()
        for key in keys:
            if len(self._in_flight) >= self.concurrency:
                return
            if key in self._in_flight:
                continue
            self._calls += 1
            self._in_flight[key] = (self._calls, time.monotonic())
            token = self.listing.streams[key].listing.next_token
            thread = threading.Thread(
                target=self._call,
                args=(self._calls, key, token),
                name=f"page {key.label}",
                daemon=True,
            )
            thread.start()

    def _call(self, call: int, key: SourceKey, token: str | None) -> None:
        """In a daemon thread: one page, or the AwsError it failed with."""
        stream_query = self.listing.streams[key].listing.query
        try:
            source = self._source_for(key.profile)
            page = source.fetch_page(stream_query, token, self.page_size)
            if self._after_page is not None:
                self._after_page(key, page)
        except AwsError as error:
            self._answers.put(_Answer(call, key, None, error))
        except Exception as exc:  # a bug must fail its source, never hang the run
            from tui.backups.errors import describe_error

            self._answers.put(_Answer(call, key, None, describe_error(exc)))
        else:
            self._answers.put(_Answer(call, key, page, None))

    def _take_answer(self, on_update: Callable[[MergeUpdate], None]) -> None:
        now = time.monotonic()
        deadline = min(started for _, started in self._in_flight.values()) + self.budget
        try:
            answer = self._answers.get(timeout=max(0.0, deadline - now))
        except queue.Empty:
            self._expire(on_update)
            return
        if self._in_flight.get(answer.key, (None, 0.0))[0] != answer.call:
            return  # an abandoned call's late answer: dropped, never mixed in
        del self._in_flight[answer.key]
        if answer.page is None:
            assert answer.error is not None
            on_update(self.listing.fail(answer.key, answer.error))
            return
        try:
            update = self.listing.accept(answer.key, answer.page)
        except PagingError as exc:
            from tui.backups.errors import describe_error

            update = self.listing.fail(answer.key, describe_error(exc))
        on_update(update)

    def _expire(self, on_update: Callable[[MergeUpdate], None]) -> None:
        now = time.monotonic()
        for key, (_, started) in list(self._in_flight.items()):
            if now - started >= self.budget:
                del self._in_flight[key]
                on_update(self.listing.fail(key, unanswered(key, self.budget)))
