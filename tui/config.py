"""The user's config file: choices remembered between runs (theme, time mode), nothing secret.

Reading and writing never raise: a broken or unwritable file costs the user their saved choices,
never the app, so both return a message for the status line instead. A file that was not read
as ours (not JSON, not an object, binary, too big, unreadable) is never written over: before
the first write it is moved aside, bytes intact, and the user is told where it went.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from tui.timemodes import TIME_MODES

APP_NAME = "hsm-backups"
#: Full path of the config file to use instead of the per-user default.
CONFIG_ENV = "HSM_BACKUPS_CONFIG"
#: A config file bigger than this is not one we wrote; reading it whole would only waste memory.
MAX_CONFIG_BYTES = 64 * 1024


@dataclass(frozen=True)
class UserConfig:
    """What is remembered; None for theme means Textual's default."""

    theme: str | None = None
    time_mode: str = "utc"


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """$HSM_BACKUPS_CONFIG when set, else `config.json` in the platform's per-user config dir.

    The default (e.g. `~/.config/hsm-backups/config.json`, honouring XDG_CONFIG_HOME) comes from
    platformdirs, which reads the process environment whatever `environ` says.
    """
    env = os.environ if environ is None else environ
    if override := env.get(CONFIG_ENV):
        return Path(override)
    return platformdirs.user_config_path(APP_NAME) / "config.json"


#: What _read found: no file at all, a file it could not take as JSON (and why), or the JSON.
_MISSING = object()


def _read(path: Path) -> tuple[Any, str | None]:
    """The parsed JSON, or _MISSING and None (no file: normal, not worth a word), or None and
    why the file could not be read as JSON."""
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return _MISSING, None
    except OSError as exc:
        return None, f"Could not read {path} ({exc.strerror or exc}); using defaults"
    if len(raw) > MAX_CONFIG_BYTES:
        return None, f"{path} is over {MAX_CONFIG_BYTES // 1024} KiB; using defaults"
    try:
        return json.loads(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, f"{path} is not UTF-8 text; using defaults"
    except json.JSONDecodeError as exc:
        return None, f"{path} is not valid JSON (line {exc.lineno}); using defaults"


def load_config(path: Path) -> tuple[UserConfig, str | None]:
    """The saved config and a warning for the user when some or all of it had to be ignored.

    Never raises. Unknown keys are skipped silently (a newer version may have written them);
    a value of the wrong type is ignored on its own, and so is an unknown time mode.
    """
    config, problem, _ = _load(path)
    return config, problem


def _load(path: Path) -> tuple[UserConfig, str | None, bool]:
    """load_config, and whether the file is there but not ours (so must not be written over).

    A regular file that is not a JSON object is not ours; a directory in its place is nothing
    to move aside (writing there fails on its own, with a message).
    """
    data, problem = _read(path)
    if data is _MISSING:
        return UserConfig(), None, False
    if problem is not None:
        return UserConfig(), problem, os.path.isfile(path)
    if not isinstance(data, dict):
        return UserConfig(), f"{path} does not hold a JSON object; using defaults", True
    ignored: list[str] = []
    theme = data.get("theme")
    if theme is not None and not (isinstance(theme, str) and theme):
        ignored.append("theme (expected a theme name)")
        theme = None
    time_mode = data.get("time_mode", UserConfig.time_mode)
    if time_mode not in TIME_MODES:
        ignored.append(f"time_mode (expected one of {', '.join(TIME_MODES)})")
        time_mode = UserConfig.time_mode
    config = UserConfig(theme=theme, time_mode=time_mode)
    return config, f"Ignored in {path}: {'; '.join(ignored)}" if ignored else None, False


def set_aside(path: Path, now: datetime) -> Path:
    """Move the file at `path` out of the way, bytes intact: `<name>.bad-<UTC time>` beside it.

    It becomes private (0o600): a file we did not write may hold anything, secrets included.
    A symlinked config file keeps its link; the file it points at is the one moved. Returns
    the new path; raises OSError when the file cannot be moved.
    """
    target = Path(os.path.realpath(path))
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = target.with_name(f"{target.name}.bad-{stamp}")
    tries = 1
    while os.path.lexists(aside):  # set aside twice in one second: keep both
        tries += 1
        aside = target.with_name(f"{target.name}.bad-{stamp}-{tries}")
    os.rename(target, aside)
    with contextlib.suppress(OSError):  # someone else's file: it keeps its mode
        os.chmod(aside, 0o600)
    return aside


def save_config(path: Path, config: UserConfig) -> str | None:
    """Write `config` to `path`; None on success, else a message for the user. Never raises.

    Only the known keys are written. The text goes to a temporary file in the same directory,
    which then replaces the old file in one step, so a crash or a full disk never leaves half a
    file behind. A missing directory is created private (0o700). A symlinked config file (say,
    from a dotfiles repository) stays a symlink: the file it points at is replaced.
    """
    data = {"theme": config.theme, "time_mode": config.time_mode}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    target = Path(os.path.realpath(path))
    temp: str | None = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        return f"Could not save settings to {path} ({exc.strerror or exc})"
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    return None


@dataclass(frozen=True)
class Written:
    """What a write has to tell the user: a file moved aside (`notice`), a failure (`problem`)."""

    notice: str | None = None
    problem: str | None = None


class ConfigKeeper:
    """The user's choices and their file: the app changes them, any thread may write them.

    One writer at a time, and each write takes the latest choices, so a slow older write can
    never land after a newer one. Nothing is written until something changed, and a file that
    was not read as ours is moved aside first (once), never written over.
    """

    def __init__(self, path: Path, clock: Callable[[], datetime] | None = None) -> None:
        self.path = path
        config, self.problem, self._foreign = _load(path)
        #: The choices as they stand (what the next write puts in the file).
        self.config = config
        self._written = config
        self._lock = threading.Lock()
        self._clock = clock or (lambda: datetime.now(UTC))
        #: Notices of writes not told to the user yet (see `untold`).
        self._untold: list[str] = []

    @property
    def pending(self) -> bool:
        """True when the file does not have the current choices yet."""
        return self.config != self._written

    def change(self, **changes: str | None) -> None:
        """Change choices (theme=…, time_mode=…); `write` puts them in the file."""
        self.config = replace(self.config, **changes)  # type: ignore[arg-type]

    def write(self) -> Written:
        """Write the current choices unless the file has them; what the user should hear."""
        with self._lock:
            config = self.config
            if config == self._written:
                return Written()
            notice = None
            if self._foreign:
                try:
                    aside = set_aside(self.path, self._clock())
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                    return Written(
                        problem=f"Did not save settings: {self.path} is not a settings file "
                        f"of hsm-backups and could not be moved aside ({reason})"
                    )
                self._foreign = False
                notice = (
                    f"{self.path} was not a settings file of hsm-backups: it was moved to "
                    f"{aside}, and a fresh one holds your settings."
                )
                self._untold.append(notice)
            problem = save_config(self.path, config)
            if problem is None:
                self._written = config
            return Written(notice, problem)

    def untold(self) -> list[str]:
        """The notices not told yet, once each: the app shows them, or, when the write came
        too late for the screen (a quick q after --theme), the command line prints them."""
        with self._lock:
            told, self._untold = self._untold, []
        return told
