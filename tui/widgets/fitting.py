"""Fitting text into narrow places without cutting a word where nobody can tell.

Two ways: `wrap` folds a value over lines, breaking long tokens (ARNs, paths) after `:` or `/`
so every character stays on screen; `shorten` keeps one line and ends it with an ellipsis,
at a word boundary when one is near.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

__all__ = ["ELLIPSIS", "OneLine", "shorten", "wrap"]

ELLIPSIS = "…"
#: Inside a token too long for a line, a break goes after one of these: the furthest one of
#: the first group in reach, else of the next group.
_BREAK_AFTER = ((":", "/"), (",", "=", ";"), ("-", "_", "."))


def _index_at(text: str, cells: int) -> int:
    """The largest index such that text[:index] takes at most `cells` cells."""
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > cells:
            return index
    return len(text)


def shorten(text: Text, width: int) -> Text:
    """`text` on one line of at most `width` cells; a cut ends in an ellipsis.

    The cut goes before the last ` · ` part, else at the last space, when that keeps at
    least half the line: whole parts and words are dropped rather than sliced. Otherwise
    the cut is mid-word, still marked by the ellipsis.
    """
    plain = text.plain
    if cell_len(plain) <= width:
        return text.copy()
    if width <= 1:
        return Text(ELLIPSIS[:width])
    end = _index_at(plain, width - 1)
    for separator in (" · ", " "):
        found = plain.rfind(separator, 0, end + 1)
        if found >= 0 and cell_len(plain[:found]) >= width // 2:
            end = found
            break
    head = text[:end]
    head.rstrip()
    while head.plain.endswith(("·", ",", ":", ";", "-", "(")):
        head = head[:-1]
        head.rstrip()
    head.append(ELLIPSIS, style="dim")
    return head


class OneLine:
    """A Text kept to one line at whatever width it is drawn: shortened there, parts first.

    For bars whose width is known only when drawn (the top bar follows the terminal).
    """

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line = shorten(self.text, options.max_width)
        line.no_wrap = True
        yield line


def _soft_break(token: str, start: int, width: int) -> int | None:
    """The offset just after the best break character in token[start:] within `width` cells."""
    limit = start + _index_at(token[start:], width)
    for marks in _BREAK_AFTER:
        found = max(token.rfind(mark, start, limit) for mark in marks)
        if found >= start:
            return found + 1
    return None


def _breaks(token: str, width: int) -> list[int]:
    """Offsets to cut a token longer than `width` at, preferring after `:` then `/` and so on.

    A piece with no break character in reach is folded at the width (the only cut left).
    """
    cuts: list[int] = []
    start = 0
    while cell_len(token[start:]) > width:
        cut = _soft_break(token, start, width)
        if cut is None or cut <= start:
            cut = start + max(1, _index_at(token[start:], width))
        cuts.append(cut)
        start = cut
    return cuts


def wrap(text: Text, width: int) -> list[Text]:
    """`text` folded to lines of at most `width` cells, no character lost.

    Breaks at spaces like any wrap; a token too long for a whole line (an ARN) is broken
    after `:` or `/` (then `,` `=` `-` `_` `.`), and only as a last resort mid-token.
    """
    width = max(1, width)
    if "\n" not in text.plain and cell_len(text.plain) <= width:
        return [text.copy()]  # the common case: one line as is
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        lines += _wrap_line(paragraph, width)
    return lines or [Text()]


def _wrap_line(text: Text, width: int) -> list[Text]:
    plain = text.plain
    if cell_len(plain) <= width:
        return [text.copy()]
    # Offsets where each line starts; words are runs of non-spaces.
    starts: list[int] = [0]
    line_start, used = 0, 0
    position = 0
    for word in plain.split(" "):
        begin, end = position, position + len(word)
        position = end + 1
        if not word:
            used += 1 if begin > line_start else 0
            continue
        size = cell_len(word)
        gap = 1 if used else 0
        if used + gap + size <= width:
            used += gap + size
            continue
        if size <= width:
            line_start, used = begin, size
            starts.append(begin)
            continue
        # Too long for any line: fill what is left of this one, then break inside it.
        room = width - used - gap
        first = _soft_break(word, 0, room) if used and room > 0 else None
        if first is not None:
            starts.append(begin + first)
            rest_at = first
        else:
            if used:
                starts.append(begin)
            rest_at = 0
        for cut in _breaks(word[rest_at:], width):
            starts.append(begin + rest_at + cut)
        line_start = starts[-1]
        used = cell_len(plain[line_start:end])
    pieces = text.divide(starts[1:])
    lines: list[Text] = []
    for piece in pieces:
        piece.rstrip()
        lines.append(piece)
    return lines
