"""DetailView: the detail pane while the cursor moves in the table, as one Line-API widget.

Every part (fields, lineage, copy-search status, tags) is rendered once to lines, in one or two
columns, and served by `render_line`. Nothing in the layout depends on the content, so a new
backup costs one render and one repaint of the pane. The pane's interactive widgets (the
lineage tree you can walk and jump from) take over only when the pane has focus: their
auto-sized layout re-flows the whole screen, about 60 ms per update on a 2-core machine.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.prerendered import render_strips
from tui.widgets.virtual import set_virtual_size

#: From this content width on, the parts sit in two columns.
TWO_COLUMNS = 100
_GAP = 2


class DetailView(ScrollView):
    """Pre-rendered parts: `left` (the fields) and `right` (lineage, tags) side by side."""

    DEFAULT_CSS = """
    DetailView {
        height: 1fr;
        overflow-x: hidden;
        /* Always there: a bar that comes and goes with the backup shown re-lays out the
           whole screen (a long backup needs one, a short one does not). */
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._left: list[RenderableType] = []
        self._right: list[RenderableType] = []
        self._strips: list[Strip] = []
        self._built_for: tuple[int, Style] | None = None

    def show(
        self, left: Sequence[RenderableType], right: Sequence[RenderableType], *, home: bool
    ) -> None:
        """Replace the parts; `home` scrolls back to the top (a different backup)."""
        self._left, self._right = list(left), list(right)
        self._built_for = None
        if home:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._build()
        self.refresh()

    @property
    def plain(self) -> str:
        """Every line as text (what a user can scroll through)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def _render_parts(self, parts: list[RenderableType], width: int, style: Style) -> list[Strip]:
        if not parts or width <= 0:
            return []
        return render_strips(self, Group(*parts), width, style)

    def _build(self) -> None:
        width = self.scrollable_content_region.width
        style = self.rich_style
        if self._built_for == (width, style):
            return
        self._built_for = (width, style)
        if width >= TWO_COLUMNS and self._right:
            left_width = (width - _GAP) * 11 // 20
            right_width = width - _GAP - left_width
            left = self._render_parts(self._left, left_width, style)
            right = self._render_parts(self._right, right_width, style)
            gap = Strip([Segment(" " * _GAP, style)], _GAP)
            blank_left = Strip([Segment(" " * left_width, style)], left_width)
            blank_right = Strip([Segment(" " * right_width, style)], right_width)
            self._strips = [
                Strip.join(
                    [
                        left[i] if i < len(left) else blank_left,
                        gap,
                        right[i] if i < len(right) else blank_right,
                    ]
                )
                for i in range(max(len(left), len(right)))
            ]
        else:
            spacer: list[RenderableType] = [Text("")] if self._left and self._right else []
            parts = [*self._left, *spacer, *self._right]
            self._strips = self._render_parts(parts, width, style)
        set_virtual_size(self, Size(width, len(self._strips)))

    def reveal_right(self) -> None:
        """Scroll to the right-hand parts (lineage, copies) where they sit under the fields.

        On a narrow pane they come after every field: `L`'s search would run out of sight.
        """
        width = self.scrollable_content_region.width
        if width >= TWO_COLUMNS or not self._left:
            return
        top = len(self._render_parts([*self._left, Text("")], width, self.rich_style))
        self.scroll_to(0, top, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._build()

    def render_line(self, y: int) -> Strip:
        self._build()
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if 0 <= index < len(self._strips):
            return self._strips[index].crop(0, width)
        return Strip([Segment(" " * width, self.rich_style)], width)
