"""The app in a real terminal (tmux), interrupted: an export stopped by Ctrl+C, SIGTERM or a
dropped SSH connection (SIGHUP) leaves no temporary file and says it was cancelled; a
suspended app (SIGTSTP, then `fg`) draws its whole screen again.

tests/launcher.py (--slow-disk) runs the app on a disk whose fsync takes 30 s, so the export's
temporary file is certain to exist when the interruption comes.
"""

from __future__ import annotations

import os
import re
import signal
import time
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


def _until(condition: object, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for its reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")


def _exporting(term: Terminal, out: Path) -> tuple[int, Path]:
    """Start the app on the slow disk, export to `out`; (its pid, the temporary file) once
    the temporary file exists."""
    pidfile = out.parent / "app.pid"
    term.start(str(pidfile), "--slow-disk", "--demo", module="tests.launcher")
    term.wait_for(LOADED, timeout=30)
    term.send("e")
    term.wait_for(r"Enter exports · Esc cancels")
    term.send("C-u")
    term.wait_gone(r"hsm-backups-\d{8}-\d{6}\.csv")  # the suggested name is cleared
    term.type(str(out))
    term.wait_for(re.escape(out.name))
    term.send("Enter")
    temps: list[Path] = []

    def written() -> bool:
        temps[:] = out.parent.glob(f".{out.name}.*.tmp")
        return bool(temps)

    _until(written, "the export's temporary file")
    term.wait_for(r"writing…")
    return int(pidfile.read_text(encoding="ascii")), temps[0]


def _joined(screen: str) -> str:
    """The screen with its lines run together: a long message wraps at the pane's width."""
    return screen.replace("\n", "")


def _left_behind(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "app.pid")


def test_ctrl_c_during_an_export_removes_its_file_says_so_and_exits_130(
    term: Terminal, tmp_path: Path
) -> None:
    """Ctrl+C left an 81 MB temporary file and exited 0, the export dropped without a word."""
    out = tmp_path / "big.csv"
    _exporting(term, out)
    term.send("C-c")
    status, _ = term.wait_exit(timeout=10)
    screen = term.capture()
    assert status == 130, screen
    assert f"hsm-backups: the export to {out} was cancelled; nothing written." in _joined(screen)
    assert "Traceback" not in screen
    assert _left_behind(tmp_path) == ["home"]


def test_sigterm_during_an_export_removes_its_file_says_so_and_exits_143(
    term: Terminal, tmp_path: Path
) -> None:
    out = tmp_path / "big.csv"
    pid, _ = _exporting(term, out)
    os.kill(pid, signal.SIGTERM)
    status, _ = term.wait_exit(timeout=10)
    screen = term.capture()
    assert status == 128 + signal.SIGTERM, screen
    assert f"the export to {out} was cancelled; nothing written." in _joined(screen)
    assert _left_behind(tmp_path) == ["home"]
    # The terminal was given back: main screen, cursor shown, no mouse reporting.
    assert term.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0"


def test_a_dropped_connection_during_an_export_removes_its_file(
    term: Terminal, tmp_path: Path
) -> None:
    """SIGHUP (the SSH connection drops: here the terminal goes) left `.big.csv.<hex>.tmp`."""
    out = tmp_path / "big.csv"
    pid, temp = _exporting(term, out)
    term.close()  # the pane's processes get SIGHUP, as when sshd loses the client
    _until(lambda: _gone(pid), "the app to end")
    assert not temp.exists()
    assert _left_behind(tmp_path) == ["home"]


def _drawn(screen: str) -> int:
    return sum(1 for line in screen.splitlines() if line.strip())


def test_the_whole_screen_is_drawn_again_after_suspend_and_resume(
    term: Terminal, tmp_path: Path
) -> None:
    """After SIGTSTP and `fg` the screen stayed blank (2 of 30 lines) until a resize."""
    pidfile = tmp_path / "app.pid"
    term.start(str(pidfile), "--demo", module="tests.launcher")
    before = term.wait_for(LOADED, timeout=30)
    assert _drawn(before) == term.height
    pid = int(pidfile.read_text(encoding="ascii"))
    os.kill(pid, signal.SIGTSTP)
    _until(lambda: term.display("#{alternate_on}") == "0", "the terminal given back")
    os.kill(pid, signal.SIGCONT)  # what the shell's `fg` sends
    _until(lambda: term.display("#{alternate_on}") == "1", "the app's screen again")
    screen = term.wait_until(lambda s: _drawn(s) == term.height, "every line drawn", timeout=5)
    lines = screen.splitlines()
    assert lines[0].startswith(" hsm-backups"), screen
    assert "q Quit" in lines[-1], screen
    assert "─ Backups ─" in screen
    term.send("j")  # and it still answers keys
    term.wait_until(lambda s: s != screen and _drawn(s) == term.height, "the cursor moved")
