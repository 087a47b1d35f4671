"""OSC 52 bytes (plain and through tmux), the size cap, cleaning, and terminal detection."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from tui.backups.clipboard import (
    MAX_CLIPBOARD_BYTES,
    ClipboardTooLarge,
    clean_multiline,
    in_tmux,
    osc52,
    osc52_doubtful,
)

ROOT = Path(__file__).resolve().parents[2]


def _payload(sequence: bytes) -> str:
    """The text a terminal would put on the clipboard for a plain OSC 52 sequence."""
    assert sequence.startswith(b"\x1b]52;c;")
    assert sequence.endswith(b"\x07")
    return base64.b64decode(sequence[7:-1], validate=True).decode("utf-8")


class TestOsc52:
    def test_plain_sequence_for_a_short_string(self) -> None:
        assert osc52("hi", tmux=False) == b"\x1b]52;c;aGk=\x07"

    def test_tmux_passthrough_doubles_every_escape(self) -> None:
        assert osc52("hi", tmux=True) == b"\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"

    def test_multiline_unicode_json_survives_intact(self) -> None:
        text = '{\n  "BackupId": "backup-abcdefghij2",\n  "owner": "支払い処理 🔐"\n}'
        expected = b"\x1b]52;c;" + base64.b64encode(text.encode("utf-8")) + b"\x07"
        assert osc52(text, tmux=False) == expected
        assert _payload(osc52(text, tmux=False)) == text

    def test_tmux_wrapped_carries_the_same_payload(self) -> None:
        text = "backup-abcdefghij2\nbackup-bcdefghijk3"
        inner = osc52(text, tmux=False)
        wrapped = osc52(text, tmux=True)
        assert wrapped.startswith(b"\x1bPtmux;")
        assert wrapped.endswith(b"\x1b\\")
        assert wrapped[len(b"\x1bPtmux;") : -2].replace(b"\x1b\x1b", b"\x1b") == inner

    def test_control_characters_never_reach_the_clipboard(self) -> None:
        hostile = "a\x1b[2Jb\nc\u202ed\x07e\r\nf\tg"
        assert _payload(osc52(hostile, tmux=False)) == "a [2Jb\nc d e\nf g"


class TestCap:
    def test_largest_allowed_text_fits_the_100000_byte_sequence_limit(self) -> None:
        sequence = osc52("x" * MAX_CLIPBOARD_BYTES, tmux=False)
        assert len(sequence) <= 100_000
        assert _payload(sequence) == "x" * MAX_CLIPBOARD_BYTES

    def test_one_byte_more_is_refused_with_the_size(self) -> None:
        with pytest.raises(ClipboardTooLarge) as caught:
            osc52("x" * (MAX_CLIPBOARD_BYTES + 1), tmux=True)
        assert caught.value.size == MAX_CLIPBOARD_BYTES + 1
        assert caught.value.limit == MAX_CLIPBOARD_BYTES

    def test_the_cap_counts_utf8_bytes_not_characters(self) -> None:
        osc52("é" * (MAX_CLIPBOARD_BYTES // 2), tmux=False)  # 2 bytes each: exactly the cap
        with pytest.raises(ClipboardTooLarge):
            osc52("é" * (MAX_CLIPBOARD_BYTES // 2 + 1), tmux=False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("one\ntwo", "one\ntwo"),
        ("one\r\ntwo\n", "one\ntwo\n"),
        ("a\x1b]0;x\x07b\nc", "a ]0;x b\nc"),
        ("lone\rcarriage", "lone carriage"),
        ("para\u2029sep", "para sep"),  # not a newline: pasted it would be invisible
    ],
)
def test_clean_multiline_keeps_only_newlines(raw: str, expected: str) -> None:
    assert clean_multiline(raw) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TMUX": "/tmp/tmux-1000/default,4242,0", "TERM": "tmux-256color"}, True),
        ({"TMUX": "", "TERM": "xterm-256color"}, False),
        ({"TERM": "screen-256color"}, False),
    ],
)
def test_in_tmux(environ: dict[str, str], expected: bool) -> None:
    assert in_tmux(environ) is expected


@pytest.mark.parametrize(
    ("environ", "reason_mentions"),
    [
        ({"TERM": "linux"}, "linux"),
        ({"TERM": "dumb"}, "dumb"),
        ({}, "TERM is not set"),
        ({"TERM": "screen", "STY": "1234.pts-0.host"}, "screen"),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"}, "macOS Terminal"),
    ],
)
def test_osc52_doubtful_names_a_reason(environ: dict[str, str], reason_mentions: str) -> None:
    reason = osc52_doubtful(environ)
    assert reason is not None
    assert reason_mentions in reason


@pytest.mark.parametrize(
    "environ",
    [
        {"TERM": "xterm-256color"},
        {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-1000/default,1,0", "TERM_PROGRAM": "tmux"},
        {"TERM": "xterm-kitty", "TERM_PROGRAM": "WezTerm", "SSH_TTY": "/dev/pts/3"},
    ],
)
def test_osc52_not_doubtful_in_capable_terminals(environ: dict[str, str]) -> None:
    assert osc52_doubtful(environ) is None


def test_outbound_modules_do_not_import_textual() -> None:
    """The UI imports these on demand; they must stay cheap and free of textual."""
    code = (
        "import sys\n"
        "import tui.backups.clipboard, tui.backups.commands, tui.backups.export\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(out.stdout.split())
    assert "tui.backups.export" in loaded
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}
