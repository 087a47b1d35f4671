"""Pilot tests for odd data from the endpoint: dates and numbers out of range."""

from __future__ import annotations

import base64
import json
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.utils import parse_timestamp
from textual.widgets import Input, OptionList, RadioButton

from tests.ui.conftest import AppFactory, Wire
from tests.ui.helpers import screen_text, settle, until
from tui.app import HsmBackupsApp
from tui.screens.copy import CopyMenu
from tui.screens.export import ExportScreen

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
