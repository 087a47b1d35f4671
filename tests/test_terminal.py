"""The app in a real terminal (tmux): hostile text stays text, quitting is fast and clean,
resizing mid-load is harmless.

Pilot tests cannot see what reaches a terminal; these run `python -m tui --demo` in a private
tmux server and look at what tmux made of the bytes: the pane title, the screen, the
terminal modes left behind.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.terminal_helpers import TMUX, Terminal

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (needed for terminal tests)"),
]

OpenTerminal = Callable[[int, int], Terminal]

#: The top bar once the UI is up (the demo names itself there).
UI_UP = r"hsm-backups · (profile )?demo\b.* · [a-z]+-[a-z]+-\d · "
#: The first page is still in flight: the table says so.
FIRST_PAGE_LOADING = r"Loading backups in "
#: The status once a page has arrived ("50 loaded · more available" / "N backups · complete").
LOADED = r"\d+ loaded|\d+ backups · complete"
#: Set on the pane before the app starts; an OSC 0/2 from the data would replace it.
TITLE = "hsm-backups-terminal-test"
#: Hostile tag text (tui/backups/demo_data.py) as it must appear: literally. Markup would be
#: swallowed by the renderer; an escape sequence would be swallowed by the terminal (tmux),
#: leaving no "[2J" or "]0;pwned" on screen.
LITERALS = (
    "[@click=app.quit]x[/]",
    "tag[/oops]",
    "[bold red]styled[/]",
    "[31mkey",  # the key "\x1b[31mkey"
    "[2J",  # "\x1b[2J\x1b[Hcleared"
    "]0;pwned",  # "\x1b]0;pwned\x07title"
)
_BACKUP_ID = re.compile(r"backup-[a-z0-9]{11,16}")
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
#: A "note" row in the detail pane's tags: the key, then its value.
_NOTE_VALUE = re.compile(r"  note {2,}(\S+)")


@pytest.fixture
def open_terminal(tmp_path: Path) -> Iterator[OpenTerminal]:
    """Open terminals of a given size; each one's tmux server is killed at teardown."""
    opened: list[Terminal] = []

    def open_(width: int, height: int) -> Terminal:
        home = tmp_path / f"home{len(opened)}"
        home.mkdir()
        terminal = Terminal(home, width, height)
        opened.append(terminal)
        return terminal

    yield open_
    for terminal in opened:
        terminal.close()


def table_ids(screen: str) -> list[str]:
    """Backup IDs in the table's rows, top to bottom (not the detail pane's)."""
    ids: list[str] = []
    inside = False
    for line in screen.splitlines():
        if "─ Backups ─" in line:
            inside = True
        elif inside and ("╰" in line or "─ Detail ─" in line):
            break
        elif inside:
            ids += _BACKUP_ID.findall(line)[:1]
    return ids


def cell_column(line: str, index: int) -> int:
    """The terminal column of `line[index]` (wide characters take two cells)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:index])


def basic_colours(escaped: str) -> set[int]:
    """The 16-colour SGR codes (30–37, 40–47, 90–97, 100–107) in a `capture-pane -e` dump.

    The app draws with 256 colours (38;5;N); a bare 31 could only come from the data's
    "\\x1b[31mkey" reaching the terminal.
    """
    found: set[int] = set()
    for match in _SGR.finditer(escaped):
        params = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", match.group(1))]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48, 58):  # extended colour: skip its arguments
                i += 3 if params[i + 1 : i + 2] == [5] else 5
                continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                found.add(p)
            i += 1
    return found


def prove_titles_reach_tmux(term: Terminal) -> None:
    """OSC 0 does retitle a pane in this tmux: otherwise the title check would prove nothing."""
    term.tmux(
        "new-window", "-d", "-n", "canary",
        r"printf '\033]0;%s\007' canary-title; exec sleep 30",
    )  # fmt: skip
    deadline = time.monotonic() + 5
    while term.display("#{pane_title}", target=":canary") != "canary-title":
        assert time.monotonic() < deadline, "tmux ignores OSC 0 here: the title check is blind"
        time.sleep(0.02)
    term.tmux("kill-window", "-t", ":canary")


def frame_intact(screen: str) -> bool:
    """The app's own frame is all there: top bar, the three boxes, the footer (Quit or Cancel)."""
    lines = screen.splitlines()
    return (
        re.match(UI_UP, lines[0].strip()) is not None
        and all(box in screen for box in ("─ Filters ─", "─ Backups ─", "─ Detail ─"))
        and ("q Quit" in lines[-1] or "q Cancel" in lines[-1])
    )


def detail_shows(backup_id: str) -> Callable[[str], bool]:
    """Done when the detail pane shows `backup_id` in a whole frame.

    A frame caught mid-redraw is waited out; one the data broke (cleared) never comes back,
    and the wait fails with that screen.
    """
    shown = re.compile(rf"BackupId\s+{backup_id}\b")
    return lambda screen: shown.search(screen) is not None and frame_intact(screen)


def assert_untouched(term: Terminal, screen: str) -> None:
    """The terminal shows the app, as the app drew it: nothing from the data acted on it."""
    assert term.display("#{pane_title}") == TITLE, "a data string retitled the terminal"
    assert term.running(), f"the app is gone:\n{term.capture()}"
    assert frame_intact(screen), f"the app's frame is gone (cleared?):\n{screen}"
    escaped = term.capture(escapes=True)
    assert "\x1b" not in _SGR.sub("", escaped), "a non-SGR escape sequence is on screen"
    assert 31 not in basic_colours(escaped), "the data's \\x1b[31m coloured the screen"


def test_hostile_text_is_shown_literally_and_never_reaches_the_terminal(
    open_terminal: OpenTerminal,
) -> None:
    term = open_terminal(160, 48)
    term.start("--demo", "--demo-hostile")
    term.tmux("select-pane", "-t", "app", "-T", TITLE)
    prove_titles_reach_tmux(term)
    screen = term.wait_for(LOADED, timeout=30)
    ids = table_ids(screen)
    assert len(ids) >= 20, screen

    # Walk down row by row; each time the detail pane (and its tags) follows the cursor.
    seen: set[str] = set()
    for row, backup_id in enumerate(ids):
        if row:
            term.send("j")
        screen = term.wait_until(detail_shows(backup_id), f"detail of {backup_id}")
        assert_untouched(term, screen)
        seen |= {text for text in LITERALS if text in screen}
        if len(seen) == len(LITERALS):
            break
    assert seen == set(LITERALS), f"never shown literally: {set(LITERALS) - seen}"

    # Back to the first row, whose only "note" tag is "[@click=app.quit]x[/]": click on the
    # value (and on its "x"). Were it markup, the value would be a live "x" link to app.quit.
    term.send("g")
    screen = term.wait_until(detail_shows(ids[0]), f"detail of {ids[0]}")
    lines = screen.splitlines()
    (y, value), *_ = [
        (y, match) for y, line in enumerate(lines) if (match := _NOTE_VALUE.search(line))
    ]
    offsets = [0, len("[@click=app.quit]")] if value.group(1).startswith("[@click") else [0]
    for offset in offsets:
        term.click(cell_column(lines[y], value.start(1) + offset), y)

    # Help over it all, then back: keys are handled in order, so the clicks are done too.
    term.send("?")
    term.wait_for(r"Help — Esc closes")
    assert term.display("#{pane_title}") == TITLE
    term.send("Escape")
    term.wait_gone(r"Help — Esc closes")
    # tmux may be mid-redraw when the help's title goes: wait for a whole frame. A screen
    # cleared by the data would stay broken (the app repaints only what changes) and fail.
    screen = term.wait_until(frame_intact, "the frame redrawn after help", timeout=5)
    assert_untouched(term, screen)
    assert "[@click=app.quit]x[/]" in screen


@pytest.mark.parametrize("key", ["q", "C-c"], ids=["q", "ctrl+c"])
def test_quitting_during_a_slow_load_is_fast_and_leaves_the_terminal_usable(
    open_terminal: OpenTerminal, key: str
) -> None:
    term = open_terminal(120, 40)
    term.start("--demo", "--demo-latency", "8000")
    term.wait_for(UI_UP)
    screen = term.wait_for(FIRST_PAGE_LOADING)
    assert not re.search(LOADED, screen), "the first page came too soon to test a slow load"

    start = time.monotonic()
    term.send(key)
    status, _ = term.wait_exit(timeout=15)
    latency = time.monotonic() - start
    print(f"exit after {key}: {latency:.3f} s")
    assert status == 0
    # Not a speed target (those are benchmarks): waiting for the 8 s call would take seconds
    # more than this, even on a loaded CI machine where a clean exit alone takes about 1 s.
    assert latency < 3.0, f"{key} took {latency:.2f} s: quitting waited for the call in flight"

    # The terminal is as the shell needs it: main screen, cursor shown, no mouse reporting,
    # and cooked mode (a typed command line runs when Enter is pressed).
    modes = "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{mouse_sgr_flag}"
    assert term.display(modes) == "0 1 0 0"
    term.type("echo usable-$((6*7))")
    term.send("Enter")
    term.wait_for(r"(?m)^usable-42 *$", timeout=5, app=False)


def test_resizing_while_the_first_page_loads(open_terminal: OpenTerminal) -> None:
    term = open_terminal(200, 60)
    term.start("--demo", "--demo-latency", "1500")
    term.wait_for(FIRST_PAGE_LOADING)

    term.resize(60, 15)
    small = term.wait_for(r"(?m)^.{59}╮$")  # the app redrew for 60 columns
    assert small.splitlines()[0].startswith(" hsm-backups"), small
    term.resize(200, 60)
    wide = term.wait_for(r"(?m)^.{199}╮$")
    assert not re.search(LOADED, small + wide), "the page came before the resizes: nothing tested"

    screen = term.wait_for(LOADED)
    assert term.running(), screen
    assert term.display("#{pane_width}x#{pane_height}") == "200x60"
    assert len(table_ids(screen)) >= 20, screen
    assert screen.splitlines()[0].startswith(" hsm-backups"), screen
    assert "Traceback" not in screen


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("id", r"backup-[2-7a-z]{11,16}"),
        ("arn", r"arn:aws:cloudhsm:[a-z0-9-]+:\d{12}:backup/backup-[2-7a-z]{11,16}"),
    ],
)
def test_pick_prints_the_chosen_backup_on_stdout_and_nothing_else(
    open_terminal: OpenTerminal, tmp_path: Path, fmt: str, expected: str
) -> None:
    out = tmp_path / "picked"
    term = open_terminal(120, 36)
    term.start("--demo", "--pick", "--pick-format", fmt, stdout=out)
    rows = re.compile(r"││ (backup-[2-7a-z]+) ")
    screen = term.wait_until(lambda s: len(rows.findall(s)) >= 3, "rows", timeout=20)
    assert "hsm-backups" in screen, "the screen is drawn although stdout is redirected"
    third = rows.findall(screen)[2]  # the table's third row
    term.send("j", "j")
    term.wait_until(detail_shows(third), "the third row in the detail pane", timeout=10)
    term.send("Enter")
    status, _ = term.wait_exit(timeout=10)
    assert status == 0
    text = out.read_text()
    assert re.fullmatch(expected + "\n", text), repr(text)
    assert third in text
    assert "\x1b" not in text, "no screen bytes on stdout"


@pytest.mark.parametrize("key", ["Escape", "q"])
def test_leaving_pick_mode_without_a_pick_prints_nothing_and_fails(
    open_terminal: OpenTerminal, tmp_path: Path, key: str
) -> None:
    out = tmp_path / "picked"
    term = open_terminal(120, 36)
    term.start("--demo", "--pick", stdout=out)
    term.wait_for(LOADED)
    term.send(key)
    status, _ = term.wait_exit(timeout=10)
    assert status == 1
    assert out.read_text() == ""


def test_keys_in_one_read_while_a_dialog_opens_or_the_app_closes(
    open_terminal: OpenTerminal,
) -> None:
    """`qe` in one read crashed with NoMatches '#export-path' (5 of 5); `eq` lost the q."""
    term = open_terminal(120, 36)
    term.start("--demo")
    term.wait_for(LOADED)
    term.type("eq")  # one send-keys: both bytes in one write to the terminal
    screen = term.wait_for(r"\.csvq\b")  # the q typed in the file name, as if typed slowly
    assert "Enter exports · Esc cancels" in screen
    term.send("Escape")
    term.wait_gone(r"Enter exports · Esc cancels")
    term.type("qe")
    status, _ = term.wait_exit(timeout=10)
    screen = term.capture()
    assert status == 0, screen
    assert "Traceback" not in screen
    assert "NoMatches" not in screen


def test_theme_flag_then_q_sets_a_foreign_config_aside(open_terminal: OpenTerminal) -> None:
    """`--theme hsm-light` then q replaced an INI file at the config path with our JSON."""
    term = open_terminal(120, 36)
    config = term.home / ".config" / "hsm-backups" / "config.json"
    config.parent.mkdir(parents=True)
    ini = b"[default]\nregion = eu-west-1\n"
    config.write_bytes(ini)
    term.start("--demo", "--theme", "hsm-light")
    term.wait_for(UI_UP)
    term.send("q")
    status, _ = term.wait_exit(timeout=10)
    assert status == 0, term.capture()
    (aside,) = config.parent.glob("config.json.bad-*")
    assert aside.read_bytes() == ini
    assert json.loads(config.read_text(encoding="utf-8")) == {
        "theme": "hsm-light",
        "time_mode": "utc",
    }
