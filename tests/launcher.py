"""`python -m tests.launcher PIDFILE [--slow-disk] ARGS…`: the app, as `python -m tui ARGS…`,
with its pid in PIDFILE (for tests that signal it), optionally on a disk whose fsync takes
30 s.

The slow disk is for the tests that interrupt an export (a signal, Ctrl+C) while its
temporary file exists: on a real disk a demo export is written in milliseconds, too fast to
interrupt on purpose.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import HasFileno

#: How long each fsync takes on the slow disk: longer than any test waits.
FSYNC_SECONDS = 30.0

_real_fsync = os.fsync


def _slow_fsync(fd: int | HasFileno) -> None:
    time.sleep(FSYNC_SECONDS)
    _real_fsync(fd)


def main() -> None:
    pidfile, *args = sys.argv[1:]
    if args[:1] == ["--slow-disk"]:
        args = args[1:]
        os.fsync = _slow_fsync
    Path(pidfile).write_text(str(os.getpid()), encoding="ascii")
    from tui.__main__ import main as app_main

    app_main(args)


if __name__ == "__main__":
    main()
