"""Time display: UTC stamps and short relative ages; the clock is passed in so tests freeze it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock, aware UTC."""
    return datetime.now(UTC)


def stamp(value: datetime | None, *, seconds: bool = False) -> str:
    """`2026-11-20 03:00` (UTC); an em dash for no value."""
    if value is None:
        return "—"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def span(seconds: float) -> str:
    """A coarse duration: `45 s`, `12 min`, `5 h 10 min`, `4 d 3 h`, `2 y 41 d`."""
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
    return f"{y} y {d} d" if d else f"{y} y"


def relative(value: datetime | None, now: datetime) -> str:
    """`3 d ago` or `in 4 d 3 h` relative to `now`."""
    if value is None:
        return ""
    delta = (value - now).total_seconds()
    return f"in {span(delta)}" if delta > 0 else f"{span(delta)} ago"
