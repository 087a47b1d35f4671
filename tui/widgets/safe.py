"""safe(): the one way API text becomes something a widget shows."""

from __future__ import annotations

from rich.text import Text

from tui.backups import clean


def safe(value: object, style: str = "") -> Text:
    """Untrusted API text as a literal Text: controls removed, markup never parsed."""
    return Text(clean(value), style=style)
