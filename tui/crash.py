"""Crash reports: an unexpected error is one line on stderr and a private file, never a screen.

A tool used on shared jump hosts must not print its memory to the terminal: Textual's own
crash screen is a Rich traceback with every frame's local variables (credentials, session
tokens, API answers). Here the traceback is kept to frames (file, line, function, code line)
and written, scrubbed of anything that looks like an AWS secret, to a file only the user can
read; the terminal gets one line naming it. Only the standard library at import time: this
runs when something has already gone wrong.
"""

from __future__ import annotations

import os
import platform
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

APP_NAME = "hsm-backups"
#: Longest exception message on the terminal line (the whole of it is in the report).
_LINE_MESSAGE = 160

#: What looks like a credential, and what it becomes. Names are matched however they are
#: spelled (aws_secret_access_key, SecretAccessKey, AWS_SESSION_TOKEN, X-Amz-Security-Token)
#: and in the shapes a message quotes them in: `name = value`, `'name': 'value'`, `name=value&`.
_ASSIGNED = r"[\"']?\s*[:=]\s*[\"']?"
_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Access key IDs: long-term (AKIA), temporary (ASIA), and the other key-shaped prefixes.
    (re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AIDA|AROA)[A-Z0-9]{16}\b"), "<access-key-id>"),
    # Secret keys (40 characters of base64) after a name that says so.
    (
        re.compile(r"(?i)((?:aws_?)?secret(?:_?access)?_?key" + _ASSIGNED + r")[A-Za-z0-9/+=]{40}"),
        r"\1<secret>",
    ),
    # Session and security tokens, SSO access and refresh tokens: anything named *token.
    (
        re.compile(r"(?i)([a-z_-]*token" + _ASSIGNED + r")[^\s\"'&,;)]+"),
        r"\1<token>",
    ),
    # Presigned URLs carry the key ID and a signature in their query string.
    (
        re.compile(r"(?i)(x-amz-(?:credential|signature)=)[^\s\"'&]+"),
        r"\1<redacted>",
    ),
    # Authorization headers (SigV4: Credential=…, Signature=…; or a bearer token): the value.
    (re.compile(r"(?i)(authorization" + _ASSIGNED + r")[^\"'\n]+"), r"\1<redacted>"),
    # Passwords and client secrets, should a message ever quote one.
    (
        re.compile(r"(?i)((?:password|passwd|client_?secret)" + _ASSIGNED + r")[^\s\"'&,;)]+"),
        r"\1<redacted>",
    ),
)


def scrub_secrets(text: str) -> str:
    """`text` with every credential-looking value replaced by a placeholder."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _printable(line: str) -> str:
    """One line without control or invisible characters: the report is read with `cat` and
    the summary on a terminal, where an escape sequence from an error message would act."""
    return "".join(c if c.isprintable() else " " for c in line)


@dataclass(frozen=True)
class Crash:
    """An unexpected error, and where it happened: "in the browser", "while starting"…"""

    error: BaseException
    during: str


def crash_dir() -> Path:
    """The user's state directory (on Linux ~/.local/state/hsm-backups, after XDG)."""
    import platformdirs

    return platformdirs.user_state_path(APP_NAME)


def _versions() -> list[str]:
    """The facts a bug report needs: ours, Python's, Textual's, the platform's."""
    from importlib import metadata

    from tui import __version__

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return [
        f"hsm-backups: {__version__}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"textual: {version('textual')}",
        f"botocore: {version('botocore')}",
        f"platform: {platform.platform()}",
    ]


def _libraries() -> tuple[str, ...]:
    """Where the standard library and installed packages live (Textual, botocore, asyncio)."""
    import sysconfig

    paths = sysconfig.get_paths()
    found = {str(Path(paths[k]).resolve()) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(p + os.sep for p in found)


def _where(error: BaseException) -> str:
    """`main.py:12 in on_key`: the innermost frame of our code (this package, or a script
    outside the libraries); else the innermost frame."""
    frames = traceback.extract_tb(error.__traceback__)
    package = str(Path(__file__).resolve().parent) + os.sep
    libraries = _libraries()

    def ours(filename: str) -> bool:
        path = str(Path(filename).resolve())
        return path.startswith(package) or not path.startswith(libraries)

    mine = [f for f in frames if ours(f.filename)] or list(frames)
    if not mine:
        return ""
    frame = mine[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


def summary(error: BaseException) -> str:
    """`KeyError: 'x', at main.py:12 in on_key`: the error in a few words, scrubbed."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(message) > _LINE_MESSAGE:
        message = message[: _LINE_MESSAGE - 1] + "…"
    said = type(error).__name__ + (f": {message}" if message else "")
    where = _where(error)
    return _printable(scrub_secrets(said + (f", at {where}" if where else "")))


def report_text(crash: Crash, now: datetime) -> str:
    """The report: what, when, versions, and the traceback as frames, without variables.

    traceback.TracebackException never captures locals unless asked to; chained errors (the
    cause, and what was being handled) are kept. No environment, no flags: the report is
    meant to be attached to a bug report as it is.
    """
    lines = [
        "hsm-backups crash report",
        f"what: unexpected error {crash.during}",
        f"when: {now.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        *_versions(),
        "",
        "Frames only: no local variables, no environment, no credentials (values that look "
        "like AWS keys or tokens are replaced).",
        "",
    ]
    error = crash.error
    trace = traceback.TracebackException(
        type(error), error, error.__traceback__, capture_locals=False
    )
    lines += "".join(trace.format()).rstrip("\n").split("\n")
    return "\n".join(_printable(scrub_secrets(line)) for line in lines) + "\n"


def write_report(crash: Crash, now: datetime, folder: Path | None = None) -> Path:
    """Write the report, readable by the user alone (0600, in a 0700 folder); its path.

    Raises OSError when it cannot be written. The file is created, never opened if it
    exists (O_EXCL) nor through a symbolic link.
    """
    folder = crash_dir() if folder is None else folder
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)  # exactly, whatever the umask
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    text = report_text(crash, now).encode("utf-8", "replace")
    for attempt in range(100):
        suffix = f"-{attempt}" if attempt else ""
        path = folder / f"crash-{stamp}-{os.getpid()}{suffix}.txt"
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            os.write(fd, text)
        finally:
            os.close(fd)
        return path
    raise FileExistsError(f"{folder} is full of crash reports from this second")


def report(
    crash: Crash,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    folder: Path | None = None,
) -> str:
    """Write the report and return the one line for stderr. Never raises: a report that
    cannot be written is said in the line instead."""
    said = f"unexpected error {crash.during} ({summary(crash.error)})"
    try:
        path = write_report(crash, now(), folder)
    except Exception as exc:  # a crash report must not crash
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return _printable(f"{said}; the crash report could not be written ({reason}).")
    return _printable(f"{said}; crash report (no variables or credentials): {path}")
