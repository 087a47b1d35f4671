"""Snapshot tests: how the browser looks, with a frozen clock and the fixed demo world."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from tests.ui.conftest import AppFactory
from tests.ui.helpers import settle, until
from tui.backups import BackupQuery
from tui.backups.demo import DemoWorld

SnapCompare = Callable[..., bool]


async def _loaded(pilot: Pilot[str]) -> None:
    await settle(pilot)


async def _on_a_copy(pilot: Pilot[str]) -> None:
    main = await settle(pilot)
    index = next(i for i, b in enumerate(main.table.rows) if b.is_copy and b.tags)
    main.table.move_cursor(index)
    # The pane renders a frame after the cursor, and walks the chain once the cursor rests.
    await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
    await settle(pilot)


async def _help(pilot: Pilot[str]) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


def test_main_screen_120x36(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=_loaded)


def test_main_screen_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded)


def test_detail_of_a_copy_160x48(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app = make_app(region="eu-west-1")
    assert snap_compare(app, terminal_size=(160, 48), run_before=_on_a_copy)


def test_help_120x36(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=_help)


def test_detail_of_a_three_hop_chain_160x48(
    snap_compare: SnapCompare, make_app: AppFactory, world: DemoWorld
) -> None:
    _, _, (region, backup_id) = world.landmarks["chain"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))

    async def on_the_copy(pilot: Pilot[str]) -> None:
        main = await settle(pilot)
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=on_the_copy)


async def _detail_open(pilot: Pilot[str]) -> None:
    main = await settle(pilot)
    index = next(i for i, b in enumerate(main.table.rows) if b.is_copy and b.tags)
    main.table.move_cursor(index)
    await pilot.press("enter")
    await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
    await settle(pilot)


def test_detail_panel_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app = make_app(region="eu-west-1")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_detail_open)


async def _filters_open(pilot: Pilot[str]) -> None:
    await settle(pilot)
    await pilot.press("slash")
    await settle(pilot)


def test_filters_overlay_80x24(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_filters_open)


def test_lineage_tree_focused_80x24(
    snap_compare: SnapCompare, make_app: AppFactory, world: DemoWorld
) -> None:
    _, _, (region, backup_id) = world.landmarks["chain"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))

    async def in_the_tree(pilot: Pilot[str]) -> None:
        main = await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await pilot.press("tab")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=in_the_tree)


def test_light_theme_100x30(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    app = make_app(theme="hsm-light")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_loaded)


def test_16_colour_theme_100x30(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    """What TERM=linux gets: the terminal's own 16 colours, nothing blended."""
    app = make_app(theme="hsm-16")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_loaded)


def test_no_colour_theme_100x30(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    """No colour at all: a heavy border on the focused pane, the cursor row reversed."""
    app = make_app(theme="hsm-mono")
    assert snap_compare(app, terminal_size=(100, 30), run_before=_loaded)
