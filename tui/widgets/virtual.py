"""Growing a Line-API widget's scrollable area without re-laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set `view.virtual_size` and update its scrollbars, without a screen-wide layout.

    `virtual_size` is a reactive declared with layout=True: every change re-flows every widget
    on the screen (10–25 ms here), although only the scrollbars depend on it. Only the bar
    whose dimension changed is repainted (a bar costs more to draw than the rows). A scrollbar
    that appears or disappears still asks for a layout, through its own reactive.
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
        bar = view.vertical_scrollbar
        bar.window_virtual_size = size.height
        bar.window_size = height - view.scrollbar_size_horizontal
        bar.refresh()
    if size.width != old.width and view.show_horizontal_scrollbar:
        bar = view.horizontal_scrollbar
        bar.window_virtual_size = size.width
        bar.window_size = width - view.scrollbar_size_vertical
        bar.refresh()
    view.scroll_x = view.validate_scroll_x(view.scroll_x)
    view.scroll_y = view.validate_scroll_y(view.scroll_y)
