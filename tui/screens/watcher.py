"""Watcher: MainScreen's helper that re-checks the loaded backups still changing, now and then."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.message import Message
from textual.timer import Timer

from tui.backups import AwsError, Backup, clean
from tui.backups import describe_error as to_aws_error
from tui.backups.watch import IdlePolicy, Recheck, backoff, is_watched, recheck
from tui.timefmt import span
from tui.widgets.safe import tell

if TYPE_CHECKING:
    from tui.app import HsmBackupsApp
    from tui.screens.main import MainScreen


class Watcher:
    """Keeps the CREATE_IN_PROGRESS and PENDING_DELETION rows current while any is loaded.

    Every INTERVAL seconds one thread worker asks describe_backups about those rows only
    (backupIds batches); the answer is tied to the screen's generation and dropped when the
    query changed meanwhile. Rows are updated in place; a backup no longer returned keeps its
    row, marked "no longer listed". Failures back off (doubling, up to 10 min) and keep
    trying. Pauses when idle in the background (see IdlePolicy); a key resumes at once.
    """

    #: Seconds between checks while all is well.
    INTERVAL: ClassVar[float] = 30.0
    #: No key for this long (in a terminal that does not report focus): pause.
    IDLE_AFTER: ClassVar[float] = 15 * 60
    #: In the background (the terminal reported the focus gone) for this long: pause.
    BACKGROUND_AFTER: ClassVar[float] = 5 * 60

    @dataclass
    class Done(Message):
        """A re-check for the query of `generation` came back: a result or an error."""

        generation: int
        result: Recheck | None
        error: AwsError | None = None

    def __init__(
        self,
        screen: MainScreen,
        *,
        enabled: bool,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.screen = screen
        self.enabled = enabled
        self.monotonic = monotonic
        self.policy = IdlePolicy(
            monotonic(), idle_after=self.IDLE_AFTER, background_after=self.BACKGROUND_AFTER
        )
        #: IDs of loaded rows in a watched state, in table order (kept with --no-watch too, for
        #: the status line to say they are not re-checked).
        self.watched: dict[str, None] = {}
        #: When the last re-check answered (shown in the table's time zone).
        self.checked_at: datetime | None = None
        self.error: AwsError | None = None
        self.failures = 0
        #: Why watching is paused ("idle", "in the background"), None while it runs.
        self.paused: str | None = None
        #: The generation of the re-check in flight, None when none is.
        self.in_flight: int | None = None
        self._timer: Timer | None = None

    def mount(self) -> None:
        """Follow the terminal's focus reports (AppFocus/AppBlur set App.app_focus)."""
        if self.enabled:
            self.screen.watch(self.screen.app, "app_focus", self._focus_changed, init=False)

    # ---- what is watched ----------------------------------------------------------------

    def reset(self) -> None:
        """A new query: nothing is watched until its rows arrive; a check in flight is stale.

        Someone asked for it (a filter, r, a jump): that counts as activity, a pause ends.
        """
        self._cancel_timer()
        self.policy.input(self.monotonic())
        self.paused = None
        self.watched.clear()
        self.checked_at = None
        self.error = None
        self.failures = 0

    def rows_changed(self, backups: Iterable[Backup]) -> None:
        """Rows arrived or changed: watch those in a changing state, forget the others."""
        for backup in backups:
            if is_watched(backup):
                self.watched[backup.backup_id] = None
            else:
                self.watched.pop(backup.backup_id, None)
        if not self.enabled:
            return
        if not self.watched:
            self._cancel_timer()
        elif self._timer is None and self.in_flight is None and self.paused is None:
            self._schedule(self.INTERVAL)

    # ---- timing -------------------------------------------------------------------------

    def _schedule(self, delay: float) -> None:
        self._cancel_timer()
        self._timer = self.screen.set_timer(delay, self._due, name="watch")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _due(self) -> None:
        self._timer = None
        self.paused = self.policy.paused(self.monotonic())
        if self.paused is None:
            self.check_now()
        else:
            self.screen.refresh_status()

    def active(self) -> None:
        """A key was pressed: the user is here. A paused watch checks at once."""
        self.policy.input(self.monotonic())
        self._resume()

    def _focus_changed(self, focused: bool) -> None:
        self.policy.focus(focused, self.monotonic())
        if focused:
            self._resume()

    def _resume(self) -> None:
        if self.paused is not None:
            self.paused = None
            self.check_now()

    # ---- checking -----------------------------------------------------------------------

    def check_now(self) -> None:
        """Re-check the watched rows now (unless a check is in flight or none is watched)."""
        self._cancel_timer()
        if not self.enabled or not self.watched or self.in_flight is not None:
            self.screen.refresh_status()
            return
        screen = self.screen
        generation, query = screen.generation, screen.backup_query
        ids = list(self.watched)
        self.in_flight = generation

        def work() -> None:
            try:
                result = recheck(screen.source, query.region, ids, shared=query.shared)
            except Exception as exc:
                screen.post_message(self.Done(generation, None, to_aws_error(exc)))
                return
            screen.post_message(self.Done(generation, result))

        screen.run_worker(
            work,
            thread=True,
            group="watch",
            exit_on_error=False,
            description="describe_backups re-check (watch)",
        )
        screen.refresh_status()

    def done(self, event: Done) -> None:
        """Apply a re-check (on the UI thread); a stale one is dropped, not mixed in."""
        self.in_flight = None
        screen = self.screen
        if event.generation != screen.generation:
            if self.watched and self._timer is None:
                self._schedule(self.INTERVAL)  # the new query's rows: a full interval
            return
        if event.result is None:
            self._failed(event.error or AwsError("Unknown", "Watch failed", "", ""))
            return
        recovered = self.error is not None
        self.error, self.failures = None, 0
        self.checked_at = screen.settings.clock()
        self._apply(event.result)
        if recovered:
            tell(screen, "Watching again: the re-check worked.", timeout=3)
        if self.watched:
            self._schedule(self.INTERVAL)
        else:
            self._cancel_timer()  # nothing left that changes by itself: watching stops
        screen.refresh_status()

    def _apply(self, result: Recheck) -> None:
        screen = self.screen
        rows = screen.table.all_rows
        changes: list[tuple[int, Backup]] = []
        for backup in result.found:
            index = screen.listing.index_of(backup.backup_id)
            if index is None or index >= len(rows) or rows[index].backup_id != backup.backup_id:
                continue  # not a row of this listing: nothing is added
            old = rows[index]
            if backup != old or backup.extra != old.extra:
                changes.append((index, backup))
        if changes:
            screen.replace_rows(changes)
        self.rows_changed(result.found)
        gone = [i for i in result.missing if i in self.watched]
        for backup_id in gone:
            self.watched.pop(backup_id, None)
        if gone:
            screen.table.mark_gone(gone)
            listed = ", ".join(gone[:3]) + (f" and {len(gone) - 3} more" if len(gone) > 3 else "")
            tell(
                screen,
                f"{listed}: no longer returned by describe_backups (deleted and purged, or the "
                "creation failed). The row stays as last seen, marked 'no longer listed'.",
                title="Backup gone",
                severity="warning",
                timeout=8,
            )

    def _failed(self, error: AwsError) -> None:
        first = self.error is None
        self.error = error
        self.failures += 1
        wait = backoff(self.INTERVAL, self.failures)
        if self.watched:
            self._schedule(wait)
        if first:
            tell(
                self.screen,
                f"{clean(error.message)}\nWatching keeps trying, less often (next in "
                f"{span(wait)}); the rows shown stay as last checked.",
                title=f"{clean(error.code)} · watch",
                severity="warning",
                timeout=8,
            )
        self.screen.refresh_status()

    # ---- what the user reads --------------------------------------------------------------

    def gone_note(self, backup: Backup) -> Text | None:
        """The detail pane's line for a backup no longer listed."""
        if backup.backup_id not in self.screen.table.gone:
            return None
        return Text(
            "No longer returned by describe_backups: deleted and purged, or its creation "
            "failed. The fields below are as last seen.",
            style="bold",
        )

    def status(self, *, narrow: bool = False) -> Text:
        """`watching 3 · checked 12:04:31`, or what keeps it from that; empty when idle.

        `narrow` keeps it short ("checked" and the retry time go), to fit 80 columns.
        """
        out = Text()
        if not self.watched:
            return out
        if not self.enabled:  # --no-watch: rows that change by themselves stay as loaded
            out.append(
                f"{len(self.watched)} changing, not watched" if not narrow else "not watched"
            )
            return out
        out.append(f"watching {len(self.watched)}")
        if self.paused is not None:
            out.append(" · paused" if narrow else f" · paused ({self.paused}): a key resumes")
        elif self.error is not None:
            out.append(f" · ⚠ {clean(self.error.code)}", style="bold")
            if not narrow:
                out.append(f", retry in {span(backoff(self.INTERVAL, self.failures))}")
        elif self.in_flight is not None and self.checked_at is None:
            out.append(" · checking…")
        elif self.checked_at is not None:
            when = cast("HsmBackupsApp", self.screen.app).time_display.clock_time(self.checked_at)
            out.append(f" · {when}" if narrow else f" · checked {when}")
        return out
