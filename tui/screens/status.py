"""The status line and the table's trailer line, as pure functions of the listing's state."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from tui.backups import AwsError, clean
from tui.backups.paging import EMPTY_PAGE_BUDGET


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@dataclass(frozen=True, slots=True)
class ListingState:
    """What the status line needs to know; the API gives no total, so neither does this."""

    loaded: int
    shown: int
    fetching: bool
    done: bool
    empty_streak: int
    error: AwsError | None
    expiring_within: int | None
    loading_all: bool = False


def status_line(state: ListingState) -> tuple[Text, str | None]:
    """(status for the border and top bar, trailer line under the last row or None)."""
    n = state.loaded
    status = Text()
    if state.expiring_within is not None:
        status.append(
            f"{state.shown} of {n} shown · expiring ≤ {state.expiring_within} d (local) · ",
            style="bold",
        )
    trailer: str | None
    if state.error is not None:
        status.append(f"{n} loaded · ")
        status.append(f"⚠ {clean(state.error.code)} — r retries", style="bold")
        trailer = f"⚠ {clean(state.error.code)}: {clean(state.error.title)} — press r to retry"
    elif state.loading_all:
        status.append(f"{n} loaded · loading all… A stops")
        trailer = f"▼ loading all — {n} so far — press A to stop"
    elif state.fetching:
        status.append(f"{n} loaded · loading…" if n else "loading…")
        trailer = "▼ loading more…"
    elif state.empty_streak >= EMPTY_PAGE_BUDGET:
        pages = state.empty_streak
        status.append(f"{n} loaded · {pages} pages without new backups · m scans on")
        trailer = f"▼ still scanning: {pages} pages added nothing — press m to keep going"
    elif state.done:
        status.append(f"{_plural(n, 'backup')} · complete")
        trailer = f"— end of list · {_plural(n, 'backup')} —" if n else None
    elif state.expiring_within is not None:
        status.append(f"{n} loaded · more available · m loads the next page")
        trailer = "▼ more backups exist — m loads the next page (the local filter does not)"
    else:
        status.append(f"{n} loaded · more available")
        trailer = "▼ more available — keep scrolling"
    return status, trailer if state.shown else None
