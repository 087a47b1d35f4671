"""The state of one paginated listing: which token comes next and which backups are already shown.

Pagination edge cases live here, away from widgets, so they can be unit-tested with plain pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.backups.models import Backup, BackupQuery, Page

if TYPE_CHECKING:
    from tui.backups.source import BackupSource

EMPTY_PAGE_BUDGET = 20
#: Most pages one listing follows: 20,000 pages of 50 are a million backups, ten times what the
#: table is measured with. At the cap the listing stops with a PagingLimit error (rows kept).
MAX_PAGES = 20_000
#: Most backups one listing holds (an endpoint may answer far more than the 50 rows asked for
#: per page). At the cap the listing stops with a PagingLimit error too.
MAX_ROWS = 1_000_000
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


class PagingLimit(PagingError):
    """A listing reached MAX_PAGES or MAX_ROWS: it stops there and says so."""


def token_digest(token: str) -> bytes:
    """16 bytes that stand for a NextToken (BLAKE2b): enough to tell a repeat, never the token.

    `surrogatepass`: a token is opaque, and JSON can carry a lone surrogate in it.
    """
    return hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class TokenGuard:
    """The NextTokens one query has handed out, as digests: a token given twice is a loop.

    Tokens are opaque and can be huge: with 1 MB tokens, keeping every one for this check
    took 2.2 GB in 40 s of loading all. A digest costs about 100 bytes whatever the token's
    size, and at most `limit` are kept (PagingLimit past that), so a query's guard stays
    under ~2 MB at MAX_PAGES.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_PAGES if limit is None else limit
        self._digests: set[bytes] = set()

    def __len__(self) -> int:
        return len(self._digests)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token_digest(token) in self._digests

    def add(self, token: str) -> None:
        """Remember `token`. PagingError when it was handed out before; PagingLimit when
        `limit` tokens are already held (the query has had that many pages)."""
        digest = token_digest(token)
        if digest in self._digests:
            raise PagingError(
                "The API returned a NextToken it had already given for this query; "
                "stopped here rather than loop."
            )
        if len(self._digests) >= self.limit:
            raise PagingLimit(
                f"This query has more than {self.limit:,} pages, the most one listing follows; "
                f"stopped after {self.limit:,} with the rows loaded so far. Narrow the filters "
                "to see the rest."
            )
        self._digests.add(digest)

    def clear(self) -> None:
        self._digests.clear()


def follow(
    source: BackupSource,
    region: str | None,
    operation: str,
    params: dict[str, Any],
    *,
    budget: int,
    before_call: Callable[[], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """The one NextToken loop of the look-ups: every response of `operation`, page by page.

    Lineage hops, cluster policies and the watch's re-checks all page through here, with one
    policy: an empty page with a token goes on, no token or "" ends, a token handed out
    twice is a loop and more than `budget` pages is a runaway: both raise AwsError
    (PagingLoop, PagingLimit) rather than stop quietly with half an answer. (The listing's own
    paging, with its restarts, is `Listing`.) The caller may stop early by leaving the loop.
    """
    from tui.backups.errors import describe_error

    guard = TokenGuard(budget)
    token: str | None = None
    while True:
        call = dict(params)
        if token:
            call["NextToken"] = token
        if before_call is not None:
            before_call()
        response = source.call(region, operation, **call)
        yield response
        following = response.get("NextToken")
        if not isinstance(following, str) or not following:
            return
        try:
            guard.add(following)
        except PagingError as exc:
            raise describe_error(exc) from exc
        token = following


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

    def __init__(
        self, query: BackupQuery, *, max_pages: int | None = None, max_rows: int | None = None
    ) -> None:
        self.query = query
        self.next_token: str | None = None
        self.started = False
        self.pages = 0
        self.empty_streak = 0
        self.restarts = 0
        self.max_rows = MAX_ROWS if max_rows is None else max_rows
        self._catch_up = 0
        self._tokens_seen = TokenGuard(max_pages)
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
        following it would loop forever. Raises PagingLimit, before taking any of the page's
        rows, when the page would take the listing past MAX_PAGES pages or MAX_ROWS rows.
        """
        if page.query != self.query:
            raise ValueError("page belongs to another query")
        token = page.next_token or None  # "" means the end, exactly like a missing token
        try:
            if token is not None:
                self._tokens_seen.add(token)
            new = sum(1 for b in page.backups if not b.backup_id or b.backup_id not in self._index)
            if self.count + new > self.max_rows:
                raise PagingLimit(
                    f"This query has more than {self.max_rows:,} backups, the most one listing "
                    "holds; stopped here with the rows loaded so far. Narrow the filters to see "
                    "the rest."
                )
        except PagingError:
            self.next_token = None
            self.started = True
            raise
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
