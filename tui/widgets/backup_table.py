"""BackupTable: a windowed table on Textual's Line API, so its cost stays flat at any row count.

Textual's DataTable rebuilds row offsets over every row on each append (measured 697 ms per
50-row page at 100k rows); this widget keeps rows in a plain list and renders only the lines on
screen, so appending a page or moving the cursor costs the same at row 100 and row 100,000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.backups import Backup, clean
from tui.backups.retention import OWNERS_CLUSTER
from tui.timemodes import TimeDisplay
from tui.widgets.columns import (
    COLUMNS,
    CREATED,
    EXPIRES,
    GONE,
    OWNER,
    STATE,
    STYLE_CLASSES,
    ExpiryLookup,
    fit,
    no_expiry,
    with_times,
)
from tui.widgets.gutter import Cell, gutter_cells, gutter_segment, gutter_styles
from tui.widgets.virtual import set_virtual_size

_GAP = 2
#: Rendered lines kept for about this many screens of rows.
_CACHED_SCREENS = 4


class BackupTable(ScrollView, can_focus=True):
    """Rows of backups in API order with a cursor, a pinned header and an optional trailer line.

    It never fetches anything itself: when the cursor or the viewport comes within `lookahead`
    rows of the end it posts NearEnd, and the screen decides whether a page is due.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "backup-table--header",
        "backup-table--cursor",
        "backup-table--trailer",
        "backup-table--message",
        *STYLE_CLASSES,
    }

    DEFAULT_CSS = """
    BackupTable > .backup-table--header { text-style: bold; }
    BackupTable > .backup-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
    }
    BackupTable:blur > .backup-table--cursor { background: $block-cursor-blurred-background; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last loaded row", show=False, id="table.last"),
        Binding("left,h", "scroll_left", "Scroll left", show=False, id="table.left"),
        Binding("right,l", "scroll_right", "Scroll right", show=False, id="table.right"),
        Binding("enter", "select", "Detail", id="table.select"),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor rests on a different backup (or on nothing after a clear)."""

        table: BackupTable
        index: int
        backup: Backup | None

        @property
        def control(self) -> BackupTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BackupTable.Highlighted)

    @dataclass
    class Selected(Message):
        """Enter (or a second click) on a row: the user wants to look closer."""

        table: BackupTable
        index: int
        backup: Backup

        @property
        def control(self) -> BackupTable:
            return self.table

    @dataclass
    class NearEnd(Message):
        """The cursor or the viewport is within `lookahead` rows of the last loaded row."""

        table: BackupTable

        @property
        def control(self) -> BackupTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BackupTable.NearEnd)

    def __init__(
        self,
        *,
        lookahead: int = 25,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.lookahead = lookahead
        #: Every row, in API order (the Listing's indexes point here).
        self.all_rows: list[Backup] = []
        #: The rows shown: all_rows itself, or the ones a local filter keeps.
        self.rows: list[Backup] = self.all_rows
        self._keep: Callable[[Backup], bool] | None = None
        self.expiry: ExpiryLookup = no_expiry
        self.cursor = 0
        #: The columns as shown: COLUMNS with Created in the current time mode.
        self.columns = COLUMNS
        #: IDs of rows a re-check no longer found: their State cell says so (see mark_gone).
        self.gone: set[str] = set()
        self._widths = [max(c.min_width, cell_len(c.title)) for c in COLUMNS]
        self._trailer: str | None = None
        self._message: Text | None = None
        self._last_highlight: tuple[int, str | None] = (-1, None)
        #: Rendered row lines, keyed by what they depend on; bumping `_version` drops them all.
        #: Each keeps its row object too: an id() is only unique while that object lives.
        self._lines: dict[tuple[object, ...], tuple[Backup, Strip]] = {}
        self._version = 0
        self._base_style: Style | None = None
        self._frame_styles: dict[tuple[str, Style], Style] = {}
        self._frame_width = 0
        #: The scrollbar's cells as last drawn (the table draws its own: see gutter.py).
        self._drawn_gutter: list[Cell] = []
        self._frame_gutter: list[Segment] = []
        self._gutter_styles: dict[Style, tuple[Style, Style, Style, Style]] = {}

    # ---- data -------------------------------------------------------------------------------

    @property
    def current(self) -> Backup | None:
        """The backup under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def invalidate(self) -> None:
        """Every row may look different (the clock moved, policies arrived): redraw all."""
        self._drop_lines()
        self.refresh()

    def _drop_lines(self) -> None:
        """Forget every rendered line: what they show (rows, columns, times) has changed."""
        self._version += 1
        self._lines.clear()

    def clear(self) -> None:
        """Drop every row (a new query starts).

        Column widths stay: the next query's rows would mostly widen them again, and each
        change of the table's width re-lays out the screen (a scrollbar comes or goes).
        """
        self.all_rows = []
        self.rows = self.all_rows if self._keep is None else []
        self.cursor = 0
        self.gone = set()
        self._drop_lines()  # the new rows may reuse the old ones' ids: no cached line survives
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._update_virtual_size()
        self.refresh()
        self._post_highlight()

    def append(self, backups: Iterable[Backup]) -> None:
        """Add rows at the end: one repaint per page, and cost that does not grow with the table."""
        new = list(backups)
        if not new:
            return
        first = not self.rows
        old_end = len(self.rows)
        version = self._version
        self._widen(new)
        self.all_rows.extend(new)
        if self._keep is not None:
            self.rows.extend(b for b in new if self._keep(b))
        self._update_virtual_size()
        if version != self._version or old_end < self._body_height:
            self.refresh()  # columns widened (or the view was not full): every line changes
        else:
            self._refresh_from(old_end)
        if first:
            self._post_highlight()
        self.check_near_end()

    def replace(self, index: int, backup: Backup) -> None:
        """Update one row in place (the API returned the same backup again with new data)."""
        self.replace_rows([(index, backup)])

    def replace_rows(self, changes: Iterable[tuple[int, Backup]]) -> None:
        """Put new data in rows `index` of all_rows: same place, the cursor stays where it is.

        Only those lines are repainted (their cached lines belong to the old row objects),
        unless a column had to widen. Under a local filter the rows shown are worked out again.
        """
        changed = [(i, b) for i, b in changes if 0 <= i < len(self.all_rows)]
        if not changed:
            return
        cursor_row = self.current
        indexes = set()
        swapped: dict[int, Backup] = {}
        for index, backup in changed:
            indexes.add(index)
            swapped[id(self.all_rows[index])] = backup
            self.all_rows[index] = backup
        version = self._version
        self._widen([b for _, b in changed])
        if self._keep is not None:
            # The shown rows get the new objects first: refilter keeps the cursor on its row.
            self.rows = [swapped.get(id(b), b) for b in self.rows]
            self.refilter()
            return
        if version == self._version:
            self._lines = {k: v for k, v in self._lines.items() if k[0] not in indexes}
            for index in indexes:
                self.refresh_line(index + 1)
        else:
            self._update_virtual_size()
            self.refresh()
        if self.current is not cursor_row:
            self._last_highlight = (-1, None)
            self._post_highlight()

    def mark_gone(self, backup_ids: Iterable[str]) -> None:
        """Show these rows as no longer listed by AWS (their data stays as last seen)."""
        new = set(backup_ids) - self.gone
        if not new:
            return
        self.gone |= new
        self._drop_lines()
        self.refresh()
        current = self.current
        if current is not None and current.backup_id in new:
            self._last_highlight = (-1, None)
            self._post_highlight()

    def set_filter(self, keep: Callable[[Backup], bool] | None) -> None:
        """Show only the loaded rows `keep` accepts (a local filter; None shows all)."""
        self._keep = keep
        self.refilter()

    def refilter(self) -> None:
        """Re-apply the local filter (its answers changed), keeping the cursor's backup if shown."""
        current = self.current
        if self._keep is None:
            self.rows = self.all_rows
        else:
            keep = self._keep
            self.rows = [b for b in self.all_rows if keep(b)]
        index = next((i for i, b in enumerate(self.rows) if b is current), 0)
        self.cursor = index
        self._update_virtual_size()
        self.refresh()
        if self.rows:
            self._scroll_cursor_into_view()
        self._last_highlight = (-1, None)
        self._post_highlight()
        self.check_near_end()

    def _widen(self, backups: list[Backup], columns: Iterable[int] | None = None) -> None:
        """Grow column widths to fit `backups` (never shrink: columns must not jump about)."""
        widths = self._widths
        for i in range(len(self.columns)) if columns is None else columns:
            column = self.columns[i]
            if widths[i] >= column.max_width:
                continue  # as wide as it gets: nothing to measure
            widest = max(cell_len(clean(column.cell(b, self.expiry))) for b in backups)
            wider = max(widths[i], min(column.max_width, widest))
            if wider != widths[i]:
                widths[i] = wider
                self._drop_lines()  # every cached line has the old column layout

    def set_time_display(self, times: TimeDisplay) -> None:
        """Show Created as `times` says: a new title and width, and every line drawn again.

        The column has one width per mode (see with_times), so nothing is measured here.
        """
        columns = with_times(times)
        if OWNER in self.columns:
            columns = (*columns, OWNER)
        if columns == self.columns:
            return  # UTC at start-up: nothing changes
        self.columns = columns
        created = self.columns[CREATED]
        self._widths[CREATED] = max(created.min_width, cell_len(created.title))
        self._drop_lines()
        self._update_virtual_size()
        self.refresh()

    def show_owner(self, shown: bool) -> None:
        """Show (or drop) the Owner column, last: backups of another account are in view.

        Only those backups say OWNERS_CLUSTER, longer than any other expiry: Expires widens
        for it while the column shows.
        """
        if shown == (OWNER in self.columns):
            return
        expires = max(COLUMNS[EXPIRES].min_width, cell_len(COLUMNS[EXPIRES].title))
        if shown:
            self.columns = (*self.columns, OWNER)
            self._widths.append(OWNER.min_width)
            expires = max(expires, cell_len(OWNERS_CLUSTER))
        else:
            self.columns = self.columns[:-1]
            self._widths.pop()
        self._widths[EXPIRES] = expires
        self._drop_lines()
        self._update_virtual_size()
        self.refresh()

    def expiries_changed(self) -> None:
        """Cluster policies arrived: re-measure Expires (once per batch, not on every tick)."""
        if self.all_rows:
            self._widen(self.all_rows, [EXPIRES])
            self._update_virtual_size()
            self.invalidate()

    def _refresh_from(self, index: int) -> None:
        """Repaint the view from row `index` down (the rows below it are new), if it shows."""
        top = round(self.scroll_y)
        first_line = max(index - top, 0) + 1  # +1: the header line
        height = self.scrollable_content_region.height
        if first_line < height:
            width = self.scrollable_content_region.width
            self.refresh(Region(0, first_line, width, height - first_line))

    def set_trailer(self, text: str | None) -> None:
        """A dim line after the last row: "loading…", "more below", or nothing when complete."""
        if text != self._trailer:
            self._trailer = text
            self._update_virtual_size()
            if self.rows and self.cursor == len(self.rows) - 1:
                self._scroll_cursor_into_view()
            self._refresh_from(len(self.rows))

    def set_message(self, message: Text | None) -> None:
        """Text shown in the body while there are no rows (errors, "no backups match")."""
        self._message = message
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = sum(self._widths) + _GAP * (len(self._widths) - 1) + 2 + 1  # +1: the gutter
        height = 1 + len(self.rows) + (1 if self._trailer else 0)
        set_virtual_size(self, Size(width, height))
        self._update_gutter()

    # ---- the scrollbar, drawn in the last cell of each line -------------------------------

    @property
    def allow_vertical_scroll(self) -> bool:
        """The wheel and scroll_to work although CSS hides Textual's own scrollbar."""
        return not self._check_disabled() and self.max_scroll_y > 0

    def _gutter(self) -> list[Cell]:
        body = self._body_height
        virtual = len(self.rows) + (1 if self._trailer else 0)
        return gutter_cells(body, virtual, body, self.scroll_y)

    def _update_gutter(self) -> None:
        """Repaint only the gutter cells whose glyph changed (a thumb step is one or two)."""
        if not self.is_mounted:
            return
        cells = self._gutter()
        drawn = self._drawn_gutter
        if cells == drawn:
            return
        x = self.scrollable_content_region.width - 1
        if len(cells) != len(drawn):
            self.refresh(Region(x, 1, 1, len(cells)))
        else:
            for i, (new, old) in enumerate(zip(cells, drawn, strict=True)):
                if new != old:
                    self.refresh(Region(x, 1 + i, 1, 1))
        self._drawn_gutter = cells

    # ---- geometry and cursor ------------------------------------------------------------

    @property
    def _body_height(self) -> int:
        """How many data rows fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def near_end(self) -> bool:
        """True when the cursor or the bottom of the view is within `lookahead` rows of the end."""
        frontier = max(self.cursor, int(self.scroll_y) + self._body_height - 1)
        return len(self.rows) - 1 - frontier < max(self.lookahead, self._body_height)

    def check_near_end(self) -> None:
        """Post NearEnd when due; the screen ignores it when nothing more can be loaded."""
        if self.near_end():
            self.post_message(self.NearEnd(self))

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row `index` (clamped) and keep it on screen."""
        if not self.rows:
            return
        index = max(0, min(len(self.rows) - 1, index))
        old, self.cursor = self.cursor, index
        if not self._scroll_cursor_into_view():
            # Only the two rows that changed look are repainted, not the whole view.
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
        self._post_highlight()
        self.check_near_end()

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row is visible; on the last row show the trailer line too.

        Returns True when the view scrolled (and so repaints whole).
        """
        top = round(self.scroll_y)
        on_last = self.cursor == len(self.rows) - 1
        bottom_needed = self.cursor + (1 if on_last and self._trailer else 0)
        if self.cursor < top:
            target = self.cursor
        elif bottom_needed > top + self._body_height - 1:
            target = bottom_needed - self._body_height + 1
        else:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        return True

    def _post_highlight(self) -> None:
        backup = self.current
        key = (self.cursor, backup.backup_id if backup else None)
        if key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.Highlighted(self, self.cursor, backup))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._update_gutter()
            self.check_near_end()

    def on_resize(self, event: events.Resize) -> None:
        """Keep the cursor row on screen when the terminal shrinks."""
        self._drawn_gutter = []
        self._update_gutter()
        if self.rows:
            self._scroll_cursor_into_view()
        self.check_near_end()

    # ---- actions ------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._body_height)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._body_height)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        if (backup := self.current) is not None:
            self.post_message(self.Selected(self, self.cursor, backup))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a click on the cursor row selects it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # outside the rows, or on the header
            return
        if offset.x >= self.scrollable_content_region.width - 1:  # the scrollbar
            share = (offset.y - 1) / max(1, self._body_height - 1)
            self.scroll_to(y=round(share * self.max_scroll_y), animate=False, immediate=True)
            return
        index = round(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor:
                self.action_select()
            else:
                self.move_cursor(index)

    # ---- rendering ----------------------------------------------------------------------

    def _line(
        self, cells: list[str], style: Style, classes: list[str | None] | None = None
    ) -> list[Segment]:
        """One row as segments: a run of cells in the same style is one segment, not one each.

        Fewer segments make every later step (cropping, the compositor's cuts) cheaper.
        """
        segments: list[Segment] = []
        run: list[str] = [" "]
        run_style = style
        gap = " " * _GAP
        for i, (text, width) in enumerate(zip(cells, self._widths, strict=True)):
            cell_style = style
            if classes is not None and (cls := classes[i]):
                cell_style = self._class_style(cls, style)
            if cell_style is not run_style:
                segments.append(Segment("".join(run), run_style))
                run, run_style = [], cell_style
            run.append(fit(text, width))
            if cell_style is not style:
                segments.append(Segment("".join(run), run_style))
                run, run_style = [], style
            run.append(gap if i < len(cells) - 1 else " ")
        segments.append(Segment("".join(run), run_style))
        return segments

    def _class_style(self, cls: str, style: Style) -> Style:
        """`style` plus a component class's colours, worked out once per repaint."""
        key = (cls, style)
        found = self._frame_styles.get(key)
        if found is None:
            found = style + self.get_component_rich_style(cls, partial=True)
            self._frame_styles[key] = found
        return found

    def render_lines(self, crop: Region) -> list[Strip]:
        # rich_style walks every ancestor's CSS, and the content region is a computed
        # property: both once per repaint, not once per line.
        self._base_style = self.rich_style
        self._frame_styles = {}
        self._frame_width = self.scrollable_content_region.width
        self._drawn_gutter = cells = self._gutter()
        styled = self._gutter_styles.get(self._base_style)
        if styled is None:  # the theme changed: its colours, worked out once
            styles = self.styles
            back = styles.scrollbar_background
            if back.a < 1:
                back = self.background_colors[0] + back
            styled = gutter_styles(back, back + styles.scrollbar_color)
            self._gutter_styles = {self._base_style: styled}
        self._frame_gutter = [gutter_segment(cell, styled) for cell in cells]
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """A line of the table, with its scrollbar cell at the right."""
        width = self._frame_width if self._base_style is not None else self.size.width
        strip = self._table_line(y, max(1, width - 1))
        if y == 0 or y > len(self._frame_gutter):
            cell = Segment(" ", self._base_style or self.rich_style)
        else:
            cell = self._frame_gutter[y - 1]
        return Strip([*strip, cell], strip.cell_length + 1)

    def _table_line(self, y: int, width: int) -> Strip:
        """Line `y` of the table itself, `width` cells wide."""
        scroll_x, scroll_y = self.scroll_offset
        base = self._base_style or self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("backup-table--header")
            header = self._line([c.title for c in self.columns], style)
            return self._crop(header, scroll_x, width, style)
        index = scroll_y + y - 1
        if index < len(self.rows):
            backup = self.rows[index]
            cursor = index == self.cursor and (self.has_focus, self.app.theme)
            key = (index, id(backup), cursor, self._version, scroll_x, width, base)
            cached = self._lines.get(key)
            if cached is not None and cached[0] is backup:
                return cached[1]
            style = base
            if index == self.cursor:
                style = self._class_style("backup-table--cursor", base)
            found: list[tuple[str, bool]] = []

            def lookup(b: Backup) -> tuple[str, bool]:
                # The Expires column asks twice (text, then style): work it out once.
                if not found:
                    found.append(self.expiry(b))
                return found[0]

            cells = [clean(c.cell(backup, lookup)) for c in self.columns]
            classes = (
                None
                if index == self.cursor
                else [c.style(backup, lookup) if c.style else None for c in self.columns]
            )
            if self.gone and backup.backup_id in self.gone:
                cells[STATE] = GONE
                if classes is not None:
                    classes[STATE] = "backup-table--deleted"
            strip = self._crop(self._line(cells, style, classes), scroll_x, width, style)
            if len(self._lines) > _CACHED_SCREENS * max(1, self.size.height):
                self._lines.clear()  # bounded: a few screens' worth, then start afresh
            self._lines[key] = (backup, strip)
            return strip
        if index == len(self.rows) and self._trailer:
            style = base + self.get_component_rich_style("backup-table--trailer")
            return Strip([Segment(fit(f" {self._trailer}", width), style)], width)
        if not self.rows and self._message is not None:
            return self._message_line(y - 1, width, base)
        return Strip.blank(width, base)

    def _message_line(self, line_no: int, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("backup-table--message")
        assert self._message is not None
        lines = self._message.wrap(self.app.console, max(10, width - 4))
        if 1 <= line_no <= len(lines):
            line = lines[line_no - 1]
            segments = list(line.render(self.app.console))
            strip = Strip([Segment("  ", style), *segments], cell_len(line.plain) + 2)
            return strip.apply_style(style).extend_cell_length(width, style).crop(0, width)
        return Strip.blank(width, base)

    def _crop(self, segments: list[Segment], scroll_x: int, width: int, style: Style) -> Strip:
        """The line seen through the viewport: padded to `width`, cut only when it scrolls."""
        length = sum(self._widths) + _GAP * (len(self._widths) - 1) + 2
        if scroll_x == 0 and length <= width:
            if length < width:
                segments.append(Segment(" " * (width - length), style))
            return Strip(segments, width)
        strip = Strip(segments, length)
        strip = strip.extend_cell_length(scroll_x + width, style)
        return _mark_cuts(strip, scroll_x, scroll_x + width)


def _mark_cuts(strip: Strip, start: int, end: int) -> Strip:
    """strip[start:end], with an ellipsis where the view's edge cuts through a cell's text.

    At 80 columns the table scrolls sideways, and `cluster-ke36` cut by the edge would pass
    for a whole (different) ID.
    """
    view = strip.crop(start, end)
    width = end - start
    if width < 2:
        return view
    pieces: list[Strip] = []
    cut_left = start > 0 and " " not in strip.crop(start - 1, start + 1).text
    cut_right = end < strip.cell_length and " " not in strip.crop(end - 1, end + 1).text
    if cut_left:
        pieces.append(_ellipsis(view.crop(0, 1)))
    pieces.append(view.crop(1 if cut_left else 0, width - 1 if cut_right else width))
    if cut_right:
        pieces.append(_ellipsis(view.crop(width - 1, width)))
    return Strip.join(pieces) if len(pieces) > 1 else view


def _ellipsis(cell: Strip) -> Strip:
    """One cell of `cell`'s style showing an ellipsis."""
    style = next((segment.style for segment in cell if segment.text), None)
    return Strip([Segment("…", style)], 1)
