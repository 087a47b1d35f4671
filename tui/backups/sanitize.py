"""One sanitiser for every API string: no control byte reaches a screen or a file."""

from __future__ import annotations

import re

# C0 controls (tab and newline included: a cell is one line), DEL, C1 controls, and the Unicode
# bidi marks, embeddings, overrides and isolates that can reorder what the eye reads.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def clean(value: object) -> str:
    """Return `value` as one line of text with each run of control characters made one space.

    A space rather than nothing, so `ab\\x1b[2Jcd` cannot pass for a different, innocent word.
    """
    text = value if isinstance(value, str) else str(value)
    return _CONTROLS.sub(" ", text)
