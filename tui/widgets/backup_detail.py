"""BackupDetail: every field of the highlighted backup, its copy lineage and its tags."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.widgets import Static

from tui.backups import Backup, clean
from tui.timefmt import relative, stamp


def safe(value: object, style: str = "") -> Text:
    """Untrusted API text as a literal Text: controls removed, markup never parsed."""
    return Text(clean(value), style=style, no_wrap=False)


def _value(name: str, value: object, now: datetime) -> Text:
    """One field's value for people: stamps in UTC with age, booleans as yes/no."""
    if isinstance(value, datetime):
        text = Text(f"{stamp(value, seconds=True)} UTC")
        text.append(f"  ({relative(value, now)})", style="dim")
        return text
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if name == "TagList":
        return Text(f"{value} (see Tags)")
    if isinstance(value, dict | list | tuple):
        return safe(repr(value))
    return safe(value)


def _fields(backup: Backup, now: datetime) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, min_width=15)
    grid.add_column(overflow="fold")
    for name, value in backup.fields():
        grid.add_row(safe(name), _value(name, value, now))
    if backup.state == "PENDING_DELETION" and backup.delete_at is not None:
        left = (backup.delete_at - now).total_seconds()
        if 0 < left < 86400:
            grid.add_row(Text("⚠", style="bold"), Text("deleted in under 24 h", style="bold"))
    return grid


def _node(region: str | None, backup_id: str | None, cluster: str | None) -> Text:
    text = Text()
    text.append_text(safe(region or "?", "bold"))
    text.append(" ")
    text.append_text(safe(backup_id or "?"))
    if cluster:
        text.append(" (")
        text.append_text(safe(cluster))
        text.append(")")
    return text


def lineage(backup: Backup, region: str | None, now: datetime) -> Text:
    """The copy chain as one small diagram: source ──copied──▶ this backup."""
    if not backup.is_copy:
        return Text("original — not copied from another backup", style="dim")
    text = Text("source  ", style="dim")
    text.append_text(_node(backup.source_region, backup.source_backup, backup.source_cluster))
    text.append("\n   │ copied", style="dim")
    if backup.copied:
        text.append(f" {stamp(backup.copied)} UTC ({relative(backup.copied, now)})", style="dim")
    text.append("\n   ▼\n", style="dim")
    text.append("this    ", style="dim")
    text.append_text(_node(region, backup.backup_id, backup.cluster_id))
    return text


def tags_table(backup: Backup) -> RenderableType:
    """Tags as a key/value table, in the API's order."""
    if not backup.tags:
        return Text("no tags", style="dim")
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", overflow="fold", max_width=40)
    table.add_column(overflow="fold")
    for key, value in backup.tags:
        table.add_row(safe(key), safe(value))
    return table


#: From this content width on, fields sit left and lineage + tags right, so all fit at once.
TWO_COLUMNS = 100


def render_backup(
    backup: Backup, region: str | None, now: datetime, width: int = 0
) -> RenderableType:
    """The whole detail as one renderable; pure, so snapshot and unit tests can call it."""
    title = safe(backup.backup_id, "bold")
    title.append("  ")
    title.append_text(safe(backup.state or "state unknown"))
    fields = Group(title, _fields(backup, now))
    context = Group(
        Text("Lineage", style="bold underline"),
        lineage(backup, region, now),
        Text(""),
        Text(f"Tags ({len(backup.tags)})", style="bold underline"),
        tags_table(backup),
    )
    if width >= TWO_COLUMNS:
        columns = Table.grid(padding=(0, 3), expand=True)
        columns.add_column(ratio=11)
        columns.add_column(ratio=9)
        columns.add_row(fields, context)
        return columns
    return Group(fields, Text(""), context)


class BackupDetail(VerticalScroll, can_focus=True):
    """A scrollable pane; `show()` swaps its content, never fetching anything itself."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._body = Static(Text("No backup selected.", style="dim"), id="detail-body")
        self.backup: Backup | None = None
        self._where: tuple[str | None, datetime] | None = None

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, backup: Backup | None, region: str | None, now: datetime) -> None:
        """Show `backup` (None clears the pane)."""
        self.backup = backup
        self._where = (region, now)
        self._render_body()
        self.scroll_home(animate=False)

    def _render_body(self) -> None:
        if self.backup is None or self._where is None:
            self._body.update(Text("No backup selected.", style="dim"))
            self.border_subtitle = ""
            return
        region, now = self._where
        width = self.scrollable_content_region.width
        self._body.update(render_backup(self.backup, region, now, width))
        self.border_subtitle = Text(clean(self.backup.backup_id))

    def on_resize(self, event: Resize) -> None:
        """The two-column layout depends on the width."""
        self._render_body()
