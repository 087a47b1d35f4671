"""A small tmux driver for the real-terminal tests: one private tmux server per terminal.

The app runs in a detached tmux session of a fixed size, in a clean environment, wrapped in
`sh` so its exit status is printed (`APP-EXITED=<status>`) and an interactive shell takes
over the terminal afterwards, as it would for a user. Waits poll `capture-pane`; nothing
sleeps blindly.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

TMUX = shutil.which("tmux")
REPO = Path(__file__).resolve().parents[1]
#: Printed by the wrapper shell when the app has ended, followed by its exit status.
EXIT_MARKER = "APP-EXITED="
_EXITED = re.compile(re.escape(EXIT_MARKER) + r"(\d+)")
_SESSION = "app"


class TerminalError(AssertionError):
    """A wait timed out or tmux refused a command; carries the last screen for the report."""


class Terminal:
    """One tmux server (private socket) holding one session that runs `python -m tui`."""

    def __init__(self, home: Path, width: int, height: int) -> None:
        if TMUX is None:  # the tests skip before getting here
            raise TerminalError("tmux is not installed")
        self.tmux_path = TMUX
        self.socket = f"hsm-backups-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.home = home
        self.width = width
        self.height = height
        # The tmux client itself: UTF-8, no user config, not nested in the developer's tmux.
        self._env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
        self._env["LANG"] = "C.UTF-8"
        self._env.pop("LC_ALL", None)

    # -- plumbing

    def tmux(self, *args: str, check: bool = True) -> str:
        """Run one tmux command against this terminal's private server; return its stdout."""
        cmd = [self.tmux_path, "-u", "-L", self.socket, "-f", os.devnull, *args]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", env=self._env
        )
        if check and proc.returncode != 0:
            raise TerminalError(f"{shlex.join(cmd)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def start(
        self,
        *app_args: str,
        stdout: Path | str | None = None,
        module: str = "tui",
        term_name: str = "xterm-256color",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """Start `python -m tui APP_ARGS` at width x height in a clean environment.

        With `stdout`, the app's standard output goes to that file (the screen is drawn on
        stderr, so the app stays visible), as in `x=$(hsm-backups --pick)`; a str is a shell
        redirection as it is (`>&-`, `| true`). `module` runs another launcher of the app
        (tests/launcher.py); `term_name` is the app's TERM; `environ` adds to its environment.
        """
        env = {
            "PATH": os.defpath,
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "TERM": term_name,
            "PS1": "$ ",
            **(environ or {}),
        }
        app = shlex.join([sys.executable, "-m", module, *app_args])
        report = f'echo "{EXIT_MARKER}$?"'
        if isinstance(stdout, Path):
            app += f" > {shlex.quote(str(stdout))}"
        elif stdout is not None and stdout.startswith("|"):
            # The app's own status, not the pipe's last command's (sh has no pipefail).
            app, report = f"{{ {app}; {report} >&2; }} {stdout}", "true"
        elif stdout is not None:
            app += f" {stdout}"
        script = f"{app}; {report}; exec sh -i"
        command = shlex.join(
            ["env", "-i", *(f"{k}={v}" for k, v in env.items()), "sh", "-c", script]
        )
        # Options first (they start the server), then the session: no status line, so the
        # pane is exactly width x height; no escape delay, so Escape arrives as Escape.
        self.tmux(
            "start-server", ";",
            "set-option", "-g", "exit-empty", "off", ";",
            "set-option", "-g", "status", "off", ";",
            "set-option", "-s", "escape-time", "0", ";",
            "new-session", "-d", "-s", _SESSION, "-c", str(REPO),
            "-x", str(self.width), "-y", str(self.height), command,
        )  # fmt: skip

    def start_in_shell(self, *app_args: str, module: str = "tui") -> None:
        """An interactive shell (with job control: Ctrl+Z and `fg` work) at width x height,
        in a clean environment, with `python -m MODULE APP_ARGS` typed at its prompt (alone:
        a shell goes on to the next command of a line when a job stops). last_status() asks
        the shell for the exit status afterwards."""
        env = {"PATH": os.defpath, "HOME": str(self.home), "LANG": "C.UTF-8"}
        env |= {"TERM": "xterm-256color", "PS1": "$ "}
        shell = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), "sh", "-i"])
        self.tmux(
            "start-server", ";",
            "set-option", "-g", "exit-empty", "off", ";",
            "set-option", "-g", "status", "off", ";",
            "set-option", "-s", "escape-time", "0", ";",
            "new-session", "-d", "-s", _SESSION, "-c", str(REPO),
            "-x", str(self.width), "-y", str(self.height), shell,
        )  # fmt: skip
        self.wait_for(r"^\$", app=False)
        app = shlex.join([sys.executable, "-m", module, *app_args])
        self.type(app)
        self.send("Enter")

    def last_status(self, timeout: float = 10.0) -> int:
        """Once start_in_shell()'s app has ended: its exit status, as the shell tells it."""
        self.wait_until(lambda _: self.display("#{alternate_on}") == "0", "the shell", timeout)
        self.type(f'echo "{EXIT_MARKER}$?"')
        self.send("Enter")
        status, _ = self.wait_exit(timeout)
        return status

    def close(self) -> None:
        """Kill the private server (the app gets SIGHUP with its pane)."""
        self.tmux("kill-server", check=False)

    # -- looking

    def capture(self, *, escapes: bool = False, joined: bool = False) -> str:
        """The visible screen as text; with `escapes`, cell attributes as SGR sequences; with
        `joined`, a line the terminal wrapped is one line again."""
        args = ["capture-pane", "-p", "-t", _SESSION]
        if escapes:
            args.append("-e")
        if joined:
            args.append("-J")
        return self.tmux(*args)

    def display(self, fmt: str, target: str = _SESSION) -> str:
        """A tmux format evaluated for the pane, e.g. `#{pane_title}`."""
        return self.tmux("display-message", "-p", "-t", target, fmt).rstrip("\n")

    def exit_status(self, screen: str | None = None) -> int | None:
        """The app's exit status once the wrapper has printed it, else None."""
        match = _EXITED.search(self.capture() if screen is None else screen)
        return int(match.group(1)) if match else None

    def running(self) -> bool:
        """The app is still on screen: pane alive, alternate screen on, no exit marker."""
        facts = self.display("#{pane_dead} #{alternate_on}")
        return facts == "0 1" and self.exit_status() is None

    def wait_until(
        self, done: Callable[[str], bool], what: str, timeout: float = 20.0, *, app: bool = True
    ) -> str:
        """Poll the screen until `done(screen)`; return that screen.

        With `app` (waiting on the app), fails at once, with the screen, if the app exits.
        """
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if done(screen):
                return screen
            if app and self.exit_status(screen) is not None:
                raise TerminalError(f"the app exited before {what}:\n{screen}")
            if time.monotonic() > deadline:
                raise TerminalError(f"no {what} after {timeout} s:\n{screen}")
            time.sleep(0.05)

    def wait_for(self, pattern: str, timeout: float = 20.0, *, app: bool = True) -> str:
        """Poll the screen until `pattern` (a regex) is on it; return that screen."""
        rx = re.compile(pattern)
        return self.wait_until(lambda s: rx.search(s) is not None, repr(pattern), timeout, app=app)

    def wait_gone(self, pattern: str, timeout: float = 10.0) -> str:
        """Poll the screen until `pattern` is no longer on it; return that screen."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture()
            if not rx.search(screen):
                return screen
            if time.monotonic() > deadline:
                raise TerminalError(f"{pattern!r} still on screen after {timeout} s:\n{screen}")
            time.sleep(0.05)

    def wait_exit(self, timeout: float) -> tuple[int, float]:
        """Poll (tightly) until the app has exited; return its status and the seconds waited."""
        start = time.monotonic()
        while True:
            screen = self.capture()
            status = self.exit_status(screen)
            elapsed = time.monotonic() - start
            if status is not None:
                return status, elapsed
            if elapsed > timeout:
                raise TerminalError(f"the app still runs after {timeout} s:\n{screen}")
            time.sleep(0.01)

    # -- acting

    def send(self, *keys: str) -> None:
        """Send tmux key names (`j`, `Escape`, `C-c`, `Enter`…) in order, in one tmux call."""
        args: list[str] = []
        for key in keys:
            args += [*([";"] if args else []), "send-keys", "-t", _SESSION, key]
        self.tmux(*args)

    def type(self, text: str) -> None:
        """Type `text` literally."""
        self.tmux("send-keys", "-t", _SESSION, "-l", text)

    def click(self, x: int, y: int) -> None:
        """A left click at the 0-based cell (x, y), as an SGR mouse report."""
        report = f"\x1b[<0;{x + 1};{y + 1}M\x1b[<0;{x + 1};{y + 1}m".encode()
        self.tmux("send-keys", "-t", _SESSION, "-H", *(f"{b:02x}" for b in report))

    def resize(self, width: int, height: int) -> None:
        """Resize the window (tmux sets window-size to manual, so it stays that size)."""
        self.tmux("resize-window", "-t", _SESSION, "-x", str(width), "-y", str(height))
        self.width, self.height = width, height
