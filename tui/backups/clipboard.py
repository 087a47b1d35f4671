"""OSC 52: copy text to the user's clipboard through the terminal, which also works over SSH.

Pure functions, and one question to tmux: the UI writes the bytes to the terminal and decides
what to do when the text is too large (show it in a modal instead) or when OSC 52 is likely
to be ignored.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tui.backups.sanitize import clean

_OSC52_PREFIX = b"\x1b]52;c;"
_BEL = b"\x07"

#: Most UTF-8 bytes of text one OSC 52 sequence may carry. hterm (and Chromium's osc52.sh,
#: which many tools copy) drop a whole sequence longer than 100,000 bytes. The 8 bytes of
#: framing (`ESC ] 52 ; c ;` and BEL) leave 99,992 bytes of base64, and base64 turns every
#: 3 bytes into 4, so 99,992 / 4 * 3 = 74,994 bytes of text.
MAX_CLIPBOARD_BYTES = 74_994


class ClipboardTooLarge(ValueError):
    """The text is over MAX_CLIPBOARD_BYTES: a terminal would drop it silently, so show it."""

    def __init__(self, size: int, limit: int = MAX_CLIPBOARD_BYTES) -> None:
        super().__init__(f"{size:,} bytes is over the {limit:,}-byte clipboard limit")
        self.size = size
        self.limit = limit


def clean_multiline(text: str) -> str:
    """Like clean(), but newlines survive, so multi-line JSON pastes as multi-line JSON.

    Each line is cleaned on its own (tabs, CR, ESC and bidi marks become a space) and the lines
    are joined with "\\n"; a Windows "\\r\\n" counts as one newline.
    """
    return "\n".join(clean(line) for line in text.replace("\r\n", "\n").split("\n"))


def osc52(text: str, *, tmux: bool) -> bytes:
    """The exact bytes that put `text` on the clipboard: `ESC ] 52 ; c ; <base64> BEL`.

    `text` is first passed through clean_multiline(): what lands on the clipboard is pasted
    into shells, and a hidden ESC or bidi override there is as bad as on screen.

    With `tmux` the sequence is wrapped in tmux's DCS passthrough (`ESC P tmux ; … ESC \\`, every
    ESC inside doubled), which tmux ≥ 3.3 forwards only with `set -g allow-passthrough on`.
    Alternatively tmux's `set -g set-clipboard on` understands a plain OSC 52 itself (and keeps
    a tmux paste buffer too), so callers may pass `tmux=False` inside tmux: both are supported.

    Raises ClipboardTooLarge when the cleaned text is over MAX_CLIPBOARD_BYTES.
    """
    data = clean_multiline(text).encode("utf-8")
    if len(data) > MAX_CLIPBOARD_BYTES:
        raise ClipboardTooLarge(len(data))
    sequence = _OSC52_PREFIX + base64.b64encode(data) + _BEL
    if tmux:
        return b"\x1bPtmux;" + sequence.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    return sequence


def in_tmux(environ: Mapping[str, str]) -> bool:
    """Running inside tmux: tmux sets TMUX (socket path, pid, session) for its panes."""
    return bool(environ.get("TMUX"))


def osc52_doubtful(environ: Mapping[str, str]) -> str | None:
    """Why OSC 52 will probably be ignored here, for the status message; None when it may work.

    Only the cases we can tell from the environment: a console or dumb terminal, GNU screen
    (which does not forward OSC 52 by default), and macOS Terminal.app (no OSC 52 support).
    """
    term = environ.get("TERM", "")
    if term in ("linux", "dumb", ""):
        return f"TERM is {term!r}: this terminal has no clipboard" if term else "TERM is not set"
    if environ.get("STY"):
        return "running under GNU screen, which does not pass OSC 52 on by default"
    if not in_tmux(environ) and environ.get("TERM_PROGRAM") == "Apple_Terminal":
        return "macOS Terminal does not support OSC 52"
    return None


def tmux_option(name: str) -> str | None:
    """A global option of the tmux server this pane runs in; None when tmux cannot say.

    Runs a `tmux` client (a few milliseconds): call it from a worker, never the UI thread.
    """
    try:
        done = subprocess.run(
            ["tmux", "show-options", "-gv", name],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


#: tmux's own fix for the copy it drops, for now and for good: with `set-clipboard on` tmux
#: takes the plain OSC 52 itself, passes it on to the outer terminal, and keeps a paste buffer.
TMUX_FIX_NOW = "tmux set -g set-clipboard on"
TMUX_FIX_CONF = "set -g set-clipboard on"


@dataclass(frozen=True)
class TmuxDrop:
    """tmux's options drop both sequences we send; `set_clipboard` is what tmux said."""

    set_clipboard: str

    @property
    def reason(self) -> str:
        return f"tmux drops it (set-clipboard {self.set_clipboard}, allow-passthrough off)"


def tmux_drops(option: Callable[[str], str | None]) -> TmuxDrop | None:
    """Whether tmux drops both sequences we send, from its options; None when one gets through.

    The plain OSC 52 needs `set-clipboard on` (the default, `external`, ignores applications);
    the passthrough one needs `allow-passthrough on` (tmux 3.3+; older ones have no such
    option and pass it on). An option tmux cannot tell counts as letting it through: only a
    copy known to be dropped is said to be.
    """
    clipboard = option("set-clipboard")
    passthrough = option("allow-passthrough")
    if clipboard is None or clipboard == "on" or passthrough is None or passthrough != "off":
        return None
    return TmuxDrop(clean(clipboard))
