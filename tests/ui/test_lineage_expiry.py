"""Pilot tests: the lineage tree, the copy search, the debounce, expiry and its local filter."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.conftest import NOW, AppFactory, Wire
from tests.ui.helpers import screen_text, settle, until
from tui.app import HsmBackupsApp
from tui.backups import BackupQuery
from tui.backups.demo import DemoWorld, WorldSpec
from tui.screens import MainScreen
from tui.widgets import BackupDetail
from tui.widgets.detail_view import DetailView
from tui.widgets.lineage_tree import LineageTree


def _tree_lines(app: HsmBackupsApp) -> list[str]:
    """The interactive tree's nodes (drawn while the detail pane has focus)."""
    tree = app.main_screen.query_one(LineageTree)
    lines: list[str] = []

    def walk(node: object, depth: int) -> None:
        for child in node.children:  # type: ignore[attr-defined]
            lines.append("  " * depth + str(child.label.plain))
            walk(child, depth + 1)

    walk(tree.root, 0)
    return lines


async def _open(app: HsmBackupsApp, pilot: object) -> MainScreen:
    main = await settle(pilot)  # type: ignore[arg-type]
    main.table.move_cursor(0)
    await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")  # type: ignore[arg-type]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]  # into the pane: the tree takes over
    return await settle(pilot)  # type: ignore[arg-type]


async def test_a_copy_of_a_copy_shows_the_chain_across_three_regions(
    make_app: AppFactory, world: DemoWorld
) -> None:
    (r0, b0), (r1, b1), (r2, b2) = world.landmarks["chain"]
    app = make_app(region=r2, query=BackupQuery(backup_ids=(b2,)))
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(app, pilot)
        lines = _tree_lines(app)
        assert [line.split()[0:3] for line in lines] == [
            [r0, b0, "READY"],
            [r1, b1, "READY"],
            ["●", r2, b2],
        ]
        assert b0 in screen_text(app)


async def test_an_orphaned_copy_is_flagged_not_failed(
    make_app: AppFactory, world: DemoWorld
) -> None:
    ((region, backup_id),) = world.landmarks["orphan_copy"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await _open(app, pilot)
        lines = _tree_lines(app)
        assert "orphaned copy" in lines[0]
        assert main.error is None


async def test_a_source_in_a_denied_region_is_shown_as_denied(
    make_app: AppFactory, world: DemoWorld
) -> None:
    ((region, backup_id),) = world.landmarks["copy_from_denied_region"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))
    async with app.run_test(size=(160, 48)) as pilot:
        await _open(app, pilot)
        assert "access denied" in _tree_lines(app)[0]


def _hops(calls: list[dict[str, Any]]) -> list[list[str]]:
    """The IDs each lineage hop asked for: the walk lists a source by its backupIds filter."""
    return [c["Filters"]["backupIds"] for c in calls if "backupIds" in c.get("Filters", {})]


async def test_no_lookup_while_rows_fly_past_then_one_when_the_cursor_rests(
    make_app: AppFactory, wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A generous pause between keys still counts as "flying past" on a loaded machine.
    monkeypatch.setattr(BackupDetail, "DEBOUNCE", 1.5)
    app = make_app(region="eu-west-1")
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        copies = sum(1 for b in main.table.rows[:20] if b.is_copy)
        assert copies >= 3, "the demo's eu-west-1 opens with several copies"
        calls_before = len(wire.calls)
        for _ in range(20):
            await pilot.press("j")
        assert len(wire.calls) == calls_before, "no look-up while the rows fly past"
        resting_on = main.table.current
        assert resting_on is not None
        await pilot.pause(main.detail.DEBOUNCE + 0.2)
        await settle(pilot)
        asked = _hops(wire.calls[calls_before:])
        if resting_on.is_copy:
            # One walk, from the row the cursor rests on: its first hop asks for that source.
            assert asked
            assert asked[0] == [resting_on.source_backup]
        else:
            assert asked == []


async def test_l_finds_copies_in_every_region_with_a_status_per_region(
    make_app: AppFactory, world: DemoWorld
) -> None:
    (origin, original), (r1, copy1), (r2, copy2) = world.landmarks["copied_twice"]
    app = make_app(region=origin, query=BackupQuery(backup_ids=(original,)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("L")
        await until(pilot, lambda: main.detail.key in main.detail.copies, "the copy search")
        await settle(pilot)
        result = main.detail.copies[main.detail.key]  # type: ignore[index]
        states = {r: s.state for r, s in result.statuses.items()}
        assert states["ap-northeast-1"] == "denied"
        assert states["me-south-1"] == "not-enabled"
        assert states[r1] == "done"
        assert states[r2] == "done"
        view = main.detail.query_one(DetailView).plain  # the pane while the table has focus
        assert copy1 in view
        assert copy2 in view
        await pilot.press("enter")  # into the pane: the walkable tree shows the same copies
        await settle(pilot)
        lines = _tree_lines(app)
        assert any(copy1 in line for line in lines)
        assert any(copy2 in line for line in lines)
        status = main.detail.query_one("#copies-status")  # under the tree, above the tags
        main.detail.scroll_to_widget(status, animate=False, top=True)
        await settle(pilot)
        shown = screen_text(app)
        assert "denied" in shown
        assert "not enabled" in shown


async def test_selecting_a_lineage_node_jumps_to_its_region(
    make_app: AppFactory, world: DemoWorld
) -> None:
    (r0, b0), _, (r2, b2) = world.landmarks["chain"]
    app = make_app(region=r2, query=BackupQuery(backup_ids=(b2,)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await _open(app, pilot)
        tree = main.query_one(LineageTree)
        tree.focus()
        await pilot.pause()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await settle(pilot)
        assert main.backup_query.region == r0
        assert main.backup_query.backup_ids == (b0,)
        assert [b.backup_id for b in main.table.rows] == [b0]
        assert app.screen.query_one("#backup-ids", Input).value == b0
        # The pane follows: it shows the backup jumped to, not an empty pane.
        assert main.detail.backup is main.table.rows[0]
        assert f"BackupId         {b0}" in main.detail.query_one(DetailView).plain


def _where(main: MainScreen) -> tuple[str | None, tuple[str, ...]]:
    return main.backup_query.region, main.backup_query.backup_ids


async def test_backspace_goes_back_after_a_jump_and_brackets_walk_the_trail(
    make_app: AppFactory, world: DemoWorld
) -> None:
    """A jump along the lineage went one way only: the previous place is one key away."""
    (r0, b0), _, (r2, b2) = world.landmarks["chain"]
    app = make_app(region=r2, page_size=50)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        index = next(i for i, b in enumerate(main.table.rows) if b.backup_id == b2)
        main.table.move_cursor(index)
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        tree = main.query_one(LineageTree)
        tree.focus()
        await pilot.pause()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await settle(pilot)
        assert _where(main) == (r0, (b0,))
        await pilot.press("backspace")
        await settle(pilot)
        assert _where(main) == (r2, ())
        assert app.screen.query_one("#backup-ids", Input).value == ""
        assert main.table.current is not None
        assert main.table.current.backup_id == b2, "the cursor is back on the backup it was on"
        assert r2 in screen_text(app).splitlines()[0]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert _where(main) == (r0, (b0,))
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert main.backup_query.region == r2
        await pilot.press("left_square_bracket")  # the start of the trail: said, nothing moves
        await settle(pilot)
        assert main.backup_query.region == r2
        assert any("Nothing to go back to" in str(n.message) for n in app._notifications)


async def test_a_node_in_a_denied_region_says_why_instead_of_jumping(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    ((region, backup_id),) = world.landmarks["copy_from_denied_region"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await _open(app, pilot)
        tree = main.query_one(LineageTree)
        tree.focus()
        await pilot.pause()
        tree.move_cursor(tree.root.children[0])
        calls = len(wire.calls)
        await pilot.press("enter")
        await settle(pilot)
        assert main.backup_query.region == region, "no jump into a region known to refuse"
        assert len(wire.calls) == calls
        assert any(
            "Not going there: access is denied in" in str(n.message) for n in app._notifications
        )


async def test_expiry_is_shown_and_the_countdown_moves_with_the_clock(
    make_app: AppFactory, world: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MainScreen, "TICK", 0.1)
    clock = [NOW]
    app = make_app(query=BackupQuery(states=("PENDING_DELETION",)), clock=lambda: clock[0])
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        first = main.table.rows[0]
        assert first.delete_at is not None
        before = main.expiry_of(first)
        assert before.short.startswith("deleted in")
        assert before.short in screen_text(app)
        clock[0] = NOW + timedelta(hours=3)
        await pilot.pause(0.3)
        after = main.expiry_of(first)
        assert after.short != before.short
        assert after.short in screen_text(app)


async def test_ready_rows_get_their_cluster_policy_expiry(make_app: AppFactory) -> None:
    app = make_app(query=BackupQuery(states=("READY",), never_expires=False))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        originals = [b for b in main.table.rows if not b.is_copy]
        kinds = {main.expiry_of(b).kind for b in originals}
        assert "checking" not in kinds, "every cluster policy was looked up"
        assert kinds <= {"expires", "overdue", "unknown", "never-no-policy"}
        assert "expires" in kinds


async def test_expiring_within_filters_loaded_rows_locally(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        calls = len(wire.calls)
        loaded = len(main.table.all_rows)
        await pilot.press("slash")
        app.screen.query_one("#expiring-within", Input).focus()
        await pilot.press("2", "enter")
        await settle(pilot)
        limit = NOW + timedelta(days=2)
        shown = main.table.rows
        assert 0 < len(shown) < loaded
        for backup in shown:
            when = main.expiry_of(backup).when
            assert isinstance(when, datetime)
            assert when <= limit
        assert len(wire.calls) == calls, "a local filter never calls AWS"
        assert "(local)" in main.status.plain
        app.screen.query_one("#expiring-within", Input).value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert len(main.table.rows) == loaded


async def _days(pilot: Pilot[str], text: str) -> str:
    """Type `text` into "Expiring within" and press Enter; the field's note, as shown."""
    app = pilot.app
    field = app.screen.query_one("#expiring-within", Input)
    field.focus()
    field.value = text
    await pilot.press("enter")
    await settle(pilot)
    return screen_text(app)  # type: ignore[arg-type]


async def test_expiring_within_takes_whole_days_and_says_what_it_does_not_take(
    make_app: AppFactory,
) -> None:
    """3000000 once killed the app (OverflowError); 1.5 became 15; -1 and abc did nothing."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        loaded = len(main.table.all_rows)
        await pilot.press("slash")
        kinds = ("expires", "overdue", "pending-deletion")  # a date of its own going, not "never"
        expiring = [b for b in main.table.all_rows if main.expiry_of(b).kind in kinds]
        for huge in ("3000000", "99999999999", "9" * 5000):
            shown = await _days(pilot, huge)
            assert "counted as 3650 (10 years)" in shown
            assert len(main.table.rows) == len(expiring), huge
        shown = await _days(pilot, "7")
        within_a_week = len(main.table.rows)
        assert 0 < within_a_week < loaded
        assert "counted as" not in shown
        for bad in ("1.5", "-1", "abc", "٣"):
            shown = await _days(pilot, bad)
            assert f"not a whole number: {bad}" in shown
            assert len(main.table.rows) == within_a_week, "the filter in force stays"
        shown = await _days(pilot, "")
        assert "not a whole number" not in shown
        assert len(main.table.rows) == loaded
        field = app.screen.query_one("#expiring-within", Input)
        await pilot.press("tab")
        assert not field.has_class("-invalid"), "an empty field is 'any', not an error"


@pytest.mark.parametrize("world", [WorldSpec(scale=2)], indirect=True)
async def test_scrolling_200_rows_without_stopping_makes_a_bounded_number_of_calls(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        start, pages_before = len(wire.operations), len(wire.calls)
        # Faster than key repeat: 200 rows in ~20 steps, the app only getting a breath between.
        while main.table.cursor < 200:
            for _ in range(10):
                main.table.action_cursor_down()
            await pilot.pause(0.02)
        during = Counter(wire.operations[start:])
        assert _hops(wire.calls[pages_before:]) == [], "no lineage look-up while scrolling"
        await settle(pilot)
        after = Counter(wire.operations[start:])
        print(f"\ncalls while scrolling 200 rows: {dict(during)}; after resting: {dict(after)}")
        # Pages (calls without a backupIds filter): rows 50..200 need 3 more, 4 with the
        # prefetch ahead of the cursor, never more than one beyond that.
        pages = [c for c in wire.calls[pages_before:] if "Filters" not in c]
        assert 3 <= len(pages) <= 5
        # One describe_clusters per batch of newly seen clusters: the home region has five.
        assert after["DescribeClusters"] <= 5
        # At rest: at most one chain walk (from the row under the cursor), of at most 10 hops.
        hops = _hops(wire.calls[pages_before:])
        assert len(hops) <= 10
        if hops:
            resting_on = main.table.current
            assert resting_on is not None
            assert hops[0] == [resting_on.source_backup]
        assert sum(after.values()) <= 5 + 5 + 10


async def test_l_again_cancels_a_running_copy_search(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    (origin, original), *_ = world.landmarks["copied_twice"]
    app = make_app(region=origin, query=BackupQuery(backup_ids=(original,)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        key = main.detail.key
        wire.hold = True
        await pilot.press("L")
        await until(pilot, lambda: wire.waiting >= 1, "search calls in flight")
        assert "L again cancels" in screen_text(app)
        await pilot.press("L")
        wire.release()
        await until(pilot, lambda: key in main.detail.copies, "the search to stop")
        result = main.detail.copies[key]  # type: ignore[index]
        assert result.cancelled
        assert "pending" in {s.state for s in result.statuses.values()}


async def test_a_cut_tree_line_is_shown_whole_under_the_tree_at_80x24(
    make_app: AppFactory, world: DemoWorld
) -> None:
    """The line of the highlighted node ended in `READY…`: its age and cluster were hidden."""
    *_, (region, backup_id) = world.landmarks["chain"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        await pilot.press("enter")  # opens the detail panel (hidden at 80x24) and moves into it
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await settle(pilot)
        await pilot.press("tab")  # into the tree: the cursor starts on this backup
        await settle(pilot)
        shown = main.table.current
        assert shown is not None
        assert shown.cluster_id is not None
        lines = screen_text(app).splitlines()
        cut = next(line for line in lines if f"● {region} {backup_id}" in line)
        assert "…" in cut
        assert shown.cluster_id not in cut
        whole = next(i for i, line in enumerate(lines) if f"▸ ● {region} {backup_id}" in line)
        joined = " ".join(line.strip("│ ▁▆▇") for line in lines[whole : whole + 4])
        assert "READY · " in joined
        assert shown.cluster_id in joined


async def test_the_copy_search_shows_a_regions_error_whole(
    make_app: AppFactory, world: DemoWorld
) -> None:
    app = make_app(search_regions=world.search_regions)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("L")
        await until(pilot, lambda: main.detail.key in main.detail.copies, "the copy search")
        await settle(pilot)
        text = " ".join(
            part.strip() for line in screen_text(app).splitlines() for part in line.split("│")
        )
        text = " ".join(text.split())
        assert "with an explicit deny in a service control policy" in text
