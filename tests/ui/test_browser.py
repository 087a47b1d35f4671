"""Pilot tests: what a user sees happen when the browser loads, pages, filters and fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from textual import events
from textual.widgets import Checkbox, Input, Select

from tests.ui.conftest import AppFactory, Wire
from tests.ui.helpers import Heard, focus_of, screen_text, settle, until
from tui.backups.demo import DEMO_HOME_REGION, DemoWorld
from tui.backups.paging import EMPTY_PAGE_BUDGET
from tui.screens import HelpScreen, MainScreen
from tui.widgets import FilterSidebar


def _ids(world: DemoWorld) -> list[str]:
    return [b["BackupId"] for b in world.backups(DEMO_HOME_REGION)]


async def test_first_page_shows_the_api_order(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert [b.backup_id for b in main.table.rows] == _ids(world)[:50]
        assert len(wire.calls) == 1
        assert wire.calls[0]["MaxResults"] == 50
        assert "NextToken" not in wire.calls[0]
        assert "50 loaded · more available" in main.status.plain
        assert focus_of(app) is main.table


async def test_next_page_is_requested_once_before_the_end(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert len(wire.calls) == 1
        requested_at = None
        for _ in range(49):
            await pilot.press("j")
            if len(wire.calls) > 1 and requested_at is None:
                requested_at = main.table.cursor
        await settle(pilot)
        assert requested_at is not None, "no page was prefetched while moving down"
        assert requested_at < 49, "the next page was requested only at the last row"
        assert len(wire.calls) == 2, "exactly one next page"
        assert wire.calls[1]["NextToken"]
        assert [b.backup_id for b in main.table.rows] == _ids(world)[:100]


async def test_never_two_pages_in_flight(make_app: AppFactory, wire: Wire) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        wire.hold = True
        for _ in range(5):
            await pilot.press("G")
            await pilot.pause()
        await until(pilot, lambda: wire.waiting == 1, "one held call")
        await pilot.press("G", "G")
        await pilot.pause(0.05)
        assert wire.waiting == 1
        wire.release()
        await settle(pilot)
        assert len(main.table.rows) >= 100


async def test_g_goes_to_the_last_loaded_row_and_keeps_loading(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("G")
        assert main.table.cursor == 49
        await settle(pilot)
        assert len(main.table.rows) == 100
        await pilot.press("g")
        assert main.table.cursor == 0


async def test_a_filter_change_clears_the_table_and_drops_the_late_page(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    wire.hold = True
    app = make_app(page_size=50)
    landed = Heard(MainScreen.PageLoaded)
    async with app.run_test(size=(120, 36), message_hook=landed) as pilot:
        main = app.main_screen
        await until(pilot, lambda: wire.waiting == 1, "first page in flight")
        app.screen.query_one("#state-PENDING_DELETION", Checkbox).value = True
        await until(pilot, lambda: main.generation == 2, "the filter applied")
        assert main.table.rows == []
        # One call on the wire at a time: the new query waits for the stale answer.
        await pilot.pause(0.05)
        assert len(wire.calls) == 1
        wire.release_one(0)
        await until(pilot, lambda: len(landed.messages) == 1, "the stale page landed")
        assert landed.messages[0].generation == 1
        await pilot.pause()
        assert main.table.rows == [], "the stale page was dropped, not shown"
        await until(pilot, lambda: len(wire.calls) == 2, "the filtered page requested")
        assert wire.calls[1]["Filters"] == {"states": ["PENDING_DELETION"]}
        wire.release()
        await settle(pilot)
        states = {b.state for b in main.table.rows}
        assert states == {"PENDING_DELETION"}
        expected = [
            b["BackupId"]
            for b in world.backups(DEMO_HOME_REGION)
            if b["BackupState"] == "PENDING_DELETION"
        ]
        assert [b.backup_id for b in main.table.rows] == expected


async def test_detail_follows_the_cursor_and_shows_lineage_and_tags(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app(page_size=50, region="eu-west-1")
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("j", "j")
        await pilot.pause()
        assert main.detail.backup is main.table.rows[2]
        copy_row = next(i for i, b in enumerate(main.table.rows) if b.is_copy and b.tags)
        main.table.move_cursor(copy_row)
        backup = main.table.rows[copy_row]
        assert backup.source_backup is not None
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the source chain")
        await settle(pilot)
        assert main.detail.backup is backup
        shown = screen_text(app)
        assert backup.source_backup in shown
        assert f"● eu-west-1 {backup.backup_id}" in shown
        key, _value = backup.tags[0]
        assert key in shown
        await pilot.press("enter")
        assert focus_of(app) is main.detail
        await pilot.press("escape")
        assert focus_of(app) is main.table


async def test_help_lists_the_bindings(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause()
        shown = screen_text(app)
        for words in ("Last loaded row", "Refresh", "Filters", "Quit", "Back to table"):
            assert words in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_an_error_is_shown_and_r_retries(make_app: AppFactory, wire: Wire) -> None:
    wire.fail_with = ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeBackups"
    )
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert main.table.rows == []
        assert main.error is not None
        assert main.error.code == "ThrottlingException"
        assert "ThrottlingException" in main.status.plain
        message = main.table._message
        assert message is not None
        assert "press r" in message.plain.lower()
        assert any("ThrottlingException" in n.title for n in app._notifications)
        wire.fail_with = None
        await pilot.press("r")
        await settle(pilot)
        assert main.error is None
        assert len(main.table.rows) == 50


def _throttled() -> Exception:
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "DescribeBackups"
    )


def _internal() -> Exception:
    response: Any = {
        "Error": {"Code": "CloudHsmInternalFailureException", "Message": "oops"},
        "ResponseMetadata": {"HTTPStatusCode": 500},
    }
    return ClientError(response, "DescribeBackups")


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (lambda: EndpointConnectionError(endpoint_url="https://x"), "EndpointConnectionError"),
        (lambda: ReadTimeoutError(endpoint_url="https://x"), "ReadTimeoutError"),
        (_throttled, "ThrottlingException"),
        (_internal, "CloudHsmInternalFailureException"),
    ],
)
async def test_a_failed_later_page_keeps_the_rows_and_r_retries_that_page(
    make_app: AppFactory, wire: Wire, fault: Callable[[], Exception], code: str
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        wire.fail_with = fault()
        await pilot.press("G")
        await settle(pilot)
        assert len(main.table.rows) == 50
        assert main.error is not None
        assert main.error.code == code
        assert code in main.status.plain
        failed_token = wire.calls[-1]["NextToken"]
        wire.fail_with = None
        await pilot.press("r")
        await settle(pilot)
        assert wire.calls[-1]["NextToken"] == failed_token
        assert len(main.table.rows) == 100


async def test_invalid_ids_are_flagged_and_never_sent(make_app: AppFactory, wire: Wire) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("slash")
        field = app.screen.query_one("#backup-ids", Input)
        assert focus_of(app) is field
        await pilot.press(*"backup-nope!", "enter")
        await pilot.pause()
        assert field.has_class("-invalid")
        error = app.screen.query_one("#backup-ids-error")
        assert error.has_class("-shown")
        assert "backup-nope!" in str(error.render())
        assert len(wire.calls) == 1
        assert main.error is None


async def test_a_pasted_arn_in_the_backup_ids_field_lists_it_in_its_region(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    """The console and describe-backups give ARNs; the field rejected them."""
    elsewhere = "eu-west-1"
    item = world.backups(elsewhere)[5]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert main.backup_query.region != elsewhere
        await pilot.press("slash")
        field = app.screen.query_one("#backup-ids", Input)
        field.value = item["BackupArn"]
        await pilot.press("enter")
        await settle(pilot)
        assert not field.has_class("-invalid")
        assert main.backup_query.region == elsewhere
        assert main.query_one("#region", Select).value == elsewhere
        assert wire.calls[-1]["Filters"] == {"backupIds": [item["BackupId"]]}
        assert [b.backup_id for b in main.table.rows] == [item["BackupId"]]
        field.value = item["BackupId"].upper()
        await pilot.press("enter")
        await settle(pilot)
        assert not field.has_class("-invalid")
        assert [b.backup_id for b in main.table.rows] == [item["BackupId"]]
        other = world.backups("us-west-2")[0]["BackupArn"]
        field.value = f"{item['BackupArn']} {other}"
        await pilot.press("enter")
        await pilot.pause()
        assert field.has_class("-invalid")
        error = app.screen.query_one("#backup-ids-error")
        assert "ARNs in 2 regions: eu-west-1, us-west-2" in str(error.render())


async def test_typed_filters_apply_on_enter(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        target = main.table.rows[3]
        assert target.cluster_id is not None
        await pilot.press("slash", "tab", "tab")
        assert focus_of(app) is app.screen.query_one("#cluster-ids", Input)
        await pilot.press(*target.cluster_id, "enter")
        await settle(pilot)
        assert wire.calls[-1]["Filters"] == {"clusterIds": [target.cluster_id]}
        assert {b.cluster_id for b in main.table.rows} == {target.cluster_id}
        expected = [
            b["BackupId"]
            for b in world.backups(DEMO_HOME_REGION)
            if b.get("ClusterId") == target.cluster_id
        ]
        assert [b.backup_id for b in main.table.rows] == expected


async def test_narrow_terminal_hides_the_filters_behind_a_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        sidebar = app.screen.query_one("#filters")
        assert not sidebar.display or sidebar.region.width == 0
        await pilot.press("slash")
        await pilot.pause()
        assert sidebar.region.width > 0
        assert focus_of(app) is app.screen.query_one("#backup-ids", Input)
        await pilot.press("escape")
        await pilot.pause()
        assert sidebar.region.width == 0
        assert focus_of(app) is main.table


async def test_empty_pages_are_skipped_within_a_budget_then_m_scans_on(
    make_app: AppFactory, wire: Wire
) -> None:
    wire.empty_after_first = True
    app = make_app(page_size=2)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert len(main.table.rows) == 2
        assert len(wire.calls) == 1 + EMPTY_PAGE_BUDGET
        assert "pages without new backups" in main.status.plain
        await pilot.press("m")
        await settle(pilot)
        assert len(wire.calls) == 1 + 2 * EMPTY_PAGE_BUDGET


async def test_refresh_spam_during_a_slow_load_keeps_one_call_in_flight(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    wire.hold = True
    app = make_app(page_size=50)
    landed = Heard(MainScreen.PageLoaded)
    async with app.run_test(size=(120, 36), message_hook=landed) as pilot:
        main = app.main_screen
        await until(pilot, lambda: wire.waiting == 1, "first page in flight")
        for _ in range(5):
            await pilot.press("r")
        await pilot.pause(0.05)
        assert len(wire.calls) == 1
        wire.release()
        await settle(pilot)
        assert len(wire.calls) == 2  # the stale answer, then one call for the current query
        # The stale answer landed and was dropped; only the current query's page is shown.
        assert [m.generation for m in landed.messages] == [1, main.generation]
        assert [b.backup_id for b in main.table.rows] == _ids(world)[:50]


async def test_a_click_selects_the_row_under_the_pointer(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        table = main.table
        top = table.content_region.y  # the header line; rows start below it
        for row in (0, 1, 4):
            await pilot.click(offset=(table.content_region.x + 3, top + 1 + row))
            assert table.cursor == row
        await pilot.click(offset=(table.content_region.x + 3, top))  # the header: no change
        assert table.cursor == 4
        assert focus_of(app) is table


async def test_the_tables_own_scrollbar_scrolls_by_wheel_and_click_and_follows_new_rows(
    make_app: AppFactory,
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        table = main.table
        region = table.scrollable_content_region  # above the horizontal scrollbar
        gutter_x = region.right - 1

        def gutter() -> str:
            lines = screen_text(app).splitlines()[region.y + 1 : region.bottom]
            return "".join(line[gutter_x] if len(line) > gutter_x else "?" for line in lines)

        def thumb_cells() -> int:
            strips = app.screen._compositor.render_strips()[region.y + 1 : region.bottom]
            cells = [strip.crop(gutter_x, gutter_x + 1) for strip in strips]
            return sum(1 for c in cells for seg in c if seg.style and seg.style.reverse)

        shown = thumb_cells()
        assert 0 < shown < region.height - 1, "a thumb shorter than the track"
        assert table.scroll_y == 0
        x, y = region.x + 5, region.y + 3
        table.post_message(events.MouseScrollDown(table, x, y, 0, 1, 0, False, False, False, x, y))
        await pilot.pause()
        assert table.scroll_y > 0, "the mouse wheel scrolls the table"
        bottom = table.max_scroll_y
        await pilot.click(offset=(gutter_x, region.bottom - 1))  # the bottom of the bar
        assert table.scroll_y == bottom  # (which asks for the next page: the table grows)
        assert table.cursor == 0, "a click on the bar scrolls, it does not pick a row"
        assert len(gutter()) == region.height - 1
        table.action_last()  # pages on: the thumb gets shorter
        await settle(pilot)
        await until(pilot, lambda: len(table.rows) > 50, "the next page")
        await settle(pilot)
        assert thumb_cells() < shown


async def test_region_shared_and_sort_from_the_sidebar(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        screen = app.screen
        screen.query_one("#region", Select).value = "eu-west-1"
        screen.query_one("#shared", Checkbox).value = True
        screen.query_one("#sort", Select).value = "asc"
        await until(pilot, lambda: main.generation == 2, "one query for the three changes")
        await settle(pilot)
        assert main.generation == 2
        assert wire.calls[-1]["Shared"] is True
        assert wire.calls[-1]["SortAscending"] is True
        expected = [b["BackupId"] for b in reversed(world.backups("eu-west-1", shared=True))]
        assert expected, "the demo shares backups into eu-west-1"
        assert [b.backup_id for b in main.table.rows] == expected
        assert "eu-west-1" in screen_text(app).splitlines()[0]


async def test_load_all_fetches_to_the_end_with_every_backup_once_in_order(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: main.loading_all or main.listing.done, "load all to start")
        await settle(pilot)
        expected = _ids(world)
        assert len(expected) > 100
        assert [b.backup_id for b in main.table.rows] == expected
        assert main.listing.done
        assert not main.loading_all
        assert len(wire.calls) == -(-len(expected) // 20), "one call per page, no more"
        assert "complete" in main.status.plain


async def test_a_failure_while_loading_all_keeps_the_rows_stops_and_r_goes_on(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    expected = _ids(world)

    def throttle_from_the_fifth_call(parsed: dict[str, Any]) -> None:
        if len(wire.calls) == 4:
            wire.fail_with = _throttled()

    wire.rewrite = throttle_from_the_fifth_call
    app = make_app(page_size=10)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert main.error is not None
        assert main.error.code == "ThrottlingException"
        assert not main.loading_all
        calls = len(wire.calls)
        await pilot.pause(0.3)
        assert len(wire.calls) == calls, "the run stopped at the error"
        ids = [b.backup_id for b in main.table.rows]
        assert ids == expected[: len(ids)], "every page before the error, in order"
        assert 30 <= len(ids) < len(expected)
        wire.fail_with = wire.rewrite = None
        await pilot.press("r")
        await settle(pilot)
        assert main.error is None
        await pilot.press("A")
        await settle(pilot)
        assert [b.backup_id for b in main.table.rows] == expected


async def test_a_new_query_while_loading_all_never_mixes_in_the_old_pages(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    ready = [b["BackupId"] for b in world.backups(DEMO_HOME_REGION) if b["BackupState"] == "READY"]
    app = make_app(page_size=10)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: len(wire.calls) >= 3, "loading all")
        sidebar = main.query_one(FilterSidebar)
        query = replace(main.backup_query, states=("READY",))
        sidebar.post_message(FilterSidebar.Changed(sidebar, query))
        await settle(pilot)
        assert main.backup_query == query
        assert not main.loading_all
        await pilot.press("A")
        await settle(pilot)
        assert [b.backup_id for b in main.table.rows] == ready
        assert all(b.state == "READY" for b in main.table.rows)


async def test_a_paging_loop_while_loading_all_stops_with_a_visible_error(
    make_app: AppFactory, wire: Wire
) -> None:
    armed: list[int] = []  # the call count when A was pressed
    tokens: list[str] = []

    def repeat_a_token(parsed: dict[str, Any]) -> None:
        token = parsed.get("NextToken")
        if armed and token:
            if tokens and len(wire.calls) >= armed[0] + 2:
                parsed["NextToken"] = tokens[0]
            tokens.append(token)

    wire.rewrite = repeat_a_token
    app = make_app(page_size=10)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        armed.append(len(wire.calls))
        await pilot.press("A")
        await settle(pilot)
        assert main.error is not None
        assert main.error.code == "PagingLoop"
        assert len(wire.calls) == armed[0] + 2, "the repeated token is never sent again"
        ids = [b.backup_id for b in main.table.rows]
        assert len(ids) == len(set(ids))


async def test_a_again_stops_loading_all_after_the_call_in_flight(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        wire.hold = True
        await pilot.press("A")
        await until(pilot, lambda: wire.waiting == 1, "the next page in flight")
        assert "loading all" in main.status.plain
        await pilot.press("A")
        assert not main.loading_all
        wire.release()
        await settle(pilot)
        calls = len(wire.calls)
        await pilot.pause(0.2)
        assert len(wire.calls) == calls, "nothing more is fetched once stopped"
        assert not main.listing.done
        loaded = len(main.table.rows)
        assert loaded < len(_ids(world))
        assert "more available" in main.status.plain
        assert f"{loaded} loaded" in main.status.plain
        # One number: the toast counts the rows the call in flight brought too (it said 115
        # while the status line said 120).
        told = [
            str(n.message) for n in app._notifications if "Stopped loading all" in str(n.message)
        ]
        assert told == [f"Stopped loading all: {loaded} loaded."]


async def test_every_painted_row_is_the_row_it_stands_for_after_filter_changes(
    make_app: AppFactory, world: DemoWorld
) -> None:
    """A new query's rows must never be drawn from the old query's cached lines.

    Rows are new objects after a query change, and CPython hands freed objects' ids to new
    ones: a line cache keyed by id alone showed old rows under a new filter.
    """
    clusters = sorted({b["ClusterId"] for b in world.backups(DEMO_HOME_REGION)})
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        sidebar = main.query_one(FilterSidebar)
        queries = [
            replace(main.backup_query, cluster_ids=(clusters[0],)),
            replace(main.backup_query, cluster_ids=(clusters[0],), states=("READY",)),
            replace(main.backup_query),
            replace(main.backup_query, cluster_ids=(clusters[1],)),
            replace(main.backup_query, states=("READY",)),
        ]
        for query in queries:
            sidebar.post_message(FilterSidebar.Changed(sidebar, query))
            await settle(pilot)
            table = main.table
            assert table.rows, query
            top = round(table.scroll_y)
            for y in range(1, min(len(table.rows) - top, table.size.height - 2) + 1):
                text = table.render_line(y).text
                assert table.rows[top + y - 1].backup_id in text, (query, y, text)


async def test_r_puts_the_cursor_back_on_its_backup_loading_as_far_as_needed(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    expected = _ids(world)
    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        for _ in range(3):
            await pilot.press("G")
            await settle(pilot)
        target = main.table.cursor
        assert target >= 60
        backup_id = main.table.rows[target].backup_id
        calls = len(wire.calls)
        await pilot.press("r")
        await settle(pilot)
        assert main.table.current is not None
        assert main.table.current.backup_id == backup_id
        assert [b.backup_id for b in main.table.rows] == expected[: len(main.table.rows)]
        assert len(wire.calls) - calls <= -(-(target + 1) // 20) + 1, "no more pages than needed"
        assert main.detail.backup is main.table.current


async def test_r_leaves_the_cursor_at_the_top_when_its_backup_is_gone(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        gone = main.table.rows[main.table.cursor].backup_id
        loaded = len(main.table.all_rows)

        def without_it(parsed: dict[str, Any]) -> None:
            parsed["Backups"] = [b for b in parsed["Backups"] if b["BackupId"] != gone]

        wire.rewrite = without_it
        await pilot.press("r")
        await settle(pilot)
        assert main.table.cursor == 0
        assert gone not in [b.backup_id for b in main.table.all_rows]
        assert len(main.table.all_rows) <= loaded + 20, "paging stopped once past the old rows"


async def test_a_region_without_backups_says_so_not_an_internal_error(
    make_app: AppFactory,
) -> None:
    """The demo answers for any region, as an account would: elsewhere there is nothing."""
    app = make_app(region="eu-central-1")
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        text = screen_text(app)
        assert main.error is None
        assert "No backups in this account in eu-central-1." in text
        assert "0 backups · complete" in text
        assert "Unexpected" not in text
        await pilot.press("slash")
        assert focus_of(app) is app.screen.query_one("#backup-ids", Input)
        await pilot.press(*"backup-abcdefghijk", "enter")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "No backup backup-abcdefghijk in eu-central-1 (with these filters)." in text
        assert "paste its ARN into ctrl+p or Backup IDs to go there" in text
        assert "start with --region" in text


async def test_an_unexpected_error_says_how_to_retry_once(make_app: AppFactory, wire: Wire) -> None:
    wire.fail_with = RuntimeError("the parser fell over")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "RuntimeError: the parser fell over" in text
        assert text.count("Press r to retry") == 1, text
        note = next(n for n in app._notifications if "RuntimeError" in n.title)
        assert note.message.count("Press r to retry") == 1


async def test_a_state_box_shows_its_mark_only_when_ticked(make_app: AppFactory) -> None:
    """Without colour an X in every box would read as "all ticked"."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)

        def box_of(state: str) -> str:
            line = next(x for x in screen_text(app).splitlines() if f" {state}" in x[:40])
            return line[: line.index(f" {state}")].strip(" │")

        assert box_of("READY") == box_of("DELETED")
        assert "X" not in box_of("READY")
        app.screen.query_one("#state-READY", Checkbox).focus()
        await pilot.press("space")
        await settle(pilot)
        assert "X" in box_of("READY")
        assert "X" not in box_of("DELETED")


async def test_r_keeps_the_rows_marked_as_refreshing_until_the_fresh_page_lands(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    """At 1 s latency r left an empty table, the detail on its top row, for seconds."""
    app = make_app(page_size=50)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        for _ in range(7):
            await pilot.press("j")
        await settle(pilot)
        before = [b.backup_id for b in main.table.rows]
        on = main.table.current
        assert on is not None
        wire.hold = True
        await pilot.press("r")
        await until(pilot, lambda: wire.waiting == 1, "the fresh first page in flight")
        await pilot.pause()
        assert [b.backup_id for b in main.table.rows] == before, "the rows from before stay"
        assert main.table.current is not None
        assert main.table.current.backup_id == on.backup_id
        top = screen_text(app).splitlines()[0]
        assert "refreshing" in top
        assert on.backup_id in screen_text(app)
        wire.release()
        await settle(pilot)
        assert "refreshing" not in screen_text(app).splitlines()[0]
        assert [b.backup_id for b in main.table.rows] == _ids(world)[:50]
        assert main.table.current is not None
        assert main.table.current.backup_id == on.backup_id, "the cursor is back on its backup"
