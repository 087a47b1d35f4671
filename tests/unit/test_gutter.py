"""The table's own scrollbar draws exactly what Textual's ScrollBar would, cell for cell."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.scrollbar import ScrollBarRender

from tui.widgets.gutter import THUMB, TRACK, gutter_cells, gutter_segment, gutter_styles

BACK, BAR = Color.parse("#101010"), Color.parse("#30a0a0")


def _textual(length: int, virtual: int, window: int, position: float) -> list[Segment]:
    bar = ScrollBarRender.render_bar(
        size=length,
        virtual_size=virtual,
        window_size=window if window < virtual else 0,
        position=int(position * 8) / 8,
        back_color=BACK.rich_color,
        bar_color=BAR.rich_color,
    )
    return [s for s in bar.segments if s.text != "\n"]


@pytest.mark.parametrize("length", [1, 5, 21, 40])
@pytest.mark.parametrize("virtual", [3, 21, 22, 51, 1_000, 100_351])
@pytest.mark.parametrize("share", [0.0, 0.013, 0.5, 0.77, 1.0])
def test_each_cell_matches_textuals_scrollbar(length: int, virtual: int, share: float) -> None:
    window = length
    position = share * max(0, virtual - window)
    ours = [
        gutter_segment(c, gutter_styles(BACK, BAR))
        for c in gutter_cells(length, virtual, window, position)
    ]
    theirs = _textual(length, virtual, window, position)
    assert [s.text for s in ours] == [s.text for s in theirs]
    assert [_colours(s) for s in ours] == [_colours(s) for s in theirs]


def _colours(segment: Segment) -> tuple[object, object, object]:
    style = segment.style
    assert style is not None
    return (style.color, style.bgcolor, style.reverse)


def test_everything_fits_means_a_bare_track() -> None:
    assert {kind for kind, _ in gutter_cells(20, 12, 20, 0)} == {TRACK}


def test_the_thumb_shrinks_as_rows_arrive_and_follows_the_position() -> None:
    def thumb(virtual: int, position: float) -> list[int]:
        return [i for i, (kind, _) in enumerate(gutter_cells(20, virtual, 20, position)) if kind]

    assert len(thumb(40, 0)) > len(thumb(400, 0))
    assert thumb(400, 0)[0] == 0
    assert thumb(400, 380)[-1] == 19
    assert [k for k, _ in gutter_cells(20, 40, 20, 0)][:9] == [THUMB] * 9
