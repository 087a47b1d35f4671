"""Time display: UTC stamps and short relative ages; the clock is passed in so tests freeze it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, aware UTC."""
    return datetime.now(UTC)


def in_zone(value: datetime, tz: tzinfo | None) -> datetime:
    """`value` in `tz` (None: this machine's zone), or `value` as it is when that is past 9999.

    An API can send 9999-12-31 23:59:59 UTC (epoch 253402300799): east of UTC that instant
    falls in the year 10000, which a datetime cannot hold (OverflowError). Shown in its own
    zone instead, with that zone's name, it is still the exact instant the API gave.
    """
    try:
        return value.astimezone(tz)
    except (OverflowError, OSError, ValueError):
        return value


def wall(value: datetime, *, seconds: bool = False) -> str:
    """`2026-11-20 03:00` in `value`'s own zone: always 16 characters (19 with seconds).

    Not strftime("%Y"), which gives `1-01-01` for the year 1 on glibc: the columns would jump.
    """
    text = f"{value.year:04d}-{value:%m-%d %H:%M}"
    return f"{text}:{value:%S}" if seconds else text


def stamp(value: datetime | None, *, seconds: bool = False) -> str:
    """`2026-11-20 03:00` (UTC); an em dash for no value."""
    if value is None:
        return "—"
    return wall(in_zone(value, UTC), seconds=seconds)


def span(seconds: float) -> str:
    """A coarse duration: `45 s`, `12 min`, `5 h 10 min`, `4 d 3 h`, `2 y 41 d`, `7973 y`.

    From 100 years on only the years are said: an odd date such as 9999-12-31 must still fit
    the widths the table gives ages and countdowns.
    """
    s = int(abs(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    d, h = divmod(s // 3600, 24)
    if d < 365:
        return f"{d} d {h} h" if h and d < 10 else f"{d} d"
    y, d = divmod(d, 365)
    return f"{y} y {d} d" if d and y < 100 else f"{y} y"


def relative(value: datetime | None, now: datetime) -> str:
    """`3 d ago` or `in 4 d 3 h` relative to `now`."""
    if value is None:
        return ""
    delta = (value - now).total_seconds()
    return f"in {span(delta)}" if delta > 0 else f"{span(delta)} ago"
