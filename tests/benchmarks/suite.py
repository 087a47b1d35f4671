"""The benchmark suite: every speed and memory figure of the browser next to its target.

    .venv/bin/python -m tests.benchmarks           # from the project root, about 3–4 minutes

Not part of the test run. Each figure is measured in its own subprocess (so imports, moto
state and memory do not leak between figures), as a median over several runs, and printed as
one JSON object: ``{"figures": {name: {"value", "unit", "target", "met", ...}}, ...}``.
Progress goes to stderr. Ratios that compare two things are measured in the same process, in
alternation, because these machines are noisy.

What each figure measures, and how:

* ``launch_to_first_page_s``: ``python -m tui --demo`` in a pseudo-terminal (stdlib ``pty``,
  120x36) until the bytes "N loaded" (the top bar after the first page) arrive. Alternated with
  a bare baseline (Textual + boto3 + moto imported, one Static painted), whose issue-time figure
  was 0.52 s for a 0.8 s target, so the ratio to the baseline is reported too.
* ``append_page_ms`` at 1k / 10k / 100k, ``cursor_down_ms`` / ``page_down_ms`` / ``last_row_ms``
  at 100k, ``rss_100k_mib``: the whole app (table, detail, sidebar, status), headless at 120x40.
  The rows come from the demo world's seeding code built ~330 times bigger, written once to a
  file and served page by page through botocore's own ``before-call`` hook (the request never
  leaves the client; no moto in that process, so its RSS is the app's own). Pages arrive through
  the app's real worker path (``A``, load all); a gate holds the wire at each size. An append
  is the UI thread's CPU from the page's release to a repainted screen (with the cursor on the
  last row, the worst case: the scrollbar thumb moves), split into the app's own handling and
  its frames. Beside the RSS: the RSS before the first row, the bytes each row adds, and the
  RSS after glibc's ``malloc_trim`` (freed memory the allocator still held). A cursor key is
  the UI thread's CPU from the action to the frame that shows the move; the detail pane
  follows in a later frame, reported beside it (``with_detail_pane_ms``).
* ``load_all_ratio``: ``A`` over ~10k backups in a moto world, against a plain boto3 loop over
  the same pages with the same client settings, alternated three times. Then one more run with
  a cursor key every 0.1 s, sent through the driver as a terminal would, for the key latency
  while loading all (the table must stay usable); that run is not part of the ratio.
  moto runs in this process and is pure CPU, so the UI thread's every millisecond is taken
  from the calls (the GIL); ``load_all_ratio_at_50ms`` is the same comparison over ~3k backups
  with each call waiting 50 ms first, as a call to AWS waits on the network.
* ``scroll_wait_s``: with every call delayed 300 ms, ``j`` at 20 rows/s for 240 rows; the time
  the cursor sits on the last loaded row while more exist (prefetch should hide every call).
* ``filter_to_first_row_ms``: a new query from the sidebar until its first row is painted,
  minus the API call's own time (botocore ``before-call`` to ``after-call``).
* ``detail_update_ms``: the detail pane's render of a new row once the cursor rests, to a
  repainted screen (every look-up already cached, no call).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SIZES = (1_000, 10_000, 100_000)
PAGE = 50
SCREEN = (120, 40)

#: figure -> (target, unit, "max" when lower is better).
TARGETS: dict[str, tuple[float, str]] = {
    "launch_to_first_page_s": (0.8, "s"),
    "append_page_ms_1k": (10.0, "ms"),
    "append_page_ms_10k": (10.0, "ms"),
    "append_page_ms_100k": (10.0, "ms"),
    "cursor_down_ms_100k": (10.0, "ms"),
    "page_down_ms_100k": (10.0, "ms"),
    "last_row_ms_100k": (10.0, "ms"),
    "rss_100k_mib": (120 / 1.048576, "MiB"),  # 120 MB
    "load_all_ratio": (1.2, "x"),
    "load_all_ratio_at_50ms": (1.2, "x"),
    "scroll_wait_s": (0.0, "s"),
    "filter_to_first_row_ms": (50.0, "ms"),
    "detail_update_ms": (16.0, "ms"),
    # hsm-backups list against the aws CLI, and the fan-out (tests/benchmarks/headless.py).
    "list_first_line_ratio": (0.8, "x"),
    "list_first_line_ratio_at_150ms": (0.8, "x"),
    "fleet_first_rows_after_first_call_s": (0.1 + 0.15, "s"),
    "fleet_load_all_ratio": (1.2, "x"),
    "hanging_source_s": (2.0 + 1.0, "s"),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


# ---- launch (a pty, no project imports) -------------------------------------------------

_BARE = """
import boto3, moto
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("first-frame-ready")
Bare().run()
"""


def time_to_bytes(argv: list[str], needle: re.Pattern[bytes], timeout: float = 30.0) -> float:
    """Seconds from spawning `argv` on a 120x36 pty to `needle` appearing in its output."""
    import fcntl
    import pty
    import termios

    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the program
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if needle.search(seen[-4096:] if len(seen) > 4096 else seen):
                    return time.perf_counter() - started
        raise RuntimeError(f"{argv} never printed {needle.pattern!r}: {seen[-400:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def bench_launch(runs: int) -> dict[str, Any]:
    app = [sys.executable, "-m", "tui", "--demo"]
    bare = [sys.executable, "-c", _BARE]
    apps: list[float] = []
    bares: list[float] = []
    time_to_bytes(bare, re.compile(rb"first-frame-ready"))  # warm the file cache once
    for _ in range(runs):
        apps.append(time_to_bytes(app, re.compile(rb"\d+ loaded")))
        bares.append(time_to_bytes(bare, re.compile(rb"first-frame-ready")))
    return {
        "launch_to_first_page_s": {
            "value": median(apps),
            "runs": [round(t, 3) for t in apps],
            "bare_textual_boto3_moto_first_frame_s": median(bares),
            "ratio_to_bare": round(statistics.median(apps) / statistics.median(bares), 2),
            "issue_ratio_target": round(0.8 / 0.52, 2),
        }
    }


# ---- helpers shared by the in-process figures ---------------------------------------------


def ui_cpu() -> float:
    """CPU seconds of the calling (UI) thread only: worker threads and botocore excluded."""
    return time.thread_time()


async def painted(pilot: Any, *, messages: bool = True) -> None:
    """Wait, cheaply, until every message is handled and the app's own timer has repainted.

    Polls every 3 ms (Pilot's own waits cost ~27 ms of UI CPU each, more than the figures).
    Done after three quiet polls in a row: nothing queued, no layout or repaint pending.
    With `messages=False` only the screen counts (other work, like a prefetch, may go on).
    """
    app = pilot.app
    quiet = 0
    while quiet < 3:
        await asyncio.sleep(0.003)
        screen = app.screen
        busy = (
            screen._layout_required
            or screen._repaint_required
            or bool(screen._dirty_widgets)
            or (
                messages
                and any(
                    not n._message_queue.empty() for n in (app, screen, *screen.walk_children())
                )
            )
        )
        quiet = 0 if busy else quiet + 1


async def floor_ms(pilot: Any) -> float:
    """UI CPU of `painted()` when nothing changed: subtracted from every sample."""
    samples = []
    for _ in range(9):
        await painted(pilot)
        cpu = ui_cpu()
        await painted(pilot)
        samples.append((ui_cpu() - cpu) * 1000)
    return statistics.median(samples)


def rss_mib() -> float:
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def malloc_trimmed_rss() -> float | None:
    """RSS once glibc hands its free arenas back: how much of the figure is freed-but-held."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return None
    return rss_mib()


async def wait_for(pilot: Any, condition: Callable[[], bool], what: str, limit: float) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        await asyncio.sleep(0.001)


# ---- the big table (rows replayed through botocore's before-call hook) ---------------------


def make_dataset(path: Path, rows: int) -> dict[str, Any]:
    """Seed a big demo world and write `rows` of its backups (API shape, JSON lines)."""
    from tui.backups.demo import DEMO_REGIONS, WorldSpec, start_demo

    started = time.perf_counter()
    written = 0
    with start_demo(WorldSpec(scale=rows / 280)) as world, path.open("w") as out:
        for region in DEMO_REGIONS:
            for item in world.backups(region)[: rows - written]:
                out.write(json.dumps(item, default=str) + "\n")
                written += 1
    return {"rows": written, "seconds": round(time.perf_counter() - started, 1)}


class Replay:
    """Serves a JSON-lines file as describe_backups pages from botocore's `before-call` hook.

    The token is the next row's number; a gate holds a call until `limit` passes its first row,
    so a benchmark can stop the flow at a size and release one page at a time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offsets: list[int] = []  # byte offset of every PAGE-th line
        with path.open("rb") as f:
            line_no = 0
            pos = 0
            for line in f:
                if line_no % PAGE == 0:
                    self.offsets.append(pos)
                pos += len(line)
                line_no += 1
        self.rows = line_no
        self.limit = 0
        self._waiters = 0
        self.calls = 0
        self._cond = threading.Condition()

    @property
    def waiting(self) -> bool:
        """A listing call is held at the gate."""
        with self._cond:
            return self._waiters > 0

    def set_limit(self, limit: int) -> None:
        with self._cond:
            self.limit = limit
            self._cond.notify_all()

    def remember_token(self, **kwargs: Any) -> None:
        params = kwargs["params"]
        context = kwargs["context"]
        context["replay_start"] = int(params.get("NextToken") or 0)
        # A filtered call (the detail pane's chain walk) finds nothing here: only the listing
        # is replayed.
        context["replay_filtered"] = bool(params.get("Filters"))

    def answer(self, **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse
        from botocore.compat import HTTPHeaders

        start = int(kwargs["context"].get("replay_start", 0))
        if kwargs["context"].get("replay_filtered"):
            empty = {"Backups": [], "ResponseMetadata": {"HTTPStatusCode": 200}}
            return AWSResponse("https://replay.invalid/", 200, HTTPHeaders(), None), empty
        with self._cond:
            self._waiters += 1
            while start >= self.limit:
                self._cond.wait()
            self._waiters -= 1
        with self.path.open() as f:
            f.seek(self.offsets[start // PAGE])
            items = [json.loads(f.readline()) for _ in range(min(PAGE, self.rows - start))]
        for item in items:
            for key in ("CreateTimestamp", "CopyTimestamp", "DeleteTimestamp"):
                if isinstance(item.get(key), str):
                    item[key] = datetime.fromisoformat(item[key])
        self.calls += 1
        parsed: dict[str, Any] = {"Backups": items, "ResponseMetadata": {"HTTPStatusCode": 200}}
        if start + PAGE < self.rows:
            parsed["NextToken"] = str(start + PAGE)
        return AWSResponse("https://replay.invalid/", 200, HTTPHeaders(), None), parsed

    def session_factory(self) -> Callable[[str | None], Any]:
        import boto3
        import botocore.session

        def make(profile: str | None) -> Any:
            core = botocore.session.Session()
            core.set_config_variable("config_file", os.devnull)
            core.set_config_variable("credentials_file", os.devnull)
            name = "cloudhsmv2.DescribeBackups"
            core.register(f"before-parameter-build.{name}", self.remember_token)
            core.register(f"before-call.{name}", self.answer)
            return boto3.Session("bench", "bench", None, "us-east-1", botocore_session=core)

        return make


async def bench_table(dataset: Path) -> dict[str, Any]:
    from tui.app import build_app
    from tui.backups import BackupSource
    from tui.settings import Settings

    replay = Replay(dataset)
    assert replay.rows >= SIZES[-1] + 20 * PAGE, f"dataset too small: {replay.rows}"
    app = build_app(
        Settings(region="us-east-1"), BackupSource(session_factory=replay.session_factory())
    )
    out: dict[str, Any] = {}
    async with app.run_test(size=SCREEN) as pilot:
        main = app.main_screen
        table = main.table
        await wait_for(pilot, lambda: replay.waiting, "the first call", 30)
        rss_empty = rss_mib()
        floor = await floor_ms(pilot)
        out["harness_floor_ms"] = {"value": round(floor, 3)}
        # Wait for rows without polling for them: a poll every millisecond while the app
        # holds a page for its next batch would bill the harness's own CPU to the app.
        appended = asyncio.Event()
        append = table.append

        def timed_append(backups: Any) -> None:
            append(backups)
            if backups:
                appended.set()

        table.append = timed_append  # type: ignore[method-assign]
        # Where an append's CPU goes: the app's own handling vs the frames that show it.
        spent = {"apply": 0.0, "frame": 0.0}

        def accounted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
            def run(*args: Any) -> Any:
                start = ui_cpu()
                try:
                    return method(*args)
                finally:
                    spent[name] += ui_cpu() - start

            return run

        main._apply = accounted("apply", main._apply)  # type: ignore[method-assign]
        main._compositor_refresh = accounted("frame", main._compositor_refresh)  # type: ignore[method-assign]
        await pilot.press("A")  # load all: the app keeps asking; the gate decides
        for size in SIZES:
            log(f"filling to {size}: rows {len(table.rows)}, loading all {main.loading_all}")
            replay.set_limit(size)
            await wait_for(pilot, lambda s=size: len(table.rows) >= s, f"{size} rows", 300)  # type: ignore[misc]
            await wait_for(pilot, lambda: replay.waiting, "the gate", 30)
            await pilot.pause()
            table.move_cursor(len(table.rows) - 1)
            await pilot.pause(0.3)
            samples = []
            parts: dict[str, list[float]] = {"apply": [], "frame": []}
            for _ in range(7):
                have = len(table.rows)
                appended.clear()
                spent.update(apply=0.0, frame=0.0)
                cpu = ui_cpu()
                replay.set_limit(have + PAGE)
                await asyncio.wait_for(appended.wait(), 30)
                await painted(pilot)
                assert len(table.rows) > have
                samples.append(max(0.0, (ui_cpu() - cpu) * 1000 - floor))
                for name, seconds in spent.items():
                    parts[name].append(seconds * 1000)
                try:
                    await wait_for(pilot, lambda: replay.waiting, "the gate", 30)
                except RuntimeError:
                    log(
                        f"stalled: rows {len(table.rows)} limit {replay.limit} calls {replay.calls}"
                        f" loading_all {main.loading_all} error {main.error} done"
                        f" {main.listing.done} fetching {main.fetching}"
                    )
                    raise
                await pilot.pause(0.15)
            label = f"{size // 1000}k"
            out[f"append_page_ms_{label}"] = {
                "value": median(samples),
                "rows": len(table.rows),
                "of_which_apply_ms": median(parts["apply"]),
                "of_which_frames_ms": median(parts["frame"]),
            }
            log(f"append at {size}: {median(samples)} ms")

        rss = rss_mib()
        out["rss_100k_mib"] = {
            "value": rss,
            "rows": len(table.rows),
            # What the process holds before its first row, and what each row adds on top.
            "before_any_row_mib": rss_empty,
            "per_row_bytes": round((rss - rss_empty) * 1024 * 1024 / len(table.rows)),
            "after_malloc_trim_mib": malloc_trimmed_rss(),
        }

        # The UI thread's CPU clock at every compositor refresh (a frame sent to the terminal).
        frames: list[float] = []
        original = main._compositor_refresh

        def timed_refresh() -> None:
            original()
            frames.append(ui_cpu())

        main._compositor_refresh = timed_refresh  # type: ignore[method-assign]

        async def op(name: str, action: Callable[[], None], start: int) -> None:
            """Key action → the frame with the moved cursor; the detail pane follows after it."""
            samples, settled = [], []
            for i in range(7):
                table.move_cursor(start + i * 3)
                await pilot.pause(0.15)  # the detail's throttle window passes
                await painted(pilot)
                frames.clear()
                cpu = ui_cpu()
                action()
                await painted(pilot)
                samples.append(round((frames[0] - cpu) * 1000, 2))
                settled.append(round(max(0.0, (ui_cpu() - cpu) * 1000 - floor), 2))
            out[f"{name}_ms_100k"] = {
                "value": median(samples),
                "samples": samples,
                "with_detail_pane_ms": median(settled),
            }
            log(f"{name} at 100k: {median(samples)} ms (detail pane included: {median(settled)})")

        n = len(table.rows)
        await op("cursor_down", table.action_cursor_down, n - 400)
        await op("page_down", table.action_page_down, n - 400)
        await op("last_row", table.action_last, n - 400)
        # Open the gate for good: a call left waiting there would keep the app from exiting.
        replay.set_limit(replay.rows)
        await wait_for(pilot, lambda: main.listing.done, "the rest of the rows", 60)
    return out


# ---- load all vs a plain boto3 loop ---------------------------------------------------------


async def _load_all_in_app(factory: Any, expected: int, key_lat: list[float] | None) -> float:
    """Seconds from A to the last page in the app.

    With `key_lat`, a cursor key is pressed every 0.1 s meanwhile and its latency recorded
    (that run is not timed for the ratio: the keys themselves make the app do more work).
    """
    from textual import events

    from tui.app import build_app
    from tui.backups import BackupSource
    from tui.settings import Settings

    app = build_app(Settings(demo=True), BackupSource(session_factory=factory))
    async with app.run_test(size=SCREEN) as pilot:
        main = app.main_screen
        table = main.table
        await wait_for(pilot, lambda: bool(table.rows), "the first page", 60)
        await wait_for(pilot, lambda: not main.fetching, "the prefetch", 60)
        started = time.perf_counter()
        assert app._driver is not None
        app._driver.send_message(events.Key("A", "A"))
        # Keys keep working meanwhile: time cursor moves from the key event reaching the app
        # (as the terminal driver delivers it) to the move. Not pilot.press: it waits for the
        # process to go idle, which it never is here; and the time of the move is recorded
        # where it happens, because polling for it would itself slow the loading down.
        moved: list[float] = []
        move_cursor = table.move_cursor

        def timed_move(index: int) -> None:
            move_cursor(index)
            moved.append(time.perf_counter())

        table.move_cursor = timed_move  # type: ignore[method-assign]
        driver = app._driver
        assert driver is not None
        while not main.listing.done:
            if key_lat is None:
                await asyncio.sleep(0.05)
                continue
            key = "j" if table.cursor < 200 else "k"
            moved.clear()
            pressed = time.perf_counter()
            driver.send_message(events.Key(key, key))
            await asyncio.sleep(0.1)
            if moved:
                key_lat.append((moved[0] - pressed) * 1000)
            else:
                key_lat.append(100.0)  # not even handled within 0.1 s
        await wait_for(pilot, lambda: not main.fetching, "the last page", 60)
        elapsed = time.perf_counter() - started
        assert len(table.all_rows) == expected, (len(table.all_rows), expected)
    return elapsed


async def bench_load_all(scale: float, runs: int, latency_ms: int = 0) -> dict[str, Any]:
    """The app's load all against a plain loop; with `latency_ms`, every call waits that long.

    Without latency the API is moto in this process: pure CPU, holding the GIL the UI thread
    needs too, so every millisecond the UI spends is lost to the calls. With latency (as over a
    network) the UI works while a call waits, as it would against AWS.
    """
    from tui.backups import BackupSource
    from tui.backups.demo import DEMO_HOME_REGION, WorldSpec, start_demo

    plain_times: list[float] = []
    app_times: list[float] = []
    key_lat: list[float] = []
    with start_demo(WorldSpec(scale=scale)) as world:
        factory = world.session_factory(latency_ms)
        expected = len(world.backups(DEMO_HOME_REGION))
        for _ in range(runs):
            # The same session and client settings as the app's, then nothing but the loop.
            client = BackupSource(session_factory=factory).client(DEMO_HOME_REGION)
            started = time.perf_counter()
            count, token = 0, None
            while True:
                kwargs: dict[str, Any] = {"MaxResults": PAGE}
                if token:
                    kwargs["NextToken"] = token
                response = client.describe_backups(**kwargs)
                count += len(response.get("Backups", []))
                token = response.get("NextToken")
                if not token:
                    break
            plain_times.append(time.perf_counter() - started)
            assert count == expected, (count, expected)

            app_times.append(await _load_all_in_app(factory, expected, None))
            log(f"load all {expected}: plain {plain_times[-1]:.2f} s, app {app_times[-1]:.2f} s")
        ratio = round(statistics.median(app_times) / statistics.median(plain_times), 3)
        if latency_ms:
            return {
                f"load_all_ratio_at_{latency_ms}ms": {
                    "value": ratio,
                    "backups": expected,
                    "app_s": [round(t, 2) for t in app_times],
                    "plain_boto3_s": [round(t, 2) for t in plain_times],
                }
            }
        keyed = await _load_all_in_app(factory, expected, key_lat)
        log(f"load all with a key every 0.1 s: {keyed:.2f} s, key latency {median(key_lat)} ms")
    return {
        "load_all_ratio": {
            "value": ratio,
            "backups": expected,
            "app_s": [round(t, 2) for t in app_times],
            "plain_boto3_s": [round(t, 2) for t in plain_times],
            "app_s_with_a_key_every_100ms": round(keyed, 2),
            "key_latency_while_loading_ms": {
                "median": median(key_lat),
                "max": round(max(key_lat), 1),
                "n": len(key_lat),
            },
        }
    }


# ---- prefetch hides latency -----------------------------------------------------------------


async def bench_scroll(rows: int) -> dict[str, Any]:
    from tui.app import build_app
    from tui.backups import BackupSource
    from tui.backups.demo import WorldSpec, start_demo
    from tui.settings import Settings

    with start_demo(WorldSpec(scale=3)) as world:
        source = BackupSource(session_factory=world.session_factory(300))
        app = build_app(Settings(demo=True), source)
        async with app.run_test(size=SCREEN) as pilot:
            main = app.main_screen
            table = main.table
            await wait_for(pilot, lambda: bool(table.rows), "the first page", 60)
            await wait_for(pilot, lambda: not main.fetching, "the prefetch", 60)
            waited = 0.0
            stuck_since: float | None = None
            tick = 1 / 20
            next_at = time.perf_counter()
            for _ in range(rows):
                next_at += tick
                await pilot.press("j")
                while time.perf_counter() < next_at:
                    now = time.perf_counter()
                    at_end = table.cursor >= len(table.rows) - 1 and not main.listing.done
                    if at_end and stuck_since is None:
                        stuck_since = now
                    elif not at_end and stuck_since is not None:
                        waited += now - stuck_since
                        stuck_since = None
                    await asyncio.sleep(0.002)
            if stuck_since is not None:
                waited += time.perf_counter() - stuck_since
            cursor = table.cursor
    log(f"scroll: waited {waited:.3f} s over {rows} rows, cursor at {cursor}")
    return {"scroll_wait_s": {"value": round(waited, 3), "rows_scrolled": cursor}}


# ---- filter change and detail render --------------------------------------------------------


async def bench_filter_and_detail(runs: int) -> dict[str, Any]:
    from tui.app import build_app
    from tui.backups import BackupQuery, BackupSource
    from tui.backups.demo import DEMO_HOME_REGION, start_demo
    from tui.settings import Settings
    from tui.widgets import FilterSidebar

    api: list[float] = []
    begun: list[float] = []

    def before(**_: Any) -> None:
        begun.append(time.perf_counter())

    def after(**_: Any) -> None:
        api.append(time.perf_counter() - begun[-1])

    with start_demo() as world:
        base = world.session_factory(0)

        def factory(profile: str | None) -> Any:
            session = base(profile)
            session.events.register("before-call.cloudhsmv2.DescribeBackups", before)
            session.events.register("after-call.cloudhsmv2.DescribeBackups", after)
            return session

        app = build_app(Settings(demo=True), BackupSource(session_factory=factory))
        out: dict[str, Any] = {}
        async with app.run_test(size=SCREEN) as pilot:
            main = app.main_screen
            table = main.table
            sidebar = main.query_one(FilterSidebar)
            await wait_for(pilot, lambda: bool(table.rows), "the first page", 60)
            await wait_for(pilot, lambda: not main.fetching, "the prefetch", 60)
            await pilot.pause(0.5)
            queries = [
                BackupQuery(region=DEMO_HOME_REGION, states=("READY",)),
                BackupQuery(region=DEMO_HOME_REGION, sort_ascending=True),
                BackupQuery(region=DEMO_HOME_REGION, never_expires=True),
                BackupQuery(region=DEMO_HOME_REGION),
            ]
            # Every compositor refresh of the screen, timed: the first one that happens with
            # the new query's rows in the table is when they reached the terminal (the screen
            # may paint them inside the message handler that applied them).
            painted_at: list[float] = []
            wanted: list[BackupQuery] = []
            original = main._compositor_refresh

            def timed_refresh() -> None:
                original()
                if not painted_at and wanted and main.backup_query == wanted[0] and table.rows:
                    painted_at.append(time.perf_counter())

            main._compositor_refresh = timed_refresh  # type: ignore[method-assign]

            async def one(query: BackupQuery) -> float:
                """From the sidebar's message to the painted first row, minus the call (ms)."""
                calls = len(api)
                painted_at.clear()
                wanted[:] = [query]
                started = time.perf_counter()
                sidebar.post_message(FilterSidebar.Changed(sidebar, query))
                await wait_for(pilot, lambda: bool(painted_at), "the new rows painted", 30)
                shown = painted_at[0]
                await wait_for(pilot, lambda: not main.fetching, "the prefetch", 30)
                await painted(pilot)
                await pilot.pause(0.3)
                return (shown - started - api[calls]) * 1000

            overheads = [await one(queries[i % len(queries)]) for i in range(runs)]
            out["filter_to_first_row_ms"] = {
                "value": median(overheads),
                "api_call_ms_median": median([a * 1000 for a in api]),
            }
            log(f"filter: {median(overheads)} ms on top of the call")

            # Detail: visit rows once (lineage and clusters cached), then time re-renders.
            detail = main.detail
            floor = await floor_ms(pilot)
            renders = []
            for i in range(runs):
                table.move_cursor(i)
                await pilot.pause(0.5)
            for i in range(runs):
                table.move_cursor(i)
                await pilot.pause(0.2)
                await painted(pilot)
                backup = table.rows[(i + 1) % runs]
                table.cursor = (i + 1) % runs
                cpu = ui_cpu()
                detail.show(backup, DEMO_HOME_REGION, main.settings.clock())
                await painted(pilot)
                renders.append(round(max(0.0, (ui_cpu() - cpu) * 1000 - floor), 2))
                assert detail.backup is backup
            out["detail_update_ms"] = {
                "value": median(renders),
                "samples": renders,
                "harness_floor_ms": round(floor, 3),
            }
            log(f"detail: {median(renders)} ms")
    return out


# ---- orchestration ----------------------------------------------------------------------------


def child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    if name == "launch":
        return bench_launch(args.runs)
    if name == "dataset":
        return make_dataset(Path(args.dataset), SIZES[-1] + 25 * PAGE)
    if name == "table":
        return asyncio.run(bench_table(Path(args.dataset)))
    if name == "load_all":
        return asyncio.run(bench_load_all(args.load_all_scale, 3))
    if name == "load_all_50ms":
        return asyncio.run(bench_load_all(args.load_all_scale * 0.3, 3, latency_ms=50))
    if name == "scroll":
        return asyncio.run(bench_scroll(240))
    if name == "filter_detail":
        return asyncio.run(bench_filter_and_detail(8))
    if name == "list_vs_cli":
        from tests.benchmarks.headless import bench_list_vs_cli

        return bench_list_vs_cli(max(args.runs, 7))
    if name == "fleet":
        from tests.benchmarks.headless import bench_fleet

        return bench_fleet(3)
    raise SystemExit(f"unknown part {name!r}")


def run_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    log(f"{name}…")
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "tests.benchmarks", "--child", name]
    cmd += ["--dataset", args.dataset, "--runs", str(args.runs)]
    cmd += ["--load-all-scale", str(args.load_all_scale)]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=600)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        log(f"{name} failed (exit {proc.returncode})")
        return {"error": f"{name} failed with exit status {proc.returncode}"}
    log(f"{name} done in {time.perf_counter() - started:.0f} s")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def verdicts(figures: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, (target, unit) in TARGETS.items():
        figure = figures.get(name)
        if figure is None:
            out[name] = {"value": None, "unit": unit, "target": round(target, 2), "met": False}
            continue
        value = figure["value"]
        out[name] = {
            "value": value,
            "unit": unit,
            "target": f"<= {round(target, 2)}",
            "met": value <= target,
            **{k: v for k, v in figure.items() if k != "value"},
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", default="", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=5, help="launches per figure (default 5)")
    parser.add_argument("--load-all-scale", type=float, default=66, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only",
        help="comma-separated parts: launch,table,load_all,load_all_50ms,scroll,filter_detail,"
        "list_vs_cli,fleet",
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0

    parts = ["launch", "table", "load_all", "load_all_50ms", "scroll", "filter_detail"]
    parts += ["list_vs_cli", "fleet"]
    if args.only:
        parts = [p for p in parts if p in args.only.split(",")]
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="hsm-bench-") as tmp:
        args.dataset = str(Path(tmp) / "backups.jsonl")
        for part in parts:
            if part == "table":
                dataset = run_child("dataset", args)
                log(f"dataset: {dataset}")
            result = run_child(part, args)
            figures.update(result)
    import textual

    report = {
        "figures": verdicts(figures),
        "all_met": all(v["met"] for v in verdicts(figures).values()),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "textual": textual.__version__,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    print(json.dumps(report, indent=2))
    return 0
