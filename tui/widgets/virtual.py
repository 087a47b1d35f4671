"""Growing a Line-API widget's scrollable area without re-laying out the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Set `view.virtual_size` and update its scrollbars, without a screen-wide layout.

    `virtual_size` is a reactive declared with layout=True: every change re-flows every widget
    on the screen (10–25 ms here), although only the scrollbars depend on it. A scrollbar that
    appears or disappears still asks for a layout, through its own reactive.
    """
    if size == view.virtual_size:
        return
    view.set_reactive(Widget.virtual_size, size)
    if view.is_mounted:
        view._scroll_update(size)
    view.refresh()
