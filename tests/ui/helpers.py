"""Waiting helpers for Pilot tests: wait for workers and messages, never sleep a fixed time."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console, RenderableType
from textual.pilot import Pilot

from tui.app import HsmBackupsApp
from tui.screens import MainScreen


async def settle(pilot: Pilot[None]) -> MainScreen:
    """Wait until no page is in flight and every message has been handled."""
    app = pilot.app
    assert isinstance(app, HsmBackupsApp)
    main = app.main_screen
    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not main.fetching and not any(w.is_running for w in app.workers):
            await pilot.pause()
            return main
    raise AssertionError("the app never settled")


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds (checked between message rounds)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for: {what}")


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
