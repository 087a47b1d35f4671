"""BackupDetail: every field of the highlighted backup, when it expires, its lineage and its tags.

The pane owns its look-ups (the source chain, the all-region copy search): debounced so nothing
is asked while the cursor flies over rows, cached per backup for the session, cancellable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Tree

from tui.backups import Backup, BackupSource, invalid_backup_ids
from tui.backups.retention import retention_text
from tui.timemodes import TimeDisplay
from tui.widgets.detail_view import TWO_COLUMNS, DetailView
from tui.widgets.fitting import shorten
from tui.widgets.key_values import KeyValues
from tui.widgets.lineage_tree import UNREADABLE, LineageTree, NodeRef, lineage_renderable
from tui.widgets.prerendered import Prerendered
from tui.widgets.safe import safe, tell

if TYPE_CHECKING:
    from tui.backups.lineage import CopyNode, CopyResult, LineageNode, RegionStatus
    from tui.backups.retention import ClusterInfo, Expiry

Key = tuple[str, str]  # (region, backup_id)
NOTHING_SHOWN = Text("No backup selected.", style="dim")


def _value(name: str, value: object, now: datetime, times: TimeDisplay) -> Text:
    """One field's value for people: times as the time mode says, booleans as yes/no."""
    if isinstance(value, datetime):
        main, aside = times.detail(value, now)
        text = Text(main)
        text.append(f"  ({aside})", style="dim")
        return text
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if name == "TagList":
        return Text(f"{value} (see Tags)")
    if isinstance(value, dict | list | tuple):
        return safe(repr(value))
    return safe(value)


def render_fields(
    backup: Backup,
    now: datetime,
    expiry: Expiry | None,
    times: TimeDisplay | None = None,
    note: Text | None = None,
    cluster: ClusterInfo | None = None,
    owner: str | None = None,
) -> RenderableType:
    """Title, a note (watch), expiry, the retention policy behind it, the owner when it is
    another account, and every field the API returned; pure, for tests.

    `cluster` and `owner` are what the expiry was worked out from (see Expiries): the
    Retention row says the same thing from the policy's side.
    """
    times = times or TimeDisplay()
    title = safe(backup.backup_id, "bold")
    title.append("  ")
    title.append_text(safe(backup.state or "state unknown"))
    if note is not None:
        title.append("\n")
        title.append_text(note)
    rows: list[tuple[Text, Text]] = []
    if expiry is not None:
        words = Text()
        words.append(expiry.short, style="bold reverse" if expiry.urgent else "bold")
        words.append("  ")
        words.append_text(safe(expiry.detail))
        rows.append((Text("Expires"), words))
        rows.append((Text("Retention"), safe(retention_text(backup, cluster, owner=owner))))
    if owner is not None:
        account = safe(owner) if owner else Text("another account (the ARN does not say which)")
        account.append("  another account: it owns this backup and its cluster", style="dim")
        rows.append((Text("Owner"), account))
    for name, value in backup.fields():
        rows.append((safe(name), _value(name, value, now, times)))
    return Group(title, KeyValues(rows, min_key=15))


def render_tags(backup: Backup) -> RenderableType:
    """Tags as a key/value table, in the API's order."""
    heading = Text(f"Tags ({len(backup.tags)})", style="bold underline")
    if not backup.tags:
        return Group(heading, Text("no tags", style="dim"))
    return Group(heading, KeyValues((safe(key), safe(value)) for key, value in backup.tags))


#: An error message in the copy-search status wraps; only a huge one is cut (at a word,
#: with "…") past this. AWS messages with an ARN run to 150–250 cells.
MESSAGE_CELLS = 600


def render_search(statuses: dict[str, RegionStatus], running: bool) -> RenderableType:
    """Per-region state of the copy search: done / none / denied / not enabled / error.

    One row per region; an error message wraps under its state (long ARNs in AWS messages
    break after `:` or `/`), and a very long one ends at a word with an ellipsis.
    """
    marks = {"done": "✓", "none": "·", "denied": "⛔", "not-enabled": "–", "error": "⚠"}
    text = Text("Copies in all regions: " if not running else "Searching for copies: ", "bold")
    if running:
        text.append("(L again cancels)", style="dim")
    rows: list[tuple[Text, Text]] = []
    for region, status in statuses.items():
        mark = marks.get(status.state, "…")
        label = f"found {status.found}" if status.state == "done" else status.state
        words = Text(label.replace("-", " "))
        if status.message and status.state in ("denied", "error", "not-enabled"):
            words.append("  ")
            words.append_text(shorten(safe(status.message, "dim"), MESSAGE_CELLS))
        rows.append((Text(f"  {mark} {region}"), words))
    if not rows:
        return text
    return Group(text, KeyValues(rows, min_key=19, key_style="none", gap=1))


class BackupDetail(VerticalScroll, can_focus=True):
    """The highlighted backup, shown at once; its lineage filled in when the cursor settles."""

    #: The screen's Esc, here too so the footer shows the way back to the table.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.focus_table", "Back", key_display="Esc", id="detail.back"),
    ]

    DEBOUNCE: ClassVar[float] = 0.35
    THROTTLE: ClassVar[float] = 0.1

    @dataclass
    class JumpRequested(Message):
        """The user chose a lineage node in another region or another backup."""

        detail: BackupDetail
        region: str | None
        backup_id: str

        @property
        def control(self) -> BackupDetail:
            return self.detail

    @dataclass
    class ChainLoaded(Message):
        key: Key
        chain: tuple[LineageNode, ...]

    @dataclass
    class CopiesProgress(Message):
        key: Key
        statuses: dict[str, RegionStatus]

    @dataclass
    class CopiesFound(Message):
        key: Key
        result: CopyResult

    def __init__(
        self,
        source: BackupSource,
        search_regions: Callable[[str | None], list[str]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.source = source
        self.search_regions = search_regions
        self.expiry_of: Callable[[Backup], Expiry | None] = lambda backup: None
        #: What is known of the backup's cluster (its retention policy), and the other account
        #: that owns it (None: the caller's own). The screen supplies both, as expiry_of.
        self.cluster_of: Callable[[Backup], ClusterInfo | None] = lambda backup: None
        self.owner_of: Callable[[Backup], str | None] = lambda backup: None
        #: How times are shown (t cycles the mode).
        self.times = TimeDisplay()
        #: A line under the title the screen may add (a backup no longer listed, say).
        self.note_of: Callable[[Backup], Text | None] = lambda backup: None
        self.backup: Backup | None = None
        self.backup_region: str | None = None
        self.now: datetime | None = None
        self.chains: dict[Key, tuple[LineageNode, ...]] = {}
        self.copies: dict[Key, CopyResult] = {}
        self._searching: dict[Key, dict[str, RegionStatus]] = {}
        self._stops: dict[Key, threading.Event] = {}
        self._timer: Timer | None = None
        self._cooldown: Timer | None = None
        self._pending: tuple[Backup | None, str | None, datetime] | None = None
        self._cancel: threading.Event | None = None
        #: True while the pane has focus and its interactive widgets are the ones drawn.
        self._interactive = False
        self._view_key: Key | None = None
        #: A chain walk was due while the pane was hidden: it starts when the pane shows.
        self._walk_when_shown = False

    def compose(self) -> ComposeResult:
        yield DetailView(id="detail-view")
        with Horizontal(id="detail-columns"):
            yield Prerendered(NOTHING_SHOWN, id="detail-fields")
            with Vertical(id="detail-side"):
                yield Prerendered(id="lineage-title")
                yield LineageTree(id="lineage")
                yield Prerendered(id="lineage-cursor")
                yield Prerendered(id="copies-status")
                yield Prerendered(id="detail-tags")

    @property
    def settled(self) -> bool:
        """No look-up is waiting for the cursor to rest (tests and snapshots wait for this)."""
        return self._timer is None and self._pending is None

    @property
    def key(self) -> Key | None:
        """(region, backup ID) of what is shown, the cache key of its look-ups."""
        if self.backup is None:
            return None
        return (self.backup_region or "", self.backup.backup_id)

    # ---- showing ---------------------------------------------------------------------------

    def show(self, backup: Backup | None, region: str | None, now: datetime) -> None:
        """Show `backup` from what is known; start its chain walk once the cursor rests.

        Throttled: the first move after a pause renders right after the table's next frame
        (so the cursor moves on screen without waiting for the pane), then at most one render
        per THROTTLE while keys repeat, ending on the row the cursor stops at. A render costs
        far more than moving the cursor.
        """
        first = self._pending is None
        self._pending = (backup, region, now)
        if self._cooldown is None and first:
            self.call_after_refresh(self._show_pending)

    def _show_pending(self) -> None:
        self._cooldown = None
        if self._pending is None:
            return
        (backup, region, now), self._pending = self._pending, None
        # The same backup with new data (a refresh, a watch) keeps the pane where it was.
        old_id = self.backup.backup_id if self.backup is not None else None
        changed = (backup.backup_id if backup else None) != old_id or region != self.backup_region
        self.backup, self.backup_region, self.now = backup, region, now
        self._render_all()
        if changed:
            self.scroll_home(animate=False)
            self._schedule_walk()
        self._cooldown = self.set_timer(self.THROTTLE, self._show_pending)

    def set_time_display(self, times: TimeDisplay) -> None:
        """Show times as `times` says (UTC, local or age) from now on."""
        if times != self.times:
            self.times = times
            self._render_all()

    def tick(self, now: datetime) -> None:
        """The clock moved: ages and countdowns change, nothing is fetched."""
        self.now = now
        self._render_all()

    def _render_all(self) -> None:
        """Draw the shown backup: as one pre-rendered view, or into the interactive widgets.

        The widgets (a lineage tree to walk and jump from) are used only while the pane has
        focus; while the cursor moves in the table, the cheap view is kept current instead.
        """
        backup, now = self.backup, self.now
        self.set_class(self.scrollable_content_region.width >= TWO_COLUMNS, "-wide")
        self._interactive = self.has_focus_within
        self.query_one(DetailView).display = not self._interactive
        self.query_one("#detail-columns").display = self._interactive
        if not self._interactive:
            self._render_view()
            return
        fields = self.query_one("#detail-fields", Prerendered)
        tags = self.query_one("#detail-tags", Prerendered)
        if backup is None or now is None:
            fields.update(NOTHING_SHOWN)
            tags.update("")
            self.query_one(LineageTree).clear()
            self.query_one("#lineage-title", Prerendered).update("")
            self.query_one("#copies-status", Prerendered).update("")
            return
        fields.update(self._fields(backup, now))
        tags.update(render_tags(backup))
        self._render_lineage()

    def _render_view(self) -> None:
        view = self.query_one(DetailView)
        backup, key, now = self.backup, self.key, self.now
        home = key != self._view_key
        self._view_key = key
        if backup is None or now is None:
            view.show([NOTHING_SHOWN], [], home=home)
            return
        title, chain, roots, status = self._lineage_parts(backup, now)
        right: list[RenderableType] = [title, lineage_renderable(chain, roots, now)]
        if status is not None:
            right.append(status)
        right += [Text(""), render_tags(backup)]
        view.show([self._fields(backup, now)], right, home=home)

    def _fields(self, backup: Backup, now: datetime) -> RenderableType:
        return render_fields(
            backup,
            now,
            self.expiry_of(backup),
            self.times,
            self.note_of(backup),
            cluster=self.cluster_of(backup),
            owner=self.owner_of(backup),
        )

    def _lineage_parts(
        self, backup: Backup, now: datetime
    ) -> tuple[Text, Sequence[LineageNode], Sequence[CopyNode] | None, RenderableType | None]:
        """(title, source chain so far, copies found or None, copy-search status or None)."""
        from tui.backups.lineage import LineageNode

        key = self.key
        chain = self.chains.get(key) if key is not None else None
        title = Text()
        title.append("Lineage", style="bold underline")
        if chain is None:
            this = LineageNode(self.backup_region, backup.backup_id, backup, "ok")
            if backup.is_copy:
                source = LineageNode(backup.source_region, backup.source_backup or "?", None, "ok")
                chain = (source, this)
                title.append("  looking up the source chain…", style="dim")
            else:
                chain = (this,)
        result = self.copies.get(key) if key is not None else None
        statuses = self._searching.get(key) if key is not None else None
        if result is None and statuses is None:
            title.append("  L: find copies in all regions", style="dim")
        status: RenderableType | None = None
        if statuses is not None:
            status = render_search(statuses, running=True)
        elif result is not None:
            status = render_search(result.statuses, running=False)
        return title, chain, (result.roots if result else None), status

    def _render_lineage(self) -> None:
        backup, now = self.backup, self.now
        if backup is None or now is None:
            return
        if not self._interactive:
            self._render_view()
            return
        title, chain, roots, status = self._lineage_parts(backup, now)
        self.query_one("#lineage-title", Prerendered).update(title)
        self.query_one(LineageTree).show(chain, roots, now)
        self.query_one("#copies-status", Prerendered).update(status or "")

    # ---- focus: the interactive widgets take over while the pane has focus -------------------

    def _check_mode(self) -> None:
        if self.has_focus_within != self._interactive:
            self._render_all()

    def on_focus(self) -> None:
        self._check_mode()

    def on_blur(self) -> None:
        self._check_mode()

    def on_descendant_focus(self) -> None:
        self._check_mode()
        self._show_cursor_node()

    def on_descendant_blur(self) -> None:
        self._check_mode()
        self._show_cursor_node()

    def on_show(self) -> None:
        if self._walk_when_shown:
            self._walk_when_shown = False
            self._schedule_walk()

    def on_resize(self, event: Resize) -> None:
        self.set_class(self.scrollable_content_region.width >= TWO_COLUMNS, "-wide")

    # ---- the source chain ------------------------------------------------------------------

    def _schedule_walk(self) -> None:
        """Walk the chain only after the cursor rests: no calls while rows fly past."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
        backup, key = self.backup, self.key
        if backup is None or key is None or not backup.is_copy or key in self.chains:
            return
        self._timer = self.set_timer(self.DEBOUNCE, self._start_walk)

    def _start_walk(self) -> None:
        self._timer = None
        backup, key, region = self.backup, self.key, self.backup_region
        if backup is None or key is None or key in self.chains or region is None:
            return
        if not self.display:
            self._walk_when_shown = True  # a hidden pane (small terminal) asks AWS nothing
            return
        self._cancel = threading.Event()
        self._walk(key, backup, region, self._cancel)

    @work(thread=True, group="lineage", exit_on_error=False, description="source chain")
    def _walk(self, key: Key, backup: Backup, region: str, cancel: threading.Event) -> None:
        from tui.backups.lineage import walk_sources

        chain = walk_sources(self.source, backup, region, cancel=cancel)
        if not cancel.is_set():
            self.post_message(self.ChainLoaded(key, chain))

    @on(ChainLoaded)
    def _chain_loaded(self, event: ChainLoaded) -> None:
        self.chains[event.key] = event.chain
        if event.key == self.key:
            self._render_lineage()

    # ---- copies in all regions ---------------------------------------------------------------

    def find_copies(self) -> None:
        """Search every candidate region for copies of the shown backup (and their copies).

        Asked again while that search runs, it cancels it (the regions not reached yet stay
        "pending" in the result).
        """
        backup, key = self.backup, self.key
        if backup is None or key is None:
            return
        if key in self._searching:
            self._stops[key].set()
            return
        self.copies.pop(key, None)
        regions = self.search_regions(self.backup_region)
        self._searching[key] = {}
        self._stops[key] = threading.Event()
        self._render_lineage()
        if not self._interactive:  # after layout: the panel may have just been opened
            self.call_after_refresh(self.query_one(DetailView).reveal_right)
        self._search(key, backup.backup_id, self.backup_region or "", regions, self._stops[key])

    @work(thread=True, group="copies", exit_on_error=False, description="copy search")
    def _search(
        self,
        key: Key,
        backup_id: str,
        region: str,
        regions: Sequence[str],
        stop: threading.Event,
    ) -> None:
        from tui.backups.lineage import CopySearch

        def progress(statuses: dict[str, RegionStatus]) -> None:
            self.post_message(self.CopiesProgress(key, dict(statuses)))

        search = CopySearch(self.source, regions)
        result = search.run(backup_id, region, on_progress=progress, cancel=stop)
        self.post_message(self.CopiesFound(key, result))

    @on(CopiesProgress)
    def _copies_progress(self, event: CopiesProgress) -> None:
        if event.key in self._searching:
            self._searching[event.key] = event.statuses
            if event.key == self.key:
                self._render_lineage()

    @on(CopiesFound)
    def _copies_found(self, event: CopiesFound) -> None:
        self._searching.pop(event.key, None)
        self._stops.pop(event.key, None)
        self.copies[event.key] = event.result
        if event.key == self.key:
            self._render_lineage()

    def forget(self) -> None:
        """Drop every cached look-up (refresh): the next look at a backup asks AWS again."""
        for stop in self._stops.values():
            stop.set()
        self.chains.clear()
        self.copies.clear()
        self._render_all()
        self._schedule_walk()

    @on(Tree.NodeHighlighted, "#lineage")
    def _show_whole_node(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        """The highlighted node's line is cut to the pane's width: show all of it under the
        tree (its state, age, cluster, the error a region gave), wrapped."""
        event.stop()
        self._show_cursor_node()

    def _show_cursor_node(self) -> None:
        tree = self.query_one(LineageTree)
        whole = tree.whole_label(tree.cursor_node) if tree.has_focus else None
        shown = self.query_one("#lineage-cursor", Prerendered)
        if whole is None:
            shown.update("")
            return
        line = Text("▸ ", style="bold")
        line.append_text(whole)
        shown.update(line)

    @on(Tree.NodeSelected)
    def _node_selected(self, event: Tree.NodeSelected[NodeRef]) -> None:
        event.stop()
        ref = event.node.data
        if ref is None or (self.key is not None and (ref.region or "", ref.backup_id) == self.key):
            return
        # A node that is not even a backup ID is the screen's to refuse, saying so; one the
        # walk could not read is refused here, with why.
        readable_id = not invalid_backup_ids((ref.backup_id,))
        if readable_id and (why := UNREADABLE.get(ref.status)) is not None:
            region = ref.region or "its region"
            tell(self, f"Not going there: {why.format(region=region)}.", timeout=5)
            return
        self.post_message(self.JumpRequested(self, ref.region, ref.backup_id))
