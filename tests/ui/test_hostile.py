"""Pilot tests for a hostile world: odd pages, refused tokens, odd responses, hostile text,
resizes mid-load, and a whole session that must only ever read."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from textual.widgets import Checkbox

from tests.ui.conftest import AppFactory, Wire
from tests.ui.helpers import screen_text, settle, until
from tui.backups.demo import DEMO_HOME_REGION, DemoWorld, WorldSpec
from tui.widgets.lineage_tree import LineageTree


def _ids(world: DemoWorld) -> list[str]:
    return [b["BackupId"] for b in world.backups(DEMO_HOME_REGION)]


async def test_a_refused_token_restarts_the_listing_keeping_rows_and_cursor(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        shown = len(main.table.rows)
        wire.token_fault = ClientError(
            {"Error": {"Code": "CloudHsmInvalidRequestException", "Message": "Invalid token"}},
            "DescribeBackups",
        )
        await pilot.press("G")
        on = main.table.current
        assert on is not None
        await until(pilot, lambda: main.listing.restarts == 1, "the restart")
        await settle(pilot)
        assert main.error is None
        assert any("listing restarted" in n.title for n in app._notifications)
        ids = [b.backup_id for b in main.table.rows]
        assert len(ids) == len(set(ids)) > shown
        assert ids == _ids(world)[: len(ids)]
        now_on = main.table.current
        assert now_on is not None
        assert now_on.backup_id == on.backup_id, "the cursor stays on its backup"


async def test_expired_credentials_are_not_retried_and_r_reads_them_afresh(
    make_app: AppFactory, wire: Wire
) -> None:
    wire.fail_with = ClientError(
        {"Error": {"Code": "ExpiredTokenException", "Message": "The security token expired"}},
        "DescribeBackups",
    )
    app = make_app(page_size=20, profile="ops")
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert main.error is not None
        assert main.error.code == "ExpiredTokenException"
        message = main.table._message
        assert message is not None
        assert "aws sso login --profile ops" in message.plain
        await pilot.pause(0.3)
        assert len(wire.calls) == 1, "an expired token is not retried on its own"
        assert wire.sessions == 1
        wire.fail_with = None
        await pilot.press("r")
        await settle(pilot)
        assert main.error is None
        assert len(main.table.rows) >= 20
        assert wire.sessions == 2, "r after expired credentials builds a new session"


async def test_a_token_returned_twice_stops_with_a_visible_error(
    make_app: AppFactory, wire: Wire
) -> None:
    seen: list[str] = []

    def repeat_first_token(parsed: dict[str, Any]) -> None:
        token = parsed.get("NextToken")
        if token:
            if seen:
                parsed["NextToken"] = seen[0]
            seen.append(token)

    wire.rewrite = repeat_first_token
    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert main.error is not None
        assert main.error.code == "PagingLoop"
        assert "PagingLoop" in main.status.plain
        ids = [b.backup_id for b in main.table.rows]
        assert len(ids) == len(set(ids))
        calls = len(wire.calls)
        await pilot.press("G")
        await settle(pilot)
        assert len(wire.calls) == calls, "no loop: nothing more is fetched by itself"


async def test_the_same_backup_on_two_pages_is_one_row_with_the_later_data(
    make_app: AppFactory, wire: Wire
) -> None:
    first_page: list[dict[str, Any]] = []

    def repeat_a_row(parsed: dict[str, Any]) -> None:
        if not first_page:
            first_page.extend(parsed["Backups"])
        elif parsed["Backups"]:
            again = dict(first_page[0], BackupState="PENDING_DELETION")
            parsed["Backups"] = [*parsed["Backups"], again]

    wire.rewrite = repeat_a_row
    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        ids = [b.backup_id for b in main.table.rows]
        assert len(ids) == len(set(ids))
        assert main.table.rows[0].backup_id == first_page[0]["BackupId"]
        assert main.table.rows[0].state == "PENDING_DELETION"


async def test_odd_responses_still_show_every_row(make_app: AppFactory, wire: Wire) -> None:
    def oddify(parsed: dict[str, Any]) -> None:
        wire.rewrite = None  # the first page only
        rows = parsed["Backups"]
        rows[0].pop("ClusterId", None)
        rows[0].pop("CreateTimestamp", None)
        rows[1]["BackupState"] = "FROZEN_IN_CARBONITE"
        rows[2]["CreateTimestamp"] = "last tuesday"
        rows[3]["FutureField"] = {"nested": ["x"]}
        rows[4]["TagList"] = "not a list"
        rows[5]["NeverExpires"] = "perhaps"

    wire.rewrite = oddify
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        ids = [b.backup_id for b in main.table.rows]
        assert len(ids) >= 20
        assert len(ids) == len(set(ids))
        assert main.error is None
        assert main.table.rows[1].state == "FROZEN_IN_CARBONITE"
        for row in range(6):
            main.table.move_cursor(row)
            await settle(pilot)
        main.table.move_cursor(1)
        await settle(pilot)
        assert "FROZEN_IN_CARBONITE" in screen_text(app)
        main.table.move_cursor(3)
        await settle(pilot)
        assert "FutureField" in screen_text(app)


@pytest.mark.parametrize("world", [WorldSpec(hostile=True)], indirect=True)
async def test_hostile_text_is_shown_literally_everywhere(
    make_app: AppFactory, world: DemoWorld
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(200, 60)) as pilot:
        main = await settle(pilot)
        hostile = [i for i, b in enumerate(main.table.rows) if any("[" in v for _, v in b.tags)]
        assert hostile, "the hostile world has markup in tag values"
        for index in hostile[:6]:
            main.table.move_cursor(index)
            await settle(pilot)
            text = screen_text(app)
            assert "\x1b" not in text
            assert "\x9b" not in text
            assert "\u202e" not in text
        assert app.is_running, "a live [@click=app.quit] would have quit the app"
        table = main.table
        width = table.scrollable_content_region.width
        for y in range(table.scrollable_content_region.height):
            assert table.render_line(y).cell_length == width, "wide text keeps columns aligned"
        literal = [v for b in main.table.rows for _, v in b.tags if "[@click" in v or "[/" in v]
        assert literal
        main.table.move_cursor(hostile[0])
        await settle(pilot)
        assert "[" in screen_text(app)


async def test_resizing_while_a_page_loads_keeps_the_cursor_row(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app(page_size=50)
    async with app.run_test(size=(200, 60)) as pilot:
        main = await settle(pilot)
        main.table.move_cursor(30)
        await settle(pilot)
        on = main.table.current
        wire.hold = True
        await pilot.press("G")
        await until(pilot, lambda: wire.waiting == 1, "a page in flight")
        main.table.move_cursor(30)
        for size in ((60, 15), (80, 24), (200, 60), (60, 15)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        wire.release()
        await settle(pilot)
        assert main.table.current is on
        top = round(main.table.scroll_y)
        assert top <= main.table.cursor < top + max(1, main.table.size.height)
        await pilot.resize_terminal(200, 60)
        await settle(pilot)
        assert len(main.table.rows) >= 100


async def test_a_whole_session_only_reads(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    (region, _), *_ = world.landmarks["copied_twice"]
    app = make_app(page_size=20, region=region)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        for _ in range(30):
            await pilot.press("j")
        await settle(pilot)
        copy_row = next(i for i, b in enumerate(main.table.rows) if b.is_copy)
        main.table.move_cursor(copy_row)
        await settle(pilot)
        await pilot.press("L")
        await until(pilot, lambda: main.detail.key in main.detail.copies, "copy search")
        app.screen.query_one("#state-READY", Checkbox).value = True
        await until(pilot, lambda: main.generation == 2, "the filter")
        await settle(pilot)
        await pilot.press("enter", "tab")
        main.query_one(LineageTree).focus()
        await pilot.press("r")
        await settle(pilot)
        operations = set(wire.operations)
        assert {"DescribeBackups", "DescribeClusters"} <= operations
        assert all(op.startswith(("Describe", "List", "Get")) for op in operations), operations
