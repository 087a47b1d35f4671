"""--pick inside the app: Enter hands back the highlighted backup; Esc and q hand back nothing.

(The command itself, with stdout read back, is in tests/test_terminal.py.)
"""

from __future__ import annotations

import json

import pytest

from tests.ui.conftest import AppFactory
from tests.ui.helpers import screen_text, settle


async def test_enter_picks_the_highlighted_backup_as_json(make_app: AppFactory) -> None:
    app = make_app(pick="json")
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("j")
        backup = main.table.current
        assert backup is not None
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0
    assert app.return_value is not None
    picked = json.loads(app.return_value)
    assert picked["BackupId"] == backup.backup_id
    assert picked["BackupArn"] == backup.arn


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_leaving_without_a_pick_returns_nothing_with_status_1(
    make_app: AppFactory, key: str
) -> None:
    app = make_app(pick="id")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await pilot.pause()
    assert app.return_value is None
    assert app.return_code == 1


async def test_without_pick_enter_opens_the_detail_as_before(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert main.detail.has_focus_within
        assert app.is_running


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_footer_says_enter_picks_and_q_cancels(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app(pick="id")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "⏎ Pick" in footer
        assert "q Cancel" in footer
        assert "Detail" not in footer
        assert "Quit" not in footer


async def test_without_pick_the_footer_keeps_detail_and_quit(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "⏎ Detail" in footer
        assert "q Quit" in footer
