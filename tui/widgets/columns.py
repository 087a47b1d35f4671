"""The backup table's columns: what each cell shows and which style class colours it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from tui.backups import Backup
from tui.backups.retention import SHORT_MAX
from tui.timefmt import stamp
from tui.timemodes import TimeDisplay

#: Gives a backup's expiry as (table text, urgent). The screen supplies it, because expiry
#: depends on the clock and on cluster retention policies looked up after the rows arrived.
ExpiryLookup = Callable[[Backup], tuple[str, bool]]


def no_expiry(backup: Backup) -> tuple[str, bool]:
    """Until the screen supplies a lookup, the Expires column stays blank."""
    return ("", False)


@dataclass(frozen=True, slots=True)
class Column:
    """One table column: a title, a width range, its cell text and its optional style class."""

    title: str
    cell: Callable[[Backup, ExpiryLookup], str]
    min_width: int
    max_width: int
    style: Callable[[Backup, ExpiryLookup], str | None] | None = None


_STATE_CLASSES = {
    "READY": "backup-table--ready",
    "CREATE_IN_PROGRESS": "backup-table--creating",
    "PENDING_DELETION": "backup-table--pending",
    "DELETED": "backup-table--deleted",
}
STYLE_CLASSES = {*_STATE_CLASSES.values(), "backup-table--urgent"}


def _source(b: Backup, _: ExpiryLookup) -> str:
    if not b.is_copy:
        return ""
    return f"{b.source_region or '?'}/{b.source_backup or '?'}"


def _never(b: Backup, _: ExpiryLookup) -> str:
    return "—" if b.never_expires is None else "yes" if b.never_expires else "no"


def _state_style(b: Backup, _: ExpiryLookup) -> str | None:
    return _STATE_CLASSES.get(b.state or "")


def _expiry_style(b: Backup, lookup: ExpiryLookup) -> str | None:
    return "backup-table--urgent" if lookup(b)[1] else None


COLUMNS: tuple[Column, ...] = (
    Column("Backup ID", lambda b, _: b.backup_id, 18, 28),
    Column("State", lambda b, _: b.state or "—", 5, 18, _state_style),
    # As wide as its longest text from the start: measuring it costs an expiry computation
    # per row, and a full pass over every row whenever a retention policy arrives.
    Column("Expires", lambda b, lookup: lookup(b)[0], SHORT_MAX, SHORT_MAX, _expiry_style),
    Column("Cluster", lambda b, _: b.cluster_id or "—", 7, 28),
    Column("Created (UTC)", lambda b, _: stamp(b.created), 16, 16),
    Column("Never exp.", _never, 10, 10),
    Column("Source (copied from)", _source, 20, 44),
    Column("Tags", lambda b, _: str(len(b.tags)), 4, 4),
)


#: Added after the others while backups of another account are in view (BackupTable.show_owner):
#: the account ID from the ARN.
OWNER = Column("Owner", lambda b, _: b.owner_account or "—", 12, 12)

EXPIRES = next(i for i, c in enumerate(COLUMNS) if c.title == "Expires")
CREATED = next(i for i, c in enumerate(COLUMNS) if c.title.startswith("Created"))


def with_times(times: TimeDisplay) -> tuple[Column, ...]:
    """COLUMNS with Created shown as `times` says (UTC, local or age).

    As wide as the mode's widest text from the start, like Expires: the column never needs
    measuring, so appending a page costs what it did in UTC.
    """
    if times.mode == "utc":
        return COLUMNS  # the same objects: nothing else changes in the default mode
    width = times.width
    created = Column(times.title(), lambda b, _: times.cell(b.created), width, width)
    return (*COLUMNS[:CREATED], created, *COLUMNS[CREATED + 1 :])


STATE = next(i for i, c in enumerate(COLUMNS) if c.title == "State")
#: The State cell of a backup a re-check no longer found (not an API state: our observation).
GONE = "no longer listed"


def fit(text: str, width: int) -> str:
    """Pad or cut `text` to exactly `width` cells, marking a cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
