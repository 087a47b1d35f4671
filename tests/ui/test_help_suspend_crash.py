"""The help tells about Ctrl+Z (suspend), crash reports and tmux's clipboard fix; Ctrl+Z is
harmless where the platform cannot suspend (here: Pilot's headless driver)."""

from __future__ import annotations

from textual.widgets import Static

from tests.ui.conftest import AppFactory
from tests.ui.helpers import settle, text_of
from tui.screens import HelpScreen


async def test_help_names_ctrl_z_crash_reports_and_the_tmux_fix(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        texts = [text_of(static.content, width=400) for static in app.screen.query(Static)]  # type: ignore[arg-type]
        words = " ".join(" ".join(text.split()) for text in texts)
    assert "ctrl+z Suspend to the shell, as any terminal program does; fg brings it back" in words
    assert (
        "Crashes: an unexpected error closes the app with one line naming a crash report" in words
    )
    assert "no variables, environment or credentials" in words
    assert "the app says Not copied and shows the text ('tmux set -g set-clipboard on'" in words


async def test_ctrl_z_where_the_driver_cannot_suspend_changes_nothing(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.is_running
        assert app.screen is main
