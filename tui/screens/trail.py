"""The way back: where the browser was before a jump, a region switch or a palette query.

k9s-like: Backspace or [ goes back to the previous place (its query, region, filters and the
backup under the cursor), ] forward again. Plain data, no textual: the screen owns one.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.backups import BackupQuery

#: Places kept behind and ahead: enough for a long walk along a lineage, bounded all the same.
MAX_PLACES = 50


@dataclass(frozen=True, slots=True)
class Place:
    """A listing and where the cursor was in it."""

    query: BackupQuery
    #: The backup under the cursor, and how many rows were loaded (paging goes that far to
    #: find it again).
    backup_id: str | None = None
    loaded: int = 0


class Trail:
    """Places left behind (most recent last) and places gone back from (for forward)."""

    def __init__(self) -> None:
        self._behind: list[Place] = []
        self._ahead: list[Place] = []

    def leave(self, here: Place) -> None:
        """The browser goes somewhere new from `here`: it can come back; forward is forgotten."""
        if self._behind and self._behind[-1].query == here.query:
            self._behind[-1] = here  # the same listing again: keep its newest cursor only
        else:
            self._behind.append(here)
            del self._behind[:-MAX_PLACES]
        self._ahead.clear()

    def back(self, here: Place) -> Place | None:
        """The place before `here`, or None at the start of the trail."""
        if not self._behind:
            return None
        self._ahead.append(here)
        return self._behind.pop()

    def forward(self, here: Place) -> Place | None:
        """The place gone back from last, or None when nothing is ahead."""
        if not self._ahead:
            return None
        self._behind.append(here)
        return self._ahead.pop()

    @property
    def can_go_back(self) -> bool:
        return bool(self._behind)
