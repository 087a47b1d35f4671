"""The app in a real terminal (tmux), crashing on purpose: one line on stderr after the screen
is restored, a private crash report without variables or credentials, and status 1.

tests/launcher.py injects the fault ($HSM_BACKUPS_TEST_FAULT, read by the launcher only) with
a secret in a local variable of the code that raises; other secrets sit in the environment.
Textual's own crash screen printed a Rich traceback with every frame's locals.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.launcher import FAULT_ENV, FAULT_MESSAGE, LOCAL_SECRET_ENV
from tests.terminal_helpers import EXIT_MARKER, REPO, TMUX, Terminal

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (needed for terminal tests)"),
]

LOADED = r"\d+ loaded|\d+ backups · complete"
#: Held in a local variable of the function that raises.
LOCAL_SECRET = "local-sentinel-5d41402abc4b2a76"
#: In the app's environment, under a name of no meaning and under AWS's own.
ENV_SECRET = "env-sentinel-7e2f9b0c1d"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEsentinelSessionToken0123456789"
SECRETS = (LOCAL_SECRET, ENV_SECRET, SESSION_TOKEN)
_LINE = re.compile(
    r"hsm-backups: unexpected error (?P<during>.+?) \(RuntimeError: "
    + re.escape(FAULT_MESSAGE)
    + r" \(\w+, \d+\), at launcher\.py:\d+ in fail\); "
    r"crash report \(no variables or credentials\): (?P<path>/\S+\.txt)"
)


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    home = tmp_path / "home"
    home.mkdir()
    terminal = Terminal(home, 120, 36)
    yield terminal
    terminal.close()


def _crash(term: Terminal, tmp_path: Path, fault: str, *keys: str) -> tuple[int, str]:
    """Run the demo with `fault` injected, press `keys` once it has loaded; (status, screen)."""
    term.start(
        str(tmp_path / "app.pid"),
        "--demo",
        module="tests.launcher",
        environ={
            FAULT_ENV: fault,
            LOCAL_SECRET_ENV: LOCAL_SECRET,
            "HSM_TEST_SENTINEL": ENV_SECRET,
            "AWS_SESSION_TOKEN": SESSION_TOKEN,
        },
    )
    if keys:
        term.wait_for(LOADED, timeout=30)
        term.send(*keys)
    status, _ = term.wait_exit(timeout=20)
    return status, term.capture(joined=True)


def _said(term: Terminal, screen: str, during: str) -> Path:
    """Everything the app left on the terminal is the one line; the report it names."""
    # One line of stderr (the capture joins what the terminal wrapped), then the status.
    line, exited = screen.split("\n")[:2]
    assert exited.startswith(EXIT_MARKER), screen
    match = _LINE.fullmatch(line)
    assert match is not None, screen
    assert match["during"] == during
    assert "Traceback" not in screen
    for secret in SECRETS:
        assert secret not in screen
    # The terminal was given back: main screen, cursor shown, no mouse reporting.
    assert term.display("#{alternate_on} #{cursor_flag} #{mouse_any_flag}") == "0 1 0"
    return Path(match["path"])


def _check_report(term: Terminal, path: Path, fault: str) -> None:
    folder = term.home / ".local" / "state" / "hsm-backups"
    assert path.parent == folder
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert text.startswith("hsm-backups crash report\n")
    for fact in ("hsm-backups: 0.1.0", "python: 3.11", "textual: 8.2.8", "platform: "):
        assert f"\n{fact}" in text
    # The traceback, as frames: file, line, function, and the code line.
    assert "Traceback (most recent call last):" in text
    launcher = REPO / "tests" / "launcher.py"
    assert re.search(rf'File "{re.escape(str(launcher))}", line \d+, in fail\n    raise ', text)
    assert f"RuntimeError: {FAULT_MESSAGE} ({fault}, {len(LOCAL_SECRET)})" in text
    # No variables (Rich prints them as `name = value`), no environment, no credentials.
    for secret in SECRETS:
        assert secret not in text
    assert "aws_session_token =" not in text
    assert "HSM_TEST_SENTINEL" not in text


def test_an_error_in_a_key_handler_is_one_line_a_private_report_and_status_1(
    term: Terminal, tmp_path: Path
) -> None:
    """`?` raises in its handler: Textual printed a traceback with every frame's locals (the
    secret in the failing function's among them) and wrote no report."""
    status, screen = _crash(term, tmp_path, "key", "?")
    assert status == 1, screen
    _check_report(term, _said(term, screen, "in the browser"), "key")


def test_an_error_in_a_worker_names_the_task(term: Terminal, tmp_path: Path) -> None:
    status, screen = _crash(term, tmp_path, "worker", "?")
    assert status == 1, screen
    _check_report(term, _said(term, screen, "in the background task 'injected fault'"), "worker")


def test_an_error_while_composing_the_screen(term: Terminal, tmp_path: Path) -> None:
    status, screen = _crash(term, tmp_path, "compose")
    assert status == 1, screen
    _check_report(term, _said(term, screen, "in the browser"), "compose")


def test_an_error_before_the_screen_opens(term: Terminal, tmp_path: Path) -> None:
    """Building the app raised: Python printed its traceback."""
    status, screen = _crash(term, tmp_path, "start")
    assert status == 1, screen
    during = "while starting, before the screen opened"
    _check_report(term, _said(term, screen, during), "start")
