"""Prerendered: a Rich renderable drawn once per content and width, then served line by line.

A `Static` with `height: auto` renders its whole content to measure it on every layout pass and
again to paint it; in the detail pane (a grid of every field, the tags) that made each update of
the pane cost about 100 ms of reflow. This widget renders once, keeps the lines, answers the
layout's height question from them, and asks for a new layout only when the height changes.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget


def render_strips(
    widget: Widget, renderable: RenderableType, width: int, style: Style
) -> list[Strip]:
    """`renderable` drawn once at `width` on `style`, as lines ready for `render_line`."""
    if isinstance(renderable, str):
        renderable = Text(renderable)  # literal: never parsed as markup
    console = widget.app.console
    options = console.options.update(width=width, height=None, highlight=False)
    lines = console.render_lines(renderable, options, style=style, pad=True)
    return [Strip(line, width) for line in lines]


class Prerendered(Widget):
    """Shows one renderable; `height: auto` costs a list length, not a render."""

    DEFAULT_CSS = """
    Prerendered { height: auto; }
    """

    def __init__(self, renderable: RenderableType = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._renderable: RenderableType = renderable
        self._lines: list[Strip] = []
        self._width = -1
        self._style: Style | None = None

    def update(self, renderable: RenderableType) -> None:
        """Show `renderable`: repaint, and re-lay out only when the line count changes."""
        self._renderable = renderable
        width = self._width
        before = len(self._lines)
        self._width = -1
        if width > 0:
            self._build(width)
        self.refresh(layout=width <= 0 or len(self._lines) != before)

    def _build(self, width: int) -> None:
        style = self.rich_style  # the pane's colours change with focus and theme
        if width == self._width and style == self._style:
            return
        self._width, self._style = width, style
        has_content = self._has_content()
        self._lines = render_strips(self, self._renderable, width, style) if has_content else []

    def _has_content(self) -> bool:
        renderable = self._renderable
        if isinstance(renderable, str | Text):
            return bool(str(renderable))
        return True

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._build(width)
        return len(self._lines)

    def on_resize(self) -> None:
        self._build(self.content_region.width)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        self._build(width)
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip([Segment(" " * width, self.rich_style)], width)
