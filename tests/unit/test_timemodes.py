"""Time display modes: exact text in each mode for explicit zones, stable widths, cycling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from tui.timefmt import stamp
from tui.timemodes import (
    TIME_MODES,
    TimeDisplay,
    column_title,
    format_time,
    next_time_mode,
    time_mode_label,
    time_width,
)

NOW = datetime(2026, 11, 23, 3, 0, 7, tzinfo=UTC)
WINTER = datetime(2026, 11, 20, 3, 0, 7, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
NEW_YORK_FIXED = timezone(timedelta(hours=-5))


def _zone(name: str) -> tzinfo:
    """A tzdata zone, or skip: some minimal systems ship without the time zone database."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        pytest.skip(f"no tzdata for {name}")


class TestUtc:
    def test_same_text_as_the_existing_stamp(self) -> None:
        assert format_time(WINTER, NOW, "utc") == "2026-11-20 03:00" == stamp(WINTER)

    def test_with_seconds(self) -> None:
        assert format_time(WINTER, NOW, "utc", seconds=True) == "2026-11-20 03:00:07"

    def test_ignores_the_zone(self) -> None:
        assert format_time(WINTER, NOW, "utc", tz=_zone("Europe/Berlin")) == "2026-11-20 03:00"


class TestLocal:
    def test_berlin_in_winter_says_cet(self) -> None:
        assert format_time(WINTER, NOW, "local", tz=_zone("Europe/Berlin")) == (
            "2026-11-20 04:00 CET"
        )

    def test_berlin_in_summer_says_cest(self) -> None:
        assert format_time(SUMMER, NOW, "local", tz=_zone("Europe/Berlin")) == (
            "2026-07-01 05:00 CEST"
        )

    def test_fixed_offset_shows_the_offset(self) -> None:
        assert format_time(WINTER, NOW, "local", tz=NEW_YORK_FIXED) == "2026-11-19 22:00 -05:00"

    def test_half_hour_zone_with_seconds(self) -> None:
        india = timezone(timedelta(hours=5, minutes=30))
        assert format_time(WINTER, NOW, "local", seconds=True, tz=india) == (
            "2026-11-20 08:30:07 +05:30"
        )

    def test_zone_known_only_by_number_shows_the_offset(self) -> None:
        """tzdata calls Sao Paulo `-03`; the column shows a complete offset instead."""
        assert format_time(WINTER, NOW, "local", tz=_zone("America/Sao_Paulo")) == (
            "2026-11-20 00:00 -03:00"
        )

    def test_utc_as_the_local_zone(self) -> None:
        assert format_time(WINTER, NOW, "local", tz=UTC) == "2026-11-20 03:00 UTC"

    def test_machine_zone_by_default(self) -> None:
        text = format_time(WINTER, NOW, "local")
        assert text.startswith(WINTER.astimezone().strftime("%Y-%m-%d %H:%M "))
        assert len(text) <= time_width("local")


class TestRelative:
    def test_past(self) -> None:
        assert format_time(WINTER, NOW, "relative") == "3 d ago"

    def test_future(self) -> None:
        assert format_time(NOW + timedelta(days=4, hours=3), NOW, "relative") == "in 4 d 3 h"

    def test_seconds_do_not_apply(self) -> None:
        assert format_time(WINTER, NOW, "relative", seconds=True) == "3 d ago"


@pytest.mark.parametrize("mode", TIME_MODES)
def test_no_value_is_a_dash_in_every_mode(mode: str) -> None:
    assert format_time(None, NOW, mode, tz=NEW_YORK_FIXED) == "—"


def test_unknown_mode_shows_utc_instead_of_failing() -> None:
    assert format_time(WINTER, NOW, "martian") == "2026-11-20 03:00"


class TestWidth:
    @pytest.mark.parametrize("seconds", [False, True])
    def test_padded_local_cells_have_one_width_across_seasons_and_zones(
        self, seconds: bool
    ) -> None:
        zones = [_zone("Europe/Berlin"), _zone("Asia/Kathmandu"), NEW_YORK_FIXED, UTC]
        cells = {
            format_time(when, NOW, "local", seconds=seconds, tz=tz, pad=True)
            for when in (WINTER, SUMMER, None)
            for tz in zones
        }
        assert {len(cell) for cell in cells} == {time_width("local", seconds=seconds)}
        berlin = format_time(SUMMER, NOW, "local", seconds=seconds, tz=zones[0], pad=True)
        assert berlin.rstrip() == format_time(SUMMER, NOW, "local", seconds=seconds, tz=zones[0])

    def test_utc_is_always_exactly_its_width(self) -> None:
        assert len(format_time(WINTER, NOW, "utc")) == time_width("utc") == 16
        assert len(format_time(WINTER, NOW, "utc", seconds=True)) == 19
        assert time_width("utc", seconds=True) == 19

    def test_longest_age_fits_the_relative_width(self) -> None:
        longest = format_time(NOW - timedelta(hours=23, minutes=59), NOW, "relative")
        assert longest == "23 h 59 min ago"
        assert len(longest) == time_width("relative")
        assert len(format_time(WINTER, NOW, "relative", pad=True)) == time_width("relative")


def test_modes_cycle_back_to_the_start() -> None:
    assert TIME_MODES == ("utc", "local", "relative")
    assert next_time_mode("utc") == "local"
    assert next_time_mode("local") == "relative"
    assert next_time_mode("relative") == "utc"
    assert next_time_mode("bogus") == "utc"


@pytest.mark.parametrize(
    ("mode", "title", "label"),
    [
        ("utc", "Created (UTC)", "in UTC"),
        ("local", "Created (local)", "in local time"),
        ("relative", "Created (age)", "as ages"),
        ("bogus", "Created (UTC)", "in UTC"),
    ],
)
def test_titles_and_labels_name_the_mode(mode: str, title: str, label: str) -> None:
    assert column_title(mode) == title
    assert time_mode_label(mode) == label


def test_column_title_for_another_time_column() -> None:
    assert column_title("relative", "Deleted") == "Deleted (age)"


class TestOutOfRange:
    """The API can send the last instant a datetime holds; showing it must never overflow."""

    LAST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    FIRST = datetime(1, 1, 1, tzinfo=UTC)
    EAST = timezone(timedelta(hours=14))

    def test_east_of_utc_the_year_10000_is_shown_in_utc_and_says_so(self) -> None:
        assert format_time(self.LAST, NOW, "local", tz=self.EAST) == "9999-12-31 23:59 UTC"
        assert format_time(self.LAST, NOW, "local", tz=self.EAST, seconds=True, pad=True) == (
            "9999-12-31 23:59:59 UTC".ljust(time_width("local", seconds=True))
        )

    def test_west_of_utc_the_year_0_is_shown_in_utc_and_says_so(self) -> None:
        assert format_time(self.FIRST, NOW, "local", tz=NEW_YORK_FIXED) == "0001-01-01 00:00 UTC"

    def test_a_time_that_fits_the_zone_is_still_converted(self) -> None:
        assert format_time(self.LAST, NOW, "local", tz=NEW_YORK_FIXED) == (
            "9999-12-31 18:59 -05:00"
        )

    def test_the_clock_time_and_the_detail_do_not_overflow_either(self) -> None:
        times = TimeDisplay("local", clock=lambda: NOW, tz=self.EAST)
        assert times.clock_time(self.LAST) == "23:59:59 UTC"
        assert times.detail(self.LAST, NOW)[0] == "9999-12-31 23:59:59 UTC"

    @pytest.mark.parametrize("when", [LAST, FIRST])
    def test_ages_of_millennia_fit_the_relative_width(self, when: datetime) -> None:
        text = format_time(when, NOW, "relative")
        assert text.endswith((" y", " y ago")), text
        assert len(text) <= time_width("relative")
        assert stamp(when) in ("9999-12-31 23:59", "0001-01-01 00:00")
