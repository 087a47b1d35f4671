"""The state of one paginated listing: which token comes next and which backups are already shown.

Pagination edge cases live here, away from widgets, so they can be unit-tested with plain pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.backups.models import Backup, BackupQuery, Page

EMPTY_PAGE_BUDGET = 20
#: Restarts allowed per listing after the API refused a NextToken (expired, invalid).
RESTART_BUDGET = 3
#: Error codes that, on a call carrying a NextToken, mean the token is no good any more: the
#: first page of the same query worked, so the token is the only thing that changed.
TOKEN_ERROR_CODES = frozenset(
    {
        "CloudHsmInvalidRequestException",
        "InvalidToken",
        "InvalidNextToken",
        "InvalidNextTokenException",
        "InvalidPaginationToken",
        "ExpiredNextTokenException",
        "ValidationException",
    }
)


class PagingError(Exception):
    """The API's paging went wrong in a way that retrying the same token cannot fix."""


@dataclass(slots=True)
class ListingUpdate:
    """What one accepted page changes: rows to append and rows to replace in place."""

    appended: list[Backup] = field(default_factory=list)
    replaced: list[tuple[int, Backup]] = field(default_factory=list)
    #: True when the page was empty but not the end: the caller should fetch on by itself,
    #: because the user cannot scroll past a page with nothing on it.
    keep_going: bool = False


class Listing:
    """Rows seen so far for one query, the next token, and guards against paging loops.

    Every backup is kept once, in the order the API first returned it; a backup seen again on a
    later page (the data changed between calls) replaces its row instead of adding a second one.
    """

    def __init__(self, query: BackupQuery) -> None:
        self.query = query
        self.next_token: str | None = None
        self.started = False
        self.pages = 0
        self.empty_streak = 0
        self.restarts = 0
        self._catch_up = 0
        self._tokens_seen: set[str] = set()
        self._index: dict[str, int] = {}

    @property
    def done(self) -> bool:
        """True once a page came back without a token: the listing is complete."""
        return self.started and self.next_token is None

    @property
    def count(self) -> int:
        """How many distinct backups this listing holds."""
        return len(self._index)

    def index_of(self, backup_id: str) -> int | None:
        """The row a backup occupies, or None when it has not been seen."""
        return self._index.get(backup_id)

    def restart(self) -> bool:
        """Go back to the first page after the API refused our token; the rows seen stay.

        Pages fetched again update their rows in place; the ones met again are not counted as
        empty until the listing is past where it was. False when the restart budget is spent.
        """
        if self.restarts >= RESTART_BUDGET:
            return False
        self.restarts += 1
        self._catch_up = self.pages
        self.next_token = None
        self.started = False
        self.empty_streak = 0
        self._tokens_seen.clear()
        return True

    def accept(self, page: Page) -> ListingUpdate:
        """Take in the page that answered `self.next_token` and say what the table must change.

        Raises PagingError when the API hands back a token it already gave for this query:
        following it would loop forever.
        """
        if page.query != self.query:
            raise ValueError("page belongs to another query")
        token = page.next_token or None  # "" means the end, exactly like a missing token
        if token is not None and token in self._tokens_seen:
            self.next_token = None
            self.started = True
            raise PagingError(
                "The API returned a NextToken it had already given for this query; "
                "stopped here rather than loop."
            )
        update = ListingUpdate()
        first_new = self.count
        for backup in page.backups:
            if not backup.backup_id:  # malformed, but still shown: nothing to de-duplicate by
                self._index[f"\0no-id-{self.count}"] = self.count
                update.appended.append(backup)
                continue
            row = self._index.get(backup.backup_id)
            if row is None:
                self._index[backup.backup_id] = self.count
                update.appended.append(backup)
            elif row >= first_new:  # twice on this very page: the later copy wins, one row
                update.appended[row - first_new] = backup
            else:
                update.replaced.append((row, backup))
        if token is not None:
            self._tokens_seen.add(token)
        self.next_token = token
        self.started = True
        self.pages += 1
        # A page of only already-seen rows adds nothing either: it counts toward the budget too,
        # except while catching up after a restart, where known rows are the expected progress.
        if update.appended:
            self.empty_streak = 0
        elif page.backups and self._catch_up > 0:
            self._catch_up -= 1
        else:
            self.empty_streak += 1
        update.keep_going = (
            token is not None and not update.appended and self.empty_streak < EMPTY_PAGE_BUDGET
        )
        return update
