"""KeyValues: rows of a key and its value, keys in a column of their own.

The detail pane draws every field and every tag this way on each cursor stop. Rich's
`Table.grid` measures each cell, then renders each one twice: about two thirds of a detail
update went there. This lays out the two columns directly: keys as wide as the widest
(within bounds), each value wrapped to what is left, long tokens (ARNs) broken after `:` or
`/` rather than at whatever character meets the edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from tui.widgets.fitting import wrap


class KeyValues:
    """A two-column grid: `key  value`, long values wrapped under themselves, never cut."""

    def __init__(
        self,
        rows: Iterable[tuple[Text, Text]],
        *,
        min_key: int = 0,
        max_key: int = 40,
        key_style: str = "bold",
        gap: int = 2,
    ) -> None:
        self.rows: Sequence[tuple[Text, Text]] = list(rows)
        self.min_key = min_key
        self.max_key = max_key
        self.key_style = key_style
        self.gap = gap

    def key_width(self, width: int) -> int:
        """The key column: the widest key within [min_key, max_key], at most half the width."""
        widest = max((cell_len(key.plain) for key, _ in self.rows), default=0)
        half = max(1, width // 2)
        return max(1, min(max(widest, self.min_key), self.max_key, half))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        key_width = self.key_width(width)
        value_width = max(1, width - key_width - self.gap)
        key_style = console.get_style(self.key_style)
        gap = Segment(" " * self.gap)
        blank_key = Text(" " * key_width)
        for key, value in self.rows:
            keys = wrap(key, key_width)
            values = wrap(value, value_width)
            for i in range(max(len(keys), len(values))):
                k = keys[i] if i < len(keys) else blank_key
                k.truncate(key_width, pad=True)
                yield from _styled(k.render(console), key_style)
                yield gap
                if i < len(values):
                    yield from values[i].render(console)
                yield Segment.line()


def _styled(segments: Iterable[Segment], style: Style) -> Iterable[Segment]:
    for segment in segments:
        yield Segment(segment.text, style + segment.style if segment.style else style)
