"""Pilot tests: another account's backups (shared, or by their ARN) and the Retention row."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from textual.pilot import Pilot

from tests.ui.conftest import NOW, AppFactory, Wire
from tests.ui.helpers import screen_text, settle, until
from tui.app import HsmBackupsApp, build_app
from tui.backups import Backup, BackupQuery, BackupSource
from tui.backups.demo import DEMO_ACCOUNT, DEMO_HOME_REGION, DEMO_OTHER_ACCOUNT, DemoWorld
from tui.backups.retention import needs_cluster
from tui.screens import MainScreen
from tui.settings import Settings
from tui.widgets.detail_view import DetailView

OWNERS = "unknown (owner's cluster)"
#: A cluster no account of the demo has: only another account's backup names it.
THEIR_CLUSTER = "cluster-zzzzzzzzzzz"


def _detail(main: MainScreen) -> str:
    """The detail pane's text with its wrapping undone (one column: a pane under 100 cells)."""
    return " ".join(main.detail.query_one(DetailView).plain.split())


def _table_lines(app: HsmBackupsApp) -> list[str]:
    """The table's header and rows as shown, without the sidebar and the borders."""
    lines = screen_text(app).splitlines()
    top = next(i for i, line in enumerate(lines) if "─ Backups " in line)
    out: list[str] = []
    for line in lines[top + 1 :]:
        if "╰" in line:  # the table's bottom border
            break
        inside = line.split("││", 1)[-1]  # right of the sidebar
        out.append(inside.strip(" │"))
    return [line for line in out if line.startswith(("Backup ID", "backup-"))]


async def _show(pilot: Pilot[str], main: MainScreen, backup_id: str) -> None:
    """Put the cursor on `backup_id` and wait for the detail to show it."""
    index = next(i for i, b in enumerate(main.table.rows) if b.backup_id == backup_id)
    main.table.move_cursor(index)
    await settle(pilot)
    assert main.detail.backup is not None
    assert main.detail.backup.backup_id == backup_id


async def test_a_shared_backup_expires_unknown_for_its_owners_cluster_with_no_cluster_call(
    make_app: AppFactory, wire: Wire, world: DemoWorld
) -> None:
    shared = [b for region, b in world.landmarks["shared"] if region == DEMO_HOME_REGION]
    app = make_app(query=BackupQuery(shared=True))
    async with app.run_test(size=(200, 48)) as pilot:
        main = await settle(pilot)
        assert sorted(b.backup_id for b in main.table.rows) == sorted(shared)
        assert "DescribeClusters" not in wire.operations, "another account's cluster: no call"
        header, *rows = _table_lines(app)
        assert header.split()[-1] == "Owner"
        assert len(rows) == len(shared)
        for row in rows:
            assert OWNERS in row
            assert row.split()[-1] == DEMO_OTHER_ACCOUNT
            assert "deleted" not in row
        await pilot.resize_terminal(120, 40)  # one column of detail: its sentences read whole
        await settle(pilot)
        text = _detail(main)
        assert (
            f"Expires {OWNERS} Its cluster is in the owner's account {DEMO_OTHER_ACCOUNT}: its "
            "retention policy cannot be read from here."
        ) in text
        assert (
            f"Retention owner's cluster (account {DEMO_OTHER_ACCOUNT}): not readable from here"
            in text
        )
        assert f"Owner {DEMO_OTHER_ACCOUNT} another account" in text
        assert "not found" not in text
        assert "deleted?" not in text


async def test_our_own_listing_has_no_owner_column(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(200, 48)) as pilot:
        await settle(pilot)
        header, *rows = _table_lines(app)
        assert header.split()[-1] == "Tags"
        assert not any(OWNERS in row for row in rows)


def _signed_in_app(
    world: DemoWorld, asked: list[str], rewrite: Any, page_size: int = 50
) -> HsmBackupsApp:
    """The app as it runs with a real profile (not --demo), over moto: the top bar asks STS
    for the caller's account (moto's is the demo account)."""
    base = world.session_factory(0)

    def record(params: dict[str, Any], **_: Any) -> None:
        asked.extend(params.get("Filters", {}).get("clusterIds", []))

    def factory(profile: str | None) -> boto3.Session:
        session = base(profile)
        session.events.register("provide-client-params.cloudhsmv2.DescribeClusters", record)
        session.events.register("after-call.cloudhsmv2.DescribeBackups", rewrite)
        return session

    settings = Settings(region=DEMO_HOME_REGION, page_size=page_size, clock=lambda: NOW)
    app = build_app(settings, BackupSource(session_factory=factory))
    app.tmux_option = lambda _name: None
    return app


async def test_a_backup_whose_arn_names_another_account_is_not_looked_up(
    world: DemoWorld,
) -> None:
    """In the caller's own listing (no Shared flag), the ARN says whose a backup is once STS
    has named the caller's account."""
    listed = [Backup.from_api(b) for b in world.backups(DEMO_HOME_REGION)][:50]
    target = next(b for b in listed if needs_cluster(b)).backup_id
    armed = threading.Event()

    def theirs(parsed: dict[str, Any], **_: Any) -> None:
        for item in parsed.get("Backups", []):
            if armed.is_set() and item.get("BackupId") == target:
                item["BackupArn"] = item["BackupArn"].replace(DEMO_ACCOUNT, DEMO_OTHER_ACCOUNT)
                item["ClusterId"] = THEIR_CLUSTER

    asked: list[str] = []
    app = _signed_in_app(world, asked, theirs)
    async with app.run_test(size=(240, 48)) as pilot:  # wide: copies widen Source
        main = await settle(pilot)
        await until(
            pilot,
            lambda: f"account {DEMO_ACCOUNT}" in screen_text(app).splitlines()[0],
            "the caller's account from STS",
        )
        assert _table_lines(app)[0].split()[-1] == "Tags", "only our own backups so far"
        armed.set()
        await pilot.press("r")  # the listing again: now one backup is another account's
        main = await settle(pilot)
        row = next(line for line in _table_lines(app) if target in line)
        assert OWNERS in row
        assert row.split()[-1] == DEMO_OTHER_ACCOUNT
        assert _table_lines(app)[0].split()[-1] == "Owner"
        assert THEIR_CLUSTER not in asked, "describe_clusters cannot see another's cluster"
        assert asked, "our own clusters are still looked up"
        ours = [b for b in main.table.rows if b.backup_id != target and needs_cluster(b)]
        assert {main.expiry_of(b).kind for b in ours} <= {"expires", "overdue"}


async def test_rows_loaded_before_sts_answered_are_judged_again_when_it_does(
    world: DemoWorld,
) -> None:
    """The top bar asks STS after the first page: rows already shown change their verdict
    (and the Owner column comes) the moment the caller's account is known."""
    listed = [Backup.from_api(b) for b in world.backups(DEMO_HOME_REGION)][:50]
    target = next(b for b in listed if needs_cluster(b)).backup_id

    def theirs(parsed: dict[str, Any], **_: Any) -> None:
        for item in parsed.get("Backups", []):
            if item.get("BackupId") == target:
                item["BackupArn"] = item["BackupArn"].replace(DEMO_ACCOUNT, DEMO_OTHER_ACCOUNT)
                item["ClusterId"] = THEIR_CLUSTER

    app = _signed_in_app(world, [], theirs)
    async with app.run_test(size=(240, 48)) as pilot:
        await settle(pilot)

        def judged() -> bool:
            row = next(line for line in _table_lines(app) if target in line)
            return OWNERS in row and _table_lines(app)[0].split()[-1] == "Owner"

        await until(pilot, judged, "the row judged as another account's")
        assert f"account {DEMO_ACCOUNT}" in screen_text(app).splitlines()[0]


def _policies(world: DemoWorld) -> dict[str, int]:
    return {
        c["ClusterId"]: int(c["BackupRetentionPolicy"]["Value"])
        for c in world.clusters(DEMO_HOME_REGION)
    }


async def test_the_detail_shows_the_retention_policy_under_the_expiry(
    make_app: AppFactory, world: DemoWorld
) -> None:
    gone = world.landmarks["cluster_gone"][-1][1]  # its cluster no longer exists
    app = make_app(query=BackupQuery(), page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await settle(pilot)
        await pilot.press("A")  # every backup of the region: each kind below is loaded
        await until(pilot, lambda: main.listing.done, "every page")
        main = await settle(pilot)
        rows = main.table.rows
        policies = _policies(world)
        mine = next(b for b in rows if needs_cluster(b) and b.cluster_id in policies)
        await _show(pilot, main, mine.backup_id)
        text = _detail(main)
        days = policies[str(mine.cluster_id)]
        retention = f"Retention {days} days · cluster {mine.cluster_id} (ACTIVE)"
        assert retention in text
        assert text.index("Expires ") < text.index(retention) < text.index("BackupId ")
        assert f"the {days}-day retention policy" in text, "beside the expiry it produces"

        copy = next(b for b in rows if b.is_copy and b.state == "READY" and not b.never_expires)
        await _show(pilot, main, copy.backup_id)
        assert "Retention not used: a copy has no cluster policy" in _detail(main)

        exempt = next(b for b in rows if b.never_expires and b.state == "READY")
        await _show(pilot, main, exempt.backup_id)
        assert "Retention not used: never expires" in _detail(main)

        orphan = next(b for b in rows if b.backup_id == gone)
        await _show(pilot, main, gone)
        assert f"Retention unknown: cluster {orphan.cluster_id} not found in us-east-1" in (
            _detail(main)
        )
        assert "Owner " not in _detail(main), "our own backups name no owner"
