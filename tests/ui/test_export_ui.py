"""Export (e): what a user gets in the file, read back; the overwrite question; errors in place."""

from __future__ import annotations

import csv
import errno
import json
import os
import stat
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, RadioButton, Static

from tests.ui.conftest import NOW, AppFactory
from tests.ui.helpers import focus_of, screen_text, settle, until
from tui import __version__
from tui.app import HsmBackupsApp
from tui.backups import BackupQuery, clean
from tui.backups import export as export_module
from tui.backups.demo import DEMO_HOME_REGION, DemoWorld, WorldSpec
from tui.backups.demo_data import HOSTILE_VALUES
from tui.screens import MainScreen
from tui.screens.export import ExportScreen, FormatChoice

DEFAULT_NAME = f"hsm-backups-{NOW:%Y%m%d-%H%M%S}"


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(the `#` lines, the rows by column) as a reader that skips comment lines sees them."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    comments = [line.rstrip("\n") for line in lines if line.startswith("#")]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return comments, rows


def _message(app: HsmBackupsApp) -> str:
    return str(app.screen.query_one("#export-message", Static).render())


async def _open(pilot: Pilot[str]) -> ExportScreen:
    await pilot.press("e")
    await until(pilot, lambda: isinstance(pilot.app.screen, ExportScreen), "the export dialog")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run from tmp_path, so paths under it can be typed short (each key is a UI round)."""
    monkeypatch.chdir(tmp_path)


async def _type_path(pilot: Pilot[str], path: Path | str) -> None:
    """Clear the file name and type another, key by key, as a user would.

    A path under the current directory is typed relative to it, as a user would type it.
    """
    text = str(path)
    if Path(text).is_absolute() and Path(text).is_relative_to(Path.cwd()):
        text = os.path.relpath(text)
    await pilot.press("end", "ctrl+u", *text)


async def _export_to(pilot: Pilot[str], path: Path | str) -> None:
    """Type `path`, press Enter, wait for the file to be written and the dialog to close."""
    await _type_path(pilot, path)
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(pilot.app.screen, ExportScreen), "the export")


async def _answer(pilot: Pilot[str]) -> None:
    """Wait for the writing thread to finish and its answer to reach the dialog."""
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    await pilot.app.workers.wait_for_complete()
    await until(pilot, lambda: not screen.writing, "the writing thread")
    await pilot.pause()


async def test_e_writes_the_loaded_rows_as_csv_with_the_query_in_comment_lines(
    make_app: AppFactory, tmp_path: Path
) -> None:
    query = BackupQuery(region=DEMO_HOME_REGION, states=("READY", "PENDING_DELETION"))
    app = make_app(page_size=20, query=query)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        await pilot.press("m")  # a second page: "loaded" means every loaded page
        main = await settle(pilot)
        loaded = [b.backup_id for b in main.table.rows]
        n = len(loaded)  # two or three pages: the table's height decides the prefetch
        assert n > 20
        more = "complete" if main.listing.done else "more available"
        target = tmp_path / "ready.csv"
        await _open(pilot)
        await _export_to(pilot, target)
        comments, rows = _read_csv(target)
        assert [row["BackupId"] for row in rows] == loaded
        assert {row["BackupState"] for row in rows} <= {"READY", "PENDING_DELETION"}
        assert comments == [
            f"# hsm-backups export ({__version__})",
            "# schema_version: 2",
            "# profile: demo",
            f"# region: {DEMO_HOME_REGION}",
            "# filters: states=READY,PENDING_DELETION",
            "# shared: false",
            "# sort: newest first",
            "# local_filter: none",
            f"# loaded: {n} ({more})",
            f"# exported_at: {NOW:%Y-%m-%dT%H:%M:%S}Z",
            f"# count: {n}",
        ]
        note = next(x for x in app._notifications if x.title == "Exported")
        assert note.message == f"{n} backups written to ./{target.name} (CSV)."


async def test_json_keeps_the_api_order_and_a_header_object(
    make_app: AppFactory, tmp_path: Path
) -> None:
    query = BackupQuery(region=DEMO_HOME_REGION, sort_ascending=True, shared=True)
    app = make_app(query=query)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        loaded = main.table.rows
        await _open(pilot)
        app.screen.query_one("#export-json", RadioButton).value = True
        await _export_to(pilot, tmp_path / "all.json")
        doc = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
        assert [b["BackupId"] for b in doc["backups"]] == [b.backup_id for b in loaded]
        first = doc["backups"][0]
        assert first["BackupArn"] == loaded[0].arn
        assert first["CreateTimestamp"].endswith("Z")
        header = doc["query"]
        assert header["profile"] == "demo"
        assert header["region"] == DEMO_HOME_REGION
        assert header["filters"] == {}
        assert header["shared"] is True
        assert header["sort"] == "oldest first"
        assert header["local_filter"] is None
        assert header["count"] == header["loaded"] == len(loaded)
        assert header["complete"] is main.listing.done
        assert header["exported_at"] == f"{NOW:%Y-%m-%dT%H:%M:%S}Z"
        assert header["tool_version"] == __version__


async def test_the_local_filter_exports_only_the_rows_shown_and_says_so(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#expiring-within", Input).focus()
        await pilot.press("3", "0", "enter")
        main = await settle(pilot)
        shown, loaded = list(main.table.rows), len(main.table.all_rows)
        assert 1 < len(shown) < loaded
        await pilot.press("escape")
        dialog = await _open(pilot)
        rows_text = str(dialog.query_one("#export-rows", Static).render())
        assert f"The {len(shown)} backups the table shows (expiring within 30 days" in rows_text
        await _export_to(pilot, tmp_path / "soon.json")
        doc = json.loads((tmp_path / "soon.json").read_text(encoding="utf-8"))
        assert [b["BackupId"] for b in doc["backups"]] == [b.backup_id for b in shown]
        assert doc["query"]["local_filter"] == "expiring within 30 days"
        assert doc["query"]["loaded"] == loaded
        assert doc["query"]["count"] == len(shown)


async def test_the_suggested_name_is_in_the_current_directory_and_follows_the_format(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        path_input = dialog.query_one("#export-path", Input)
        assert path_input.value == str(tmp_path / f"{DEFAULT_NAME}.csv")
        assert "●▌ CSV" in screen_text(app)
        assert "●▌ JSON" not in screen_text(app), "only the chosen format has its dot"
        dialog.query_one("#export-json", RadioButton).value = True
        await pilot.pause()
        assert path_input.value == str(tmp_path / f"{DEFAULT_NAME}.json")
        assert "●▌ JSON" in screen_text(app)
        assert "●▌ CSV" not in screen_text(app)
        await _type_path(pilot, "mine.txt")
        dialog.query_one("#export-csv", RadioButton).value = True
        await pilot.pause()
        assert path_input.value == "mine.txt", "an edited name is the user's: left alone"
        await _type_path(pilot, "typed.json")
        await pilot.pause()
        assert dialog.format == "json", "typing a .json name picks JSON"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        doc = json.loads((tmp_path / "typed.json").read_text(encoding="utf-8"))
        assert doc["query"]["count"] == len(doc["backups"]) > 0
        note = next(x for x in app._notifications if x.title == "Exported")
        assert str(note.message).endswith("written to ./typed.json (JSON)."), note.message


async def test_enter_exports_from_the_format_choice(make_app: AppFactory, tmp_path: Path) -> None:
    """The steps of the trial that found Enter doing nothing there (the radio set kept it)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        dialog = await _open(pilot)
        await pilot.press("shift+tab")
        assert app.focused is dialog.query_one("#export-format", FormatChoice)
        await pilot.press("right", "space")
        assert dialog.format == "json"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        doc = json.loads((tmp_path / f"{DEFAULT_NAME}.json").read_text(encoding="utf-8"))
        assert [b["BackupId"] for b in doc["backups"]] == [b.backup_id for b in main.table.rows]
        assert doc["query"]["count"] == len(main.table.rows)


async def test_the_arrows_pick_the_format_so_enter_writes_what_is_shown(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A highlight that is not the pick would make Enter write the format not shown as chosen."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        path_input = dialog.query_one("#export-path", Input)
        await pilot.press("shift+tab", "right")
        assert dialog.query_one("#export-json", RadioButton).value
        assert path_input.value == str(tmp_path / f"{DEFAULT_NAME}.json")
        await pilot.press("left")
        assert dialog.format == "csv"
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        assert [p.name for p in tmp_path.iterdir()] == [f"{DEFAULT_NAME}.csv"]


async def test_enter_on_the_format_choice_does_not_answer_the_overwrite_question(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Enter exports from anywhere but the question, where only y, n, Esc and its buttons act."""
    target = tmp_path / "precious.csv"
    target.write_text("precious\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, target)
        await pilot.press("enter")
        await _answer(pilot)
        assert dialog.confirming == target
        for _ in range(4):
            if isinstance(app.focused, FormatChoice):
                break
            await pilot.press("shift+tab")
        assert isinstance(app.focused, FormatChoice)
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.confirming == target, "still asking: only y / n / Esc answer"
        assert not dialog.writing
        assert target.read_text(encoding="utf-8") == "precious\n"


async def test_the_dialog_always_opens_in_the_file_name(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never in the format choice, not even for a moment (it is first in the layout).

    Textual focuses a new screen's first focusable widget before `on_mount` runs, so the format
    choice held the focus for a moment on every opening. Every focus change is recorded.
    """
    focused: list[str | None] = []
    set_focus = ExportScreen.set_focus

    def recording(screen: ExportScreen, widget: Widget | None, *args: Any, **kw: Any) -> None:
        focused.append(None if widget is None else widget.id)
        set_focus(screen, widget, *args, **kw)

    monkeypatch.setattr(ExportScreen, "set_focus", recording)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, FormatChoice)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        focused.clear()
        dialog = await _open(pilot)
        path_input = dialog.query_one("#export-path", Input)
        assert focus_of(app) is path_input
        assert path_input.cursor_position == len(path_input.value)
        assert set(focused) == {"export-path"}, f"focus went through {focused}"


async def test_an_existing_file_is_only_replaced_after_a_yes(
    make_app: AppFactory, tmp_path: Path
) -> None:
    target = tmp_path / "precious.csv"
    target.write_text("precious\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, target)
        await pilot.press("enter")
        await _answer(pilot)
        assert dialog.confirming == target
        assert f"{target} already exists. Overwrite it?" in _message(app)
        assert "y overwrites" in screen_text(app)
        assert target.read_text(encoding="utf-8") == "precious\n"
        await pilot.press("enter")  # the safe button has the focus: keep the file
        await pilot.pause()
        assert dialog.confirming is None
        assert isinstance(app.screen, ExportScreen)
        assert target.read_text(encoding="utf-8") == "precious\n"
        await pilot.press("enter")  # Enter in the path again: asked again, never replaced
        await _answer(pilot)
        assert dialog.confirming == target
        assert target.read_text(encoding="utf-8") == "precious\n"
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        _, rows = _read_csv(target)
        assert [r["BackupId"] for r in rows] == [b.backup_id for b in main.table.rows]
        assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.csv"]


async def test_esc_leaves_the_question_then_the_dialog_and_writes_nothing(
    make_app: AppFactory, tmp_path: Path
) -> None:
    target = tmp_path / "precious.json"
    target.write_text("{}", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, target)
        await pilot.press("enter")
        await _answer(pilot)
        assert dialog.confirming == target
        await pilot.press("escape")
        assert dialog.confirming is None
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert target.read_text(encoding="utf-8") == "{}"
        assert [p.name for p in tmp_path.iterdir()] == ["precious.json"]


@pytest.mark.parametrize("world", [WorldSpec(hostile=True)], indirect=True)
@pytest.mark.parametrize("fmt", ["csv", "json"])
async def test_hostile_text_comes_out_raw_without_control_characters(
    make_app: AppFactory, tmp_path: Path, fmt: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        tagged = [b for b in main.table.rows if b.tags]
        hostile = {v for b in tagged for _, v in b.tags if v in HOSTILE_VALUES}
        assert "[@click=app.quit]x[/]" in hostile, "the first page carries markup"
        assert any(clean(v) != v for v in hostile), "and control characters"
        target = tmp_path / f"hostile.{fmt}"
        await _open(pilot)
        await _export_to(pilot, target)
        text = target.read_text(encoding="utf-8")
        assert clean(text.replace("\n", "")) == text.replace("\n", "")
        if fmt == "json":
            doc = json.loads(text)
            values = {t["Value"] for b in doc["backups"] for t in b.get("TagList", [])}
        else:
            _, rows = _read_csv(target)
            values = {t["Value"] for row in rows if row["Tags"] for t in json.loads(row["Tags"])}
        for value in hostile:
            assert clean(value) in values, f"{value!r} reaches the file as its cleaned self"
        assert app.is_running, "no markup was run along the way ([@click=app.quit])"


async def test_a_missing_folder_is_shown_in_the_dialog_and_can_be_fixed(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, tmp_path / "nope" / "x.csv")
        await pilot.press("enter")
        await _answer(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "The folder" in _message(app)
        assert "does not exist" in _message(app)
        assert "Traceback" not in screen_text(app)
        assert app.focused is dialog.query_one("#export-path", Input)
        await _export_to(pilot, tmp_path / "x.csv")
        assert (tmp_path / "x.csv").is_file()
        assert not (tmp_path / "nope").exists()


async def test_a_full_disk_says_so_and_leaves_nothing_behind(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tui.backups.export.os.fsync", full)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _open(pilot)
        await _type_path(pilot, tmp_path / "big.json")
        await pilot.press("enter")
        await _answer(pilot)
        assert "The disk is full" in _message(app)
        assert "Nothing was written." in _message(app)
        assert list(tmp_path.iterdir()) == []


async def test_writing_runs_in_a_thread_while_the_screen_stays_live(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    threads: list[threading.Thread] = []
    real = export_module.export_csv

    def slow(*args: Any, **kw: Any) -> None:
        threads.append(threading.current_thread())
        gate.wait(10)
        real(*args, **kw)

    monkeypatch.setattr("tui.screens.export.export_csv", slow)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, tmp_path / "slow.csv")
        await pilot.press("enter")
        await until(pilot, lambda: bool(threads), "the writer to start")
        await pilot.pause()
        assert "Writing 50 backups to" in _message(app)
        assert dialog.writing
        await pilot.press("escape")  # cannot cancel halfway: the dialog stays and says so
        assert app.screen is dialog
        assert threads[0] is not threading.main_thread()
        gate.set()
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        assert (tmp_path / "slow.csv").is_file()


async def test_with_no_rows_nothing_is_written_and_the_user_is_told(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    query = BackupQuery(region=DEMO_HOME_REGION, backup_ids=("backup-aaaaaaaaaaa",))
    app = make_app(query=query)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await settle(pilot)
        assert main.listing.done
        assert not main.table.rows
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("Nothing to export" in str(n.message) for n in app._notifications)
        assert list(tmp_path.iterdir()) == []


async def test_q_in_the_name_is_a_letter_and_on_the_format_closes_the_dialog(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, "q")
        assert dialog.query_one("#export-path", Input).value == "q"
        await pilot.press("shift+tab")  # to the format choice
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "q closes the dialog, not the app"
        assert isinstance(app.screen, MainScreen)


async def _exported_note(pilot: Pilot[str]) -> str:
    """The "Exported" notice (notify posts a message: it may land after the dialog closed)."""
    app = pilot.app
    await until(pilot, lambda: any(x.title == "Exported" for x in app._notifications), "notice")
    return str(next(x for x in app._notifications if x.title == "Exported").message)


@pytest.mark.parametrize(
    ("name", "chosen", "written"),
    [("x.json", "csv", "json"), ("x.JSON", "csv", "json"), ("x.csv", "json", "csv")],
)
async def test_a_name_and_enter_in_one_burst_write_the_names_format(
    make_app: AppFactory, tmp_path: Path, name: str, chosen: str, written: str
) -> None:
    """`/path/x.json` and Enter in one burst wrote CSV while the notice said "(JSON)" (8 of 8):
    Enter came before the format choice heard of the name."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        dialog.query_one(f"#export-{chosen}", RadioButton).value = True
        await pilot.pause()
        target = tmp_path / name
        path_input = dialog.query_one("#export-path", Input)
        # The name and its Enter in the same round, as in one read from the terminal: the
        # Submitted message is queued right behind the name's Changed.
        path_input.value = str(target)
        await path_input.action_submit()
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        text = target.read_text(encoding="utf-8")
        if written == "json":
            assert json.loads(text)["query"]["count"] > 0
        else:
            assert text.startswith("# hsm-backups export")
        note = await _exported_note(pilot)
        assert note.endswith(f"({written.upper()})."), note
        assert dialog.format == written, "the format choice follows the name"


async def test_a_name_without_a_known_extension_takes_the_chosen_format(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        dialog.query_one("#export-json", RadioButton).value = True
        await pilot.pause()
        dialog.query_one("#export-path", Input).value = str(tmp_path / "backups.txt")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ExportScreen), "the export")
        assert json.loads((tmp_path / "backups.txt").read_text(encoding="utf-8"))["backups"]
        note = await _exported_note(pilot)
        assert note.endswith("(JSON)."), note


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_a_fifo_is_refused_by_name_and_never_replaced(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """As root, exporting to /dev/full and answering y made the device a regular file."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _type_path(pilot, fifo)
        await pilot.press("enter")
        await _answer(pilot)
        assert dialog.confirming is None, "no overwrite question for a FIFO"
        assert _message(app) == (
            f"{fifo} is a FIFO (named pipe), not a file: it is never replaced. "
            "Choose another name. Nothing was written."
        )
        await pilot.press("y")  # no question to answer: a letter in the name
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["pipe.csv"]


async def test_expiring_within_7_then_e_writes_the_dates_that_made_the_rows_match(
    make_app: AppFactory, world: DemoWorld, tmp_path: Path
) -> None:
    """The file carries the expiry the table showed: kind, date, the policy's days, the text."""
    policies = {
        c["ClusterId"]: int(c["BackupRetentionPolicy"]["Value"])
        for c in world.clusters(DEMO_HOME_REGION)
    }
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("slash")
        app.screen.query_one("#expiring-within", Input).focus()
        await pilot.press("7", "enter")
        main = await settle(pilot)
        shown = list(main.table.rows)
        assert 1 < len(shown) < len(main.table.all_rows)
        on_screen = screen_text(app)
        await pilot.press("escape")
        await _open(pilot)
        await _export_to(pilot, tmp_path / "soon.csv")
        _, rows = _read_csv(tmp_path / "soon.csv")
        assert [row["BackupId"] for row in rows] == [b.backup_id for b in shown]
        for row, backup in zip(rows, shown, strict=True):
            assert row["expiry_kind"] in ("expires", "overdue", "pending-deletion")
            when = datetime.fromisoformat(row["expiry_date"].replace("Z", "+00:00"))
            assert when <= NOW + timedelta(days=7), "the dates that made it match"
            if row["expiry_kind"] == "pending-deletion":
                assert row["retention_days"] == ""
                assert backup.delete_at == when
            else:
                assert int(row["retention_days"]) == policies[str(backup.cluster_id)]
        # The text is the table's Expires cell, as shown when the file was written.
        lines = [" ".join(line.split()) for line in on_screen.splitlines()]
        for row in rows:
            cells = f"{row['BackupId']} {row['BackupState']} {row['expiry_text']} "
            assert any(cells in line for line in lines), cells

        await _open(pilot)
        app.screen.query_one("#export-json", RadioButton).value = True
        await _export_to(pilot, tmp_path / "soon.json")
        doc = json.loads((tmp_path / "soon.json").read_text(encoding="utf-8"))
        assert doc["schema_version"] == 2
        for record, row in zip(doc["backups"], rows, strict=True):
            assert record["expiry"] == {
                "kind": row["expiry_kind"],
                "date": row["expiry_date"],
                "retention_days": int(row["retention_days"]) if row["retention_days"] else None,
                "text": row["expiry_text"],
            }


async def test_the_csv_tags_read_back_exactly_even_with_semicolons(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """The demo's long `ticket` note holds `; ` (and `:` and `#`): a `k=v; k2=v2` cell cut it."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: main.listing.done, "every page")
        main = await settle(pilot)
        await _open(pilot)
        await _export_to(pilot, tmp_path / "all.csv")
        _, rows = _read_csv(tmp_path / "all.csv")
        by_id = {b.backup_id: b for b in main.table.rows}
        assert len(rows) == len(by_id)
        tricky = 0
        for row in rows:
            backup = by_id[row["BackupId"]]
            tags = json.loads(row["Tags"]) if row["Tags"] else []
            assert [(t["Key"], t["Value"]) for t in tags] == [
                (clean(k), clean(v)) for k, v in backup.tags
            ]
            tricky += any("; " in t["Value"] for t in tags)
        assert tricky, "the demo has tag values with '; ' in them"
