"""The command palette (ctrl+p): each command does what it says, on the screen."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from textual.widgets import Input, Select

from tests.ui.conftest import AppFactory, Wire
from tests.ui.helpers import Heard, screen_text, settle, until
from tests.ui.palette_helpers import hits, open_palette, pick
from tests.ui.test_copy import _record
from tui.backups.demo import DemoWorld
from tui.screens import MainScreen
from tui.screens.export import ExportScreen
from tui.widgets import FilterSidebar


def _osc52(text: str) -> str:
    return "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"


async def test_typing_a_backup_id_offers_to_show_it_and_that_sets_the_filter(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        wanted = main.table.rows[7]
        await pick(pilot, wanted.backup_id, f"Show backup {wanted.backup_id}")
        await settle(pilot)
        assert main.backup_query.backup_ids == (wanted.backup_id,)
        assert main.query_one("#backup-ids", Input).value == wanted.backup_id
        assert [b.backup_id for b in main.table.rows] == [wanted.backup_id]


async def test_text_that_is_no_backup_id_offers_no_show_backup(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        palette = await open_palette(pilot, "backup-1")  # "1" is not base32: not an ID
        assert not any(name.startswith("Show backup") for name in hits(palette))


async def test_filter_by_the_highlighted_backups_cluster(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("j", "j", "j")
        cluster = main.table.current.cluster_id if main.table.current else None
        assert cluster
        await pick(pilot, "filter by cluster", f"Filter by cluster {cluster}")
        await settle(pilot)
        assert main.backup_query.cluster_ids == (cluster,)
        assert main.query_one("#cluster-ids", Input).value == cluster
        assert main.table.rows
        assert {b.cluster_id for b in main.table.rows} == {cluster}


async def test_filter_by_cluster_is_only_offered_for_a_cluster_id_the_api_accepts(
    make_app: AppFactory, wire: Wire
) -> None:
    hostile = "cluster-\x9d0;pwned\x9c"

    def sneak(parsed: dict[str, Any]) -> None:
        wire.rewrite = None  # the first page only
        parsed["Backups"][0]["ClusterId"] = hostile

    wire.rewrite = sneak
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert main.table.current is not None
        assert main.table.current.cluster_id == hostile
        palette = await open_palette(pilot, "filter by cluster")
        offered = [name for name in hits(palette) if name.startswith("Filter by cluster")]
        assert offered == [], "an ID that is not a cluster ID is never a filter to send"
        await pilot.press("escape")
        await pilot.press("j")
        await settle(pilot)
        valid = main.table.current.cluster_id if main.table.current else None
        assert valid
        assert valid != hostile
        await pick(pilot, "filter by cluster", f"Filter by cluster {valid}")
        await settle(pilot)
        sent = [
            c["Filters"]["clusterIds"] for c in wire.calls if "clusterIds" in c.get("Filters", {})
        ]
        assert sent == [[valid]], "only the valid ID went out"


async def test_switch_region_lists_that_region_and_drops_the_late_page(
    make_app: AppFactory, world: DemoWorld, wire: Wire
) -> None:
    wire.hold = True
    app = make_app()
    landed = Heard(MainScreen.PageLoaded)
    async with app.run_test(size=(120, 36), message_hook=landed) as pilot:
        main = app.main_screen
        await until(pilot, lambda: wire.waiting == 1, "the home region's first page in flight")
        await pick(pilot, "eu-west", "Switch region: eu-west-1")
        assert main.backup_query.region == "eu-west-1"
        assert main.query_one("#region", Select).value == "eu-west-1"
        wire.release()
        await settle(pilot)
        assert [m.generation for m in landed.messages] == [1, main.generation]
        expected = [b["BackupId"] for b in world.backups("eu-west-1")][:50]
        assert [b.backup_id for b in main.table.rows] == expected
        assert "eu-west-1" in screen_text(app).splitlines()[0]
        assert wire.calls[-1] == {"MaxResults": 50, "SortAscending": False}


async def test_one_switch_region_hit_per_region_each_with_help(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        palette = await open_palette(pilot, "switch region")
        shown = {name: text for name, text in hits(palette).items() if ": " in name}
        assert set(shown) == {f"Switch region: {r}" for r in main.regions}
        assert all(shown.values())


async def test_toggle_sidebar_hides_and_shows_the_filters(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert "─ Filters ─" in screen_text(app)
        await pick(pilot, "toggle filters", "Toggle filters sidebar")
        await settle(pilot)
        assert main.has_class("-filters-hidden")
        assert "─ Filters ─" not in screen_text(app)
        await pick(pilot, "toggle filters", "Toggle filters sidebar")
        await settle(pilot)
        assert "─ Filters ─" in screen_text(app)


async def test_refresh_starts_the_listing_again(make_app: AppFactory, wire: Wire) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        generation, calls = main.generation, len(wire.calls)
        await pick(pilot, "refresh", "Refresh")
        await settle(pilot)
        assert main.generation == generation + 1
        assert len(wire.calls) == calls + 1
        assert "NextToken" not in wire.calls[-1]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Copy backup ID", lambda b, q: b.backup_id),
        ("Copy ARN", lambda b, q: b.arn),
        (
            "Copy restore-backup command",
            lambda b, q: f"aws cloudhsmv2 restore-backup --backup-id {b.backup_id} --region {q}",
        ),
    ],
)
async def test_copy_commands_write_the_exact_clipboard_bytes(
    make_app: AppFactory, name: str, text: Any
) -> None:
    app = make_app()
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("j")
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await pick(pilot, "copy", name)
        await until(pilot, lambda: bool(written), "the clipboard sequence")
        assert "".join(written) == _osc52(text(backup, main.backup_query.region))


async def test_copy_the_backup_as_json(make_app: AppFactory) -> None:
    app = make_app()
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await pick(pilot, "copy json", "Copy the backup as JSON")
        await until(pilot, lambda: bool(written), "the clipboard sequence")
        (sequence,) = written
        copied = base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode()
        assert f'"BackupId": "{backup.backup_id}"' in copied


async def test_the_time_command_cycles_the_times_like_t(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        header = screen_text(app).splitlines()[2]  # top bar, table border, then the header
        assert "Created (UTC)" in header
        await pick(pilot, "cycle time", "Cycle time display")
        await settle(pilot)
        assert "Created (local)" in screen_text(app).splitlines()[2]
        await pick(pilot, "cycle time", "Cycle time display")
        await settle(pilot)
        assert "Created (age)" in screen_text(app).splitlines()[2]


async def test_the_export_command_opens_the_export_dialog(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pick(pilot, "export", "Export…")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")


async def test_textuals_screenshot_and_keys_commands_are_not_offered(
    make_app: AppFactory,
) -> None:
    """Screenshot saved onto the remote host (or failed without saying where); Keys' panel
    ignored Esc. Theme and Quit stay."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for typed in ("screenshot", "keys"):
            shown = hits(await open_palette(pilot, typed))
            assert "Screenshot" not in shown
            assert "Keys" not in shown
            await pilot.press("escape")
        shown = hits(await open_palette(pilot, "quit"))
        assert "Quit" in shown


async def test_every_hit_has_help_and_the_theme_command_stays(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        shown = hits(await open_palette(pilot))
        assert "Theme" in shown
        for mine in ("Switch profile…", "Switch region…", "Toggle filters sidebar", "Refresh"):
            assert mine in shown
        assert all(shown.values()), [name for name, text in shown.items() if not text]
        await pilot.press("escape")
        shown = hits(await open_palette(pilot, "o"))  # nearly everything matches an "o"
        assert len(shown) > 10
        assert all(shown.values()), [name for name, text in shown.items() if not text]


async def test_profile_switching_is_not_available_in_the_demo(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        generation = main.generation
        await pick(pilot, "switch profile", "Switch profile: demo")
        await pilot.press("P")
        await pilot.pause()
        assert main.generation == generation
        notes = [str(n.message) for n in app._notifications]
        assert len([n for n in notes if "The demo has one fake account" in n]) == 2
        assert isinstance(app.screen, MainScreen)
        assert main.query_one(FilterSidebar)


async def test_a_pasted_arn_shows_the_backup_in_the_arns_region(
    make_app: AppFactory, world: DemoWorld
) -> None:
    (origin, _original), (elsewhere, copy), _ = world.landmarks["copied_twice"]
    arn = next(b["BackupArn"] for b in world.backups(elsewhere) if b["BackupId"] == copy)
    app = make_app(region=origin)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pick(pilot, arn, f"Show backup {copy} in {elsewhere}")
        await settle(pilot)
        assert main.backup_query.region == elsewhere
        assert main.backup_query.backup_ids == (copy,)
        assert [b.backup_id for b in main.table.rows] == [copy]
        assert elsewhere in screen_text(app).splitlines()[0]
