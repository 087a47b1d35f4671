"""Ctrl+Z in a real terminal (tmux, an interactive shell with job control): the app stops and
gives the terminal back to the shell, and `fg` brings it back with every line drawn.

Textual's driver reads the terminal in raw mode, so Ctrl+Z arrives as a key, not as SIGTSTP
from the terminal: without a binding it did nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal_helpers import TMUX, Terminal

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (needed for terminal tests)"),
]

LOADED = r"\d+ loaded|\d+ backups · complete"


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    terminal = Terminal(home, 120, 36)
    yield terminal
    terminal.close()


def _drawn(screen: str) -> int:
    return sum(1 for line in screen.splitlines() if line.strip())


def _in_the_shell(term: Terminal) -> bool:
    return term.display("#{alternate_on}") == "0"


def test_ctrl_z_suspends_to_the_shell_and_fg_redraws_the_whole_screen(term: Terminal) -> None:
    term.start_in_shell("--demo")
    before = term.wait_for(LOADED, timeout=30)
    assert _drawn(before) == term.height
    term.send("C-z")
    # The shell's prompt, on the terminal as it was: main screen, cursor shown, no mouse.
    shell = term.wait_until(
        lambda s: _in_the_shell(term) and re.search(r"Stopped.*\n\$$", s.rstrip()) is not None,
        "the shell's prompt after the stop",
        timeout=10,
    )
    assert "-m tui --demo" in shell
    assert term.display("#{cursor_flag} #{mouse_any_flag}") == "1 0"
    term.type("fg")
    term.send("Enter")
    screen = term.wait_until(
        lambda s: not _in_the_shell(term) and _drawn(s) == term.height,
        "every line drawn again",
        timeout=10,
    )
    lines = screen.splitlines()
    assert lines[0].startswith(" hsm-backups"), screen
    assert "q Quit" in lines[-1], screen
    assert "─ Backups ─" in screen
    term.send("j")  # and it still answers keys
    term.wait_until(lambda s: s != screen and _drawn(s) == term.height, "the cursor moved")
    term.send("q")
    assert term.last_status() == 0
