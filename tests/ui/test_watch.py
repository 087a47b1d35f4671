"""Watch: loaded rows still changing are re-checked now and then and updated in place."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.conftest import AppFactory, Wire
from tests.ui.helpers import Heard, screen_text, settle, until
from tests.ui.terminal_bytes import TerminalBytes
from tui.backups import BackupQuery, clean
from tui.backups.demo import DEMO_HOME_REGION, DemoWorld, WorldSpec
from tui.backups.watch import WATCHED_STATES
from tui.screens import MainScreen
from tui.screens.watcher import Watcher
from tui.widgets.columns import GONE

MOVING = pytest.mark.parametrize("world", [WorldSpec(creation_seconds=10)], indirect=True)


def watched_rows(main: MainScreen) -> list[str]:
    return [b.backup_id for b in main.table.all_rows if b.state in WATCHED_STATES]


def rechecks(wire: Wire) -> list[list[str]]:
    """The backupIds of every call made with nothing but a backupIds filter (the watch's)."""
    return [
        c["Filters"]["backupIds"] for c in wire.calls if list(c.get("Filters", {})) == ["backupIds"]
    ]


async def check(pilot: Pilot[str], main: MainScreen, wire: Wire) -> None:
    """Run one re-check now, as the timer would, and wait until it is applied."""
    before = len(rechecks(wire))
    main.watcher.check_now()
    await until(pilot, lambda: len(rechecks(wire)) == before + 1, "the re-check call")
    await until(pilot, lambda: main.watcher.in_flight is None, "the re-check")
    await settle(pilot)


def row_text(app: Any, backup_id: str) -> str:
    return next(line for line in screen_text(app).splitlines() if backup_id in line)


@MOVING
async def test_a_creating_row_turns_ready_in_place_and_the_cursor_stays(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        order = [b.backup_id for b in main.table.all_rows]
        watched = watched_rows(main)
        creating = [b.backup_id for b in main.table.rows if b.state == "CREATE_IN_PROGRESS"]
        assert len(creating) == 2
        older = creating[1]
        index = order.index(older)
        main.table.move_cursor(index)
        await settle(pilot)
        assert "CREATE_IN_PROGRESS" in row_text(app, older)
        assert main.detail.backup is not None
        assert main.detail.backup.state == "CREATE_IN_PROGRESS"

        world.skip(10)  # the older creation finishes in AWS
        await check(pilot, main, wire)

        assert rechecks(wire)[-1] == watched, "only the rows still changing, in one batch"
        assert [b.backup_id for b in main.table.all_rows] == order, "no row moved"
        assert main.table.cursor == index
        assert main.table.current is not None
        assert main.table.current.backup_id == older
        assert main.table.current.state == "READY"
        assert "READY" in row_text(app, older), "the line is repainted"
        assert "CREATE_IN_PROGRESS" in row_text(app, creating[0])
        assert main.detail.backup is main.table.current, "the detail follows the new data"
        assert f"{older}  READY" in screen_text(app)
        assert older not in main.watcher.watched
        assert list(main.watcher.watched) == [i for i in watched if i != older]


@MOVING
async def test_the_timer_rechecks_by_itself_and_stops_when_nothing_changes_any_more(
    make_app: AppFactory, world: DemoWorld, wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Watcher, "INTERVAL", 0.05)
    app = make_app(query=BackupQuery(states=("CREATE_IN_PROGRESS",)))
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert len(main.watcher.watched) == 2
        await until(pilot, lambda: len(rechecks(wire)) >= 2, "two timed re-checks")
        assert all(len(ids) == 2 for ids in rechecks(wire)), "nothing changed yet"
        world.skip(20)  # both creations finish
        await until(pilot, lambda: not main.watcher.watched, "nothing left to watch")
        await settle(pilot)
        assert [b.state for b in main.table.rows] == ["READY", "READY"]
        made = len(rechecks(wire))
        await pilot.pause(0.3)
        assert len(rechecks(wire)) == made, "watching stopped"
        assert "watching" not in main.status.plain


async def test_a_result_for_a_changed_query_is_dropped(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    app = make_app()
    answers = Heard(Watcher.Done)
    async with app.run_test(size=(120, 36), message_hook=answers) as pilot:
        main = await settle(pilot)
        creating = [b.backup_id for b in main.table.rows if b.state == "CREATE_IN_PROGRESS"]
        stale, before = main.generation, len(answers.messages)
        wire.hold = True
        main.watcher.check_now()  # call 0: the re-check, held on the wire
        await until(pilot, lambda: wire.waiting == 1, "the re-check on the wire")
        main.start(BackupQuery(region=DEMO_HOME_REGION, states=("CREATE_IN_PROGRESS",)))
        await until(pilot, lambda: wire.waiting == 2, "the new query's page on the wire")
        wire.release_one(1)
        await until(pilot, lambda: len(main.table.rows) == 2, "the new query's rows")

        def all_ready(parsed: dict[str, Any]) -> None:
            for item in parsed.get("Backups", []):
                item["BackupState"] = "READY"

        wire.rewrite = all_ready  # what the late answer says, were it applied
        wire.release()
        await until(
            pilot,
            lambda: [m.generation for m in answers.messages[before:]] == [stale],
            "the late answer",
        )
        await settle(pilot)
        assert [b.backup_id for b in main.table.rows] == creating
        assert [b.state for b in main.table.rows] == ["CREATE_IN_PROGRESS"] * 2
        assert main.watcher.checked_at is None, "the new query has not been checked yet"
        await check(pilot, main, wire)  # a check for this query does apply
        assert [b.state for b in main.table.rows] == ["READY", "READY"]


async def test_no_watch_makes_no_recheck_calls(
    make_app: AppFactory, wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Watcher, "INTERVAL", 0.05)
    app = make_app(watch=False)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert watched_rows(main), "rows that would be watched are loaded"
        main.watcher.check_now()
        await pilot.press("j", "k")
        await pilot.pause(0.3)
        await settle(pilot)
        assert rechecks(wire) == []
        assert all("Filters" not in c for c in wire.calls), "pages only"
        assert "watching" not in screen_text(app)
        n = len(watched_rows(main))
        assert f"{n} changing, not watched" in screen_text(app), (
            "the status says they are not re-checked"
        )


async def test_the_status_says_what_is_watched_and_when_it_was_last_checked(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        n = len(watched_rows(main))
        assert n >= 3
        top = screen_text(app).splitlines()[0]
        assert f"watching {n}" in top
        assert "checked" not in top
        await check(pilot, main, wire)
        top = screen_text(app).splitlines()[0]
        assert f"watching {n} · checked 18:00:00 UTC" in top, "the frozen clock's time"


async def test_the_checked_time_follows_the_tables_time_zone(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app(local_zone=timezone(timedelta(hours=-5)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await check(pilot, main, wire)
        assert "checked 18:00:00 UTC" in screen_text(app).splitlines()[0]
        await pilot.press("t")  # local time, like the Created column
        await settle(pilot)
        assert "checked 13:00:00 -05:00" in screen_text(app).splitlines()[0]


async def test_a_failing_recheck_shows_in_the_status_backs_off_and_recovers(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        rows = list(main.table.all_rows)
        wire.fail_with = ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "DescribeBackups",
        )
        await check(pilot, main, wire)
        top = screen_text(app).splitlines()[0]
        assert "⚠ ThrottlingException, retry in 1 min" in top
        assert any("ThrottlingException" in n.title for n in app._notifications)
        assert main.table.all_rows == rows, "the rows stay as last checked"
        assert main.error is None, "the listing itself is fine"
        await check(pilot, main, wire)
        assert "retry in 2 min" in screen_text(app).splitlines()[0], "backing off"
        wire.fail_with = None
        await check(pilot, main, wire)
        top = screen_text(app).splitlines()[0]
        assert "⚠" not in top
        assert "checked 18:00:00 UTC" in top
        wire.fail_with = ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "DescribeBackups",
        )
        await check(pilot, main, wire)
        assert "retry in 1 min" in screen_text(app).splitlines()[0], "the back-off starts afresh"


async def test_a_deleted_or_vanished_backup_is_shown_as_such(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        order = [b.backup_id for b in main.table.all_rows]
        first, second = (b for b in main.table.rows if b.state == "CREATE_IN_PROGRESS")
        main.table.move_cursor(order.index(second.backup_id))
        await settle(pilot)

        def deleted_and_vanished(parsed: dict[str, Any]) -> None:
            kept = [b for b in parsed["Backups"] if b["BackupId"] != second.backup_id]
            for item in kept:
                if item["BackupId"] == first.backup_id:
                    item["BackupState"] = "DELETED"
            parsed["Backups"] = kept

        wire.rewrite = deleted_and_vanished
        await check(pilot, main, wire)
        assert [b.backup_id for b in main.table.all_rows] == order, "both rows stay, once each"
        assert main.table.all_rows[0].state == "DELETED"
        assert "DELETED" in row_text(app, first.backup_id)
        assert main.table.current is second, "the vanished row keeps its last data"
        assert GONE in row_text(app, second.backup_id)
        assert "No longer returned by describe_backups" in screen_text(app)
        assert any("no longer returned" in str(n.message) for n in app._notifications)
        assert first.backup_id not in main.watcher.watched
        assert second.backup_id not in main.watcher.watched
        assert sum(i in (first.backup_id, second.backup_id) for i in order) == 2


async def test_a_gone_backup_with_a_hostile_id_is_named_without_its_escape_sequence(
    make_app: AppFactory, wire: Wire
) -> None:
    """Issue 14: the "Backup gone" notice printed the watched IDs as they came, so an ID
    ending in `ESC ] 52 ; c ; <base64> ESC \\` put `echo PWNED` on the user's clipboard."""
    hostile = "backup-\x1b]52;c;ZWNobyBQV05FRAo=\x1b\\"
    renamed: list[str] = []

    def creating_with_a_hostile_id(parsed: dict[str, Any]) -> None:
        for item in parsed["Backups"]:
            if item["BackupId"] in renamed or (
                not renamed and item["BackupState"] == "CREATE_IN_PROGRESS"
            ):
                renamed[:] = [item["BackupId"]]
                item["BackupId"] = hostile

    wire.rewrite = creating_with_a_hostile_id
    app = make_app()
    out = TerminalBytes.of(app)
    told = Heard(Notify)
    async with app.run_test(size=(160, 48), notifications=True, message_hook=told) as pilot:
        out.watch_writes(app)
        main = await settle(pilot)
        assert hostile in main.watcher.watched
        await check(pilot, main, wire)  # AWS does not know that ID: it is "gone"
        assert hostile not in main.watcher.watched
        assert "ZWNobyBQV05FRAo=" in screen_text(app), "the toast names the backup, as text"
        assert out.problems() == [], "no escape sequence from the ID reached the terminal"
        (gone,) = [m.notification for m in told.messages if m.notification.title == "Backup gone"]
        assert gone.message.startswith(f"{clean(hostile)}: no longer returned by describe_backups")


async def test_idle_or_background_pauses_and_a_key_or_focus_resumes(
    make_app: AppFactory, wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Watcher, "INTERVAL", 0.05)
    now = [1000.0]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        watcher = main.watcher
        watcher.monotonic = lambda: now[0]
        watcher.policy.input(now[0])
        now[0] += Watcher.IDLE_AFTER  # 15 minutes without a key
        await until(pilot, lambda: watcher.paused == "idle", "the pause")
        made = len(rechecks(wire))
        await pilot.pause(0.3)
        assert len(rechecks(wire)) == made, "paused: no calls"
        assert "paused (idle): a key resumes" in screen_text(app).splitlines()[0]
        await pilot.press("j")
        await until(pilot, lambda: len(rechecks(wire)) > made, "a check on the key")
        assert watcher.paused is None

        app.app_focus = False  # the terminal says: in the background
        await pilot.pause()
        now[0] += Watcher.BACKGROUND_AFTER
        await until(pilot, lambda: watcher.paused == "in the background", "the pause")
        made = len(rechecks(wire))
        app.app_focus = True
        await until(pilot, lambda: len(rechecks(wire)) > made, "a check on focus")
        assert watcher.paused is None


async def test_under_the_local_filter_an_update_keeps_the_cursor_on_its_row(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#expiring-within", Input).focus()
        await pilot.press("1", "0", "enter")
        await settle(pilot)
        await pilot.press("escape")
        shown = [b.backup_id for b in main.table.rows]
        pending = [b for b in main.table.rows if b.state == "PENDING_DELETION"]
        assert pending, "a purge within 10 days is loaded"
        target = pending[-1]
        index = shown.index(target.backup_id)
        assert index > 0
        main.table.move_cursor(index)
        await settle(pilot)

        def retagged(parsed: dict[str, Any]) -> None:
            for item in parsed["Backups"]:
                if item["BackupId"] == target.backup_id:
                    item["TagList"] = [{"Key": "ticket", "Value": "CHG-1234"}]

        wire.rewrite = retagged
        await check(pilot, main, wire)
        assert [b.backup_id for b in main.table.rows] == shown
        assert main.table.cursor == index
        assert main.table.current is not None
        assert main.table.current.tags == (("ticket", "CHG-1234"),)
        assert main.detail.backup is main.table.current


async def test_at_80_columns_the_status_keeps_the_time(make_app: AppFactory, wire: Wire) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        await check(pilot, main, wire)
        n = len(main.watcher.watched)
        top = screen_text(app).splitlines()[0]
        assert f"watching {n} · 18:00:00" in top, top
        wire.fail_with = ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
            "DescribeBackups",
        )
        await check(pilot, main, wire)
        assert f"watching {n} · ⚠ Throttl" in screen_text(app).splitlines()[0]
