"""Watch: re-check the loaded backups that are still changing, a batch of IDs per call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tui.backups.models import MAX_PAGE_SIZE, Backup, BackupQuery
from tui.backups.paging import follow
from tui.backups.source import BackupSource

__all__ = [
    "BATCH_SIZE",
    "WATCHED_STATES",
    "IdlePolicy",
    "Recheck",
    "backoff",
    "batches",
    "is_watched",
    "recheck",
]

#: States AWS moves a backup out of by itself (or a person does: a restore, a deletion).
WATCHED_STATES = frozenset({"CREATE_IN_PROGRESS", "PENDING_DELETION"})

#: backupIds per call. The botocore model caps neither the `backupIds` list (the `Strings`
#: shape has no max; only the Filters map is limited, to 30 keys) nor its items, while
#: MaxResults is 1-50: with 50 IDs and MaxResults 50 one page normally answers a batch.
#: NextToken is still followed, in case the service pages smaller than asked.
BATCH_SIZE = MAX_PAGE_SIZE
#: Pages one batch may take before it counts as a paging loop (50 pages of one backup each).
PAGE_BUDGET = BATCH_SIZE + 1

#: Longest wait between checks after failures in a row (throttling, denied, offline).
BACKOFF_CAP = 600.0


def is_watched(backup: Backup) -> bool:
    """True for a backup whose state is expected to change by itself."""
    return backup.state in WATCHED_STATES and bool(backup.backup_id)


def batches(ids: Iterable[str], size: int = BATCH_SIZE) -> list[tuple[str, ...]]:
    """Unique IDs in order, cut into batches of at most `size` (at least 1)."""
    unique = list(dict.fromkeys(i for i in ids if i))
    step = max(1, size)
    return [tuple(unique[i : i + step]) for i in range(0, len(unique), step)]


@dataclass(frozen=True, slots=True)
class Recheck:
    """What one re-check found: the backups returned for the IDs asked, and how many calls."""

    region: str | None
    asked: tuple[str, ...]
    #: Each asked backup the API returned, once, in the order first returned.
    found: tuple[Backup, ...] = ()
    calls: int = 0

    @property
    def missing(self) -> tuple[str, ...]:
        """Asked IDs the API no longer returns (purged, or creation failed and was cleaned up)."""
        found = {b.backup_id for b in self.found}
        return tuple(i for i in self.asked if i not in found)


def recheck(
    source: BackupSource,
    region: str | None,
    ids: Sequence[str],
    *,
    shared: bool = False,
) -> Recheck:
    """describe_backups with a `backupIds` filter for `ids`, in batches, following NextToken.

    Runs in a worker thread. `region` is the listing's region (None: the profile's default,
    as the listing used); `shared` must match the listing's Shared flag, or backups shared by
    another account would come back as missing. Backups the API returns that were not asked
    for are ignored. Raises AwsError (from the source, or a token loop: PagingLoop).
    """
    found: dict[str, Backup] = {}
    asked: list[str] = []
    calls = 0
    for batch in batches(ids):
        asked += batch
        wanted = set(batch)
        query = BackupQuery(region=region, backup_ids=batch, shared=shared)
        params = query.request(BATCH_SIZE, None)
        for response in follow(source, region, "describe_backups", params, budget=PAGE_BUDGET):
            calls += 1
            for item in response.get("Backups") or []:
                if not isinstance(item, dict):
                    continue
                backup = Backup.from_api(item)
                if backup.backup_id in wanted:
                    found[backup.backup_id] = backup  # seen twice: the later answer wins
    return Recheck(
        region=region,
        asked=tuple(asked),
        found=tuple(found.values()),
        calls=calls,
    )


def backoff(interval: float, failures: int, cap: float = BACKOFF_CAP) -> float:
    """Seconds until the next check after `failures` failed ones in a row: doubling, capped."""
    if failures <= 0:
        return interval
    return min(max(cap, interval), interval * float(2 ** min(failures, 16)))


@dataclass(slots=True)
class IdlePolicy:
    """When watching pauses: in the background for long, or long without a key.

    Times are monotonic seconds passed in. Terminals that report focus (FocusIn/FocusOut) say
    when the app is in the background: watching pauses after `background_after` there. Until
    one has reported a change, focus is unknown (Textual assumes "focused"), so watching
    pauses after `idle_after` without a key instead. A key, or focus coming back, resumes.
    """

    last_input: float
    idle_after: float = 15 * 60
    background_after: float = 5 * 60
    #: When the terminal last said the app lost focus; None while it has focus.
    blurred_at: float | None = None
    #: True once the terminal has reported a focus change: its reports can be trusted.
    reports_focus: bool = False

    def input(self, now: float) -> None:
        """A key was pressed: the user is here (and so is the focus)."""
        self.last_input = now
        self.blurred_at = None

    def focus(self, focused: bool, now: float) -> None:
        """The terminal reported that the app gained or lost focus."""
        self.reports_focus = True
        if focused:
            self.blurred_at = None
            self.last_input = now
        elif self.blurred_at is None:
            self.blurred_at = now

    def paused(self, now: float) -> str | None:
        """Why watching should pause now ("in the background", "idle"), or None."""
        if self.blurred_at is not None and now - self.blurred_at >= self.background_after:
            return "in the background"
        if not self.reports_focus and now - self.last_input >= self.idle_after:
            return "idle"
        return None
