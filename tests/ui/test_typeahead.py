"""Type-ahead: keys that arrive in one read (typed ahead, pasted) while a screen opens or
closes are handled as if typed one by one, and never crash the app.

Pilot's `press` waits for the app to go idle after each key, so it cannot show this; `burst`
posts every key at once, as the terminal driver does with the bytes of one read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.command import CommandInput, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from tests.ui.conftest import AppFactory
from tests.ui.helpers import screen_text, settle, until
from tui.app import HsmBackupsApp
from tui.screens import HelpScreen, MainScreen
from tui.screens.copy import CopyMenu, CopyText
from tui.screens.export import ExportScreen
from tui.typeahead import IN_FLIGHT_LIMIT

#: (key, character) as Textual's driver makes them, for what is not a plain letter here.
_KEYS: dict[str, tuple[str, str | None]] = {
    "↓": ("down", None),
    "?": ("question_mark", "?"),
    "\x1b": ("escape", "\x1b"),
    "\r": ("enter", "\r"),
    "\x10": ("ctrl+p", "\x10"),
    "\x15": ("ctrl+u", "\x15"),
}


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The export dialog suggests a file in the current directory: keep it in tmp_path."""
    monkeypatch.chdir(tmp_path)


def burst(app: HsmBackupsApp, typed: str) -> None:
    """Post the keys of `typed` to the app all at once, as one read from the terminal would."""
    for char in typed:
        event = events.Key(*_KEYS.get(char, (char, char)))
        event.set_sender(app)
        app.post_message(event)


async def calm(pilot: Pilot[str]) -> None:
    """Let every posted key, and what it opened, be handled."""
    for _ in range(10):
        await pilot.pause()


def _in_front(app: HsmBackupsApp) -> object:
    return app.screen


async def test_q_then_e_in_one_read_quits_without_opening_the_export_dialog(
    make_app: AppFactory,
) -> None:
    """It raised NoMatches '#export-path' (5 of 5): e opened the dialog while the app closed."""
    app = make_app()
    opened: list[object] = []
    async with app.run_test(
        size=(100, 30), message_hook=lambda m: opened.append(m.control)
    ) as pilot:
        await settle(pilot)
        opened.clear()
        burst(app, "qe")
        await calm(pilot)
    assert app.return_code == 0
    assert not any(isinstance(c, ExportScreen) for c in opened)


@pytest.mark.parametrize("typed", ["q?", "qY", "qd"], ids=["help", "copy", "detail"])
async def test_keys_after_q_open_nothing(make_app: AppFactory, typed: str) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, typed)
        await calm(pilot)
    assert app.return_code == 0


async def test_e_then_letters_in_one_read_type_into_the_file_name(make_app: AppFactory) -> None:
    """The keys after `e` were handed to the table and met the dialog's bindings: lost."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "eqx")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        dialog = app.screen
        path = dialog.query_one("#export-path", Input)
        await until(pilot, lambda: path.value.endswith("qx"), "the typed letters in the name")
        assert app.focused is path
        assert path.value.endswith(".csvqx")
        assert "Enter exports · Esc cancels" in screen_text(app)


async def test_ctrl_u_then_a_name_in_one_read_leaves_the_name(make_app: AppFactory) -> None:
    """Ctrl+U's binding ran after the letters typed behind it, and wiped them too."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        await calm(pilot)
        path = app.screen.query_one("#export-path", Input)
        burst(app, "\x15new.json")
        await calm(pilot)
        await until(pilot, lambda: path.value == "new.json", "the new name")


async def test_a_path_typed_after_e_and_esc_in_one_read(make_app: AppFactory) -> None:
    """e, a few letters and Esc: the dialog opens, takes the letters, and closes again."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        main = await settle(pilot)
        burst(app, "eab\x1bj")
        await calm(pilot)
        await until(pilot, lambda: _in_front(app) is main, "back on the browser")
        assert main.table.current is main.table.rows[1]  # the j after Esc moved the table's cursor
        assert "Export" not in screen_text(app).splitlines()[1]


async def test_palette_then_letters_in_one_read_type_into_the_search(
    make_app: AppFactory,
) -> None:
    """Ctrl+P then q quit the app: the q met the app's binding before the palette's input."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "\x10qu")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        search = app.screen.query_one(CommandInput)
        await until(pilot, lambda: search.value == "qu", "the typed letters in the search")
        assert app.return_code is None  # still running


async def test_copy_menu_then_t_then_escape_in_one_read(make_app: AppFactory) -> None:
    """Y opens the menu, t shows the highlighted choice as text, Esc closes that view."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        main = await settle(pilot)
        burst(app, "Yt")
        await until(pilot, lambda: isinstance(app.screen, CopyText), "the text view")
        burst(app, "\x1bj")
        await until(pilot, lambda: _in_front(app) is main, "back on the browser")
        await calm(pilot)
        assert main.table.current is main.table.rows[1]


@pytest.mark.parametrize(
    ("typed", "in_front"),
    [
        ("??", MainScreen),  # opened and closed
        ("?q", MainScreen),
        ("?\x1bY", CopyMenu),
        ("Yq", MainScreen),
        ("Y↓↓", CopyMenu),
        ("ee", ExportScreen),
        ("e\x1b", MainScreen),
        ("e\x1be", ExportScreen),
        ("Y\x1b?", HelpScreen),
        ("Yt\x1b", MainScreen),
        ("YY", CopyMenu),
    ],
)
async def test_bursts_end_on_the_screen_the_keys_lead_to(
    make_app: AppFactory, typed: str, in_front: type[object]
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, typed)
        # The first key may already put the expected screen in front (e of "e<Esc>e"): give
        # the rest of the burst time to be handled (a held key waits at most IN_FLIGHT_LIMIT
        # for the one before it, longer on a loaded machine), then wait for the end state.
        await pilot.pause(IN_FLIGHT_LIMIT * 2)
        await until(pilot, lambda: isinstance(app.screen, in_front), in_front.__name__)
        await calm(pilot)
        assert isinstance(app.screen, in_front), screen_text(app)
        if isinstance(app.screen, CopyMenu) and typed.endswith("↓↓"):
            assert app.screen.query_one(OptionList).highlighted == 2
        assert app.return_code is None
