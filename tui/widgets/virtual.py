"""Growing a Line-API widget's scrollable area without re-laying out the whole screen."""

from __future__ import annotations

from math import ceil

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set `view.virtual_size` and update its scrollbars, without a screen-wide layout.

    `virtual_size` is a reactive declared with layout=True: every change re-flows every widget
    on the screen (10–25 ms here), although only the scrollbars depend on it. Only the bar
    whose dimension changed is repainted (a bar costs more to draw than the rows), and only
    when its thumb moves on screen. A scrollbar that appears or disappears still asks for a
    layout, through its own reactive.
    """
    old = view.virtual_size
    if size == old:
        return
    view.set_reactive(Widget.virtual_size, size)
    if not view.is_mounted:
        return
    view._refresh_scrollbars()
    width, height = view.container_size
    if size.height != old.height and view.show_vertical_scrollbar:
        _update_bar(view.vertical_scrollbar, size.height, height - view.scrollbar_size_horizontal)
    if size.width != old.width and view.show_horizontal_scrollbar:
        _update_bar(view.horizontal_scrollbar, size.width, width - view.scrollbar_size_vertical)
    view.scroll_x = view.validate_scroll_x(view.scroll_x)
    view.scroll_y = view.validate_scroll_y(view.scroll_y)


def _update_bar(bar: ScrollBar, virtual: int, window: int) -> None:
    """Give `bar` its new sizes; repaint it only if that moves its thumb by a visible step.

    A bar repaint costs about 4 ms (every widget it crosses is recomposed); at thousands of
    rows, a page more changes the thumb by less than the eighth of a cell it can show.
    """
    before = _thumb(bar, bar.window_virtual_size, bar.window_size)
    bar.window_virtual_size = virtual
    bar.window_size = window
    if _thumb(bar, virtual, window) != before:
        bar.refresh()


def _thumb(bar: ScrollBar, virtual: float, window: float) -> tuple[int, int] | None:
    """The thumb's ends in eighths of a cell, as Textual's ScrollBarRender.render_bar draws it."""
    length = bar.size.height if bar.vertical else bar.size.width
    window = window if window < virtual else 0
    virtual, window = ceil(virtual), ceil(window)
    if not (window and length and virtual and length != virtual):
        return None
    steps = len(ScrollBarRender.VERTICAL_BARS if bar.vertical else ScrollBarRender.HORIZONTAL_BARS)
    thumb = max(1, window / (virtual / length))
    position = (length - thumb) * (bar.position / (virtual - window))
    start = int(position * steps)
    return start, start + ceil(thumb * steps)
