"""A vertical scrollbar drawn as the last cell of a Line-API widget's own lines.

Textual's ScrollBar is a widget of its own: each move of its thumb recomposes every line it
crosses (about 4 ms here, more than the rows that changed). Drawn inside the rows, a thumb
step repaints the one or two cells whose glyph changed.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.scrollbar import ScrollBarRender

#: What a gutter cell shows: the track, the thumb, or a thumb end in eighths of a cell.
TRACK, THUMB, TOP_END, BOTTOM_END = range(4)

Cell = tuple[int, str]


def gutter_cells(length: int, virtual: int, window: int, position: float) -> list[Cell]:
    """The bar's cells, top to bottom, as Textual's `ScrollBarRender.render_bar` draws them.

    `length` cells show a `window` of `virtual` lines scrolled to `position`; when everything
    fits there is no thumb, only the track.
    """
    track: Cell = (TRACK, " ")
    if not (length > 0 and window and virtual and length != virtual and window < virtual):
        return [track] * max(0, length)
    bars = ScrollBarRender.VERTICAL_BARS
    steps = len(bars)
    position = int(position * 8) / 8  # ScrollBar keeps its position in eighths
    thumb = max(1, window / (virtual / length))
    offset = (length - thumb) * (position / (virtual - window))
    start = int(offset * steps)
    end = start + ceil(thumb * steps)
    start_index, start_bar = divmod(max(0, start), steps)
    end_index, end_bar = divmod(max(0, end), steps)
    cells = [track] * length
    cells[start_index:end_index] = [(THUMB, " ")] * (end_index - start_index)
    del cells[length:]
    if start_index < length and (glyph := bars[steps - 1 - start_bar]) != " ":
        cells[start_index] = (TOP_END, glyph)
    if end_index < length and (glyph := bars[steps - 1 - end_bar]) != " ":
        cells[end_index] = (BOTTOM_END, glyph)
    return cells


def gutter_styles(back: Color, bar: Color) -> tuple[Style, Style, Style, Style]:
    """The rich style of each kind of cell, indexed by TRACK, THUMB, TOP_END, BOTTOM_END."""
    back_colour, bar_colour = back.rich_color, bar.rich_color
    return (
        Style(bgcolor=back_colour),
        Style(color=bar_colour, reverse=True),
        Style(bgcolor=back_colour, color=bar_colour),
        Style(bgcolor=back_colour, color=bar_colour, reverse=True),
    )


def gutter_segment(cell: Cell, styles: tuple[Style, Style, Style, Style]) -> Segment:
    """One gutter cell as a segment."""
    kind, glyph = cell
    return Segment(glyph, styles[kind])
