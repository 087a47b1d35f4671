"""clean(): no control byte, escape sequence or bidi override survives; visible text does."""

from __future__ import annotations

import pytest

from tui.backups import clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ab\x1b[2Jcd", "ab [2Jcd"),  # CSI: the ESC goes, so the rest is inert text
        ("\x1b]0;pwned\x07title", " ]0;pwned title"),  # OSC with BEL terminator
        ("a\x9b31mb", "a 31mb"),  # C1 CSI
        ("del\x7fx", "del x"),
        ("nul\x00x", "nul x"),
        ("\u202eexe.txt\u202c", " exe.txt "),  # bidi override and pop
        ("a\u2066b\u2069c\u200fd", "a b c d"),  # isolates and marks
        ("line one\nline two\ttab", "line one line two tab"),
        ("a\r\n\x1b\x1bb", "a b"),  # a run of controls becomes one space
        ("ad\u200bmin", "ad min"),  # zero-width space cannot hide inside a word
        ("a\u2028b\u2029c", "a b c"),  # line and paragraph separators
        ("\ufeffbom\xadshy", " bom shy"),  # BOM, soft hyphen
        ("tag\U000e0041\U000e007fs", "tag s"),  # Unicode tag characters (invisible)
    ],
)
def test_strips_controls(raw: str, expected: str) -> None:
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "支払い処理",
        "🔐 root CA ceremony",
        "Zahlungsverkehr – tägliche Sicherung",
        "[@click=app.quit]x[/]",
        "tag[/oops]",
        "[bold red]styled[/]",
        "plain-ascii_value.1",
    ],
)
def test_keeps_visible_text_literally(text: str) -> None:
    assert clean(text) == text


def test_non_strings_are_rendered_then_cleaned() -> None:
    assert clean(42) == "42"
    assert clean(None) == "None"


def test_output_never_contains_a_control_character() -> None:
    every_control = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
    out = clean(f"x{every_control}y")
    assert out == "x y"


def test_every_ascii_control_becomes_a_space_and_printable_ascii_stays() -> None:
    for code in range(128):
        char = chr(code)
        expected = " " if code < 0x20 or code == 0x7F else char
        assert clean(f"a{char}b") == f"a{expected}b", hex(code)
