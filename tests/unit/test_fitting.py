"""Fitting text: long tokens wrap after `:` or `/`, nothing is lost; a cut shows an ellipsis."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from tests.ui.helpers import text_of
from tui.widgets.fitting import shorten, wrap
from tui.widgets.key_values import KeyValues

ARN = "arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-x2zsn2z3j6r"


@pytest.mark.parametrize("width", [20, 25, 30, 40, 50, 59])
def test_an_arn_wraps_after_colons_and_slashes_and_keeps_every_character(width: int) -> None:
    lines = [line.plain for line in wrap(Text(ARN), width)]
    assert "".join(lines) == ARN
    assert all(cell_len(line) <= width for line in lines)
    # Every line but the last ends where the ARN has a natural break (no ID sliced apart).
    assert all(line.endswith((":", "/")) for line in lines[:-1]), lines


def test_the_arn_lines_read_as_its_parts() -> None:
    lines = [line.plain for line in wrap(Text(ARN), 40)]
    assert lines == ["arn:aws:cloudhsm:us-east-1:123456789012:", "backup/backup-x2zsn2z3j6r"]


def test_words_wrap_at_spaces_and_an_arn_after_them_fills_the_line_first() -> None:
    text = Text(f"denied for {ARN} today")
    lines = [line.plain for line in wrap(text, 30)]
    assert lines == [
        "denied for arn:aws:cloudhsm:",
        "us-east-1:123456789012:backup/",
        "backup-x2zsn2z3j6r today",
    ]


def test_a_token_without_any_break_is_folded_as_a_last_resort() -> None:
    lines = [line.plain for line in wrap(Text("x" * 25), 10)]
    assert lines == ["x" * 10, "x" * 10, "x" * 5]


def test_styles_survive_the_wrap() -> None:
    text = Text("key ")
    text.append(ARN, style="bold")
    lines = wrap(text, 30)
    assert any(span.style == "bold" for line in lines[1:] for span in line.spans)


def test_key_values_show_an_arn_whole_at_80_columns() -> None:
    grid = KeyValues([(Text("BackupArn"), Text(ARN))], min_key=15)
    shown = text_of(grid, width=58).splitlines()
    assert shown[0].rstrip() == "BackupArn        arn:aws:cloudhsm:us-east-1:123456789012:"
    assert shown[1].rstrip() == "                 backup/backup-x2zsn2z3j6r"


def test_shorten_drops_whole_parts_and_says_so_with_an_ellipsis() -> None:
    label = Text("● us-east-1 backup-x2zsn2z3j6r READY · made 5 min ago · cluster-ke36uxo36vr")
    assert shorten(label, 60).plain == "● us-east-1 backup-x2zsn2z3j6r READY · made 5 min ago…"
    assert shorten(label, 40).plain == "● us-east-1 backup-x2zsn2z3j6r READY…"
    assert shorten(label, 200).plain == label.plain


def test_shorten_cuts_mid_word_only_with_an_ellipsis() -> None:
    assert shorten(Text("abcdefghijklmnop"), 8).plain == "abcdefg…"
    assert cell_len(shorten(Text("データ基盤チーム"), 7).plain) <= 7
