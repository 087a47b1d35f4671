"""Themes and time modes: chosen by the terminal or the user, remembered, and shown everywhere."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from textual.containers import VerticalScroll
from textual.filter import Monochrome, NoColor
from textual.pilot import Pilot
from textual.widgets import Static

from tests.ui.conftest import NOW, AppFactory
from tests.ui.helpers import screen_text, settle, stable, text_of, until
from tui import timemodes
from tui.app import HsmBackupsApp
from tui.config import CONFIG_ENV
from tui.screens import MainScreen
from tui.themes import ANSI, DARK, LIGHT, MONO
from tui.timefmt import relative


def _config_file() -> Path:
    return Path(os.environ[CONFIG_ENV])


def _saved() -> dict[str, Any]:
    data = json.loads(_config_file().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _berlin() -> tzinfo:
    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:
        pytest.skip("no tzdata for Europe/Berlin")


def _app(main: MainScreen) -> HsmBackupsApp:
    app = main.app
    assert isinstance(app, HsmBackupsApp)
    return app


def _header(main: MainScreen) -> str:
    return screen_text(_app(main)).splitlines()[2]  # top bar, table border, then the header


def _detail(main: MainScreen) -> str:
    return "\n".join(
        line for line in screen_text(_app(main)).splitlines() if "CreateTimestamp" in line
    )


async def _choose_theme_in_palette(pilot: Pilot[str], name: str) -> None:
    """As a user does it: Ctrl+P, "Theme", then the theme's name and Enter."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: app.screen.id == "--command-palette", "the command palette")
    await pilot.press(*"theme")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)
    await pilot.press(*name)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await until(pilot, lambda: app.theme == name, f"the theme {name}")


async def test_a_theme_chosen_in_the_palette_is_there_on_the_next_run(
    make_app: AppFactory,
) -> None:
    first = make_app()
    async with first.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert first.theme == DARK
        await _choose_theme_in_palette(pilot, LIGHT)
        await settle(pilot)
    assert _saved() == {"theme": LIGHT, "time_mode": "utc"}

    second = make_app()
    async with second.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert second.theme == LIGHT
        assert second.theme_reason == "saved"


async def test_t_cycles_the_created_column_and_the_detail_times(make_app: AppFactory) -> None:
    app = make_app(local_zone=_berlin())
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        created = main.table.current.created if main.table.current else None
        assert created is not None
        utc = created.strftime("%Y-%m-%d %H:%M")
        local = created.astimezone(_berlin())
        local_text = local.strftime("%Y-%m-%d %H:%M ") + str(local.tzname())
        assert "Created (UTC)" in _header(main)
        assert utc in screen_text(app)
        assert f"{created.strftime('%Y-%m-%d %H:%M:%S')} UTC" in _detail(main)

        await pilot.press("t")
        await settle(pilot)
        assert "Created (local)" in _header(main)
        assert local_text in screen_text(app)
        assert local.strftime("%Y-%m-%d %H:%M:%S ") + str(local.tzname()) in _detail(main)
        assert _saved()["time_mode"] == "local"

        await pilot.press("t")
        await settle(pilot)
        assert "Created (age)" in _header(main)
        age = relative(created, NOW)
        assert age.endswith(" ago")
        assert age in screen_text(app)
        # The age first, the exact moment aside.
        assert f"{age}  ({created.strftime('%Y-%m-%d %H:%M:%S')} UTC)" in _detail(main)
        assert utc not in screen_text(app).split("Detail")[0]  # the table shows ages only

        await pilot.press("t")
        await settle(pilot)
        assert "Created (UTC)" in _header(main)
        assert _saved() == {"theme": None, "time_mode": "utc"}


async def test_the_time_mode_is_there_on_the_next_run(make_app: AppFactory) -> None:
    first = make_app()
    async with first.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("t", "t")
        await settle(pilot)
    second = make_app()
    async with second.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        assert "Created (age)" in _header(main)


async def test_ages_move_on_with_the_clock_tick(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [NOW]
    monkeypatch.setattr(MainScreen, "TICK", 0.05)
    app = make_app(clock=lambda: now[0])
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("t", "t")
        await settle(pilot)
        created = main.table.rows[0].created
        assert created is not None
        before = relative(created, now[0])
        assert before in screen_text(app)
        now[0] = NOW + timedelta(days=400)
        later = relative(created, now[0])
        await until(pilot, lambda: later in screen_text(app), f"the age {later!r}")


async def test_loading_more_pages_formats_only_the_rows_on_screen(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ages depend on the clock, yet a page that lands below the view costs no formatting."""
    app = make_app(page_size=25)
    async with app.run_test(size=(120, 36)) as pilot:
        main = await settle(pilot)
        await pilot.press("t", "t")
        await settle(pilot)
        calls: list[datetime | None] = []
        real = timemodes.format_time

        def counting(value: datetime | None, *args: Any, **kwargs: Any) -> str:
            calls.append(value)
            return real(value, *args, **kwargs)

        monkeypatch.setattr(timemodes, "format_time", counting)
        loaded = len(main.table.rows)
        for _ in range(4):
            await pilot.press("m")
            await settle(pilot)
        assert len(main.table.rows) >= loaded + 100
        assert len(calls) <= 2 * main.table.size.height, "ages were formatted off screen"


@pytest.mark.parametrize(
    ("env", "expected", "mono"),
    [
        ({"NO_COLOR": "1"}, MONO, True),
        ({"TERM": "linux", "COLORTERM": None}, ANSI, False),
        ({"TERM": "xterm", "COLORTERM": None}, ANSI, False),
        ({"TERM": "xterm-256color", "COLORTERM": None}, DARK, False),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, DARK, False),
    ],
)
async def test_the_terminal_picks_the_theme(
    make_app: AppFactory,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str | None],
    expected: str,
    mono: bool,
) -> None:
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == expected
        assert app.has_class("-mono") is mono
        if mono:
            # Textual's NO_COLOR filter suits the theme: default colours, not greys (black).
            assert any(isinstance(f, NoColor) for f in app._filters)
            assert not any(isinstance(f, Monochrome) for f in app._filters)
    assert not _config_file().exists(), "a theme the app picked by itself is not saved"


async def test_a_saved_theme_wins_over_a_16_colour_terminal_but_not_over_no_color(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config_file().write_text('{"theme": "nord", "time_mode": "utc"}', encoding="utf-8")
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.delenv("COLORTERM")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == MONO
    assert _saved()["theme"] == "nord", "NO_COLOR is for this run; the saved theme stays"


async def test_theme_flag_wins_and_is_remembered(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme=LIGHT)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == LIGHT
    assert _saved() == {"theme": LIGHT, "time_mode": "utc"}
    app = make_app(theme="auto")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == MONO
    assert _saved() == {"theme": None, "time_mode": "utc"}


async def test_the_config_file_holds_only_the_theme_and_the_time_mode(
    make_app: AppFactory,
) -> None:
    app = make_app(profile=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        app.theme = "gruvbox"
        await settle(pilot)
        await pilot.press("slash", *"backup-", "escape")  # a filter typed: not remembered
        await settle(pilot)
    assert _saved() == {"theme": "gruvbox", "time_mode": "local"}


async def test_a_broken_config_file_is_reported_and_the_app_starts(
    make_app: AppFactory,
) -> None:
    _config_file().write_text("{not json", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        assert app.theme == DARK
        assert "Created (UTC)" in _header(main)
        messages = [n.message for n in app._notifications]
        assert any("is not valid JSON" in m for m in messages), messages


async def test_an_unwritable_config_is_reported_not_raised(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(blocker / "config.json"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await until(
            pilot,
            lambda: any("Could not save" in n.message for n in app._notifications),
            "a warning that the settings were not saved",
        )
        assert app.time_mode == "local"  # the choice still applies for this run


async def test_help_says_how_to_change_looks_and_select_text(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        texts = [text_of(static.content, width=400) for static in app.screen.query(Static)]  # type: ignore[arg-type]
        words = " ".join(" ".join(text.split()) for text in texts)
    assert "Shift+drag selects text in most terminals" in words
    assert "How this works Backups load one page at a time" in words
    assert "Ctrl+P, then 'Theme'" in words
    assert "--theme NAME" in words
    assert "t Show times in UTC, in local time, or as ages" in words


async def test_scrolling_jumps_instead_of_sliding(make_app: AppFactory) -> None:
    """Animations are off: over SSH a sliding page is a dozen frames of redraw, and laggy.

    Watched from outside, a page down moves the help to its new place in one step.
    """
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_scroll = app.screen.query_one(VerticalScroll)
        assert help_scroll.max_scroll_y > help_scroll.size.height  # room for a whole page
        seen: list[float] = []

        def moved(value: float) -> None:
            seen.append(value)

        app.watch(help_scroll, "scroll_y", moved, init=False)
        await pilot.press("pagedown")
        await pilot.pause(0.3)
        assert seen == [help_scroll.scroll_y]
        assert help_scroll.scroll_y > 0


@pytest.mark.parametrize("theme", ["hsm-dark", "hsm-16", "hsm-mono"])
async def test_the_focused_field_has_a_mark_of_its_own_in_every_theme(
    make_app: AppFactory, theme: str
) -> None:
    """A bar at the focused field's left edge: a shape, so 16 colours and NO_COLOR show it too.

    The dropdowns once differed from their neighbours by a background shade only (none at all
    in 16 colours), and users typed into the wrong field.
    """
    app = make_app(theme=theme)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await settle(pilot)
        sidebar = main.query_one("#filters")
        fields = [w for w in sidebar.query("Input, Select, Checkbox") if w.focusable]
        assert len(fields) >= 10
        for field in fields:
            app.set_focus(field)
            await pilot.pause()
            await stable(pilot)
            # Column 0 is the sidebar's border, 1 its padding, 2 the field's left edge.
            marked = [y for y, line in enumerate(screen_text(app).splitlines()) if line[2] == "┃"]
            top = field.region.y
            assert marked == list(range(top, top + field.region.height)), field.id


#: An AWS-style INI file where our JSON should be (HSM_BACKUPS_CONFIG pointed at it).
_INI = b"[default]\nregion = eu-west-1\ntheme = nord\n"


def _set_aside_notes(app: HsmBackupsApp) -> list[str]:
    return [n.message for n in app._notifications if "was moved to" in n.message]


async def test_t_never_writes_over_a_file_that_is_not_ours(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """`t` replaced an INI file at the config path with {"theme": null, …}."""
    config = _config_file()
    config.write_bytes(_INI)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: bool(_set_aside_notes(app)), "the set-aside notice")
        await pilot.press("t")  # a second write: not told again
        await app.workers.wait_for_complete()
        await settle(pilot)
        notes = _set_aside_notes(app)
    (aside,) = config.parent.glob(f"{config.name}.bad-*")
    assert aside.read_bytes() == _INI
    assert aside.stat().st_mode & 0o777 == 0o600
    assert _saved() == {"theme": None, "time_mode": "relative"}
    assert len(notes) == 1, notes
    assert str(config) in notes[0]
    assert str(aside) in notes[0]


async def test_theme_flag_never_writes_over_a_file_that_is_not_ours(
    make_app: AppFactory,
) -> None:
    """`--theme hsm-light` then q wrote over it too (the flag is saved at start)."""
    config = _config_file()
    config.write_bytes(b"\x00\x01binary\xff")
    app = make_app(theme=LIGHT)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await until(pilot, lambda: bool(_set_aside_notes(app)), "the set-aside notice")
        await pilot.press("q")
    (aside,) = config.parent.glob(f"{config.name}.bad-*")
    assert aside.read_bytes() == b"\x00\x01binary\xff"
    assert _saved() == {"theme": LIGHT, "time_mode": "utc"}
    assert len(_set_aside_notes(app)) == 1
