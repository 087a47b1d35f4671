"""Writing a file whole or not at all: a temporary file beside it, moved into place when done.

Every way out removes the temporary file: an error, a cancelled write, and a signal (SIGHUP
when an SSH connection drops, SIGTERM, Ctrl+C), whose handler calls `cancel_writes()`: the
file goes at once, from that thread, while the writing thread may still be busy with it.
Only a regular file is ever replaced: never a device, a FIFO or a socket.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import threading
from pathlib import Path

#: Text is written in pieces this big, so a cancelled write of a big file stops soon.
CHUNK_CHARS = 1 << 20


class NotAFileError(OSError):
    """The name is taken by something that is not a regular file: a device, a FIFO, a socket.

    Replacing it would turn, say, /dev/full into a regular file (as root), so it never is.
    """

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EEXIST, f"is a {kind}, not a regular file", str(path))
        self.kind = kind


class WriteCancelled(Exception):
    """The write was cancelled (the app is quitting); nothing was written."""


#: The writes that may still be cancelled (process-wide, as signals are).
_OPEN: set[Cancellation] = set()
_REGISTRY = threading.RLock()  # a signal handler may come in while the main thread holds it


class Cancellation:
    """Stops one write from any thread or a signal handler, and removes its temporary file.

    Made (and registered) before the writing thread starts, so a cancel that comes before the
    thread has created its file still stops it. Never used for two writes.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.cancelled = False
        self._closed = False
        self._temp: Path | None = None
        # Re-entrant: a signal handler runs on the main thread, which may be the writer.
        self._lock = threading.RLock()
        with _REGISTRY:
            _OPEN.add(self)

    def cancel(self) -> bool:
        """Stop the write and remove its temporary file; False when it had already ended."""
        with self._lock:
            if self._closed:
                return False
            self.cancelled = True
            if self._temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._temp)
                self._temp = None
        self.close()
        return True

    def close(self) -> None:
        """The write ended, one way or another: a later cancel has nothing to stop."""
        with self._lock:
            self._closed = True
        with _REGISTRY:
            _OPEN.discard(self)

    def check(self) -> None:
        if self.cancelled:
            raise WriteCancelled(f"writing {self.target} was cancelled")


def cancel_writes() -> list[Path]:
    """Cancel every write still going on; the files they were writing (none were written)."""
    with _REGISTRY:
        pending = list(_OPEN)
    return [c.target for c in pending if c.cancel()]


def _special_kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _check_target(path: Path) -> None:
    """Refuse a name that holds anything but a regular file (or a symlink to one)."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    try:
        mode = os.stat(path).st_mode  # follows a symlink; never opens (a FIFO would block)
    except OSError:
        return  # nothing there, or a dangling link: the usual rules apply
    if not stat.S_ISREG(mode):
        raise NotAFileError(path, _special_kind(mode))


def write_new(
    path: Path, text: str, *, overwrite: bool, cancellation: Cancellation | None = None
) -> None:
    """Write `text` to a new temporary file beside `path`, then move it into place.

    Without `overwrite` the move is os.link, which fails with FileExistsError when `path`
    exists (also if it appeared meanwhile); with it, os.replace. Either way a reader never sees
    a half-written file. The temporary file is created exclusively with the umask's modes.
    Only a regular file is ever replaced: a directory raises IsADirectoryError, a device,
    FIFO or socket NotAFileError, even with `overwrite`. A cancelled write raises
    WriteCancelled and leaves nothing behind.
    """
    cancel = cancellation or Cancellation(path)
    try:
        _check_target(path)
        if not overwrite and os.path.lexists(path):
            raise FileExistsError(f"{path} already exists")
        with cancel._lock:
            cancel.check()
            tmp, fd = _create_temp(path)
            cancel._temp = tmp
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                for start in range(0, len(text), CHUNK_CHARS):
                    cancel.check()
                    handle.write(text[start : start + CHUNK_CHARS])
                handle.flush()
                os.fsync(handle.fileno())
            with cancel._lock:  # a cancel and the move never cross
                cancel.check()
                if overwrite:
                    os.replace(tmp, path)
                else:
                    _link_exclusive(tmp, path)
        finally:
            with cancel._lock:
                cancel._temp = None
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
    finally:
        cancel.close()


def _create_temp(path: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue


def _link_exclusive(tmp: Path, path: Path) -> None:
    """Move `tmp` to `path` only if `path` does not exist, atomically where hard links work."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network and FAT file systems): fall back to an exclusive
        # create, which is just as safe against overwriting, if not against partial files.
        with open(path, "xb") as target, open(tmp, "rb") as source:
            target.write(source.read())
