"""Time display modes the user cycles through: UTC stamps, local stamps with the zone, or ages.

Pure functions on top of timefmt; the clock and (for tests) the zone are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from tui.timefmt import Clock, in_zone, relative, stamp, utc_now, wall

#: Every mode, in the order a key press cycles through them; the first is the default.
TIME_MODES = ("utc", "local", "relative")

_TITLES = {"utc": "UTC", "local": "local", "relative": "age"}
_LABELS = {"utc": "in UTC", "local": "in local time", "relative": "as ages"}

#: Longest zone suffix: an abbreviation of up to 5 letters or an offset such as `+05:30`.
_SUFFIX_WIDTH = 6
#: `23 h 59 min ago`, the longest age timefmt.relative gives for anything under 100 years.
_RELATIVE_WIDTH = 15


def _known(mode: str) -> str:
    """`mode` itself when it is one of TIME_MODES, else the default: a bad value never crashes."""
    return mode if mode in TIME_MODES else TIME_MODES[0]


def next_time_mode(mode: str) -> str:
    """The mode after `mode`, wrapping around; an unknown mode starts over at the default."""
    if mode not in TIME_MODES:
        return TIME_MODES[0]
    return TIME_MODES[(TIME_MODES.index(mode) + 1) % len(TIME_MODES)]


def _offset(delta: timedelta | None) -> str:
    """`+05:30`, `-05:00`: the UTC offset for zones with no letters for a name."""
    minutes = int((delta or timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def zone_suffix(local: datetime) -> str:
    """`CET`, `CEST`, `UTC` when the zone has a short letter name at that moment, else the offset.

    tzdata names many zones only by number (`-03`, `+0545`) and a fixed-offset timezone calls
    itself `UTC-05:00`; those become `-03:00`, `+05:45`, `-05:00`. Never over 6 characters.
    """
    name = local.tzname()
    if name and name.isascii() and name.isalpha() and len(name) <= _SUFFIX_WIDTH - 1:
        return name
    return _offset(local.utcoffset())


def time_width(mode: str, *, seconds: bool = False) -> int:
    """The widest text format_time gives for `mode`: what a table column needs to never jump.

    "utc" is always exactly 16 characters (19 with seconds); "local" is that plus a space and
    a 1–6 character zone suffix; "relative" stays within 15 for ages under 100 years.
    """
    base = 19 if seconds else 16
    mode = _known(mode)
    if mode == "local":
        return base + 1 + _SUFFIX_WIDTH
    if mode == "relative":
        return _RELATIVE_WIDTH
    return base


def format_time(
    value: datetime | None,
    now: datetime,
    mode: str,
    *,
    seconds: bool = False,
    tz: tzinfo | None = None,
    pad: bool = False,
) -> str:
    """`value` as `mode` shows it; an em dash for no value in every mode.

    - "utc": `2026-11-20 03:00`, exactly as timefmt.stamp.
    - "local": `2026-11-20 04:00 CET` in `tz` (None = this machine's zone), see zone_suffix.
      The suffix may change length with daylight saving time (CET/CEST).
    - "relative": `3 d ago` / `in 4 d 3 h` against `now`; `seconds` does not apply.

    An unknown mode shows as "utc". With `pad` the text is left-justified to time_width(mode),
    so every cell of a column has one length whatever the zone or the season.
    """
    mode = _known(mode)
    if value is None:
        text = "—"
    elif mode == "relative":
        text = relative(value, now)
    elif mode == "local":
        local = in_zone(value, tz)  # past 9999 in `tz`: in UTC, and saying so
        text = f"{wall(local, seconds=seconds)} {zone_suffix(local)}"
    else:
        text = stamp(value, seconds=seconds)
    return text.ljust(time_width(mode, seconds=seconds)) if pad else text


def column_title(mode: str, name: str = "Created") -> str:
    """The header of a time column, saying what the cells mean: `Created (UTC)`."""
    return f"{name} ({_TITLES[_known(mode)]})"


def time_mode_label(mode: str) -> str:
    """The mode as words that follow "Times": `in UTC`, `in local time`, `as ages`."""
    return _LABELS[_known(mode)]


@dataclass(frozen=True)
class TimeDisplay:
    """How times are shown right now: the mode, the clock ages count from, the local zone."""

    mode: str = TIME_MODES[0]
    clock: Clock = utc_now
    #: The zone of "local" (None = this machine's; tests pin one).
    tz: tzinfo | None = None

    @property
    def width(self) -> int:
        """Cells a table column of these times needs, whatever the value."""
        return time_width(self.mode)

    def title(self, name: str = "Created") -> str:
        return column_title(self.mode, name)

    def cell(self, value: datetime | None) -> str:
        """A table cell: minutes, no padding (the table pads)."""
        return format_time(value, self.clock(), self.mode, tz=self.tz)

    def clock_time(self, value: datetime) -> str:
        """A time of day for a status line, in the table's zone and saying which: `12:04:31 UTC`.

        Ages have no zone of their own; they show UTC, as their detail's aside does.
        """
        if self.mode == "local":
            local = in_zone(value, self.tz)
            return f"{local:%H:%M:%S} {zone_suffix(local)}"
        return f"{in_zone(value, UTC):%H:%M:%S} UTC"

    def detail(self, value: datetime, now: datetime) -> tuple[str, str]:
        """(main text, aside) for the detail pane: the chosen form first, the other in aside.

        UTC and local stamps say which they are and keep the age aside; ages keep the UTC
        stamp aside, so the exact moment is always on screen.
        """
        if self.mode == "relative":
            return relative(value, now), f"{stamp(value, seconds=True)} UTC"
        text = format_time(value, now, self.mode, seconds=True, tz=self.tz)
        return (text if self.mode == "local" else f"{text} UTC"), relative(value, now)
