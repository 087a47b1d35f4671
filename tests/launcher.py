"""`python -m tests.launcher PIDFILE [--slow-disk] ARGS…`: the app, as `python -m tui ARGS…`,
with its pid in PIDFILE (for tests that signal it), optionally on a disk whose fsync takes
30 s, optionally with a fault injected.

The slow disk is for the tests that interrupt an export (a signal, Ctrl+C) while its
temporary file exists: on a real disk a demo export is written in milliseconds, too fast to
interrupt on purpose.

The fault is for the crash report's tests: $HSM_BACKUPS_TEST_FAULT, read here only (never by
the app), makes one place raise, with a secret from $HSM_BACKUPS_TEST_LOCAL_SECRET held in a
local variable (and taken out of the environment first):
- `key`: `?` raises in its action (a key binding's handler);
- `worker`: `?` starts a thread worker (exit_on_error) that raises;
- `compose`: the browser's screen raises while it is composed;
- `start`: building the app raises, before the screen opens.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from _typeshed import HasFileno

#: How long each fsync takes on the slow disk: longer than any test waits.
FSYNC_SECONDS = 30.0
#: Which fault to inject (see the module docstring).
FAULT_ENV = "HSM_BACKUPS_TEST_FAULT"
#: What the faulty code holds in a local variable when it raises.
LOCAL_SECRET_ENV = "HSM_BACKUPS_TEST_LOCAL_SECRET"
#: The message of the injected error.
FAULT_MESSAGE = "injected fault"

_real_fsync = os.fsync


def _slow_fsync(fd: int | HasFileno) -> None:
    time.sleep(FSYNC_SECONDS)
    _real_fsync(fd)


def _inject(fault: str, secret: str) -> None:
    """Make the place `fault` names raise RuntimeError, a secret in a local variable."""
    from tui import app as app_module
    from tui.app import HsmBackupsApp
    from tui.screens import MainScreen

    def fail(*_args: Any, **_kwargs: Any) -> NoReturn:
        aws_session_token = "".join(secret)  # a traceback with locals would show it
        raise RuntimeError(f"{FAULT_MESSAGE} ({fault}, {len(aws_session_token)})")

    def start_failing_worker(self: HsmBackupsApp) -> None:
        self.run_worker(fail, thread=True, exit_on_error=True, description="injected fault")

    if fault == "key":
        HsmBackupsApp.action_help = fail  # type: ignore[method-assign]
    elif fault == "worker":
        HsmBackupsApp.action_help = start_failing_worker  # type: ignore[method-assign]
    elif fault == "compose":
        MainScreen.compose = fail  # type: ignore[method-assign]
    elif fault == "start":
        app_module.build_app = fail
    else:
        raise SystemExit(f"{FAULT_ENV}: no fault {fault!r}")


def main() -> None:
    pidfile, *args = sys.argv[1:]
    if args[:1] == ["--slow-disk"]:
        args = args[1:]
        os.fsync = _slow_fsync
    if fault := os.environ.pop(FAULT_ENV, ""):
        _inject(fault, os.environ.pop(LOCAL_SECRET_ENV, "no secret given"))
    Path(pidfile).write_text(str(os.getpid()), encoding="ascii")
    from tui.__main__ import main as app_main

    sys.exit(app_main(args))


if __name__ == "__main__":
    main()
