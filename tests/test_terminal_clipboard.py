"""The hostile demo in a real terminal that lets applications set its clipboard (tmux with
`set -g set-clipboard on`, which keeps each OSC 52 as a paste buffer): only `y` makes one.

Issue 14's Done means, tried as a user would: tags that carry OSC 52 (clipboard) and OSC 2
(title) sequences are shown literally, and neither the tmux buffer list nor the pane title
changes until the user copies something.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.terminal_helpers import TMUX, Terminal
from tests.test_terminal import (
    LOADED,
    TITLE,
    OpenTerminal,
    detail_shows,
    open_terminal,
    prove_titles_reach_tmux,
    table_ids,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (needed for terminal tests)"),
]

__all__ = ["open_terminal"]  # the fixture, used by name

#: The demo's OSC 52 tag value (tui/backups/demo_data.py) as the app must show it: cleaned.
CLIPBOARD_TAG = "]52;c;ZWNobyBQV05FRAo= \\clipboard"


def _buffers(term: Terminal) -> list[str]:
    """The contents of tmux's paste buffers, newest first."""
    names = term.tmux("list-buffers", "-F", "#{buffer_name}").split()
    return [term.tmux("show-buffer", "-b", name) for name in names]


def _rows_beyond(seen: list[str]) -> Callable[[str], bool]:
    """Done when the table shows a row not in `seen` (it has scrolled on)."""
    known = set(seen)
    return lambda screen: bool(set(table_ids(screen)) - known)


def _prove_clipboard_reaches_tmux(term: Terminal) -> None:
    """An OSC 52 does make a buffer in this tmux: otherwise the buffer check would prove nothing."""
    term.tmux(
        "new-window", "-d", "-n", "canary",
        r"printf '\033]52;c;%s\007' Y2FuYXJ5; exec sleep 30",
    )  # fmt: skip
    deadline = time.monotonic() + 5
    while _buffers(term) != ["canary"]:
        assert time.monotonic() < deadline, "tmux ignores OSC 52 here: the buffer check is blind"
        time.sleep(0.02)
    term.tmux("kill-window", "-t", ":canary")
    term.tmux("delete-buffer")


def test_the_hostile_demo_leaves_the_clipboard_and_the_title_alone_until_y(
    open_terminal: OpenTerminal,
) -> None:
    term = open_terminal(160, 48)
    term.start("--demo", "--demo-hostile")
    term.tmux("set-option", "-g", "set-clipboard", "on")
    term.tmux("select-pane", "-t", "app", "-T", TITLE)
    prove_titles_reach_tmux(term)
    _prove_clipboard_reaches_tmux(term)
    term.wait_for(LOADED, timeout=30)
    screen = term.wait_until(lambda s: len(table_ids(s)) >= 20, "the rows")

    # Walk down until the detail pane shows the tag that carries OSC 52 (on the first page).
    order: list[str] = []
    for row in range(50):
        if row == len(order):  # the cursor went below the rows seen: the table scrolls on
            screen = term.wait_until(_rows_beyond(order), "the table scrolling on")
        order += [i for i in table_ids(screen) if i not in order]
        screen = term.wait_until(detail_shows(order[row]), f"detail of row {row}")
        assert _buffers(term) == [], f"row {row} wrote the clipboard"
        assert term.display("#{pane_title}") == TITLE, f"row {row} retitled the terminal"
        if CLIPBOARD_TAG in screen:
            break
        term.send("j")
    else:
        raise AssertionError(f"the OSC 52 tag was never shown literally:\n{screen}")

    # The user copies the ID: that, and only that, is what tmux keeps.
    term.send("y")
    deadline = time.monotonic() + 10
    while not _buffers(term):
        assert time.monotonic() < deadline, "y wrote no clipboard sequence"
        time.sleep(0.02)
    print(f"clipboard tag on row {row}: {order[row]}")
    assert _buffers(term) == [order[row]]
    assert term.display("#{pane_title}") == TITLE
