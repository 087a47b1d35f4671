"""Pilot tests for a hostile world: odd pages, refused tokens, odd responses, hostile text,
resizes mid-load, and a whole session that must only ever read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from textual import events
from textual.notifications import Notify
from textual.widgets import Checkbox, Input, OptionList, Static

from tests.ui.conftest import NOW, AppFactory, Wire
from tests.ui.helpers import Heard, screen_text, settle, until
from tests.ui.palette_helpers import hits, open_palette, pick
from tests.ui.terminal_bytes import TerminalBytes
from tui.app import HsmBackupsApp, build_app
from tui.backups import BackupSource, clean
from tui.backups.demo import DEMO_HOME_REGION, DemoWorld, WorldSpec
from tui.screens.copy import CopyMenu, CopyText
from tui.screens.export import ExportScreen
from tui.settings import Settings
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
    async with app.run_test(size=(160, 50)) as pilot:  # the detail shows its last field whole
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


# ---- every text path, one hostile profile name and one hostile backup ID -----------------------

#: A profile name carrying every trick: OSC 52 (clipboard, ended by ST), OSC 0 (title, ended by
#: BEL), a CSI that makes the terminal type an answer (DSR), and a C1 OSC ended by a C1 ST.
HOSTILE_PROFILE = "prod-\x1b]52;c;ZWNobyBQV05FRAo=\x1b\\-\x1b]0;pwned\x07-\x1b[6n-\x9d0;x\x9c"
#: The same tricks in a backup ID short enough (40) for the "Copied" notice to quote it.
HOSTILE_ID = "backup-\x1b]0;t\x07\x1b[6n\x9d0;x\x9c\x1b]52;c;cHduZWQ=\x1b\\"
HOSTILE_CLUSTER = "cluster-\x9d0;x\x9c\x1b[6n"
#: A copy's source: an ID and a region no API would accept (the region ends up in an error).
HOSTILE_SOURCE = "backup-\x1b]0;src\x07"
HOSTILE_REGION = "eu-\x1b]0;r\x07west-1"
#: What of them stays readable once cleaned: proof that each path showed the value.
PROFILE_SEEN = "ZWNobyBQV05FRAo="
ID_SEEN = "cHduZWQ="


def _hostile_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS files naming the hostile profile (credentials only: its region is the default's)."""
    (tmp_path / "config").write_text("[default]\nregion = us-east-1\n\n[profile nokeys]\n")
    (tmp_path / "credentials").write_text(
        "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n"
        f"[{HOSTILE_PROFILE}]\naws_access_key_id = AKIAHOSTILE\naws_secret_access_key = h\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def _real_app(world: DemoWorld, wire: Wire) -> HsmBackupsApp:
    """The app as the CLI builds it without --demo: boto3 sessions reading the AWS files."""
    assert world.regions  # moto's mock is running: nothing leaves the process

    def factory(profile: str | None) -> boto3.Session:
        session = boto3.Session(profile_name=profile)
        session.events.register("provide-client-params.cloudhsmv2.DescribeBackups", wire.hook)
        session.events.register("after-call.cloudhsmv2.DescribeBackups", wire.after)
        session.events.register("before-call.cloudhsmv2", wire.operation)
        return session

    app = build_app(Settings(clock=lambda: NOW), BackupSource(session_factory=factory))
    app.tmux_option = lambda _name: None
    return app


def _controls(text: str) -> list[str]:
    """The control characters (C0 but newline, DEL, C1) and ESCs left in `text`."""
    return [c for c in text if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]


async def test_a_hostile_profile_and_backup_id_reach_no_terminal_through_any_path(
    world: DemoWorld, wire: Wire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14's Done means: the table, detail, lineage, copy menu and its text view, the
    palette, every notification (switched, copied, exported, gone, errors), the top bar, the
    status and the titles, with the bytes a terminal would get checked for every ESC, BEL and
    C1 control that is not the app's own. A new path without the sanitiser fails here (and
    the AST guard in tests/unit/test_text_paths.py fails for a new notify or title)."""
    _hostile_files(tmp_path, monkeypatch)
    original = next(
        b["BackupId"]
        for b in world.backups(DEMO_HOME_REGION)
        if b["BackupState"] == "CREATE_IN_PROGRESS"
    )

    def hostile_row(parsed: dict[str, Any]) -> None:
        for item in parsed.get("Backups", []):
            if item["BackupId"] == original:
                item.update(
                    BackupId=HOSTILE_ID,
                    ClusterId=HOSTILE_CLUSTER,
                    SourceBackup=HOSTILE_SOURCE,
                    SourceRegion=HOSTILE_REGION,
                    TagList=[{"Key": HOSTILE_ID, "Value": HOSTILE_PROFILE}],
                )

    wire.rewrite = hostile_row
    app = _real_app(world, wire)
    out = TerminalBytes.of(app)
    told = Heard(Notify)
    async with app.run_test(size=(160, 48), notifications=True, message_hook=told) as pilot:
        out.watch_writes(app)
        main = await settle(pilot)

        # The profile: picked in the palette (its hit), then in the top bar and a notice.
        await pick(pilot, "prod", f"Switch profile: {clean(HOSTILE_PROFILE)}", key="P")
        main = await settle(pilot)
        assert main.source.profile == HOSTILE_PROFILE
        assert PROFILE_SEEN in screen_text(app).splitlines()[0], "the top bar names it"
        assert out.problems() == [], "the palette, the top bar, the switched notice"

        # The row: table, detail (ID, cluster, tag, source), lineage with its failed look-up.
        index = next(i for i, b in enumerate(main.table.rows) if b.backup_id == HOSTILE_ID)
        main.table.move_cursor(index)
        await settle(pilot)
        assert ID_SEEN in screen_text(app)
        await pilot.press("enter", "tab")
        tree = main.query_one(LineageTree)
        await until(pilot, lambda: app.focused is tree, "the lineage tree")
        await settle(pilot)
        assert "0;src" in screen_text(app), "the source node is shown, as text"
        # Enter on the source node: not a backup ID, so no jump (and nothing put in a field).
        generation = main.generation
        for _ in range(3):
            await pilot.press("up")
        await pilot.press("enter")
        await settle(pilot)
        assert out.problems() == [], "the table, the detail, the lineage"
        assert main.generation == generation, "no listing of an ID that cannot be one"
        said = [m.notification.message for m in told.messages]
        assert any(m.startswith("Cannot go there: not a backup ID: backup- ]0;src") for m in said)
        await pilot.press("escape")
        await settle(pilot)

        # The copy menu, its text view, and y (the one clipboard write of the session).
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        await settle(pilot)
        assert ID_SEEN in screen_text(app)
        menu = app.screen
        assert isinstance(menu, CopyMenu)
        restore = next(i for i, c in enumerate(menu.choices) if c.key == "restore")
        menu.query_one(OptionList).highlighted = restore
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, CopyText), "the text view")
        await settle(pilot)
        assert ID_SEEN in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert out.copied() == [clean(HOSTILE_ID)], "what was copied, cleaned: nothing else"
        assert out.problems() == [], "the copy menu, its text view, the copied notice"

        # The palette's hits for the row (copies; no filter by that cluster) and the profiles.
        palette = await open_palette(pilot, "copy")
        assert "Copy backup ID" in hits(palette)
        await pilot.press("escape")
        palette = await open_palette(pilot, "prod")
        assert any(PROFILE_SEEN in name for name in hits(palette))
        await pilot.press("escape")
        await settle(pilot)

        # Export: the dialog, and its notice.
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "h.csv")
        await pilot.press("enter")
        await until(pilot, lambda: (tmp_path / "h.csv").exists(), "the export")
        await settle(pilot)
        assert out.problems() == [], "the palette's hits, the export"

        # The watch: an API error, then the hostile row gone.
        hostile_error = ClientError(
            {"Error": {"Code": "Throttling\x1b]0;e\x07", "Message": "slow \x1b]52;c;cHduZWQ=\x07"}},
            "DescribeBackups",
        )
        wire.fail_with = hostile_error
        main.watcher.check_now()  # as its timer would, 30 s on
        await until(pilot, lambda: main.watcher.error is not None, "the failed re-check")
        wire.fail_with = None
        main.watcher.check_now()
        await until(pilot, lambda: HOSTILE_ID not in main.watcher.watched, "the row gone")
        await settle(pilot)
        # A page that fails with the same error: the table's message, the status, a notice.
        wire.fail_with = hostile_error
        await pilot.press("r")
        main = await settle(pilot)
        assert main.error is not None
        wire.fail_with = None
        assert out.problems() == [], "the watch's notices, the error's message and notice"

        # A profile that cannot sign in: the error names the way back, the hostile profile.
        await pick(pilot, "nokeys", "Switch profile: nokeys", key="P")
        main = await settle(pilot)
        shown = main.table._message  # under the toasts on screen, but drawn all the same
        assert shown is not None
        assert f"the one before was {clean(HOSTILE_PROFILE)}." in shown.plain

        titles = {m.notification.title for m in told.messages}
        for title in ("Profile switched", "Copied", "Exported", "Backup gone"):
            assert title in titles, title
        code = clean("Throttling\x1b]0;e\x07")
        assert {
            f"{code} · watch",
            f"{code} · AWS error",
            "NoCredentials · No AWS credentials",
        } <= titles
        # Titles are not drawn here (no Header) and Textual sends none to the terminal; the
        # AST guard holds them to literals and clean() all the same.
        assert _controls(app.title + app.sub_title) == []
        for screen in app.screen_stack:
            assert _controls(f"{screen.title or ''}{screen.sub_title or ''}") == []

    assert out.problems() == [], "nothing from the data acted on the terminal"
    for message in told.messages:
        notification = message.notification
        assert notification.markup is False
        assert _controls(notification.title + notification.message) == [], notification
    assert not any(
        HOSTILE_CLUSTER in c.get("Filters", {}).get("clusterIds", []) for c in wire.calls
    )


async def test_a_pasted_escape_sequence_is_shown_and_flagged_as_text(
    make_app: AppFactory, wire: Wire
) -> None:
    """A paste is where text from a web page or a chat comes in; Input draws it as it is."""
    app = make_app()
    out = TerminalBytes.of(app)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        calls = len(wire.calls)
        await pilot.press("slash")
        field = main.query_one("#backup-ids", Input)
        await until(pilot, lambda: app.focused is field, "the Backup IDs field")
        field.post_message(events.Paste("backup-\x1b]0;pasted\x07\x1b]52;c;cHduZWQ=\x1b\\"))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert field.value == clean("backup-\x1b]0;pasted\x07\x1b]52;c;cHduZWQ=\x1b\\")
        said = str(main.query_one("#backup-ids-error", Static).render())
        assert said == "not a backup ID: backup-, ]0, pasted …"
        assert out.problems() == [], "the paste reached the terminal as it came"
        assert len(wire.calls) == calls, "nothing is sent while the field is invalid"
