"""Pilot tests for odd data and bad weather: out-of-range dates and numbers, lone surrogates,
answers that are not CloudHSM answers, and failures that must say what failed."""

from __future__ import annotations

import base64
import json
import os
import sys
import tracemalloc
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.utils import parse_timestamp
from textual.widgets import Input, OptionList, RadioButton

from tests.ui.conftest import NOW, AppFactory, Wire
from tests.ui.helpers import screen_text, settle, until
from tui.app import HsmBackupsApp, build_app
from tui.backups import BackupQuery, paging
from tui.backups.demo import DemoWorld
from tui.screens.copy import CopyMenu
from tui.screens.export import ExportScreen
from tui.settings import Settings
from tui.widgets.columns import GONE

#: CreateTimestamp 253402300799: 9999-12-31 23:59:59 UTC, the last second a datetime holds.
LAST_SECOND = 253_402_300_799
#: Far enough east of UTC that the last second is in the year 10000 there.
EAST = timezone(timedelta(hours=14))
#: The Expires cell of such a backup.
OUT_OF_RANGE = "unknown (out of range)"


def _ages_by_policy(item: dict[str, Any]) -> bool:
    """A backup whose expiry comes from its cluster's retention policy (see needs_cluster)."""
    return (
        item.get("BackupState") == "READY"
        and item.get("NeverExpires") is not True
        and not item.get("SourceBackup")
        and bool(item.get("ClusterId"))
    )


def _row(app: Any, backup_id: str) -> str:
    return next(line for line in screen_text(app).splitlines() if backup_id in line)


async def test_a_backup_created_in_9999_is_shown_as_it_is_in_every_time_mode(
    make_app: AppFactory, wire: Wire
) -> None:
    odd: list[str] = []

    def far_future(parsed: dict[str, Any]) -> None:
        wire.rewrite = None  # the first page only
        item = next(i for i in parsed["Backups"] if _ages_by_policy(i))
        item["CreateTimestamp"] = parse_timestamp(str(LAST_SECOND))  # as botocore reads it
        odd.append(item["BackupId"])

    wire.rewrite = far_future
    app = make_app(page_size=20, local_zone=EAST)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        (backup_id,) = odd
        row = _row(app, backup_id)
        assert "9999-12-31 23:59" in row
        assert OUT_OF_RANGE in row
        main.table.move_cursor(
            next(i for i, b in enumerate(main.table.rows) if b.backup_id == backup_id)
        )
        await settle(pilot)
        text = screen_text(app)
        assert "9999-12-31 23:59:59 UTC" in text
        assert "Expiry unknown (out of" in text
        await pilot.press("t")  # local time, 14 hours east: the year 10000 there
        await settle(pilot)
        assert "9999-12-31 23:59 UTC" in _row(app, backup_id), "shown in UTC, saying so"
        assert "9999-12-31 23:59:59 UTC" in screen_text(app)
        await pilot.press("t")  # ages
        await settle(pilot)
        assert "in 7978 y" in _row(app, backup_id)
        assert app.is_running


@pytest.mark.parametrize("days", ["3000000", "99999999999999"])
async def test_a_retention_policy_past_the_year_9999_gives_an_out_of_range_expiry(
    make_app: AppFactory, wire: Wire, days: str
) -> None:
    def huge_policy(parsed: dict[str, Any]) -> None:
        for cluster in parsed.get("Clusters") or []:
            cluster["BackupRetentionPolicy"] = {"Type": "DAYS", "Value": days}

    wire.rewrite_clusters = huge_policy
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        index = next(
            i
            for i, b in enumerate(main.table.rows)
            if b.state == "READY" and not b.never_expires and not b.is_copy
        )
        backup = main.table.rows[index]
        assert OUT_OF_RANGE in _row(app, backup.backup_id)
        main.table.move_cursor(index)
        await settle(pilot)
        text = screen_text(app)
        assert "Expiry unknown (out of" in text
        assert app.is_running


async def test_expiring_within_a_number_of_days_past_the_year_9999_keeps_every_dated_row(
    make_app: AppFactory,
) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        loaded = len(main.table.all_rows)
        field = main.query_one("#expiring-within", Input)
        field.value = "9" * 12
        await pilot.press("enter")
        await until(pilot, lambda: main.expiring_within is not None, "the local filter")
        await settle(pilot)
        assert app.is_running
        assert 0 < len(main.table.rows) < loaded, "rows with an expiry date stay, the rest go"


#: A lone surrogate, as JSON's "\ud800" decodes: a str no UTF-8 writer can take.
LONE = "\ud800"
ODD_ID = f"backup-{LONE}abcdefgh"
SCRUBBED_ID = "backup-\ufffdabcdefgh"


def _lone_surrogates(wire: Wire) -> None:
    """The first page's first backup gets a lone surrogate in every string it has."""

    def rewrite(parsed: dict[str, Any]) -> None:
        wire.rewrite = None
        item = parsed["Backups"][0]
        item["BackupId"] = ODD_ID
        item["BackupArn"] = f"arn:aws:cloudhsm:us-east-1:123456789012:backup/{ODD_ID}"
        item["ClusterId"] = f"cluster-{LONE}bcdefghij"
        item["HsmType"] = f"hsm{LONE}"
        item["TagList"] = [{"Key": f"owner{LONE}", "Value": f"\udfff{LONE}"}]

    wire.rewrite = rewrite


def _copied(written: list[str]) -> str:
    (sequence,) = written
    assert sequence.startswith("\x1b]52;c;")
    assert sequence.endswith("\x07")
    return base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode("utf-8")


def _record(app: HsmBackupsApp) -> list[str]:
    """Every clipboard sequence the app writes to the terminal from now on."""
    written: list[str] = []
    driver = app._driver
    assert driver is not None
    write = driver.write

    def recording(data: str) -> None:
        if "52;c;" in data:
            written.append(data)
        write(data)

    driver.write = recording  # type: ignore[method-assign]
    return written


async def test_lone_surrogates_from_the_api_copy_show_and_export_as_u_fffd(
    make_app: AppFactory, wire: Wire, tmp_path: Path
) -> None:
    _lone_surrogates(wire)
    app = make_app(page_size=20)
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        main.table.move_cursor(0)
        await settle(pilot)
        assert SCRUBBED_ID in screen_text(app)
        table = main.table
        width = table.scrollable_content_region.width
        for y in range(table.scrollable_content_region.height):
            assert table.render_line(y).cell_length == width, "the borders stay in place"
        written = _record(app)
        await pilot.press("y")
        await pilot.pause()
        assert _copied(written) == SCRUBBED_ID
        written.clear()
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        menu = app.screen
        assert isinstance(menu, CopyMenu)
        menu.query_one(OptionList).highlighted = next(
            i for i, c in enumerate(menu.choices) if c.key == "json"
        )
        await pilot.press("enter")
        await until(pilot, lambda: bool(written), "the JSON copy")
        copied = json.loads(_copied(written))
        assert copied["BackupId"] == SCRUBBED_ID
        assert copied["HsmType"] == "hsm\ufffd"
        for name, fmt in (("odd.csv", "csv"), ("odd.json", "json")):
            target = tmp_path / name
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
            await pilot.pause()
            app.screen.query_one(f"#export-{fmt}", RadioButton).value = True
            app.screen.query_one("#export-path", Input).value = str(target)
            await pilot.pause()
            app.screen.query_one("#export-path", Input).focus()
            await pilot.press("enter")
            await until(pilot, target.exists, f"the {fmt} export")
            await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
            text = target.read_text(encoding="utf-8")
            assert SCRUBBED_ID in text
            assert "owner\ufffd" in text
        assert not any("failed" in str(n.title).lower() for n in app._notifications)


def _as_botocore_reads_a_non_json_body(parsed: dict[str, Any]) -> None:
    """What botocore makes of a 200 answer whose body is not JSON: only ResponseMetadata."""
    for key in [k for k in parsed if k != "ResponseMetadata"]:
        del parsed[key]


NOT_CLOUDHSM = "not a CloudHSM response"


async def test_a_first_page_that_is_not_a_cloudhsm_answer_is_an_error_not_an_empty_list(
    make_app: AppFactory, wire: Wire
) -> None:
    wire.rewrite = _as_botocore_reads_a_non_json_body
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        text = screen_text(app)
        assert "Not a CloudHSM response" in text
        assert "UnexpectedAnswer" in main.status.plain
        assert "complete" not in main.status.plain
        assert "No backups" not in text
        wire.rewrite = None
        await pilot.press("r")
        main = await settle(pilot)
        assert main.table.rows, "r tries again, and a good answer is shown"


async def test_a_later_page_that_is_not_a_cloudhsm_answer_does_not_end_the_listing(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app(page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        shown = len(main.table.rows)
        wire.rewrite = _as_botocore_reads_a_non_json_body
        await pilot.press("A")
        await settle(pilot)
        assert len(main.table.rows) == shown
        assert "UnexpectedAnswer" in main.status.plain
        assert "complete" not in main.status.plain
        assert any(NOT_CLOUDHSM in str(n.message) for n in app._notifications)


async def test_a_lineage_hop_answered_with_no_backups_list_is_an_error_not_an_orphan(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    (_r0, _b0), (_r1, b1), (r2, b2) = world.landmarks["chain"]

    def break_the_hop(parsed: dict[str, Any]) -> None:
        if any(item.get("BackupId") == b1 for item in parsed.get("Backups") or []):
            _as_botocore_reads_a_non_json_body(parsed)

    wire.rewrite = break_the_hop
    app = make_app(region=r2, query=BackupQuery(backup_ids=(b2,)))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        main.table.move_cursor(0)
        await until(pilot, lambda: main.detail.key in main.detail.chains, "the chain walk")
        await settle(pilot)
        text = screen_text(app)
        assert "could not be read" in text
        assert "orphaned copy" not in text
        assert "source not found" not in text
        assert "UnexpectedAnswer" in text


async def test_a_recheck_answered_with_no_backups_list_marks_nothing_gone(
    make_app: AppFactory, wire: Wire
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        rows = list(main.table.all_rows)
        watched = set(main.watcher.watched)
        assert watched
        wire.rewrite = _as_botocore_reads_a_non_json_body
        before = len(wire.calls)
        main.watcher.check_now()
        await until(pilot, lambda: len(wire.calls) > before, "the re-check call")
        await until(pilot, lambda: main.watcher.in_flight is None, "the re-check")
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        assert "⚠ UnexpectedAnswer" in top
        assert GONE not in screen_text(app)
        assert not any("no longer" in str(n.message) for n in app._notifications)
        assert main.table.all_rows == rows, "the rows stay as last checked"
        assert set(main.watcher.watched) == watched, "still watched"


async def test_a_credential_process_printing_non_json_is_named_in_the_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    script = tmp_path / "creds.py"
    script.write_text("print('Enter your MFA code:')\n", encoding="utf-8")
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        f"[profile ops]\ncredential_process = {sys.executable} {script}\n", encoding="utf-8"
    )
    settings = Settings(
        profile="ops", region="us-east-1", endpoint_url="http://127.0.0.1:9", clock=lambda: NOW
    )
    app = build_app(settings)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        assert main.error is not None
        text = " ".join(screen_text(app).split())
        assert "credential_process failed" in text
        assert "The credential_process of profile ops" in text
        assert "JSONDecodeError" in text, "the detail is kept, inside the explanation"
        assert "Unexpected error" not in text
        assert "report it" not in text


MEGABYTE = 1 << 20


async def test_loading_all_with_1mb_tokens_holds_digests_not_tokens_and_still_sees_a_repeat(
    make_app: AppFactory, wire: Wire
) -> None:
    """An endpoint that answers a fresh 1 MB NextToken for page after page, then one again."""
    pages = 60
    given = [0]
    repeated = f"{3:08d}" + "t" * (MEGABYTE - 8)  # the only token the test itself keeps

    def big_tokens(parsed: dict[str, Any]) -> None:
        n = given[0]
        given[0] += 1
        if n == 3:
            parsed["NextToken"] = repeated
        elif n < pages:
            parsed["NextToken"] = f"{n:08d}" + "t" * (MEGABYTE - 8)
        else:
            parsed["NextToken"] = repeated  # handed out before: a loop

    app = make_app(page_size=20)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        wire.rewrite = big_tokens
        wire.token_lengths = True  # the test's own record must not hold the tokens either
        tracemalloc.start()
        try:
            before, _ = tracemalloc.get_traced_memory()
            await pilot.press("A")
            for _ in range(2400):  # ~2 min at most: 60 calls carrying 1 MB each
                if main.error is not None:
                    break
                await pilot.pause(0.05)
            await settle(pilot)
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert given[0] > pages, "every page was fetched"
        assert main.error is not None
        assert main.error.code == "PagingLoop", "the repeat is still seen"
        assert "PagingLoop" in main.status.plain
        held = after - before
        assert held < 16 * MEGABYTE, f"{held:,} bytes held after {pages} pages of 1 MB tokens"


async def test_at_the_page_cap_loading_all_stops_with_a_clear_error_and_keeps_the_rows(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 3)
    app = make_app(page_size=5)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: main.error is not None, "the cap")
        await settle(pilot)
        assert main.error is not None
        assert main.error.code == "PagingLimit"
        assert "PagingLimit" in main.status.plain
        assert "complete" not in main.status.plain
        assert len(main.table.all_rows) == 3 * 5, "the pages up to the cap stay"
        said = [" ".join(str(n.message).split()) for n in app._notifications]
        assert any("more than 3 pages" in m and "stopped after 3" in m for m in said), said
