"""Pilot tests at 80x24: the detail as a toggled panel, the filters overlay, no mid-word cuts."""

from __future__ import annotations

from textual.widgets import Input

from tests.ui.conftest import AppFactory
from tests.ui.helpers import focus_of, screen_text, settle, until
from tui.backups import BackupQuery
from tui.backups.demo import DemoWorld
from tui.screens import MainScreen
from tui.widgets.detail_view import DetailView
from tui.widgets.lineage_tree import LineageTree, NodeRef

SMALL = (80, 24)
#: A pane's border and scrollbar, around the text on a screen row.
FRAME = " │▁▂▃▄▅▆▇█▔▎▊▍▌"


def _detail_focused(main: MainScreen) -> bool:
    focused = main.focused
    return focused is not None and (focused is main.detail or main.detail in focused.ancestors)


async def test_d_opens_the_detail_as_a_panel_over_most_of_the_screen(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        # Hidden at first: the table has the rows.
        assert not main.detail.display
        assert main.table.region.height >= 18
        await pilot.press("d")
        await settle(pilot)
        assert main.detail.display
        assert main.detail.region.height >= 12, "the panel is big enough to read"
        assert main.table.region.height >= 6, "the cursor row stays in sight"
        assert focus_of(app) is main.table, "d keeps the keys on the table: j/k browse"
        assert "BackupArn" in screen_text(app)
        await pilot.press("j")
        await settle(pilot)
        assert main.detail.backup is main.table.rows[1]
        await pilot.press("d")
        await settle(pilot)
        assert not main.detail.display
        assert "BackupArn" not in screen_text(app)


async def test_d_hides_and_shows_the_detail_on_a_wide_terminal(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        assert main.detail.display
        tall = main.table.region.height
        await pilot.press("d")
        await settle(pilot)
        assert not main.detail.display
        assert main.table.region.height > tall
        await pilot.press("d")
        await settle(pilot)
        assert main.detail.display


async def test_enter_opens_and_focuses_the_detail_and_esc_closes_it(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert main.detail.display
        assert _detail_focused(main)
        assert main.detail.backup is main.table.rows[1]
        await pilot.press("escape")
        await settle(pilot)
        assert not main.detail.display, "Enter opened it, so Esc closes it"
        assert focus_of(app) is main.table
        assert main.table.cursor == 1
        # Opened with d, it stays open when Esc leaves it.
        await pilot.press("d", "enter")
        await settle(pilot)
        assert _detail_focused(main)
        await pilot.press("escape")
        await settle(pilot)
        assert main.detail.display
        assert focus_of(app) is main.table


async def test_tab_into_the_lineage_tree_lands_on_this_backup(
    make_app: AppFactory, world: DemoWorld
) -> None:
    _, _, (region, backup_id) = world.landmarks["chain"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        tree = main.query_one(LineageTree)
        assert focus_of(app) is tree
        assert tree.cursor_node is not None, "a node is highlighted"
        assert tree.cursor_node.data == NodeRef(region, backup_id)
        # The highlighted line is on screen, fitted to the width with an ellipsis.
        line = next(row for row in screen_text(app).splitlines() if f"● {region}" in row)
        assert line.rstrip(FRAME).endswith("…"), line
        assert backup_id in line


async def test_tree_labels_end_in_an_ellipsis_not_mid_word(
    make_app: AppFactory, world: DemoWorld
) -> None:
    _, _, (region, backup_id) = world.landmarks["chain"]
    app = make_app(region=region, query=BackupQuery(backup_ids=(backup_id,)))
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await pilot.press("tab")
        await settle(pilot)
        tree = main.query_one(LineageTree)
        rows = screen_text(app).splitlines()
        pending = list(tree.root.children)
        assert len(pending) == 1
        checked = 0
        while pending:
            node = pending.pop()
            pending += node.children
            label = str(node.label)
            shown = next(row for row in rows if label[:20] in row)
            inside = shown.rstrip(FRAME)
            assert label in inside or inside.endswith("…"), inside
            checked += 1
        assert checked == 3, "the whole three-hop chain was looked at"


async def test_filters_overlay_closes_when_enter_applies_it(
    make_app: AppFactory, world: DemoWorld
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        target = main.table.rows[3]
        sidebar = main.query_one("#filters")
        await pilot.press("slash")
        await pilot.pause()
        assert sidebar.region.width > 0
        # On the right: the rows' IDs stay in sight while the filters are open.
        assert sidebar.region.x >= 40
        assert main.table.rows[0].backup_id in screen_text(app)
        await pilot.press(*target.backup_id, "enter")
        await settle(pilot)
        assert sidebar.region.width == 0
        assert focus_of(app) is main.table
        assert [b.backup_id for b in main.table.rows] == [target.backup_id]


async def test_an_invalid_filter_keeps_the_overlay_open_and_shows_the_text(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        await pilot.press("slash", *"oops", "enter")
        await pilot.pause()
        field = main.query_one("#backup-ids", Input)
        assert focus_of(app) is field
        assert field.content_region.height >= 1, "the bad text stays visible to fix"
        assert "not a backup ID: oops" in screen_text(app)


async def test_esc_out_of_an_invalid_filter_says_it_was_not_applied(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        shown = [b.backup_id for b in main.table.rows]
        await pilot.press("slash", *"oops", "escape")
        await pilot.pause()
        assert focus_of(app) is main.table, "Esc still goes back to the table"
        said = [str(n.message) for n in app._notifications]
        assert any("Filters not applied (not a backup ID: oops)" in m for m in said), said
        assert any("still shows the last valid query" in m for m in said)
        assert [b.backup_id for b in main.table.rows] == shown


async def test_the_table_marks_cells_cut_by_the_edge_with_an_ellipsis(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        first = main.table.rows[0]
        row = next(r for r in screen_text(app).splitlines() if first.backup_id in r)
        cluster = first.cluster_id or ""
        assert cluster[:8] in row
        assert cluster not in row, "the cluster column is wider than what is left"
        assert row.rstrip(FRAME).endswith("…"), row


async def test_l_opens_the_hidden_panel_so_the_copy_search_is_seen(
    make_app: AppFactory, world: DemoWorld
) -> None:
    (origin, original), (r1, copy1), _ = world.landmarks["copied_twice"]
    app = make_app(region=origin, query=BackupQuery(backup_ids=(original,)))
    async with app.run_test(size=SMALL) as pilot:
        main = await settle(pilot)
        assert not main.detail.display
        await pilot.press("L")
        await until(pilot, lambda: main.detail.key in main.detail.copies, "the copy search")
        await settle(pilot)
        assert main.detail.display
        assert focus_of(app) is main.table, "the keys stay on the table, as with d"
        shown = screen_text(app)
        assert "Copies in all regions" in shown, "scrolled to the search, under the fields"
        view = main.detail.query_one(DetailView).plain  # the panel, scrolled with the arrows
        assert f"{r1}" in view
        assert copy1 in view
