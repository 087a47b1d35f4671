"""Writing a file whole or not at all: a cancelled or failed write leaves nothing behind."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tui.backups.filewrite import Cancellation, WriteCancelled, cancel_writes, write_new


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_cancel_while_writing_removes_the_temporary_file_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cancel comes from another thread (a signal handler, the UI) mid-write."""
    syncing, release = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        syncing.set()
        release.wait(10)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    target = tmp_path / "big.csv"
    errors: list[BaseException] = []

    def write() -> None:
        try:
            write_new(target, "x" * 1000, overwrite=False, cancellation=Cancellation(target))
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    assert syncing.wait(10)
    assert len(list(tmp_path.glob(".big.csv.*.tmp"))) == 1
    assert cancel_writes() == [target]
    assert _names(tmp_path) == []  # gone now, while the writer still holds it open
    release.set()
    writer.join(10)
    assert [type(e) for e in errors] == [WriteCancelled]
    assert _names(tmp_path) == []
    assert cancel_writes() == []  # nothing left to cancel


def test_a_cancel_before_the_thread_starts_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    cancellation = Cancellation(target)  # made by the UI before the thread runs
    assert cancel_writes() == [target]
    with pytest.raises(WriteCancelled):
        write_new(target, "{}", overwrite=False, cancellation=cancellation)
    assert _names(tmp_path) == []


def test_a_finished_write_is_not_reported_as_cancelled(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_new(target, "{}\n", overwrite=False, cancellation=Cancellation(target))
    assert cancel_writes() == []
    assert target.read_text(encoding="utf-8") == "{}\n"


def test_a_failed_write_leaves_nothing_and_nothing_to_cancel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "out.csv"
    with pytest.raises(OSError, match="No space"):
        write_new(target, "a,b\n", overwrite=False, cancellation=Cancellation(target))
    assert _names(tmp_path) == []
    assert cancel_writes() == []
