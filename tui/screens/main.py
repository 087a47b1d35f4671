"""MainScreen: owns the query, the listing (next token, rows seen) and the generation number."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.events import Key, Resize
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tui.backups import (
    AwsError,
    Backup,
    BackupQuery,
    BackupSource,
    Listing,
    Page,
    PagingError,
    clean,
)
from tui.backups import describe_error as to_aws_error
from tui.backups.commands import pick_text
from tui.backups.lineage import candidate_regions
from tui.backups.paging import EMPTY_PAGE_BUDGET, TOKEN_ERROR_CODES, TokenGuard
from tui.backups.retention import ClusterCache, ClusterInfo, Expiries, Expiry, fetch_clusters
from tui.screens.copy import CopyChoice, CopyMenu, CopyText, copy_choices
from tui.screens.panels import DetailPanel
from tui.screens.status import ListingState, status_line
from tui.screens.switching import apply_query, way_back
from tui.screens.trail import Place, Trail
from tui.screens.watcher import Watcher
from tui.settings import Settings
from tui.widgets import BackupDetail, BackupTable, FilterSidebar
from tui.widgets.safe import safe, tell
from tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from tui.app import HsmBackupsApp

NARROW = 100
SHORT = 30


def relabel(node: DOMNode, key: str, description: str, tooltip: str) -> None:
    """Give `node`'s bindings for `key` new words in the footer and help (same action)."""
    table = node._bindings.key_to_bindings
    table[key] = [replace(b, description=description, tooltip=tooltip) for b in table[key]]
    node.refresh_bindings()


#: m or A when the listing is complete.
ALL_LOADED = "Every backup of this query is already loaded."


class MainScreen(Screen[None]):
    """Filters on the left, backups on the right, the highlighted backup's detail below them.

    Pages are fetched one at a time by a thread worker. Every fetch carries the generation it
    was made for; a page that comes back after the query changed is dropped, never mixed in.
    """

    AUTO_FOCUS = "#table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filters", "Filters", id="main.filters"),
        Binding("escape", "focus_table", "Back to table", show=False, id="main.back"),
        Binding("r", "refresh", "Refresh", id="main.refresh"),
        Binding("m", "more", "Fetch the next page now", show=False, id="main.more"),
        Binding("A", "load_all", "Load all (A again stops)", show=False, id="main.load_all"),
        Binding("f", "toggle_filters", "Show/hide filters", show=False, id="main.toggle"),
        Binding("d", "toggle_detail", "Show/hide the detail", show=False, id="main.detail"),
        # Short in the footer (80 columns must show ? Help); the help shows the tooltip.
        Binding(
            "L", "find_copies", "Copies", tooltip="Find copies in all regions", id="main.copies"
        ),
        Binding("y", "copy_id", "Copy the backup ID", show=False, id="main.copy"),
        Binding(
            "Y", "copy_menu", "Copy…: ARN, JSON, AWS CLI commands", show=False, id="main.copy_menu"
        ),
        Binding(
            "e",
            "export",
            "Export",
            tooltip="Export shown rows to CSV or JSON",
            id="main.export",
        ),
        Binding("P", "switch_profile", "Switch AWS profile…", show=False, id="main.profile"),
        Binding(
            "backspace,left_square_bracket",
            "go_back",
            "Back to the previous place (before a jump)",
            key_display="⌫",
            show=False,
            id="main.go_back",
        ),
        Binding(
            "right_square_bracket", "go_forward", "Forward again", show=False, id="main.forward"
        ),
    ]
    #: How often ages and countdowns are redrawn (nothing is fetched for it).
    TICK: ClassVar[float] = 15.0

    #: While loading all, pages are applied at most this often (one repaint each).
    BATCH_SECONDS: ClassVar[float] = 0.1

    @dataclass
    class PageLoaded(Message):
        """A worker got a page for the query of `generation`.

        `final` is False while loading all, when the worker has gone on to the next call.
        """

        generation: int
        page: Page
        final: bool = True

    @dataclass
    class PageFailed(Message):
        """A worker's call failed for the query of `generation`."""

        generation: int
        error: AwsError
        #: The NextToken the failed call carried (None for a first page).
        token: str | None = None

    @dataclass
    class ClustersLoaded(Message):
        """Retention policies arrived in the cluster cache: expiries may have changed."""

        region: str

    def __init__(self, settings: Settings, source: BackupSource, regions: list[str]) -> None:
        super().__init__()
        self.settings = settings
        self.source = source
        self.clusters = ClusterCache()
        #: The local "expiring within N days" filter (not an API filter), None when off.
        self.expiring_within: int | None = None
        self.backup_query = replace(settings.query, region=settings.region or settings.query.region)
        self.regions = regions
        self.generation = 0
        self.listing = Listing(self.backup_query)
        #: The generation of the one describe_backups call in flight, None when idle. One slot
        #: for all queries: a new query's first page waits for a stale call to come back.
        self.in_flight: int | None = None
        self.error: AwsError | None = None
        #: The status line as last shown in the top bar.
        self.status = Text()
        #: A: fetch page after page until the end, an error, A again or a new query.
        self.loading_all = False
        #: A again stopped loading all while a call was in flight: its toast waits for it.
        self._stopping = False
        #: r: the rows shown are the ones from before, until the first fresh page lands.
        self._refreshing = False
        #: Places left by a jump, a palette query or a switch: Backspace / [ go back.
        self.trail = Trail()
        #: Set to stop the worker that loads all once its call in flight returns.
        self._stop_run = threading.Event()
        #: Pages back while loading all, not yet applied (see _hold).
        self._held: list[Page] = []
        self._held_timer: Timer | None = None
        self._applied_at = 0.0
        #: After r: (backup ID the cursor was on, rows loaded then), until it is found again.
        self._return_to: tuple[str, int] | None = None
        #: Whether the detail shows (small terminals: a panel opened with d or Enter).
        self.panel = DetailPanel(self)
        #: Re-checks the rows still changing (CREATE_IN_PROGRESS, PENDING_DELETION).
        self.watcher = Watcher(self, enabled=settings.watch)
        #: Switching profile keeps a region the user chose (tui/screens/switching.py).
        self.region_chosen = settings.region_chosen
        self.previous_profile: str | None = None
        #: (source, its account as STS said): see _caller_account.
        self._caller: tuple[BackupSource, str | None] | None = None
        #: The generation whose rows include another account's backups (the Owner column).
        self._owners_in: int | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(demo=self.settings.demo, id="topbar")
        with Horizontal(id="body"):
            yield FilterSidebar(self.backup_query, self.regions, id="filters")
            with Vertical(id="main"):
                yield BackupTable(lookahead=max(1, self.settings.page_size // 2), id="table")
                yield BackupDetail(self.source, self._search_regions, id="detail")
        yield Footer()

    @property
    def table(self) -> BackupTable:
        return self.query_one("#table", BackupTable)

    @property
    def detail(self) -> BackupDetail:
        return self.query_one("#detail", BackupDetail)

    def on_mount(self) -> None:
        self.table.border_title = safe("Backups")
        self.detail.border_title = safe("Detail")
        self.table.expiry = self._expiry_cell
        self.detail.expiry_of = self.expiry_of
        self.detail.cluster_of = self.cluster_of
        self.detail.owner_of = self.owner_of
        cast("HsmBackupsApp", self.app).show_times()  # UTC, local or ages, as last chosen
        self.detail.note_of = self.watcher.gone_note
        self.watcher.mount()
        if self.settings.pick is not None:
            # The footer says what Enter and q mean here: `$(hsm-backups --pick)` users
            # should not have to remember that Enter prints and quits.
            relabel(self.table, "enter", "Pick", "Print this backup on stdout and exit")
            relabel(self.app, "q", "Cancel", "Exit with status 1, printing nothing")
        self.set_interval(self.TICK, self._tick)
        self.start(self.backup_query)

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.height < SHORT, "-short")
        self.panel.layout_changed()

    # ---- the listing ------------------------------------------------------------------------

    @property
    def fetching(self) -> bool:
        """True while a call is in flight, for this query or a stale one we wait out."""
        return self.in_flight is not None

    def start(self, query: BackupQuery, *, keep_rows: bool = False) -> None:
        """Begin `query` from its first page; anything still in flight becomes stale.

        Never a second call alongside a stale one: pressing r five times during a slow load
        must not put five calls on the wire (and invite throttling). With `keep_rows` (r), the
        rows shown stay, marked as refreshing, until the first fresh page replaces them: at
        a second of latency an empty table is a long stare.
        """
        keep_rows = keep_rows and bool(self.table.all_rows)
        self.generation += 1
        self.backup_query = query
        self.listing = Listing(query)
        self.error = None
        self._stop_loading_all()
        self._stopping = False
        self._take_held()  # pages of the old query: dropped
        self._return_to = None
        self.watcher.reset()
        self._refreshing = keep_rows
        self.table.set_class(keep_rows, "-refreshing")
        if not keep_rows:
            self.table.clear()
        self.table.set_message(safe(f"Loading backups in {query.region or 'the default region'}…"))
        self.fetch_next()

    def fetch_next(self) -> None:
        """Request the next page unless one is in flight, the list is complete, or it failed.

        After EMPTY_PAGE_BUDGET pages in a row that added nothing, scanning pauses until the
        user asks for more (m): a filter matching nothing must not cost endless calls.
        """
        stalled = self.listing.empty_streak >= EMPTY_PAGE_BUDGET and not self.loading_all
        if self.listing.done or self.error is not None:
            self._stop_loading_all()
        if self.fetching or self.listing.done or self.error is not None or stalled:
            self.show_status()
            return
        self.in_flight = self.generation
        if self.loading_all:
            self._stop_run = threading.Event()
        self._fetch(
            self.generation,
            self.listing.query,
            self.listing.next_token,
            self._stop_run if self.loading_all else None,
        )
        self.show_status()

    def _stop_loading_all(self) -> None:
        """Stop loading all: the worker ends once its call in flight is back."""
        self.loading_all = False
        self._stop_run.set()

    @work(thread=True, exit_on_error=False, group="pages", description="describe_backups pages")
    def _fetch(
        self,
        generation: int,
        query: BackupQuery,
        token: str | None,
        run: threading.Event | None,
    ) -> None:
        """Runs in a thread: one describe_backups call, or with `run` page after page.

        Loading all, the next call goes out as soon as a page is back, while the UI shows the
        last ones (the UI applies them in batches: see _hold). Still one call at a time. The
        loop ends at the last page, a repeated token (the UI's Listing reports it), an error,
        or when `run` is set (A again, a new query, an error found by the UI).
        """
        seen = TokenGuard()  # digests, not the tokens: they can be a megabyte each
        if token:
            seen.add(token)
        while True:
            try:
                page = self.source.fetch_page(query, token, self.settings.page_size)
            except Exception as exc:
                self.post_message(self.PageFailed(generation, to_aws_error(exc), token))
                return
            token = page.next_token
            if run is None or run.is_set() or not token:
                break
            try:
                seen.add(token)
            except PagingError:
                break  # a repeat or the cap: the UI's Listing says which
            self.post_message(self.PageLoaded(generation, page, final=False))
        self.post_message(self.PageLoaded(generation, page))

    def _landed(self, generation: int) -> bool:
        """Free the slot; False (and the waiting query goes ahead) when the answer is stale."""
        self.in_flight = None
        if generation == self.generation:
            return True
        self.fetch_next()
        return False

    @on(PageLoaded)
    def _page_loaded(self, event: PageLoaded) -> None:
        if not event.final:
            if event.generation == self.generation and self.error is None:
                self._hold(event.page)
            return
        if not self._landed(event.generation):
            return
        held = self._take_held()
        if self.error is not None:
            return  # a page before this one failed (a paging loop): nothing more is applied
        keep_going = self._apply([*held, event.page])
        if self._stopping:
            self._say_stopped()  # after A again: the rows the stopped run brought are counted
        if self.error is not None:
            return
        if keep_going or self.loading_all or self._wants_more() or self._return_to is not None:
            self.fetch_next()
        else:
            self.show_status()

    def _hold(self, page: Page) -> None:
        """Keep pages that arrive while loading all; apply them at most every BATCH_SECONDS.

        One append and one repaint for several pages: a repaint of the screen costs about as
        much as a page of rows, and pages can come back every few milliseconds.
        """
        self._held.append(page)
        if self._held_timer is None:
            wait = self.BATCH_SECONDS - (time.monotonic() - self._applied_at)
            # (a zero-second Timer divides by zero in Textual 8)
            self._held_timer = self.set_timer(max(0.005, wait), self._apply_held)

    def _take_held(self) -> list[Page]:
        if self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None
        held, self._held = self._held, []
        return held

    def _apply_held(self) -> None:
        self._held_timer = None
        held = self._take_held()
        if held and self.error is None:
            self._apply(held)

    def _apply(self, pages: list[Page]) -> bool:
        """Add pages to the table in order, one append for all; True if the scan should go on."""
        appended: list[Backup] = []
        keep_going = False
        for page in pages:
            try:
                update = self.listing.accept(page)
            except PagingError as exc:
                self.table.append(appended)
                self._stop_run.set()
                self._fail(to_aws_error(exc))
                return False
            appended += update.appended
            if update.replaced:
                self.table.append(appended)
                self.watcher.rows_changed(appended)
                appended = []
                self.replace_rows(update.replaced)
            keep_going = update.keep_going
        if self._refreshing:  # the first fresh page: it replaces the rows from before
            self._refreshing = False
            self.table.set_class(False, "-refreshing")
            self.table.clear()
        first = not self.table.all_rows
        self.table.append(appended)
        self.watcher.rows_changed(appended)
        self._applied_at = time.monotonic()
        self._return_cursor()
        if first and appended:
            self._paint_now()
        self._lookup_clusters(appended)
        if self.listing.done and not self.table.rows:
            self.table.set_message(safe(self._nothing_found(), "dim"))
        if self.loading_all and not self.listing.done:
            self.show_status()
        return keep_going

    def _nothing_found(self) -> str:
        """Why the table is empty: the filters, or a region that simply has no backups."""
        query = self.backup_query
        region = clean(query.region or "this region")
        if query.backup_ids and not self.table.all_rows:
            # A backup lives in one region: the likeliest reason is that it is in another.
            ids = ", ".join(clean(i) for i in query.backup_ids[:3])
            more = " …" if len(query.backup_ids) > 3 else ""
            return (
                f"No backup {ids}{more} in {region} (with these filters). A backup lives in "
                "one region: paste its ARN into ctrl+p or Backup IDs to go there, pick "
                "another region (ctrl+p, 'Switch region'), or start with --region."
            )
        if query.filters() or self.expiring_within is not None or self.table.all_rows:
            return "No backups match these filters."
        whose = "shared with this account" if query.shared else "in this account"
        return f"No backups {whose} in {region}."

    def _paint_now(self) -> None:
        """Put a new query's first rows on the terminal from this handler.

        Left to Textual, a refresh travels widget idle → Update message → screen idle → the
        next 60 Hz tick; with the next page's worker already holding the GIL, each hop can
        wait a switch interval (5 ms). Here the table goes straight to the compositor, as the
        screen's update timer would do it (Textual is pinned; these names are its own).
        """
        table = self.table
        if table._repaint_required and not (table._layout_required or self._layout_required):
            table._repaint_required = False
            self._dirty_widgets.add(table)
            self._on_timer_update()

    def replace_rows(self, changes: list[tuple[int, Backup]]) -> None:
        """New data for loaded rows (a later page, a watch re-check): in place, same cursor."""
        self.table.replace_rows(changes)
        self.watcher.rows_changed(b for _, b in changes)
        self._lookup_clusters([b for _, b in changes])

    def _return_cursor(self) -> None:
        """After r, put the cursor back on its backup once that is loaded again.

        Given up when the user has moved the cursor meanwhile, or when the rows loaded before
        the refresh are all back and it is not among them (it is gone).
        """
        if self._return_to is None:
            return
        backup_id, loaded = self._return_to
        table = self.table
        if table.cursor != 0:
            self._return_to = None  # the user moved: their choice wins
            return
        index = self.listing.index_of(backup_id)
        if index is not None and table.rows is table.all_rows:
            self._return_to = None
            table.move_cursor(index)
        elif self.listing.done or len(table.all_rows) >= loaded:
            self._return_to = None

    @on(PageFailed)
    def _page_failed(self, event: PageFailed) -> None:
        if not self._landed(event.generation):
            return
        self._stopping = False  # the error says what happened; no count toast after it
        if held := self._take_held():
            self._apply(held)  # every page before the failure is shown
        if self.error is not None:
            return
        refused = event.token is not None and event.error.code in TOKEN_ERROR_CODES
        if refused and self.listing.restart():
            # The first page of this very query worked: the token is what AWS refuses now.
            tell(
                self,
                "AWS no longer accepts the page token (it may have expired). Loading again "
                "from the first page; the rows shown stay, updated in place.",
                title=f"{clean(event.error.code)} · listing restarted",
                severity="warning",
                timeout=8,
            )
            self.fetch_next()
            return
        self._fail(event.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The last net: a worker that died of a bug still ends up as a visible error."""
        if event.state == WorkerState.ERROR and event.worker.group == "pages":
            generation = self.in_flight if self.in_flight is not None else self.generation
            if self._landed(generation):
                self._fail(to_aws_error(event.worker.error or RuntimeError("worker failed")))

    def _fail(self, error: AwsError) -> None:
        self.error = error
        self._stop_loading_all()
        # A hint that already says how to retry is not followed by the same words again.
        retry = "" if "press r" in error.hint.lower() else "Press r to retry."
        if not self.table.rows:
            message = Text()
            message.append(f"{clean(error.title)}\n", style="bold")
            message.append(f"{clean(error.code)}: {clean(error.message)}\n\n")
            message.append(clean(error.hint))
            message.append(f"\n\n{retry}" if retry else "", style="bold")
            if (back := way_back(self)) is not None:
                message.append(f"\n{back}")
            self.table.set_message(message)
        tell(
            self,
            "\n".join(filter(None, (clean(error.message), clean(error.hint), retry))),
            title=f"{clean(error.code)} · {clean(error.title)}",
            severity="error",
            timeout=8,
        )
        self.show_status()

    def show_status(self) -> None:
        table = self.table
        state = ListingState(
            loaded=len(table.all_rows),
            shown=len(table.rows),
            fetching=self.fetching,
            done=self.listing.done,
            empty_streak=self.listing.empty_streak,
            error=self.error,
            expiring_within=self.expiring_within,
            loading_all=self.loading_all,
        )
        status, trailer = status_line(state)
        if self._refreshing:
            status = Text.assemble(("refreshing: the rows from before", "bold"), " · ", status)
        if watching := self.watcher.status(narrow=self.has_class("-narrow")):
            status.append(" · ")
            status.append_text(watching)
        # In the top bar only: as the table's border subtitle it repainted the whole table
        # with every page.
        self.status = status
        table.set_trailer(trailer)
        if state.loaded and not state.shown and self.error is None:
            days = self.expiring_within
            table.set_message(
                Text(f"No loaded backup expires within {days} days (local filter).", style="dim")
            )
        self._show_topbar(status)

    def refresh_status(self) -> None:
        """Show the status line again (the watch's state changed)."""
        self.show_status()

    def _show_topbar(self, status: Text) -> None:
        answered = self.error is None and (bool(self.table.all_rows) or self.listing.done)
        self.query_one(TopBar).show(
            self.source,
            self.backup_query.region,
            status,
            self.backup_query.describe(),
            answered=answered,
        )

    # ---- events from the widgets ------------------------------------------------------------

    @on(Watcher.Done)
    def _watch_done(self, event: Watcher.Done) -> None:
        self.watcher.done(event)

    def on_key(self, event: Key) -> None:
        """Any key means someone is looking: a paused watch resumes (the key goes on)."""
        self.watcher.active()

    @on(FilterSidebar.Changed)
    def _filters_changed(self, event: FilterSidebar.Changed) -> None:
        if event.query.region != self.backup_query.region:
            self.region_chosen = True
        self.start(event.query)

    @on(FilterSidebar.Submitted)
    def _filters_submitted(self, event: FilterSidebar.Submitted) -> None:
        if self.has_class("-narrow"):
            self.action_focus_table()  # the overlay closes once the filters are applied

    @on(BackupTable.NearEnd)
    def _near_end(self, event: BackupTable.NearEnd) -> None:
        # Checked again here: the message may predate a page that has since filled the table.
        if self._wants_more() and self.error is None:
            self.fetch_next()

    def _wants_more(self) -> bool:
        """Prefetch when the view nears the end, but not under the local filter.

        The local filter promises to act on loaded rows only: paging on by itself while few
        rows match would quietly load the whole account. m still loads the next page.
        """
        return not self.listing.done and self.expiring_within is None and self.table.near_end()

    @on(BackupTable.Highlighted)
    def _highlighted(self, event: BackupTable.Highlighted) -> None:
        self.detail.show(event.backup, self.backup_query.region, self.settings.clock())

    @on(BackupTable.Selected)
    def _selected(self, event: BackupTable.Selected) -> None:
        if self.settings.pick is not None:
            self.app.exit(pick_text(event.backup, self.settings.pick))
            return
        self.panel.open_for_enter()
        self.set_focus(self.detail)

    # ---- actions ----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Retry the failed page when rows are already shown; otherwise start over.

        Starting over also forgets every cached look-up (cluster policies, lineage, copies).
        """
        if self.error is not None and self.table.all_rows and self.error.retryable:
            self.error = None
            self.fetch_next()
            return
        if self.error is not None and not self.error.retryable:
            self.source.reset()
        current, loaded = self.table.current, len(self.table.all_rows)
        self.clusters.clear()
        self.detail.forget()
        self.start(self.backup_query, keep_rows=True)
        if current is not None:
            # Back to the same backup once it is loaded again: it was within the first
            # `loaded` rows, so paging goes on (only) that far to find it.
            self._return_to = (current.backup_id, loaded)

    def action_find_copies(self) -> None:
        """L: the search's progress and results are in the detail, so it must be in sight."""
        if self._current_or_say("search for copies of") is None:
            return
        if not self.panel.shown:
            self.panel.toggle()
        self.detail.find_copies()

    def action_switch_profile(self) -> None:
        """P: pick a profile from the AWS config files (the palette's profile picker)."""
        from tui.screens.palette import open_profiles

        open_profiles(self)

    # ---- expiry: cluster retention policies, the clock, the local filter ----------------------

    def expiries(self) -> Expiries:
        """This listing's expiry rules as they stand: the table, the detail and an export's
        thread all work expiries out through them, so they always agree."""
        query = self.backup_query
        return Expiries(query.region, self.clusters, self._caller_account(), query.shared)

    def expiry_of(self, backup: Backup) -> Expiry:
        """When `backup` becomes eligible for deletion, from what is known right now."""
        return self.expiries().of(backup, self.settings.clock())

    def cluster_of(self, backup: Backup) -> ClusterInfo | None:
        """What describe_clusters said of `backup`'s cluster (None: not read, or not ours)."""
        return self.expiries().cluster(backup)

    def owner_of(self, backup: Backup) -> str | None:
        """The other account that owns `backup`, None when it is the caller's (see Expiries)."""
        return self.expiries().owner(backup)

    def _caller_account(self) -> str | None:
        """The account the current source acts in, once STS said (the top bar asks it)."""
        if self._caller is None or self._caller[0] is not self.source:
            self._caller = (self.source, self.query_one(TopBar).account_of(self.source))
        return self._caller[1]

    @on(TopBar.AccountFound)
    def _account_found(self, event: TopBar.AccountFound) -> None:
        """Now the ARNs tell whose backups are loaded: another account's cluster is not ours
        to read, and its expiry says so."""
        self._caller = None
        self._show_owners(self.table.all_rows)
        self.table.expiries_changed()
        self._expiries_changed()

    def _show_owners(self, backups: list[Backup]) -> None:
        """The Owner column shows while the listing holds another account's backups."""
        rules = self.expiries()
        if rules.shared or any(rules.owner(b) is not None for b in backups):
            self._owners_in = self.generation
        self.table.show_owner(self._owners_in == self.generation)

    def _search_regions(self, region: str | None) -> list[str]:
        """Where the copy search looks: --regions, else this partition's CloudHSM regions."""
        return candidate_regions(region, self.settings.search_regions, self.regions)

    def _expiry_cell(self, backup: Backup) -> tuple[str, bool]:
        found = self.expiry_of(backup)
        return (found.short, found.urgent)

    def _lookup_clusters(self, backups: list[Backup]) -> None:
        """Fetch the retention policy of clusters not seen yet (batched, once per session).

        Never for another account's backup: describe_clusters cannot see its cluster.
        """
        self._show_owners(backups)
        region = self.backup_query.region
        if not region:
            return
        rules = self.expiries()
        wanted = {b.cluster_id for b in backups if b.cluster_id and rules.wanted(b)}
        missing = self.clusters.missing(region, wanted)
        if missing:
            self._fetch_clusters(region, missing)

    @work(thread=True, group="clusters", exit_on_error=False, description="describe_clusters")
    def _fetch_clusters(self, region: str, cluster_ids: list[str]) -> None:
        self.clusters.put(fetch_clusters(self.source, region, cluster_ids).values())
        self.post_message(self.ClustersLoaded(region))

    @on(ClustersLoaded)
    def _clusters_loaded(self, event: ClustersLoaded) -> None:
        if event.region == self.backup_query.region:
            self.table.expiries_changed()
            self._expiries_changed()

    def _tick(self) -> None:
        """Countdowns move on: redraw what depends on the clock."""
        self._expiries_changed()

    def _expiries_changed(self) -> None:
        if self.expiring_within is not None:
            self.table.refilter()
        self.table.invalidate()
        self.detail.tick(self.settings.clock())
        self.show_status()

    def _expiring_within(self, backup: Backup) -> bool:
        days = self.expiring_within
        if days is None:
            return True
        found = self.expiry_of(backup)
        if found.when is None or found.kind not in ("expires", "overdue", "pending-deletion"):
            return False
        try:
            horizon = self.settings.clock() + timedelta(days=days)
        except OverflowError:  # past 9999-12-31: every dated expiry is within it
            return True
        return found.when <= horizon

    @on(FilterSidebar.LocalChanged)
    def _local_changed(self, event: FilterSidebar.LocalChanged) -> None:
        self.expiring_within = event.expiring_within
        self.table.set_filter(None if event.expiring_within is None else self._expiring_within)
        self.show_status()

    @on(BackupDetail.JumpRequested)
    def _jump(self, event: BackupDetail.JumpRequested) -> None:
        """Go to a lineage node: its region, filtered on its backup ID.

        The node's ID is the API's own text (a copy's SourceBackup): one that is not a backup
        ID is said, never sent as a filter nor put in the sidebar's field.
        """
        query = BackupQuery(
            region=event.region or self.backup_query.region, backup_ids=(event.backup_id,)
        )
        if problems := query.problems():
            tell(self, f"Cannot go there: {'; '.join(problems)}.", severity="warning", timeout=6)
            return
        apply_query(self, query)
        self.set_focus(self.table)

    def here(self) -> Place:
        """Where the browser is: the listing and the backup under the cursor."""
        current = self.table.current
        return Place(
            self.backup_query, current.backup_id if current else None, len(self.table.all_rows)
        )

    def action_go_back(self) -> None:
        """Backspace / [: the place before the last jump, switch or palette query."""
        self._go(self.trail.back(self.here()), "Nothing to go back to: no jump made yet.")

    def action_go_forward(self) -> None:
        """]: the place gone back from."""
        self._go(self.trail.forward(self.here()), "Nothing ahead: this is the newest place.")

    def _go(self, place: Place | None, nowhere: str) -> None:
        if place is None:
            tell(self, nowhere, timeout=3)
            return
        if place.query.region != self.backup_query.region:
            self.region_chosen = True
        self.query_one(FilterSidebar).set_query(place.query)
        self.start(place.query)
        if place.backup_id is not None:
            self._return_to = (place.backup_id, place.loaded)
        self.set_focus(self.table)

    def action_more(self) -> None:
        """Fetch the next page now, even after a long run of empty pages."""
        if self.listing.done:
            tell(self, ALL_LOADED, timeout=3)
            return
        if self.listing.empty_streak >= EMPTY_PAGE_BUDGET:
            self.listing.empty_streak = 0
        self.fetch_next()

    def action_load_all(self) -> None:
        """Load every remaining page (A again stops); the table stays usable meanwhile.

        One call at a time, so stopping costs at most the call in flight.
        """
        if self.loading_all:
            self._stop_loading_all()
            if self.in_flight is None:
                self._say_stopped()
            else:  # the count is told once the call in flight is in: one number, as the status
                self._stopping = True
            self.show_status()
            return
        if self.listing.done:
            tell(self, ALL_LOADED, timeout=3)
            return
        self.loading_all = True
        if self.error is not None and self.error.retryable and self.table.all_rows:
            self.error = None
        self.fetch_next()

    def _say_stopped(self) -> None:
        self._stopping = False
        tell(self, f"Stopped loading all: {len(self.table.all_rows)} loaded.", timeout=3)

    def _current_or_say(self, doing: str) -> Backup | None:
        """The cursor's backup; with none (no row matches), say so rather than do nothing."""
        backup = self.table.current
        if backup is None:
            tell(self, f"No backup is highlighted to {doing}.", timeout=3)
        return backup

    def action_copy_id(self) -> None:
        """y: the highlighted backup's ID to the clipboard."""
        if (backup := self._current_or_say("copy")) is not None:
            self._copy(backup.backup_id, "Backup ID", show=False)

    def choices_to_copy(self, backup: Backup) -> list[CopyChoice]:
        """What Y and the palette offer for `backup`, with commands that ask where it was listed."""
        return copy_choices(
            backup,
            region=self.backup_query.region,
            profile=self.settings.profile,
            endpoint_url=self.settings.endpoint_url,
            shared=self.backup_query.shared,
        )

    def action_copy_menu(self) -> None:
        """Y: choose what to copy of the highlighted backup (or show it as text)."""
        backup = self._current_or_say("copy")
        if backup is None:
            return
        choices = self.choices_to_copy(backup)

        def chosen(result: tuple[CopyChoice, bool] | None) -> None:
            if result is not None:
                choice, show = result
                self._copy(choice.text, choice.label, show=show, command=choice.is_command)

        self.app.push_screen(CopyMenu(backup.backup_id, choices), chosen)

    def _copy(self, text: str, what: str, *, show: bool, command: bool = False) -> None:
        if show:
            self.app.push_screen(CopyText(what, text, command=command))
            return
        cast("HsmBackupsApp", self.app).copy_out(text, what)

    def action_export(self) -> None:
        """e: the rows the table shows (after the local filter), in API order, to a file."""
        from tui.screens.export import ExportScreen, export_context  # not needed for a first frame

        rows = list(self.table.rows)
        if not rows:
            what = "matches the local filter" if self.expiring_within is not None else "is loaded"
            tell(self, f"Nothing to export: no backup {what}.", timeout=4)
            return
        self.app.push_screen(
            ExportScreen(rows, export_context(self), self.settings.clock, self.expiries())
        )

    def action_focus_filters(self) -> None:
        self.add_class("-filters-open")
        self.remove_class("-filters-hidden")
        # set_focus, not .focus(): that one is deferred, and a quick Tab would act on the table.
        self.set_focus(self.query_one("#backup-ids"))

    def action_focus_table(self) -> None:
        if self.settings.pick is not None and self.focused is self.table:
            self.app.exit(None, return_code=1)  # Esc on the table: picked nothing
            return
        sidebar = self.query_one(FilterSidebar)
        if self.focused is not None and sidebar in self.focused.ancestors:
            sidebar.apply_now()
            if problems := sidebar.problems():
                # Leaving (at 80x24 the overlay closes) must not look like the filter applied.
                tell(
                    self,
                    f"Filters not applied ({'; '.join(problems)}): the table still shows the "
                    "last valid query. / to fix.",
                    severity="warning",
                    timeout=6,
                )
        self.panel.leave()
        self.remove_class("-filters-open")
        self.set_focus(self.table)

    def action_toggle_detail(self) -> None:
        self.panel.toggle()

    def action_toggle_filters(self) -> None:
        if self.has_class("-narrow"):
            if self.has_class("-filters-open"):
                self.action_focus_table()
            else:
                self.action_focus_filters()
        else:
            self.toggle_class("-filters-hidden")
