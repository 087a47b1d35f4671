"""One sanitiser for every API string: no control byte reaches a screen or a file."""

from __future__ import annotations

import re

# C0 controls (tab and newline included: a cell is one line), DEL, C1 controls; the Unicode
# bidi marks, embeddings, overrides and isolates that can reorder what the eye reads; and the
# invisible ones that can hide or fake text or break column widths: soft hyphen, zero-width
# space/joiners, word joiner, BOM, line/paragraph separators and the tag characters.
_CONTROLS = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\U000e0000-\U000e007f]+"
)


def clean(value: object) -> str:
    """Return `value` as one line of text with each run of control characters made one space.

    A space rather than nothing, so `ab\\x1b[2Jcd` cannot pass for a different, innocent word.
    """
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, without the regex: no ASCII control in it
    return _CONTROLS.sub(" ", text)
