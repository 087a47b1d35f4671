"""Pilot tests for odd data from the endpoint: dates and numbers out of range."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import pytest
from botocore.utils import parse_timestamp
from textual.widgets import Input

from tests.ui.conftest import AppFactory, Wire
from tests.ui.helpers import screen_text, settle, until

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
