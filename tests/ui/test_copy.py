"""Copying out of the browser: y, the Y menu, tmux, and the text fallback (exact bytes)."""

from __future__ import annotations

import base64

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from tests.ui.conftest import AppFactory
from tests.ui.helpers import settle
from tui.app import HsmBackupsApp
from tui.screens.copy import CopyMenu, CopyText


def _record(app: HsmBackupsApp) -> list[str]:
    """Every clipboard sequence the app writes to the terminal from now on."""
    written: list[str] = []
    driver = app._driver
    assert driver is not None
    write = driver.write

    def recording(data: str) -> None:
        if "52;c;" in data:  # not the frames, nor the pointer shape (OSC 22)
            written.append(data)
        write(data)

    driver.write = recording  # type: ignore[method-assign]
    return written


async def _menu_on(pilot: Pilot[str], key: str) -> CopyMenu:
    """Open the Y menu and highlight the choice `key` (as a user would with the arrows)."""
    await pilot.press("Y")
    await pilot.pause()
    menu = pilot.app.screen
    assert isinstance(menu, CopyMenu)
    index = next(i for i, c in enumerate(menu.choices) if c.key == key)
    menu.query_one(OptionList).highlighted = index
    return menu


def _osc52(text: str) -> str:
    return "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"


async def test_y_copies_the_highlighted_id_as_osc52(make_app: AppFactory) -> None:
    app = make_app()
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("j", "j")
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await pilot.press("y")
        await pilot.pause()
        assert "".join(written) == _osc52(backup.backup_id)
        assert any("Copied backup ID" in str(n.message) for n in app._notifications)


async def test_inside_tmux_both_the_plain_and_the_passthrough_sequence_go_out(
    make_app: AppFactory,
) -> None:
    app = make_app()
    app.environ = {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await pilot.press("y")
        await pilot.pause()
        plain = _osc52(backup.backup_id)
        wrapped = "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
        assert "".join(written) == plain + wrapped


async def test_the_menu_copies_a_ready_to_run_command(make_app: AppFactory) -> None:
    app = make_app()
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await _menu_on(pilot, "restore")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CopyMenu)
        (sequence,) = written
        assert sequence.startswith("\x1b]52;c;")
        assert sequence.endswith("\x07")
        copied = base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode()
        region = main.backup_query.region
        assert copied == (
            f"aws cloudhsmv2 restore-backup --backup-id {backup.backup_id} --region {region}"
        )


async def test_t_in_the_menu_shows_the_text_instead_and_writes_nothing(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await _menu_on(pilot, "json")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, CopyText)
        body = str(app.screen.query_one("#copy-body", Static).render())
        assert f'"BackupId": "{backup.backup_id}"' in body
        assert written == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CopyText)


async def test_text_too_big_for_one_sequence_is_shown_to_select(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        written = _record(app)
        assert app.copy_out("x" * 80_000, "a big thing") is None
        await pilot.pause()
        assert isinstance(app.screen, CopyText)
        reason = str(app.screen.query_one("#copy-reason", Static).render())
        assert "Too big for the clipboard" in reason
        assert written == []
