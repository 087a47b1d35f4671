"""Type-ahead: keys typed while a screen opens or closes reach the screen the user then sees.

Textual hands every key to the focused widget as soon as the app reads it, and runs the
screen's bindings only when the key bubbles back up to the app. Keys that arrive in one read
(typed ahead, or pasted) are therefore all handed to the screen that was showing, even when
the first of them opens a dialog: the second one then met the dialog's bindings but not its
widgets. `eq` lost the `q`; Ctrl+P then `q` lost it too; `qe` opened the export dialog while
the app was closing, which crashed it.

The gate holds such a key, and every key read after it, and hands them on again one at a time
once the screen in front has mounted; once the app is closing, no key opens anything any more.
Keys typed while no screen changes go straight through, as before.
"""

from __future__ import annotations

import bisect
import time
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

#: Never held: the way out must work even if a screen never finishes mounting.
UNHELD_KEYS = frozenset({"ctrl+c"})
#: A key handed on again is taken as done after this long, even if it never came back (a
#: widget kept it): the keys behind it must not wait for ever.
IN_FLIGHT_LIMIT = 0.25
#: How often a key in flight is looked at while others wait behind it.
POLL_SECONDS = 0.005


class TypeAheadGate:
    """Decides, for each key the app sees, whether Textual may handle it now.

    While the app runs no key is dropped and their order is kept: a held key waits, with every
    key read after it, until the screen in front has mounted and the key before it is done.
    """

    def __init__(self, app: App[Any], closing: Callable[[], bool]) -> None:
        self._app = app
        self._closing = closing
        #: Which screen a key read from the terminal was handed to.
        self._handed_to: weakref.WeakKeyDictionary[events.Key, Screen[Any]] = (
            weakref.WeakKeyDictionary()
        )
        #: Each key's place in the order it was read in (a key handed on again keeps it).
        self._order: weakref.WeakKeyDictionary[events.Key, int] = weakref.WeakKeyDictionary()
        self._read = 0
        #: Keys held back, as (place, key, character), oldest first.
        self._held: list[tuple[int, str, str | None]] = []
        #: The key this gate handed on again and is waiting for, and since when.
        self._in_flight: events.Key | None = None
        self._sent_at = 0.0
        self._release_scheduled = False

    async def dispatch(
        self, event: events.Key, handle: Callable[[events.Key], Awaitable[None]]
    ) -> None:
        """Let Textual `handle` the key now, or keep it for later."""
        if self._holds(event):
            return
        returning = event.is_forwarded
        await handle(event)
        # Handled for good: back from the widgets with its bindings run, or taken by a
        # priority binding (never handed to a widget at all).
        if event is self._in_flight and (returning or not event.is_forwarded):
            self._done()

    def _holds(self, event: events.Key) -> bool:
        if self._closing():
            return True  # q was pressed: nothing typed after it may open a screen
        if event.key in UNHELD_KEYS:
            return False
        try:
            screen = self._app.screen
        except Exception:  # no screen yet, or none left: Textual copes with the key itself
            return False
        if not event.is_forwarded:  # read from the terminal, or handed on again by the gate
            if event not in self._order:
                self._read += 1
                self._order[event] = self._read
            if event is not self._in_flight and (self._held or self._in_flight is not None):
                self._hold(event, screen)  # behind the keys typed before it
                return True
            if not screen.is_mounted:
                self._hold(event, screen)
                return True
            self._handed_to[event] = screen
            return False
        # Bubbled back up for the bindings: hold it if another screen came up meanwhile.
        handed_to = self._handed_to.pop(event, None)
        if handed_to is not None and handed_to is not screen:
            self._hold(event, screen)
            return True
        return False

    def _hold(self, event: events.Key, screen: Screen[Any]) -> None:
        place = self._order.get(event, self._read)
        bisect.insort(self._held, (place, event.key, event.character))
        if event is self._in_flight:
            self._in_flight = None
        if self._in_flight is None:
            self._schedule_release(screen)

    def _schedule_release(self, screen: Screen[Any]) -> None:
        if self._release_scheduled:
            return
        self._release_scheduled = True
        # Runs after the screen's Compose, Mount and ScreenResume: its focus is set by then.
        if not screen.call_later(self._release):
            self._app.call_later(self._release)

    def _release(self) -> None:
        """Hand on the oldest held key, as if just read from the terminal."""
        self._release_scheduled = False
        if self._in_flight is not None or not self._held:
            return
        place, key, character = self._held.pop(0)
        replay = events.Key(key, character)
        replay.set_sender(self._app)
        self._order[replay] = place
        self._in_flight = replay
        self._sent_at = time.monotonic()
        self._app.post_message(replay)
        self._app.set_timer(POLL_SECONDS, partial(self._check_in_flight, replay))

    def _check_in_flight(self, replay: events.Key) -> None:
        """The key in flight may have been kept by a widget (an Input takes letters) and will
        never come back: then it is done. Textual 8.2.8 (pinned) has no public way to ask a
        message whether it was stopped."""
        if replay is not self._in_flight:
            return  # done already (or held again)
        stopped = bool(getattr(replay, "_stop_propagation", False))
        if stopped or time.monotonic() - self._sent_at > IN_FLIGHT_LIMIT:
            self._done()
        else:
            self._app.set_timer(POLL_SECONDS, partial(self._check_in_flight, replay))

    def _done(self) -> None:
        self._in_flight = None
        if self._held:
            try:
                screen = self._app.screen
            except Exception:
                return
            self._schedule_release(screen)
