"""Copying inside tmux: the app asks tmux for its two clipboard options (stubbed here) and,
when both ways out are known to be dropped, says "Not copied", shows the text to select and
names the one-line fix; otherwise it says "Copied", and only that."""

from __future__ import annotations

import pytest

from tests.ui.conftest import AppFactory
from tests.ui.helpers import screen_text, settle, stable, until
from tui.screens.copy import CopyText

TMUX_ENV = {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}
FIX_CONF = "The one-line fix, in ~/.tmux.conf:  set -g set-clipboard on"
FIX_NOW = "Or now, for the running tmux:      tmux set -g set-clipboard on"


@pytest.mark.parametrize(
    ("options", "dropped"),
    [
        ({"set-clipboard": "external", "allow-passthrough": "off"}, True),  # tmux's defaults
        ({"set-clipboard": "off", "allow-passthrough": "off"}, True),
        ({"set-clipboard": "on", "allow-passthrough": "off"}, False),
        ({"set-clipboard": "external", "allow-passthrough": "on"}, False),
        ({"set-clipboard": "off", "allow-passthrough": "all"}, False),
        ({"set-clipboard": "external"}, False),  # tmux before 3.3: no such option, passes it on
        ({}, False),  # tmux cannot say: nothing known against the copy
    ],
)
async def test_inside_tmux_a_copy_known_to_be_dropped_is_not_called_copied(
    make_app: AppFactory, options: dict[str, str], dropped: bool
) -> None:
    """Under tmux's defaults the toast was titled "Copied" and then said it may not arrive."""
    app = make_app()
    app.environ = TMUX_ENV
    app.tmux_option = options.get
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        await pilot.press("y")
        if dropped:
            await until(pilot, lambda: isinstance(app.screen, CopyText), "the text view")
            await stable(pilot)
            shown = screen_text(app)
            assert "Not copied: Backup ID" in shown
            assert (
                f"Not copied: tmux drops it (set-clipboard {options['set-clipboard']}, "
                "allow-passthrough off)."
            ) in " ".join(shown.split())
            assert FIX_CONF in shown
            assert FIX_NOW in shown
            assert backup.backup_id in shown
            assert not [n for n in app._notifications if n.title == "Copied"]
        else:
            await until(pilot, lambda: bool(app._notifications), "the message")
            (told,) = app._notifications
            assert told.title == "Copied"
            assert (
                str(told.message)
                == f"Backup ID {backup.backup_id} copied to the clipboard (OSC 52)."
            )
            assert not isinstance(app.screen, CopyText)


async def test_at_80x24_the_text_and_the_whole_fix_are_on_screen(make_app: AppFactory) -> None:
    app = make_app()
    app.environ = TMUX_ENV
    app.tmux_option = {"set-clipboard": "external", "allow-passthrough": "off"}.get
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        await pilot.press("Y")
        await pilot.pause()
        await pilot.press("enter")  # the first choice: the backup ID
        await until(pilot, lambda: isinstance(app.screen, CopyText), "the text view")
        await stable(pilot)
        shown = screen_text(app)
        lines = [line.strip() for line in shown.splitlines()]
        # Each fix on a line of its own, whole; the ID too: Shift+drag selects it alone.
        assert FIX_CONF in lines
        assert FIX_NOW in lines
        assert backup.backup_id in lines
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CopyText)


async def test_outside_tmux_a_doubtful_terminal_is_not_called_copied_either(
    make_app: AppFactory,
) -> None:
    app = make_app()
    app.environ = {"TERM": "screen-256color", "STY": "1234.pts-0.host"}
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await until(pilot, lambda: bool(app._notifications), "the message")
        (told,) = app._notifications
        assert told.title == "Copy may not arrive"
        assert (
            "sent to the clipboard (OSC 52), but it may not arrive: running under GNU screen"
            in str(told.message)
        )
