"""The command line's own streams: a pick that cannot be printed is one line and status 1,
never a traceback; a terminal that cannot show the browser is told so before anything starts.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal_helpers import TMUX, Terminal
from tui import __main__ as cli

LOADED = r"\d+ loaded|\d+ backups · complete"


class _Full(io.StringIO):
    def flush(self) -> None:
        raise OSError(28, "No space left on device")


class _Gone(io.StringIO):
    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize(
    ("stdout", "said"),
    [
        (None, "stdout is closed: the picked backup was not printed."),
        (_Full(), "could not print the picked backup on stdout (No space left on device)."),
        (_Gone(), "stdout was closed (broken pipe): the picked backup was not printed."),
    ],
    ids=["closed", "full", "broken-pipe"],
)
def test_a_pick_that_cannot_be_printed_is_one_line(
    monkeypatch: pytest.MonkeyPatch, stdout: io.StringIO | None, said: str
) -> None:
    monkeypatch.setattr(sys, "stdout", stdout)
    assert cli.print_pick("backup-abcdefghijk") == said


def test_a_pick_that_is_printed_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert cli.print_pick("backup-abcdefghijk") is None
    assert out.getvalue() == "backup-abcdefghijk\n"


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    if TMUX is None:
        pytest.skip("tmux is not installed (needed for terminal tests)")
    home = tmp_path / "home"
    home.mkdir()
    terminal = Terminal(home, 120, 36)
    yield terminal
    terminal.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("redirect", "said"),
    [
        (">&-", "stdout is closed: the picked backup was not printed."),
        (">/dev/full", "could not print the picked backup on stdout (No space left on device)."),
        ("| true", "stdout was closed (broken pipe): the picked backup was not printed."),
    ],
    ids=["closed", "full", "broken-pipe"],
)
def test_pick_with_a_bad_stdout_says_so_in_one_line_and_exits_1(
    term: Terminal, redirect: str, said: str
) -> None:
    """`>&-` gave AttributeError, `>/dev/full` OSError, a closed pipe BrokenPipeError, each
    with a Python traceback, after the user had picked."""
    if redirect == ">/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    term.start("--demo", "--pick", stdout=redirect)
    term.wait_for(LOADED, timeout=30)
    term.send("Enter")
    status, _ = term.wait_exit(timeout=10)
    screen = term.capture()
    assert status == 1, screen
    assert "Traceback" not in screen
    lines = [line for line in screen.splitlines() if line.startswith("hsm-backups:")]
    assert lines == [f"hsm-backups: {said}"], screen


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TERM"}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.mark.slow
def test_term_dumb_is_told_in_one_line_and_exits_2_before_any_ui() -> None:
    """TERM=dumb was ignored and the full-screen UI drawn anyway."""
    done = _run(_env(TERM="dumb"), "--demo")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "hsm-backups: this terminal (TERM=dumb) cannot show the full-screen browser.\n"
    )


@pytest.mark.slow
def test_term_dumb_in_a_real_terminal(term: Terminal) -> None:
    term.start("--demo", term_name="dumb")
    status, _ = term.wait_exit(timeout=10)
    screen = term.capture()
    assert status == 2, screen
    assert "cannot show the full-screen browser" in screen
    assert not re.search(r"─ Backups ─|Traceback", screen)


@pytest.mark.slow
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_no_term_under_pipes_keeps_working(value: str | None) -> None:
    """No TERM (or an empty one) is not `dumb`: --version and --help run as before."""
    done = _run(_env(TERM=value), "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("hsm-backups ")
