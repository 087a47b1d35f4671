"""Waiting helpers for Pilot tests: wait for workers and messages, never sleep a fixed time."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Generic, TypeVar

from rich.console import Console, RenderableType
from textual.message import Message
from textual.pilot import Pilot

from tui.app import HsmBackupsApp
from tui.screens import MainScreen


async def settle(pilot: Pilot[str]) -> MainScreen:
    """Wait until no page is in flight and every message has been handled."""
    app = pilot.app
    assert isinstance(app, HsmBackupsApp)
    main = app.main_screen
    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The detail follows the cursor by message, then waits to look its lineage up.
        lagging = main.detail.backup is not main.table.current
        busy = main.fetching or lagging or not main.detail.settled
        if not busy and not any(w.is_running for w in app.workers):
            await stable(pilot)
            return main
    raise AssertionError("the app never settled")


def _frame(app: HsmBackupsApp) -> list[list[tuple[str, object]]]:
    return [
        [(seg.text, seg.style) for seg in strip] for strip in app.screen._compositor.render_strips()
    ]


async def stable(pilot: Pilot[str]) -> None:
    """Let layout settle: two identical frames in a row (auto-height panes take a pass)."""
    app = pilot.app
    assert isinstance(app, HsmBackupsApp)
    previous = None
    for _ in range(50):
        await pilot.pause()
        frame = _frame(app)
        if frame == previous:
            return
        previous = frame
    raise AssertionError("the screen never stopped changing")


async def until(pilot: Pilot[str], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds (checked between message rounds)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for: {what}")


M = TypeVar("M", bound=Message)


class Heard(Generic[M]):
    """The messages of one kind the app processed, seen from outside by run_test's message_hook.

    `app.run_test(message_hook=heard)`: the test observes what the app told itself (a page
    landed, a re-check came back) without a counter in the app kept for it.
    """

    def __init__(self, kind: type[M]) -> None:
        self.kind = kind
        self.messages: list[M] = []
        self._seen: set[int] = set()

    def __call__(self, message: Message) -> None:
        # The hook sees a message once per node it reaches: a bubbling one is counted once.
        if isinstance(message, self.kind) and id(message) not in self._seen:
            self._seen.add(id(message))
            self.messages.append(message)


def focus_of(app: HsmBackupsApp) -> object:
    """The focused widget, typed loosely so successive identity checks stay comparable."""
    return app.focused


def screen_text(app: HsmBackupsApp) -> str:
    """The characters currently on the app's screen, one line per row, as a user reads them."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def text_of(renderable: RenderableType, width: int = 100) -> str:
    """What a renderable shows, as plain text."""
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text()
