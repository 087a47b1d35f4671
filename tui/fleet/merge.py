"""Rows from many sources in one order, each released only once no open source could precede it.

The API sorts each stream by CreateTimestamp alone. A row is released when every source that
still has pages has already answered past its CreateTimestamp (strictly: a later page of a
source may hold more rows of the very same second), so a released row never moves and the
order is never wrong. A source that completes or fails leaves the frontier and holds nothing
back; a failed one is named, never counted as zero.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tui.backups.errors import AwsError
from tui.backups.models import Backup, BackupQuery, Page
from tui.backups.paging import Listing
from tui.fleet.sources import SourceKey, SourceState, classify

#: The sort's primary key of a row without a CreateTimestamp: after every dated row, whichever
#: the direction (the API gives no place for it either).
_UNDATED = math.inf


def account_of(backup: Backup, fallback: str) -> str:
    """The owning account, from the ARN (a shared backup's owner), else the source's account."""
    parts = (backup.arn or "").split(":")
    account = parts[4] if len(parts) > 5 else ""
    return account if account.isdigit() else fallback


@dataclass(frozen=True, slots=True)
class Row:
    """One backup as the fleet shows it: which source listed it, and in which account."""

    source: SourceKey
    account: str
    backup: Backup

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two rows the same backup: account, region and backup ID."""
        return (self.account, self.source.region, self.backup.backup_id)


def _primary(backup: Backup, ascending: bool) -> float:
    created: datetime | None = backup.created
    if created is None:
        return _UNDATED
    stamp = created.timestamp()
    return stamp if ascending else -stamp


@dataclass
class Stream:
    """One source's paging state and status, and how far it has answered."""

    key: SourceKey
    listing: Listing
    state: SourceState = "waiting"
    error: AwsError | None = None
    #: The primary sort key of the last row this source returned: it can only go on from here.
    bound: float = -math.inf
    #: Rows of this source taken in (its share of the merged listing, released or not).
    rows: int = 0

    @property
    def open(self) -> bool:
        """Still has pages to give, and has not failed: it holds the frontier."""
        return self.error is None and not self.listing.done


@dataclass(slots=True)
class MergeUpdate:
    """What a page or a failure changes: rows to add at the end, rows to replace in place."""

    released: list[Row] = field(default_factory=list)
    replaced: list[tuple[int, Row]] = field(default_factory=list)


class MergedListing:
    """The merged, lazily released rows of every source of one query.

    Not thread-safe: one owner (the headless loop, or the UI thread) feeds it pages.
    """

    def __init__(
        self,
        query: BackupQuery,
        sources: Sequence[SourceKey],
        accounts: Mapping[str, str] | None = None,
    ) -> None:
        self.query = query
        self.ascending = query.sort_ascending
        self.streams: dict[SourceKey, Stream] = {
            key: Stream(key, Listing(key.query(query))) for key in dict.fromkeys(sources)
        }
        #: profile ("default" for the default chain) -> account ID, when known; the ARN says
        #: it anyway for every row that has one.
        self.accounts = dict(accounts or {})
        self.rows: list[Row] = []
        self._index: dict[tuple[str, str, str], int] = {}
        #: Taken in, not yet released: (sort key, sequence, row).
        self._waiting: list[tuple[tuple[float, str, str, str], int, Row]] = []
        self._held: dict[tuple[str, str, str], Row] = {}
        self._sequence = 0

    # ---- reading ---------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """No source has pages left to give (complete, or failed)."""
        return not any(s.open for s in self.streams.values())

    @property
    def failed(self) -> list[Stream]:
        return [
            s for s in self.streams.values() if s.error is not None and s.state != "not-enabled"
        ]

    @property
    def partial(self) -> bool:
        """Some source failed: what is listed is not all there is."""
        return bool(self.failed)

    def open_sources(self) -> list[SourceKey]:
        """Every source with pages still to give, those holding the frontier back first."""
        wanted = self.wanted()
        return wanted + [s.key for s in self.streams.values() if s.open and s.key not in wanted]

    def wanted(self) -> list[SourceKey]:
        """The open sources holding the frontier back: asking them is what releases rows.

        Those whose last row is the earliest (a source not asked yet is the earliest of all).
        """
        open_streams = [s for s in self.streams.values() if s.open]
        if not open_streams:
            return []
        least = min(s.bound for s in open_streams)
        return [s.key for s in open_streams if s.bound == least]

    def _key(self, row: Row) -> tuple[float, str, str, str]:
        account, region, backup_id = row.identity
        return (_primary(row.backup, self.ascending), account, region, backup_id)

    # ---- feeding ---------------------------------------------------------------------------

    def accept(self, source: SourceKey, page: Page) -> MergeUpdate:
        """Take in the page that answered `source`'s next token; release what it allows.

        Raises PagingError (from the source's Listing: a repeated token, a limit); the caller
        turns it into the source's failure with `fail`.
        """
        stream = self.streams[source]
        change = stream.listing.accept(page)
        account = self.accounts.get(source.profile or "default", "")
        update = MergeUpdate()
        for backup in change.appended:
            row = Row(source, account_of(backup, account), backup)
            stream.rows += 1
            stream.bound = max(stream.bound, _primary(backup, self.ascending))
            self._take(row, update)
        for _, backup in change.replaced:
            self._take(Row(source, account_of(backup, account), backup), update)
        stream.state = "complete" if stream.listing.done else "more"
        self._release(update)
        return update

    def _take(self, row: Row, update: MergeUpdate) -> None:
        """A row in: new ones wait for the frontier; a backup already known is replaced in
        place (released) or in the queue (waiting): exactly once, whichever source says it."""
        identity = row.identity
        at = self._index.get(identity)
        if at is not None:
            self.rows[at] = row
            update.replaced.append((at, row))
            return
        if identity in self._held:
            self._held[identity] = row
            return
        self._held[identity] = row
        self._sequence += 1
        heapq.heappush(self._waiting, (self._key(row), self._sequence, row))

    def fail(self, source: SourceKey, error: AwsError) -> MergeUpdate:
        """`source` could not go on: it leaves the frontier, named with its error and status."""
        stream = self.streams[source]
        stream.error = error
        stream.state = classify(error)
        update = MergeUpdate()
        self._release(update)
        return update

    def retry(self, source: SourceKey) -> None:
        """Put a failed source back on the frontier, from where it stopped (r)."""
        stream = self.streams[source]
        stream.error = None
        stream.state = "more" if stream.listing.started else "waiting"

    def _release(self, update: MergeUpdate) -> None:
        open_bounds = [s.bound for s in self.streams.values() if s.open]
        frontier = min(open_bounds) if open_bounds else math.inf
        while self._waiting:
            key, _, row = self._waiting[0]
            # Strictly before: a later page may hold more rows of this very second.
            if open_bounds and not key[0] < frontier:
                break
            heapq.heappop(self._waiting)
            current = self._held.pop(row.identity, row)
            self._index[current.identity] = len(self.rows)
            self.rows.append(current)
            update.released.append(current)

    def waiting(self) -> int:
        """Rows taken in but not released yet (held behind the frontier)."""
        return len(self._waiting)


def statuses(
    listing: MergedListing,
) -> Iterable[tuple[SourceKey, SourceState, int, AwsError | None]]:
    """(source, state, rows, error) for a status list, in the sources' order."""
    for stream in listing.streams.values():
        yield stream.key, stream.state, stream.rows, stream.error
