"""Driving Textual's command palette from Pilot tests: open it, type, read the hits, pick one."""

from __future__ import annotations

from textual.app import App
from textual.command import Command, CommandInput, CommandList, CommandPalette
from textual.pilot import Pilot

from tests.ui.helpers import until
from tui.app import HsmBackupsApp


def _is_open(app: App[str]) -> bool:
    return isinstance(app.screen, CommandPalette)


async def open_palette(pilot: Pilot[str], typed: str = "", key: str = "ctrl+p") -> CommandPalette:
    """Open the palette with `key`, type `typed` into it and wait for every hit to arrive."""
    app = pilot.app
    assert isinstance(app, HsmBackupsApp)
    await pilot.press(key)
    await until(pilot, lambda: _is_open(app), "the palette opens")
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    if typed:
        await pilot.press(*typed)
        await until(
            pilot, lambda: palette.query_one(CommandInput).value == typed, "the typing lands"
        )
    await _gathered(pilot, palette)
    return palette


async def _gathered(pilot: Pilot[str], palette: CommandPalette) -> None:
    # The palette gathers in its own worker and shows results in batches. Only its workers
    # are waited for: a page held on the wire by a test must stay held.
    for _ in range(3):
        if mine := [w for w in pilot.app.workers if w.node is palette]:  # ([] means all)
            await pilot.app.workers.wait_for_complete(mine)
        await pilot.pause(0.05)
    await until(
        pilot, lambda: palette.query_one(CommandList).option_count > 0, "the hits are shown"
    )


def hits(palette: CommandPalette) -> dict[str, str]:
    """Every hit shown: its text -> its help, as the user reads them."""
    listed = palette.query_one(CommandList)
    found: dict[str, str] = {}
    for index in range(listed.option_count):
        option = listed.get_option_at_index(index)
        if isinstance(option, Command):
            found[str(option.hit.text)] = option.hit.help or ""
    return found


async def pick(pilot: Pilot[str], typed: str, name: str, key: str = "ctrl+p") -> None:
    """Open the palette, type `typed`, move to the hit called `name` and press Enter."""
    palette = await open_palette(pilot, typed, key)
    listed = palette.query_one(CommandList)
    for index in range(listed.option_count):
        option = listed.get_option_at_index(index)
        if isinstance(option, Command) and option.hit.text == name:
            listed.highlighted = index
            break
    else:
        raise AssertionError(f"no hit {name!r} among {list(hits(palette))}")
    await pilot.press("enter")
    await until(pilot, lambda: not _is_open(pilot.app), "the palette closes")
    await pilot.pause()
