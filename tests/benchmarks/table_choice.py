"""Which table widget should list the backups? A measurement to run by hand, not a test.

    .venv/bin/python -m tests.benchmarks.table_choice            # from the project root

Compares, headless at 120x40 and each in its own subprocess, three ways of showing the same
seven columns of synthesised backups:

* ``backup_table`` - our BackupTable (Line API, renders only the rows on screen);
* ``datatable`` - Textual's built-in DataTable, cells as rich Text;
* ``fastdatatable`` - textual-fastdatatable with an Arrow backend. It is not a project
  dependency: it runs under a separate interpreter (``--fdt-python``, by default
  /tmp/fdt-venv/bin/python) in which it was installed next to textual==8.2.8, e.g.::

      python3.11 -m venv /tmp/fdt-venv
      /tmp/fdt-venv/bin/pip install textual==8.2.8 textual-fastdatatable boto3 'moto==5.2.6'
      /tmp/fdt-venv/bin/pip install --no-deps -e .

For each size (1k, 10k, 100k rows loaded, all in 50-row pages) it times appending one more
50-row page and moving the cursor near the end (one row down, one page down, jump to the last
row), each including the repaint, and reads the process RSS once 100k rows are loaded. On the
way to a size the pages are repainted once per 1,000 rows rather than after each page, so all
three reach 100k in minutes (the built-in DataTable, repainted after every page, needs ~9).

A timed sample starts just before the call and stops once every widget has handled its
pending messages and the screen has run its layout and compositor update (what
``pilot.pause()`` does, minus its idle sleep, which would put a 20 ms floor under every wall
time); the CPU spent in the untimed ``pilot.pause()`` that follows is reported as ``spill`` to
show that no deferred work escaped the timed window, and ``repaints`` counts compositor updates.
Headless, so the compositor renders every dirty line but no escape codes reach a terminal.

It prints one JSON object with every figure, then a one-paragraph summary; progress goes to
stderr. The whole run takes about four minutes on a 2-CPU machine (``--timeout`` caps each
implementation; ``--only`` and ``--sizes`` narrow it down).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import importlib
import itertools
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable

from tui.backups import Backup, clean
from tui.widgets.backup_table import BackupTable
from tui.widgets.columns import COLUMNS, no_expiry

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (120, 40)
PAGE = 50
SIZES = (1_000, 10_000, 100_000)
APPENDS = 5  # timed page appends per size
DOWNS = 7  # timed one-row moves per size
PAGE_DOWNS = 5  # timed page-down moves per size
LASTS = 5  # timed jumps to the last row per size
#: While filling up to a size, repaint once per this many rows rather than after every page:
#: a repaint per page is what `append_page` times, and paying it 2,000 times on the way to
#: 100k rows would take Textual's DataTable ~9 minutes (its per-page cost grows with the table).
REPAINT_EVERY = 1_000
DEFAULT_FDT_PYTHON = "/tmp/fdt-venv/bin/python"
IMPLEMENTATIONS = ("backup_table", "datatable", "fastdatatable")
TITLES = [c.title for c in COLUMNS]


def log(message: str) -> None:
    print(f"[table_choice] {message}", file=sys.stderr, flush=True)


# ---- data ---------------------------------------------------------------------------------

_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")
#: Mostly READY, as in a real account; the other states colour a few rows.
_STATES = ("READY",) * 16 + ("CREATE_IN_PROGRESS", "PENDING_DELETION") * 2 + ("DELETED",)


def _ident(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice(_B32) for _ in range(11))


def make_backups(count: int, seed: int = 7) -> list[Backup]:
    """Deterministic backups shaped like the API's: newest first, a fifth of them copies."""
    rng = random.Random(seed)
    clusters = [_ident(rng, "cluster-") for _ in range(40)]
    newest = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    out: list[Backup] = []
    for i in range(count):
        copy = rng.random() < 0.2
        out.append(
            Backup(
                backup_id=_ident(rng, "backup-"),
                state=rng.choice(_STATES),
                cluster_id=rng.choice(clusters),
                created=newest - timedelta(minutes=7 * i + rng.randrange(5)),
                never_expires=rng.choice((True, False, False, None)),
                source_region=rng.choice(_REGIONS) if copy else None,
                source_backup=_ident(rng, "backup-") if copy else None,
                tags=tuple((f"k{t}", f"v{rng.randrange(100)}") for t in range(rng.randrange(4))),
                has_tags=True,
            )
        )
    return out


def cells(backup: Backup) -> list[str]:
    """The cells BackupTable shows, as the strings it renders."""
    return [clean(column.cell(backup, no_expiry)) for column in COLUMNS]


# ---- one implementation per harness -------------------------------------------------------


class Harness:
    """Drives one table widget: the same operations, whatever the widget calls them."""

    name: ClassVar[str]

    def __init__(self) -> None:
        self.notes: list[str] = []

    def widget(self) -> Widget:
        raise NotImplementedError

    def ready(self) -> None:
        """Called once the widget is mounted."""

    def append(self, page: Sequence[Backup]) -> None:
        raise NotImplementedError

    def rows(self) -> int:
        raise NotImplementedError

    def cursor(self) -> int:
        raise NotImplementedError

    def goto(self, index: int) -> None:
        raise NotImplementedError

    def down(self) -> None:
        raise NotImplementedError

    def page_down(self) -> None:
        raise NotImplementedError

    def last(self) -> None:
        raise NotImplementedError

    def versions(self) -> dict[str, str]:
        return {"textual": metadata.version("textual"), "rich": metadata.version("rich")}


class BackupTableHarness(Harness):
    name = "backup_table"

    def __init__(self) -> None:
        super().__init__()
        self.table = BackupTable(id="table")
        self.notes.append(
            "renders only the lines on screen, with no render cache: every cursor move and "
            "every append repaints the whole visible table"
        )

    def widget(self) -> Widget:
        return self.table

    def append(self, page: Sequence[Backup]) -> None:
        self.table.append(page)

    def rows(self) -> int:
        return len(self.table.rows)

    def cursor(self) -> int:
        return self.table.cursor

    def goto(self, index: int) -> None:
        self.table.move_cursor(index)

    def down(self) -> None:
        self.table.action_cursor_down()

    def page_down(self) -> None:
        self.table.action_page_down()

    def last(self) -> None:
        self.table.action_last()


class DataTableHarness(Harness):
    name = "datatable"

    def __init__(self) -> None:
        super().__init__()
        self.table: DataTable[Text] = DataTable(id="table", cursor_type="row")
        self.notes.append(
            "cells are rich Text (no markup parsing), columns auto-width, cursor_type='row'; "
            "jump to last is action_scroll_bottom (ctrl+end), as End only scrolls sideways"
        )

    def widget(self) -> Widget:
        return self.table

    def ready(self) -> None:
        self.table.add_columns(*TITLES)  # needs an active app

    def append(self, page: Sequence[Backup]) -> None:
        self.table.add_rows([[Text(cell) for cell in cells(b)] for b in page])

    def rows(self) -> int:
        return self.table.row_count

    def cursor(self) -> int:
        return self.table.cursor_row

    def goto(self, index: int) -> None:
        self.table.move_cursor(row=index, animate=False)

    def down(self) -> None:
        self.table.action_cursor_down()

    def page_down(self) -> None:
        self.table.action_page_down()

    def last(self) -> None:
        self.table.action_scroll_bottom()


class FastDataTableHarness(Harness):
    """textual-fastdatatable, imported by name so the main venv (without it) type-checks."""

    name = "fastdatatable"

    def __init__(self) -> None:
        super().__init__()
        fdt = importlib.import_module("textual_fastdatatable")
        pa = importlib.import_module("pyarrow")
        # An ArrowBackend cannot start from nothing, but it can start from an empty typed table.
        empty = pa.table({title: pa.array([], pa.string()) for title in TITLES})
        # Column widths are fixed at BackupTable's maxima: fastdatatable measures content
        # widths once (here, of an empty table) and does not widen columns as rows arrive.
        widths: list[int | None] = [column.max_width for column in COLUMNS]
        self.table: Any = fdt.DataTable(
            backend=fdt.ArrowBackend(empty),
            column_widths=widths,
            cursor_type="row",
            render_markup=False,
            id="table",
        )
        self.notes.append(
            "ArrowBackend over an empty string-typed table; append is add_rows (each call "
            "rebuilds the Arrow table from its record batches); column widths fixed at "
            "BackupTable's maxima because fastdatatable does not re-measure columns on append; "
            "render_markup=False; jump to last is action_scroll_end (End)"
        )

    def widget(self) -> Widget:
        widget: Widget = self.table
        return widget

    def append(self, page: Sequence[Backup]) -> None:
        self.table.add_rows([cells(b) for b in page])

    def rows(self) -> int:
        return int(self.table.row_count)

    def cursor(self) -> int:
        return int(self.table.cursor_coordinate.row)

    def goto(self, index: int) -> None:
        self.table.move_cursor(row=index, animate=False)

    def down(self) -> None:
        self.table.action_cursor_down()

    def page_down(self) -> None:
        self.table.action_page_down()

    def last(self) -> None:
        self.table.action_scroll_end()

    def versions(self) -> dict[str, str]:
        out = super().versions()
        out["textual-fastdatatable"] = metadata.version("textual-fastdatatable")
        out["pyarrow"] = metadata.version("pyarrow")
        return out


HARNESSES: dict[str, Callable[[], Harness]] = {
    "backup_table": BackupTableHarness,
    "datatable": DataTableHarness,
    "fastdatatable": FastDataTableHarness,
}


# ---- measuring ----------------------------------------------------------------------------


class BenchScreen(Screen[None]):
    """The default screen, counting how many times the compositor repaints it."""

    repaints = 0

    def _compositor_refresh(self) -> None:
        self.repaints += 1
        super()._compositor_refresh()


class BenchApp(App[None]):
    CSS = "#table { height: 1fr; }"

    def __init__(self, table: Widget) -> None:
        super().__init__()
        self.table = table
        self.bench_screen = BenchScreen(id="_default")

    def get_default_screen(self) -> Screen[None]:
        return self.bench_screen

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()


async def settle(pilot: Pilot[Any]) -> None:
    """Let every pending message be handled, then run the screen's layout and repaint now.

    Three rounds, because handling a message (Idle, Resize, a scroll) can ask for more work.
    A round with nothing dirty repaints nothing.
    """
    for _ in range(3):
        await pilot._wait_for_screen()
        pilot.app.screen._on_timer_update()


class Sample(NamedTuple):
    wall_ms: float
    cpu_ms: float
    spill_cpu_ms: float
    repaints: int


async def timed(pilot: Pilot[Any], action: Callable[[], None]) -> Sample:
    """Time `action` up to a settled, repainted screen."""
    app = pilot.app
    assert isinstance(app, BenchApp)
    gc.collect()
    repaints = app.bench_screen.repaints
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    await settle(pilot)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    repaints = app.bench_screen.repaints - repaints
    spill = time.process_time()
    await pilot.pause()
    spill = time.process_time() - spill
    return Sample(wall * 1000, cpu * 1000, spill * 1000, repaints)


def stats(samples: Sequence[Sample]) -> dict[str, float]:
    walls = [s.wall_ms for s in samples]
    return {
        "n": len(samples),
        "median_wall_ms": round(statistics.median(walls), 3),
        "median_cpu_ms": round(statistics.median(s.cpu_ms for s in samples), 3),
        "min_wall_ms": round(min(walls), 3),
        "max_wall_ms": round(max(walls), 3),
        "median_spill_cpu_ms": round(statistics.median(s.spill_cpu_ms for s in samples), 3),
        "median_repaints": statistics.median(s.repaints for s in samples),
    }


def rss() -> dict[str, float]:
    """Current resident set (VmRSS) and peak (ru_maxrss), in MiB, after a full collection."""
    gc.collect()
    current = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"vm_rss_mib": round(current, 1), "max_rss_mib": round(peak, 1)}


async def fill(pilot: Pilot[Any], harness: Harness, data: list[Backup], target: int) -> None:
    """Append 50-row pages until `target` rows are loaded, repainting every REPAINT_EVERY rows."""
    while (have := harness.rows()) < target:
        step = min(PAGE, target - have)
        harness.append(data[have : have + step])
        if (have + step) % REPAINT_EVERY == 0:
            await settle(pilot)
    await pilot.pause()


async def measure_size(
    pilot: Pilot[Any], harness: Harness, data: list[Backup], size: int, rss_too: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    started = time.perf_counter()
    await fill(pilot, harness, data, size)
    out["fill_s"] = round(time.perf_counter() - started, 2)
    assert harness.rows() == size, (harness.rows(), size)
    if rss_too:
        out["rss_after_load"] = rss()

    # Appending a page, with the cursor on the last row as when the app prefetches.
    harness.goto(harness.rows() - 1)
    await pilot.pause()
    samples = []
    for _ in range(APPENDS):
        have = harness.rows()
        page = data[have : have + PAGE]
        samples.append(await timed(pilot, functools.partial(harness.append, page)))
        assert harness.rows() == have + PAGE
    out["append_page"] = stats(samples)

    # One row down, a few times in a row, from 150 rows before the end.
    start = harness.rows() - 150
    harness.goto(start)
    await pilot.pause()
    samples = [await timed(pilot, harness.down) for _ in range(DOWNS)]
    assert harness.cursor() == start + DOWNS, (harness.cursor(), start + DOWNS)
    out["cursor_down"] = stats(samples)

    # One page down, a few times in a row, from 300 rows before the end.
    start = harness.rows() - 300
    harness.goto(start)
    await pilot.pause()
    samples = [await timed(pilot, harness.page_down) for _ in range(PAGE_DOWNS)]
    moved = harness.cursor() - start
    assert moved >= PAGE_DOWNS * 30, moved
    out["page_down"] = stats(samples)
    out["page_down"]["rows_per_page"] = moved / PAGE_DOWNS

    # Jump to the last row from 300 rows before it. A page is appended first (untimed), as
    # when End brings the next page in, so the last rows are new and no render cache has them.
    samples = []
    for _ in range(LASTS):
        harness.append(data[harness.rows() : harness.rows() + PAGE])
        await pilot.pause()
        harness.goto(harness.rows() - 300)
        await pilot.pause()
        samples.append(await timed(pilot, harness.last))
        assert harness.cursor() == harness.rows() - 1
    out["last"] = stats(samples)
    log(
        f"{harness.name} @ {size}: fill {out['fill_s']} s, "
        f"append {out['append_page']['median_wall_ms']} ms, "
        f"down {out['cursor_down']['median_wall_ms']} ms, "
        f"pgdn {out['page_down']['median_wall_ms']} ms, "
        f"last {out['last']['median_wall_ms']} ms"
    )
    return out


async def run_child(name: str, sizes: tuple[int, ...]) -> dict[str, Any]:
    """Measure one implementation at every size, printing the result so far after each one."""
    data = make_backups(max(sizes) + (APPENDS + LASTS) * PAGE)
    harness = HARNESSES[name]()
    app = BenchApp(harness.widget())
    result: dict[str, Any] = {
        "ok": True,
        "complete": False,
        "versions": harness.versions(),
        "notes": harness.notes,
        "sizes": {},
    }
    async with app.run_test(size=SCREEN) as pilot:
        harness.ready()
        await pilot.pause()
        result["rss_baseline"] = rss()  # backups built, app up, table empty
        for size in sizes:
            rss_too = size == sizes[-1]
            result["sizes"][str(size)] = await measure_size(pilot, harness, data, size, rss_too)
            print(json.dumps(result), flush=True)
    top = result["sizes"][str(sizes[-1])]["rss_after_load"]
    result["rss_after_load"] = top
    result["rss_table_mib"] = round(top["vm_rss_mib"] - result["rss_baseline"]["vm_rss_mib"], 1)
    result["complete"] = True
    return result


def child_main(name: str, sizes: tuple[int, ...]) -> int:
    try:
        result = asyncio.run(run_child(name, sizes))
    except Exception as error:  # report it rather than die: the parent records why
        trace = traceback.format_exc(limit=-3).strip().splitlines()
        result = {"ok": False, "error": f"{type(error).__name__}: {error}", "traceback": trace}
    print(json.dumps(result), flush=True)
    return 0


# ---- the parent: one subprocess per implementation, then the report -----------------------


def _last_json(stdout: str | bytes | None) -> dict[str, Any] | None:
    """The child's last complete JSON line (it prints one after each size)."""
    text = stdout.decode() if isinstance(stdout, bytes) else stdout or ""
    for line in reversed(text.strip().splitlines()):
        try:
            parsed = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict):
            return parsed
    return None


def run_implementation(
    name: str, python: str, sizes: tuple[int, ...], timeout: float
) -> dict[str, Any]:
    if not Path(python).exists():
        return {"ok": False, "error": f"interpreter {python} not found (see module docstring)"}
    command = [python, "-m", "tests.benchmarks.table_choice", "--child", name]
    command += ["--sizes", ",".join(str(s) for s in sizes)]
    log(f"running {name} under {python}")
    started = time.perf_counter()
    try:
        run = subprocess.run(
            command, cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as expired:
        partial = _last_json(expired.stdout) or {"ok": False, "sizes": {}}
        partial["error"] = f"timed out after {timeout:.0f} s; sizes done: {list(partial['sizes'])}"
        return partial
    result = _last_json(run.stdout)
    if result is None:
        tail = run.stdout[-2000:]
        return {"ok": False, "error": f"exit {run.returncode}, no result; stdout: {tail}"}
    result["subprocess_s"] = round(time.perf_counter() - started, 1)
    return result


LABELS = {
    "backup_table": "BackupTable",
    "datatable": "Textual DataTable",
    "fastdatatable": "textual-fastdatatable",
}
_OPS = ("append_page", "cursor_down", "page_down", "last")


def _ms(result: dict[str, Any], size: int, op: str) -> float | None:
    try:
        value: float = result["sizes"][str(size)][op]["median_wall_ms"]
    except KeyError:
        return None
    return value


def _fig(result: dict[str, Any], size: int, op: str) -> str:
    value = _ms(result, size, op)
    return "n/a" if value is None else f"{value:.1f} ms"


def summarise(results: dict[str, dict[str, Any]], sizes: tuple[int, ...]) -> str:
    small, big = sizes[0], sizes[-1]
    gaps = [
        abs(op["median_wall_ms"] / op["median_cpu_ms"] - 1)
        for result in results.values()
        for size in result.get("sizes", {}).values()
        for key, op in size.items()
        if key in _OPS and op["median_cpu_ms"] > 0
    ]
    parts = [
        f"Headless at 120x40 with Textual {metadata.version('textual')}, median wall time per "
        f"operation including the repaint, {small:,} to {big:,} rows loaded in {PAGE}-row pages"
        + (f" (median wall and CPU times differ by at most {max(gaps):.0%})." if gaps else ".")
    ]
    for name, result in results.items():
        label = LABELS[name]
        if version := result.get("versions", {}).get("textual-fastdatatable"):
            label += f" {version} (separate venv, same Textual)"
        if not result.get("sizes"):
            parts.append(f"{label} could not be measured: {result.get('error')}.")
            continue
        text = (
            f"{label}: appending a page took {_fig(result, small, 'append_page')} at "
            f"{small:,} rows and {_fig(result, big, 'append_page')} at {big:,}; at {big:,} rows "
            f"one row down took {_fig(result, big, 'cursor_down')}, page down "
            f"{_fig(result, big, 'page_down')} and jump to last {_fig(result, big, 'last')}"
        )
        if "rss_after_load" in result:
            text += (
                f"; RSS with {big:,} rows was {result['rss_after_load']['vm_rss_mib']:.0f} MiB, "
                f"{result['rss_table_mib']:+.0f} MiB over the same process with the table empty "
                f"(which already holds the synthesised Backup objects"
                + (" and pyarrow" if name == "fastdatatable" else "")
                + ")"
            )
        if "error" in result:
            text += f" ({result['error']})"
        parts.append(text + ".")
    worst: dict[str, float] = {}
    for name, result in results.items():
        figures = [_ms(result, big, op) for op in _OPS]
        if all(f is not None for f in figures):
            worst[name] = max(f for f in figures if f is not None)
    if worst:
        best = min(worst, key=worst.__getitem__)
        parts.append(
            f"Slowest of the four operations at {big:,} rows: "
            + ", ".join(f"{LABELS[n]} {w:.0f} ms" for n, w in worst.items())
            + f", so {LABELS[best]} stays the most responsive at that size."
        )
    return " ".join(parts)


def parent_main(args: argparse.Namespace, sizes: tuple[int, ...]) -> int:
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for name in args.only or IMPLEMENTATIONS:
        python = args.fdt_python if name == "fastdatatable" else sys.executable
        results[name] = run_implementation(name, python, sizes, args.timeout)
    report: dict[str, Any] = {
        "benchmark": "tests.benchmarks.table_choice",
        "screen": list(SCREEN),
        "page_rows": PAGE,
        "sizes": list(sizes),
        "repeats": {
            "append_page": APPENDS,
            "cursor_down": DOWNS,
            "page_down": PAGE_DOWNS,
            "last": LASTS,
        },
        "host": {"python": platform.python_version(), "machine": platform.machine()},
        "method": {
            "harness": "headless App.run_test(size=(120, 40)), the table alone on the screen "
            "and focused; each implementation in its own subprocess",
            "sample": "the call, then every widget's pending messages handled and the screen's "
            "layout and compositor update forced (3 rounds); gc.collect() before, untimed; "
            "wall = perf_counter, cpu = process_time; spill = CPU of the untimed pilot.pause() "
            "after it (near 1 ms means nothing deferred escaped the sample)",
            "append_page": f"{APPENDS} consecutive {PAGE}-row appends, cursor on the last row",
            "cursor_down": f"{DOWNS} consecutive moves from 150 rows before the end",
            "page_down": f"{PAGE_DOWNS} consecutive page downs from 300 rows before the end",
            "last": f"{LASTS} jumps to the last row, each from 300 rows before it and after "
            f"an untimed {PAGE}-row append (so the rows it lands on were never rendered)",
            "fill_s": f"loading up to the size in {PAGE}-row pages with a repaint every "
            f"{REPAINT_EVERY:,} rows, not after each page (so not the interactive load time)",
            "rss": "VmRSS after gc.collect(); rss_baseline = same process with the synthesised "
            "backups built and the table empty; rss_table_mib = after load minus baseline",
        },
        "implementations": results,
    }
    report["summary"] = summarise(results, sizes)
    report["total_runtime_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))
    print()
    print(report["summary"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.table_choice")
    parser.add_argument("--only", action="append", choices=IMPLEMENTATIONS)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--fdt-python", default=os.environ.get("FDT_PYTHON", DEFAULT_FDT_PYTHON))
    parser.add_argument("--timeout", type=float, default=420.0, help="per implementation, s")
    parser.add_argument("--child", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = tuple(sorted(int(s) for s in args.sizes.split(",")))
    grows = (APPENDS + LASTS) * PAGE  # what measuring one size adds to the table
    if sizes[0] < 300 or any(b - a < grows for a, b in itertools.pairwise(sizes)):
        parser.error(f"sizes must be at least 300 and at least {grows} apart")
    if args.child:
        return child_main(args.child, sizes)
    return parent_main(args, sizes)


if __name__ == "__main__":
    sys.exit(main())
