"""Type-ahead: keys are handled in the order they were typed, each on the screen in front.

Textual hands every key to the focused widget as soon as the app reads it, and runs the
bindings only when the key has bubbled back up to the app. Keys that arrive together (typed
ahead, pasted, or just quick over SSH) were therefore all handed on before the first one's
binding ran: `eq` lost the `q` (it met the export dialog's bindings, not its file name),
`qe` opened the export dialog while the app was closing, which crashed it, and Ctrl+U then a
new name in the file name field wiped the new name (the binding ran after the letters).

The gate hands a key on, and holds the keys read after it until its bindings have run (it
came back to the app) or a widget kept it; a key that the focused widget takes as text (a
letter in an Input) is done when handed on, so typing never waits. A key whose screen went
away meanwhile is handed again to the screen in front, once that one has mounted. Once the
app is closing, no key does anything any more.
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
#: A key handed on is taken as done after this long even if it never came back (a widget kept
#: it without saying so): the keys behind it must not wait for ever.
IN_FLIGHT_LIMIT = 0.5
#: How often a key in flight is looked at while it has not come back.
POLL_SECONDS = 0.005


class TypeAheadGate:
    """Decides, for each key the app sees, whether Textual may handle it now.

    While the app runs no key is dropped and their order is kept.
    """

    def __init__(self, app: App[Any], closing: Callable[[], bool]) -> None:
        self._app = app
        self._closing = closing
        #: Which screen a key was handed to.
        self._handed_to: weakref.WeakKeyDictionary[events.Key, Screen[Any]] = (
            weakref.WeakKeyDictionary()
        )
        #: Each key's place in the order it was read in (a key handed on again keeps it).
        self._order: weakref.WeakKeyDictionary[events.Key, int] = weakref.WeakKeyDictionary()
        self._read = 0
        #: Keys held back, as (place, key, character), oldest first.
        self._held: list[tuple[int, str, str | None]] = []
        #: The key handed on whose bindings have not run yet, and since when.
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
        # Done: back from the widgets with its bindings run, or taken by a priority binding
        # (never handed to a widget at all).
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
        if event.is_forwarded:  # bubbled back up, for the bindings
            handed_to = self._handed_to.pop(event, None)
            if handed_to is not None and handed_to is not screen:
                self._hold(event, screen)  # meant for the screen that has come up since
                return True
            return False
        if event not in self._order:  # read from the terminal (not handed on again)
            self._read += 1
            self._order[event] = self._read
        waiting = self._held or self._in_flight is not None
        if (waiting and event is not self._in_flight) or not screen.is_mounted:
            self._hold(event, screen)
            return True
        self._handed_to[event] = screen
        focused = self._app.focused
        if focused is not None and focused.check_consume_key(event.key, event.character):
            if event is self._in_flight:  # text for the focused widget: done once handed on
                self._done()
        elif self._in_flight is None:
            self._send(event)
        return False

    def _hold(self, event: events.Key, screen: Screen[Any]) -> None:
        place = self._order.get(event, self._read)
        bisect.insort(self._held, (place, event.key, event.character))
        if event is self._in_flight:
            self._in_flight = None
        if self._in_flight is None:
            self._schedule_release(screen)

    def _send(self, event: events.Key) -> None:
        """`event` is on its way: the keys behind it wait until it is done."""
        self._in_flight = event
        self._sent_at = time.monotonic()
        self._app.set_timer(POLL_SECONDS, partial(self._check_in_flight, event))

    def _schedule_release(self, screen: Screen[Any]) -> None:
        if self._release_scheduled:
            return
        self._release_scheduled = True
        # Runs after the screen's Compose, Mount and ScreenResume: its focus is set by then.
        if not screen.call_later(self._release):
            self._app.call_later(self._release)

    def _release(self) -> None:
        """Hand on the oldest held key again, as if just read from the terminal."""
        self._release_scheduled = False
        if self._in_flight is not None or not self._held:
            return
        place, key, character = self._held.pop(0)
        replay = events.Key(key, character)
        replay.set_sender(self._app)
        self._order[replay] = place
        self._send(replay)
        self._app.post_message(replay)

    def _check_in_flight(self, event: events.Key) -> None:
        """A widget may have kept the key (stopped it), so it never comes back: then it is
        done. Textual 8.2.8 (pinned) has no public way to ask a message if it was stopped."""
        if event is not self._in_flight:
            return  # done already (or held again)
        stopped = bool(getattr(event, "_stop_propagation", False))
        if stopped or time.monotonic() - self._sent_at > IN_FLIGHT_LIMIT:
            self._done()
        else:
            self._app.set_timer(POLL_SECONDS, partial(self._check_in_flight, event))

    def _done(self) -> None:
        self._in_flight = None
        if self._held:
            try:
                screen = self._app.screen
            except Exception:
                return
            self._schedule_release(screen)
