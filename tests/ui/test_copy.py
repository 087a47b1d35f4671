"""Copying out of the browser: y, the Y menu, tmux, and the text fallback (exact bytes)."""

from __future__ import annotations

import base64
import shlex

from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from tests.ui.conftest import AppFactory
from tests.ui.helpers import screen_text, settle, stable, until
from tui.app import HsmBackupsApp
from tui.backups import Backup, BackupQuery
from tui.screens.copy import CopyMenu, CopyText, copy_choices


def _record(app: HsmBackupsApp) -> list[str]:
    """Every clipboard sequence the app writes to the terminal from now on."""
    written: list[str] = []
    driver = app._driver
    assert driver is not None
    write = driver.write

    def recording(data: str) -> None:
        if "52;c;" in data:  # not the frames, nor the pointer shape (OSC 22)
            written.append(data)
        write(data)

    driver.write = recording  # type: ignore[method-assign]
    return written


async def _menu_on(pilot: Pilot[str], key: str) -> CopyMenu:
    """Open the Y menu and highlight the choice `key` (as a user would with the arrows)."""
    await pilot.press("Y")
    await pilot.pause()
    menu = pilot.app.screen
    assert isinstance(menu, CopyMenu)
    index = next(i for i, c in enumerate(menu.choices) if c.key == key)
    menu.query_one(OptionList).highlighted = index
    return menu


def _osc52(text: str) -> str:
    return "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"


async def test_y_copies_the_highlighted_id_as_osc52(make_app: AppFactory) -> None:
    app = make_app()
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("j", "j")
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await pilot.press("y")
        await pilot.pause()
        assert "".join(written) == _osc52(backup.backup_id)
        said = [str(n.message) for n in app._notifications]
        assert f"Backup ID {backup.backup_id} copied to the clipboard (OSC 52)." in said, said


async def test_inside_tmux_both_the_plain_and_the_passthrough_sequence_go_out(
    make_app: AppFactory,
) -> None:
    app = make_app()
    app.environ = {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await pilot.press("y")
        await pilot.pause()
        plain = _osc52(backup.backup_id)
        wrapped = "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
        assert "".join(written) == plain + wrapped


async def test_the_menu_copies_a_ready_to_run_command(make_app: AppFactory) -> None:
    app = make_app()
    app.environ = {"TERM": "xterm-256color"}
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await _menu_on(pilot, "restore")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CopyMenu)
        (sequence,) = written
        assert sequence.startswith("\x1b]52;c;")
        assert sequence.endswith("\x07")
        copied = base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode()
        region = main.backup_query.region
        assert copied == (
            f"aws cloudhsmv2 restore-backup --backup-id {backup.backup_id} --region {region}"
        )


async def test_t_in_the_menu_shows_the_text_instead_and_writes_nothing(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        written = _record(app)
        await _menu_on(pilot, "json")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, CopyText)
        body = str(app.screen.query_one("#copy-body", Static).render())
        assert f'"BackupId": "{backup.backup_id}"' in body
        assert written == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CopyText)


async def test_text_too_big_for_one_sequence_is_shown_to_select(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        written = _record(app)
        assert app.copy_out("x" * 80_000, "a big thing") is None
        await pilot.pause()
        assert isinstance(app.screen, CopyText)
        reason = str(app.screen.query_one("#copy-reason", Static).render())
        assert "Too big for the clipboard" in reason
        assert written == []


def _words(shown: str) -> list[str]:
    """The arguments a shell gets when `shown` is pasted: continuation lines joined first."""
    return shlex.split(shown.replace(" \\\n", " "))


async def test_at_80x24_the_menu_hint_is_on_screen_and_previews_stay_one_line(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("Y")
        await pilot.pause()
        assert isinstance(app.screen, CopyMenu)
        await stable(pilot)
        shown = screen_text(app)
        assert "t as text" in shown
        assert "commands are copied, never run" in shown
        lines = shown.splitlines()
        label = next(i for i, line in enumerate(lines) if "copy-backup-to-region command" in line)
        preview = lines[label + 1]
        assert "  aws cloudhsmv2 copy-backup-to-region --destination-region" in preview
        assert preview.rstrip(" │▎").endswith("…")
        # No wrapped tail of a preview lands on a line of its own, unindented.
        assert not any("▊ backupIds=" in line or "▊ --region" in line for line in lines)


async def test_at_80x24_the_text_view_splits_a_long_command_into_continuation_lines(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        menu = await _menu_on(pilot, "copy")
        copied = next(c for c in menu.choices if c.key == "copy").text
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, CopyText)
        await stable(pilot)
        body = app.screen.query_one("#copy-body", Static)
        shown = str(body.render())
        lines = shown.split("\n")
        assert lines[0] == "aws cloudhsmv2 copy-backup-to-region \\"
        assert all(line.endswith(" \\") for line in lines[:-1])
        assert not lines[-1].endswith("\\")
        assert all(line.startswith("  --") for line in lines[1:])
        assert _words(shown) == shlex.split(copied)
        # Each shown line fits the view, so the terminal adds no newline of its own, and is a
        # screen row of its own, with no border or scrollbar a Shift+drag would take along.
        assert max(len(line) for line in lines) <= body.content_region.width
        rows = [row.rstrip() for row in screen_text(app).splitlines()]
        for line in lines:
            assert line in rows
        assert "pastes into a shell as one command" in screen_text(app)


async def test_a_command_that_fits_is_shown_on_one_line(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        menu = await _menu_on(pilot, "restore")
        copied = next(c for c in menu.choices if c.key == "restore").text
        await pilot.press("t")
        await pilot.pause()
        await stable(pilot)
        assert isinstance(app.screen, CopyText)
        assert str(app.screen.query_one("#copy-body", Static).render()) == copied
        assert "pastes into a shell as one command" not in screen_text(app)


async def test_restore_says_it_only_undoes_a_pending_deletion(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        assert backup.state != "PENDING_DELETION"
        await pilot.press("Y")
        await pilot.pause()
        await stable(pilot)
        shown = screen_text(app)
        assert "restore-backup command · undoes a pending deletion" in shown
        assert f"fails for this backup: {backup.state}, not PENDING_DELETION" in shown


def test_restore_is_told_as_undoing_a_pending_deletion() -> None:
    pending = Backup.from_api({"BackupId": "backup-abcdefghij2", "BackupState": "PENDING_DELETION"})
    ready = Backup.from_api({"BackupId": "backup-abcdefghij2", "BackupState": "READY"})
    for backup, warning in [
        (pending, ""),
        (ready, "fails for this backup: READY, not PENDING_DELETION"),
    ]:
        choices = copy_choices(backup, region=None, profile=None)
        (restore,) = [c for c in choices if c.key == "restore"]
        assert restore.label == "restore-backup command"  # the clipboard message is unchanged
        assert restore.note == "undoes a pending deletion"
        assert restore.warning == warning
        assert restore.is_command
        (delete,) = [c for c in choices if c.key == "delete"]
        assert delete.warning == (
            "" if backup is ready else "fails for this backup: already PENDING_DELETION"
        )
        assert all(not c.warning for c in choices if c.key not in ("restore", "delete"))


async def test_json_text_is_never_folded_and_a_wide_line_is_said_to_run_on(
    make_app: AppFactory,
) -> None:
    """A value folded onto two rows would be selected with a newline inside a JSON string."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = '{\n  "BackupArn": "' + "a" * 150 + '"\n}'
        app.push_screen(CopyText("The backup as JSON", text))
        await pilot.pause()
        await stable(pilot)
        shown = screen_text(app)
        assert "Long lines go on to the right" in shown
        row = next(line for line in shown.splitlines() if '"BackupArn"' in line)
        assert row.rstrip().endswith("a" * 20)  # cut at the screen's edge, not folded
        assert not any(
            line.strip() == "a" * len(line.strip()) and line.strip() for line in shown.splitlines()
        )
        await pilot.press("end")
        await pilot.press("right", "right", "right")
        await pilot.pause()
        view = app.screen.query_one("#copy-text")
        assert view.scroll_x > 0


async def test_json_text_that_fits_has_no_note(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        app.push_screen(CopyText("The backup as JSON", '{\n  "BackupId": "backup-x"\n}'))
        await pilot.pause()
        await stable(pilot)
        assert "Long lines go on to the right" not in screen_text(app)
        assert '  "BackupId": "backup-x"' in screen_text(app)


async def test_with_no_row_highlighted_the_keys_say_so(make_app: AppFactory) -> None:
    """No match: y, Y, L and m each answer rather than do nothing at all."""
    app = make_app(query=BackupQuery(backup_ids=("backup-aaaaaaaaaaa",)))
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        assert main.table.current is None
        assert main.listing.done
        written = _record(app)
        for key in ("y", "Y", "L", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, CopyMenu)
        said = [str(n.message) for n in app._notifications]
        assert said.count("No backup is highlighted to copy.") == 2
        assert "No backup is highlighted to search for copies of." in said
        assert "Every backup of this query is already loaded." in said
        assert written == []


async def test_at_160_columns_the_menu_shows_whole_commands_and_a_json_preview(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        await pilot.press("Y")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, CopyMenu)
        await stable(pilot)
        shown = screen_text(app)
        copy = next(c for c in menu.choices if c.key == "copy").text
        assert f"  {copy}" in shown, "the whole command, not cut"
        assert f'  {{ "BackupId": "{backup.backup_id}", "BackupArn":' in shown


async def test_a_shared_backups_commands_say_shared_and_name_its_owner(
    make_app: AppFactory,
) -> None:
    app = make_app(query=BackupQuery(shared=True), endpoint_url="https://hsm.example.internal")
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        backup = main.table.current
        assert backup is not None
        assert backup.arn is not None
        owner = backup.arn.split(":")[4]
        written = _record(app)
        menu = await _menu_on(pilot, "describe")
        await pilot.press("enter")
        await until(pilot, lambda: bool(written), "the clipboard sequence")
        copied = base64.b64decode(written[0][len("\x1b]52;c;") : -1]).decode()
        argv = shlex.split(copied)
        assert "--shared" in argv
        assert argv[-2:] == ["--endpoint-url", "https://hsm.example.internal"]
        await pilot.press("Y")
        await pilot.pause()
        await stable(pilot)
        shown = screen_text(app)
        assert f"fails for a shared backup: owner {owner} only" in shown
        create = next(c for c in menu.choices if c.key == "create_cluster")
        assert backup.arn in shlex.split(create.text)
        assert not create.warning
