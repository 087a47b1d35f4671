"""Cells keep their width whatever the text: wide CJK, emoji, a cut through a wide character."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from tui.widgets.columns import fit


@pytest.mark.parametrize(
    "text",
    ["支払い処理", "🔐 root CA ceremony", "a支b払c", "x" * 300, "", "ab\u0301c"],
)
@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 17])
def test_fit_is_exactly_the_width(text: str, width: int) -> None:
    out = fit(text, width)
    assert cell_len(out) == width
    if cell_len(text) > width:
        assert out.endswith("…"), "a cut is marked"


def test_fit_pads_short_text_without_changing_it() -> None:
    assert fit("READY", 8) == "READY   "
