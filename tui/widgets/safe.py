"""safe() and tell(): the one way text becomes something a widget, a title or a toast shows.

tests/unit/test_text_paths.py holds every module of tui/ to it: no `.notify(` but tell()'s,
and every border title built by safe(), so a new message cannot skip the sanitiser.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App
from textual.notifications import SeverityLevel
from textual.widget import Widget
from textual.widgets import Input

from tui.backups import clean
from tui.backups.clipboard import clean_multiline


def safe(value: object, style: str = "") -> Text:
    """Untrusted API text as a literal Text: controls removed, markup never parsed.

    Also what a border title is set to: Textual parses a `str` border title as markup.
    """
    return Text(clean(value), style=style)


class SafeInput(Input):
    """An Input whose value never holds a control character.

    Input draws its value as it is, and a paste is where text from a web page or a chat comes
    in: `backup-\x1b]0;…` pasted into a filter field would retitle the terminal, and its
    "not a backup ID" line would say it again. Cleaned, it shows (and is flagged) as text.
    """

    def validate_value(self, value: str) -> str:
        return clean(value)


def tell(
    node: Widget | App[Any],
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """Notify the user (a toast): the only notify() in the app.

    A message says what went wrong with what, so it names profiles, backup IDs and paths, and
    those come from AWS or the user's files: a profile called `prod-\\x1b]52;c;…\\x1b\\\\`
    would write the user's clipboard if it reached the terminal, since Rich drops BEL but
    keeps ESC. So every line of the message is cleaned (its newlines stay), the title is one
    cleaned line, and neither is ever read as markup. Thread-safe, as notify() is.
    """
    node.notify(
        clean_multiline(message),
        title=clean(title),
        severity=severity,
        timeout=timeout,
        markup=False,
    )
