"""ExportScreen: a file name, CSV or JSON, a yes before replacing anything, writing in a thread.

The rows are a snapshot of what the table showed when `e` was pressed; pages that arrive while
the dialog is open are not added, so the header's count and the file always agree. Their
expiries are worked out by the listing's own rules (the table's), in the writing thread, at the
moment the file's header gives as `exported_at`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static
from textual.worker import Worker, WorkerState

from tui import __version__
from tui.backups import Backup, clean
from tui.backups.export import (
    ExportContext,
    default_export_path,
    export_csv,
    export_json,
    format_for_path,
    resolve_export_path,
    write_error_text,
)
from tui.backups.filewrite import Cancellation, WriteCancelled
from tui.backups.retention import Expiries
from tui.timefmt import Clock
from tui.widgets.marks import Choice
from tui.widgets.safe import safe, tell

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

FORMATS = ("csv", "json")


def short_path(path: Path) -> str:
    """`path` as short as it is unambiguous: ./name under the current directory, ~/… under
    home. A toast is narrow at 80x24, and a long absolute path there breaks mid-name."""
    try:
        bases = ((Path.cwd(), "."), (Path.home(), "~"))
    except (OSError, RuntimeError):  # the current directory was removed; no home to expand
        return str(path)
    for base, prefix in bases:
        if path.is_relative_to(base):
            return f"{prefix}/{path.relative_to(base)}"
    return str(path)


class ExportFailed(Exception):
    """Writing failed; the message says why and what to do (made in the thread: it may stat)."""


def export_context(main: MainScreen) -> ExportContext:
    """What the file's header records about the view: where, which filters, how complete."""
    days = main.expiring_within
    return ExportContext(
        profile="demo" if main.settings.demo else main.source.profile_label,
        region=main.backup_query.region,
        query=main.backup_query,
        exported_at=main.settings.clock().replace(microsecond=0),
        tool_version=__version__,
        local_filter=None if days is None else f"expiring within {days} days",
        loaded=len(main.table.all_rows),
        complete=main.listing.done,
    )


def working_dir() -> Path:
    """Where a bare file name goes: the current directory (home if that was deleted)."""
    try:
        return Path.cwd()
    except OSError:
        return Path.home()


def rows_text(count: int, context: ExportContext) -> str:
    """Which rows go into the file, said plainly (the local filter and paging included)."""
    noun = "backup" if count == 1 else "backups"
    if context.local_filter is not None:
        text = f"The {count} {noun} the table shows ({context.local_filter}, local filter)"
        if context.loaded is not None:
            text += f" of {context.loaded} loaded"
    else:
        text = f"The {count} loaded {noun}"
    text += ", in the API's order."
    if context.complete is False:
        text += " More exist: A loads them all first."
    return text


class FormatChoice(RadioSet):
    """CSV or JSON. Enter is the dialog's (it exports); the arrows pick, as Space does.

    A plain RadioSet keeps Enter to toggle its highlighted button, so Enter did nothing here
    although the dialog says "Enter exports". Its arrows only move a highlight; with Enter
    exporting, a highlight that is not the pick would write the format the user did not see
    chosen, so here the highlight is the pick.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.submit", "Export", show=False, id="export.format.submit"),
    ]

    def action_next_button(self) -> None:
        super().action_next_button()
        self._pick_highlighted()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self._pick_highlighted()

    def _pick_highlighted(self) -> None:
        """Press the highlighted button; one already pressed stays pressed."""
        if self._selected is not None:
            button = self._nodes[self._selected]
            if isinstance(button, RadioButton) and not button.value:
                button.value = True


class ExportScreen(ModalScreen[Path | None]):
    """The path and format of an export; an existing file is replaced only after a yes."""

    #: Textual focuses a new screen's first focusable widget ("*": the format choice) before
    #: `on_mount` runs; every opening starts in the file name instead, from the first moment.
    AUTO_FOCUS = "#export-path"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Cancel", id="export.cancel"),
        # q closes the dialog like the other dialogs' q, not the app (typed in the name, it
        # is a letter: the Input takes it first).
        Binding("q", "back", "Cancel", show=False, id="export.close"),
        Binding("enter", "submit", "Export", show=False, id="export.submit"),
        Binding("y", "overwrite", "Overwrite", show=False, id="export.overwrite"),
        Binding("n", "keep", "Keep the file", show=False, id="export.keep"),
    ]

    def __init__(
        self,
        rows: Sequence[Backup],
        context: ExportContext,
        clock: Clock,
        expiries: Expiries | None = None,
        cwd: Path | None = None,
    ) -> None:
        super().__init__()
        self.rows = list(rows)
        self.context = context
        self.clock = clock
        #: The listing's expiry rules; None writes the expiry columns empty.
        self.expiries = expiries
        self.cwd = cwd if cwd is not None else working_dir()
        self.format = FORMATS[0]
        #: The name we suggested: replaced on a format change until the user edits it.
        self.suggested = str(default_export_path(self.cwd, self.format, clock()))
        #: The file that exists and awaits a yes or no, None when not asking.
        self.confirming: Path | None = None
        self.writing = False
        #: The file being written (or last tried), and in which format.
        self.target: Path | None = None
        self.target_format = self.format

    def compose(self) -> ComposeResult:
        noun = "backup" if len(self.rows) == 1 else "backups"
        with Vertical(id="export-dialog") as box:
            box.border_title = safe(f"Export {len(self.rows)} {noun}")
            box.border_subtitle = safe(self._hint())
            yield Static(Text(rows_text(len(self.rows), self.context)), id="export-rows")
            with Horizontal(id="export-format-row"):
                yield Label("Format", classes="export-label")
                with FormatChoice(id="export-format", compact=True):
                    yield Choice("CSV", value=True, id="export-csv")
                    yield Choice("JSON", id="export-json")
            yield Label("File", classes="export-label")
            yield Input(self.suggested, id="export-path", select_on_focus=False)
            yield Static(Text(""), id="export-message")
            with Horizontal(id="export-buttons", classes="export-buttons"):
                yield Button("Export", variant="primary", id="export-go", compact=True)
                yield Button("Cancel", id="export-cancel", compact=True)
            with Horizontal(id="export-confirm", classes="export-buttons"):
                yield Button("Overwrite (y)", variant="error", id="export-overwrite", compact=True)
                yield Button("Keep it (n)", id="export-keep", compact=True)

    def on_mount(self) -> None:
        inputs = self.query("#export-path").results(Input)
        path_input = next(inputs, None)
        if path_input is None:  # pushed while the app was closing: nothing was composed
            return
        path_input.cursor_position = len(path_input.value)
        self.set_focus(path_input)  # AUTO_FOCUS is skipped while the terminal is unfocused

    # ---- the form ---------------------------------------------------------------------------

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        self.format = "json" if event.pressed.id == "export-json" else "csv"
        path_input = self.query_one("#export-path", Input)
        if path_input.value == self.suggested:
            self.suggested = str(default_export_path(self.cwd, self.format, self.clock()))
            path_input.value = self.suggested
            path_input.cursor_position = len(self.suggested)

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        """A typed `.json` or `.csv` name picks that format; an edit ends a question or error."""
        self._ask(None)
        self._say("")
        suffix = Path(event.value.strip()).suffix.lower().lstrip(".")
        if suffix in FORMATS and suffix != self.format:
            self.query_one(f"#export-{suffix}", RadioButton).value = True

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-go")
    def _submitted(self) -> None:
        self.start(overwrite=False)

    def action_submit(self) -> None:
        """Enter where no widget takes it (the format choice passes it here): export.

        The file name submits itself and a focused button presses itself; while the overwrite
        question is shown, Enter belongs to its buttons and y / n / Esc, so it does nothing here.
        """
        if self.confirming is None:
            self.start(overwrite=False)

    @on(Button.Pressed, "#export-cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#export-overwrite")
    def action_overwrite(self) -> None:
        if self.confirming is not None and not self.writing:
            self.start(overwrite=True)

    @on(Button.Pressed, "#export-keep")
    def action_keep(self) -> None:
        if self.confirming is not None and not self.writing:
            self._ask(None)
            self._say("Kept the file. Choose another name.", "-question")
            self.set_focus(self.query_one("#export-path", Input))

    def action_back(self) -> None:
        """Esc: a pending question goes back to the path; otherwise the dialog closes."""
        if self.writing:
            return  # the thread cannot be stopped halfway; it takes seconds at most
        if self.confirming is not None:
            self.action_keep()
        else:
            self.dismiss(None)

    def _hint(self) -> str:
        if self.writing:
            return "writing…"
        if self.confirming is not None:
            return "y overwrites · n or Esc keeps the file"
        return "Enter exports · Esc cancels"

    def _show_hint(self) -> None:
        self.query_one("#export-dialog").border_subtitle = safe(self._hint())

    def _say(self, message: str, kind: str | None = None) -> None:
        box = self.query_one("#export-message", Static)
        box.update(Text(clean(message)))
        box.set_class(kind == "-error", "-error")
        box.set_class(kind == "-question", "-question")

    def _ask(self, path: Path | None) -> None:
        """Show (or, with None, drop) the "overwrite?" question for `path`."""
        if path is None and self.confirming is None:
            return
        self.confirming = path
        self.set_class(path is not None, "-confirming")
        self._show_hint()
        if path is not None:
            self._say(f"{path} already exists. Overwrite it?", "-question")
            self.set_focus(self.query_one("#export-keep", Button))
        else:
            self._say("")

    def _busy(self, busy: bool) -> None:
        self.writing = busy
        self.set_class(busy, "-writing")
        self._show_hint()
        for widget in self.query("#export-dialog Input, #export-dialog RadioSet, Button"):
            widget.disabled = busy

    # ---- writing ----------------------------------------------------------------------------

    def start(self, *, overwrite: bool) -> None:
        """Write the file in a thread; the answer comes back through the worker's state."""
        if self.writing:
            return
        try:
            path = resolve_export_path(self.query_one("#export-path", Input).value, self.cwd)
        except ValueError as exc:
            self._say(str(exc), "-error")
            return
        if overwrite and path != self.confirming:
            return  # the question was about another name
        # The name's extension decides, and the choice follows it: when the name and Enter
        # arrive in one burst, Enter is handled before the choice has heard of the name.
        fmt = format_for_path(path, self.format)
        if fmt != self.format:
            self.format = fmt
            self.query_one(f"#export-{fmt}", RadioButton).value = True
        self._ask(None)
        self.target = path
        self.target_format = fmt
        self._busy(True)
        self._say(f"Writing {len(self.rows)} backups to {path} ({fmt.upper()})…")
        now = self.clock()
        context = replace(self.context, exported_at=now.replace(microsecond=0))
        # Made here, before the thread starts: quitting (Ctrl+C) or a signal cancels the write
        # through it, and its temporary file goes, whatever the thread is doing.
        cancellation = Cancellation(path)
        self._write(path, fmt, context, now, overwrite, cancellation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="export")
    def _write(
        self,
        path: Path,
        fmt: str,
        context: ExportContext,
        now: datetime,
        overwrite: bool,
        cancellation: Cancellation,
    ) -> Path:
        """Runs in a thread: a big export (and its expiries, ~20 µs a row) must not freeze
        the screen. The expiries are the table's, at `now`, the header's `exported_at`."""
        writer = export_json if fmt == "json" else export_csv
        rules = self.expiries
        expiries = None if rules is None else [rules.of(b, now) for b in self.rows]
        try:
            writer(
                path,
                self.rows,
                context,
                overwrite=overwrite,
                cancellation=cancellation,
                expiries=expiries,
            )
        except (FileExistsError, WriteCancelled):
            raise
        except OSError as exc:
            raise ExportFailed(write_error_text(exc, path)) from exc
        finally:
            cancellation.close()  # ended, one way or another: nothing left to cancel
        return Path(os.path.abspath(path))

    @on(Worker.StateChanged)
    def _written(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if isinstance(worker.error, WriteCancelled) or not self.is_attached:
            return  # the app is quitting, and says so on the way out
        self._busy(False)
        path = self.target
        assert path is not None
        if event.state == WorkerState.SUCCESS:
            done = worker.result
            assert isinstance(done, Path)
            noun = "backup" if len(self.rows) == 1 else "backups"
            kind = self.target_format.upper()  # what was written, not what is chosen now
            tell(
                self.app,
                clean(f"{len(self.rows)} {noun} written to {short_path(done)} ({kind})."),
                title="Exported",
                timeout=6,
            )
            self.dismiss(done)
            return
        error = worker.error
        if isinstance(error, FileExistsError):
            self._ask(path)
            return
        if isinstance(error, ExportFailed):
            message = str(error)
        else:  # a bug, not the disk: still a message, never a traceback
            message = f"Could not export: {type(error).__name__}: {error}"
        self._say(message + " Nothing was written.", "-error")
        self.set_focus(self.query_one("#export-path", Input))
