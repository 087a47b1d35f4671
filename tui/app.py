"""The App and build_app(), the one factory the command line and the tests both use."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import ClassVar

from rich.console import RenderableType
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.filter import Monochrome, NoColor
from textual.message import Message
from textual.screen import Screen

from tui.backups import BackupSource, clean
from tui.backups.clipboard import (
    TMUX_FIX_CONF,
    TMUX_FIX_NOW,
    ClipboardTooLarge,
    TmuxDrop,
    in_tmux,
    osc52,
    osc52_doubtful,
    tmux_drops,
    tmux_option,
)
from tui.backups.filewrite import cancel_writes
from tui.config import ConfigKeeper, Written, config_path
from tui.crash import Crash
from tui.screens import HelpScreen, MainScreen
from tui.screens.copy import CopyText
from tui.settings import Settings
from tui.themes import AUTO, MONO, THEMES, choose_theme
from tui.timemodes import TimeDisplay, next_time_mode, time_mode_label
from tui.typeahead import TypeAheadGate
from tui.widgets import BackupTable
from tui.widgets.lineage_tree import LineageTree
from tui.widgets.safe import tell

#: The exit status of a run stopped in the middle of something (Ctrl+C during an export).
INTERRUPTED = 130


class _NoWaitExecutor(ThreadPoolExecutor):
    """The loop's default executor (thread workers run in it) that never waits at shutdown.

    asyncio.run() joins the default executor on the way out, so a worker stuck in a slow AWS
    call (20 s read timeout, several retries) would hold `q` and Ctrl+C for that long.
    """

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


def styles_path() -> Path:
    """The stylesheet: inside the package when installed, in ../styles in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "styles" / "app.tcss", here.parent / "styles" / "app.tcss"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("styles/app.tcss is missing from this installation")


def _browser_commands() -> type[Provider]:
    """The browser's palette commands, imported when the palette first opens."""
    from tui.screens.palette import BrowserCommands

    return BrowserCommands


class HsmBackupsApp(App[str]):
    """A browser for CloudHSM v2 backups; the screen does the work, the app holds the parts."""

    CSS_PATH = styles_path()
    TITLE = "hsm-backups"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_browser_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.interrupt"),
        Binding("question_mark", "help", "Help", id="app.help"),
        # Textual's own action: SIGTSTP, which its driver turns into a restored terminal and
        # a stop; `fg` sends SIGCONT, and _redraw_on_sigcont draws the screen again. A no-op
        # where the platform cannot suspend (Windows, a headless driver).
        Binding(
            "ctrl+z",
            "suspend_process",
            "Suspend",
            tooltip="Suspend to the shell, as any terminal program does; fg brings it back",
            show=False,
            id="app.suspend",
        ),
        Binding(
            "t",
            "cycle_time",
            "Times: UTC, local, relative",
            tooltip="Show times in UTC, in local time, or as ages (remembered)",
            show=False,
            id="app.time",
        ),
    ]

    @dataclass
    class ConfigWritten(Message):
        """A thread wrote the config file, or failed to, or moved a file that was not ours
        aside first: the user should know."""

        written: Written

    def __init__(
        self,
        settings: Settings,
        source: BackupSource,
        regions: list[str],
        config_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.source = source
        self.regions = regions
        # Over SSH every animation frame is bytes on the wire; nothing here needs one.
        self.animation_level = "none"
        #: Where TMUX, TERM and friends are read (tests pass their own).
        self.environ: Mapping[str, str] = os.environ
        #: Reads a tmux option (tests stand in for tmux).
        self.tmux_option: Callable[[str], str | None] = tmux_option
        #: True once exit() was called: keys typed after q open nothing.
        self.closing = False
        #: Files whose export quitting stopped (nothing was written to them).
        self.cancelled_exports: list[Path] = []
        #: The first unexpected error, which ended the app: the command line reports it.
        self.crash: Crash | None = None
        self._type_ahead = TypeAheadGate(self, lambda: self.closing)
        self._start_looks(config_file or config_path())

    # ---- looks: theme and time mode, remembered in the config file ------------------------------

    def _start_looks(self, config_file: Path) -> None:
        """Read the config file, register the app's themes and pick the one to start with."""
        self.remembered = ConfigKeeper(config_file)
        self._remembering = False
        self._problems = [self.remembered.problem] if self.remembered.problem else []
        for theme in THEMES:
            self.register_theme(theme)
        flag = self.settings.theme
        saved = self.remembered.config.theme
        if saved and saved not in self.available_themes and flag is None:
            self._problems.append(f"The saved theme {saved!r} is not available here.")
        choice = choose_theme(
            flag=flag,
            saved=saved,
            environ=os.environ,
            color_system=self.console.color_system,
            available=self.available_themes,
        )
        self.theme = choice.name
        #: Why this run started with its theme: "flag", "NO_COLOR", "saved", "16 colours"…
        self.theme_reason = choice.reason
        self.time_mode = self.remembered.config.time_mode
        self._update_mono()
        self._remembering = True
        if flag is not None:  # --theme is a choice to remember; --theme auto forgets it
            self.remembered.change(theme=None if flag == AUTO else flag)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette (Theme) is remembered for the next run."""
        self._update_mono()
        if self._remembering:
            self.remembered.change(theme=theme)
            self._save_config()

    def _update_mono(self) -> None:
        """`-mono`: no colour to tell state by (NO_COLOR, or the no-colour theme); see app.tcss.

        Under NO_COLOR, Textual picks its output filter once, for the theme it starts with:
        greys (Monochrome) for an RGB theme, the terminal's default colours (NoColor) for an
        ANSI one. It starts with textual-dark, so the filter is swapped here to suit the theme
        in use; greys would paint hsm-mono's default colours black.
        """
        self.set_class(self.theme == MONO or self.no_color, "-mono")
        if self.no_color:
            wanted = NoColor if self.native_ansi_color else Monochrome
            self._filters = [
                wanted() if isinstance(f, NoColor | Monochrome) else f for f in self._filters
            ]

    @property
    def time_display(self) -> TimeDisplay:
        return TimeDisplay(self.time_mode, self.settings.clock, self.settings.local_zone)

    def action_cycle_time(self) -> None:
        """t: UTC, local time, ages, and round again; the table and the detail follow."""
        if self.screen is not self.main_screen:
            return
        self.time_mode = next_time_mode(self.time_mode)
        self.show_times()
        self.remembered.change(time_mode=self.time_mode)
        self._save_config()
        tell(self, f"Times {time_mode_label(self.time_mode)} (t changes).", timeout=2)

    def show_times(self) -> None:
        """The browser's table and detail show times in the current mode (also at its start)."""
        main = self.main_screen
        main.table.set_time_display(self.time_display)
        main.detail.set_time_display(self.time_display)
        main.show_status()  # the watch's "checked" time follows the zone too

    @work(thread=True, group="config", exit_on_error=False, description="save config")
    def _save_config(self) -> None:
        """Write the choices in a thread: a slow home directory never holds up a key press."""
        written = self.remembered.write()
        if written.notice is not None or written.problem is not None:
            self.post_message(self.ConfigWritten(written))

    @on(ConfigWritten)
    def _config_written(self, event: ConfigWritten) -> None:
        for notice in self.remembered.untold():
            tell(self, notice, title="Settings", severity="warning", timeout=12)
        if (problem := event.written.problem) is not None:
            tell(self, problem, title="Settings not saved", severity="warning")

    @property
    def main_screen(self) -> MainScreen:
        """The browser screen, even while a modal is on top of it."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(_NoWaitExecutor(max_workers=8, thread_name_prefix="hsm-backups"))
        self._redraw_on_sigcont(loop)
        if self.remembered.pending:
            self._save_config()  # --theme given: remember it
        for problem in self._problems:
            tell(self, problem, title="Settings", severity="warning", timeout=8)

    async def on_event(self, event: events.Event) -> None:
        """Keys typed ahead reach the screen in front (see tui/typeahead.py)."""
        if isinstance(event, events.Key):
            await self._type_ahead.dispatch(event, super().on_event)
        else:
            await super().on_event(event)

    def exit(
        self, result: str | None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """Every way out (q, Ctrl+C, a pick) closes the door on keys still queued."""
        self.closing = True
        super().exit(result, return_code, message)

    def _redraw_on_sigcont(self, loop: asyncio.AbstractEventLoop) -> None:
        """After a suspend (SIGTSTP, or SIGSTOP) and `fg`, draw the whole screen again.

        Textual's terminal driver has its own SIGCONT handler, which puts the terminal back in
        application mode but leaves it blank until something changes (2 of 30 lines drawn).
        Ours runs it, then only schedules the redraw on the app's loop: a signal handler never
        touches widgets. Under a driver without one (tests, Windows) nothing is installed.
        """
        sigcont = getattr(signal, "SIGCONT", None)
        if sigcont is None or threading.current_thread() is not threading.main_thread():
            return
        driver_handler = signal.getsignal(sigcont)
        if not callable(driver_handler):
            return

        def resumed(signum: int, frame: FrameType | None) -> None:
            driver_handler(signum, frame)
            if not loop.is_closed():  # the app may have ended: nothing to draw then
                loop.call_soon_threadsafe(self._redraw)

        signal.signal(sigcont, resumed)

    def _redraw(self) -> None:
        """Paint every line again: the terminal may have been cleared under us."""
        self.refresh(repaint=True, layout=True)

    # ---- unexpected errors: one line and a private report (tui/crash.py), never a screen ----

    def _handle_exception(self, error: Exception) -> None:
        """Every unexpected error reaches this (a handler, compose, a timer, a worker with
        exit_on_error): remember the first one for the command line, then let Textual close
        the app as it does (status 1; under Pilot it raises the error again for the test)."""
        if self.crash is None:
            self.crash = Crash(*_unwrapped(error))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual renders a Rich traceback *with every frame's local variables* here, to
        print once the terminal is restored; on a shared host that is memory on the screen
        (credentials, tokens). Only close the app: the command line says one line instead."""
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """After a crash, what Textual queued to print (its traceback, or an error's own
        rendering from panic()) is dropped: the crash report holds what is needed."""
        if self.crash is not None:
            self._exit_renderables.clear()
            return
        super()._print_error_renderables()

    def get_default_screen(self) -> MainScreen:
        return MainScreen(self.settings, self.source, self.regions)

    async def action_quit(self) -> None:
        """q and Ctrl+C; in pick mode they mean "picked nothing" (status 1).

        Ctrl+C while an export is being written stops it (its temporary file goes at once)
        and the status says interrupted (130); the command line says so once the screen is
        restored.
        """
        self.cancelled_exports += cancel_writes()
        if self.cancelled_exports:
            self.exit(None, return_code=INTERRUPTED)
        elif self.settings.pick is not None:
            self.exit(None, return_code=1)
        else:
            self.exit()

    def copy_out(self, text: str, what: str, *, command: bool | None = None) -> bytes | None:
        """Put `text` on the user's clipboard through the terminal, and say so.

        OSC 52, so it reaches the clipboard of the machine the user sits at, over SSH too.
        Inside tmux it is sent twice: plainly (tmux takes it with `set-clipboard on`) and
        wrapped for passthrough (the outer terminal gets it with `allow-passthrough on`).
        Too big for one sequence, or inside a tmux known to drop both: the text is shown to
        select instead. `command` (an `aws` command line: the text view may fold it) is
        worked out from the text when not given. Returns the bytes sent.
        """
        environ = self.environ
        if command is None:
            command = "\n" not in text and text.startswith("aws ")
        try:
            data = osc52(text, tmux=False)
            if in_tmux(environ):
                data += osc52(text, tmux=True)
        except ClipboardTooLarge as exc:
            self.push_screen(
                CopyText(what, text, f"Too big for the clipboard: {exc}.", command=command)
            )
            return None
        if self._driver is not None:
            self._driver.write(data.decode("ascii"))
        # The value itself when it is short and one line: the user sees what they will paste.
        short = "\n" not in text and len(text) <= 40
        named = f"{what} {clean(text)}" if short else what
        doubt = osc52_doubtful(environ)
        if doubt is not None:
            tell(
                self,
                f"{named} sent to the clipboard (OSC 52), but it may not arrive: {doubt}. "
                "Y then t shows it to select instead.",
                title="Copy may not arrive",
                timeout=10,
            )
        elif in_tmux(environ):
            self._ask_tmux(f"{named} copied to the clipboard (OSC 52).", text, what, command)
        else:
            self._say_copied(f"{named} copied to the clipboard (OSC 52).")
        return data

    @work(thread=True, group="tmux", exit_on_error=False, description="tmux clipboard options")
    def _ask_tmux(self, message: str, text: str, what: str, command: bool) -> None:
        """Ask tmux (a subprocess, so off the UI thread) whether it lets either sequence out."""
        drop = tmux_drops(self.tmux_option)
        if drop is None:
            self.call_from_thread(self._say_copied, message)
        else:
            self.call_from_thread(self._not_copied, drop, text, what, command)

    def _say_copied(self, message: str) -> None:
        tell(self, message, title="Copied", timeout=4)

    def _not_copied(self, drop: TmuxDrop, text: str, what: str, command: bool) -> None:
        """tmux is known to drop both sequences: no "Copied" then, but the text to select,
        and the one line that makes the next copy work."""
        # The fix on lines of its own, so it is read (and selected) whole at any width.
        reason = (
            f"Not copied: {drop.reason}.\n"
            "Select the text below instead (Shift+drag in most terminals).\n"
            f"The one-line fix, in ~/.tmux.conf:  {TMUX_FIX_CONF}\n"
            f"Or now, for the running tmux:      {TMUX_FIX_NOW}"
        )
        self.push_screen(CopyText(f"Not copied: {what}", text, reason, command=command))

    def _palette_key(self) -> Binding:
        """Textual's own palette key, which no BINDINGS list of ours holds."""
        return Binding(
            self.COMMAND_PALETTE_BINDING,
            "command_palette",
            "Command palette",
            tooltip="Command palette: show a backup by ID, filter by cluster, region, "
            "profile, theme, copy, export…",
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, less the two that do not suit a remote host.

        "Screenshot" writes an SVG into ~/Downloads of the machine the app runs on (over SSH,
        not the user's) and says only "Failed to save screenshot" when that folder is missing;
        "Keys" opens a panel that Esc does not close, while `?` shows every key.
        """
        for command in super().get_system_commands(screen):
            if command.title not in ("Screenshot", "Keys"):
                yield command

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(
            HelpScreen(
                [
                    ("Backups table", list(BackupTable.BINDINGS)),
                    ("Lineage tree (Enter on a row, then Tab)", list(LineageTree.BINDINGS)),
                    ("Everywhere", [*MainScreen.BINDINGS, *self.BINDINGS, self._palette_key()]),
                ]
            )
        )


def _unwrapped(error: BaseException) -> tuple[BaseException, str]:
    """The error a worker raised (Textual wraps it in WorkerFailed), and where it happened."""
    from textual.worker import WorkerFailed, active_worker

    if isinstance(error, WorkerFailed):
        worker = active_worker.get(None)
        named = (worker.description or worker.name) if worker is not None else ""
        return error.error, f"in the background task '{named}'" if named else "in a background task"
    return error, "in the browser"


def build_app(settings: Settings, source: BackupSource | None = None) -> HsmBackupsApp:
    """Make the app from settings; tests pass their own source (moto world, stubbed errors)."""
    regions: list[str]
    region: str | None
    if settings.demo:
        from tui.backups.demo import (
            DEMO_CREATION_SECONDS,
            DEMO_HOME_REGION,
            DEMO_REGIONS,
            DEMO_SEARCH_REGIONS,
            WorldSpec,
            lazy_session_factory,
        )

        if source is None:
            # Anchored at "now", so ages, countdowns and the CREATE_IN_PROGRESS rows look live.
            spec = WorldSpec(
                anchor=settings.clock().replace(second=0, microsecond=0),
                hostile=settings.demo_hostile,
                creation_seconds=DEMO_CREATION_SECONDS,
            )
            factory = lazy_session_factory(spec, settings.demo_latency_ms)
            source = BackupSource(session_factory=factory)
        regions = list(DEMO_REGIONS)
        region = settings.region or DEMO_HOME_REGION
        # The demo's copy search also visits its two misbehaving regions (denied, not enabled).
        settings = replace(settings, search_regions=settings.search_regions or DEMO_SEARCH_REGIONS)
    else:
        if source is None:
            source = BackupSource(profile=settings.profile, endpoint_url=settings.endpoint_url)
        regions = source.available_regions()
        region = settings.region or settings.query.region or source.default_region()
    chosen = bool(settings.region or settings.query.region)
    return HsmBackupsApp(
        replace(settings, region=region, region_chosen=chosen), source, regions, config_path()
    )
