"""One sanitiser for every API string: no control byte reaches a screen or a file."""

from __future__ import annotations

import re

# Always replaced, wherever they are:
# - C0 controls (tab and newline included: a cell is one line), DEL, C1 controls, and the line
#   and paragraph separators: they move the cursor, start escape sequences or break lines.
# - Every format character (Unicode category Cf, as of Unicode 15): bidi marks, embeddings,
#   overrides and isolates reorder what the eye reads; the soft hyphen, zero-width space and
#   joiners, word joiner, invisible operators, BOM, U+180E (Mongolian vowel separator),
#   U+FFF9–FFFB (interlinear annotation, which can hide text) and the tag characters
#   (U+E0000–E007F) are invisible; the Arabic and Kaithi number signs, the shorthand and the
#   Egyptian and musical format controls only make sense in scripts no tag or ID needs.
#   tests/unit/test_sanitize.py checks the list against the running Python's Unicode data.
# - Characters that are not format characters but draw nothing, so they can fake a blank
#   or make two different names look alike: U+034F (combining grapheme joiner), U+115F and
#   U+1160 (Hangul choseong/jungseong fillers), U+17B4–17B5 (Khmer inherent vowels, which
#   Unicode itself says not to use), U+2800 (braille blank), U+3164 and U+FFA0 (Hangul
#   fillers). Real Korean and braille text never needs them on its own.
# - Lone surrogates (U+D800–DFFF): not characters at all, so nothing can encode them, and one
#   would crash a write to the terminal, the clipboard or a file. Strings from the API get
#   them replaced by U+FFFD where they are read (issue 14, the data layer's part); this is
#   the backstop for every other way in.
# - Variation selectors other than the two presentation selectors: U+FE00–FE0D, the
#   Mongolian free variation selectors (U+180B–180D, U+180F) and U+E0100–E01EF (the
#   ideographic supplement). They are invisible; no terminal draws a CJK variant from them,
#   so `\u845b\U000e0100` (a kanji and its variant) shows as the kanji and a space, and
#   `backup-abc\U000e0100def` cannot pass for `backup-abcdef`.
_ALWAYS = (
    "\x00-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u2064"
    "\u2066-\u206f\u2800\u3164\ufe00-\ufe0d\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
    "\U000e0100-\U000e01ef\ud800-\udfff"
)
# U+FE0E and U+FE0F (text and emoji presentation) are kept after a non-ASCII character:
# `\u2764\ufe0f` (a red heart) and `\u26a0\ufe0f` (a warning sign) are common in tags people
# type. After ASCII, at the start, or after another hidden character they select nothing and
# only hide (`prod\ufe0f` is not `prod`), so they go like the rest. (An ASCII keycap such as
# `1\ufe0f\u20e3` loses its selector; it still shows.) They are rare, so they get their own
# pass, after the controls are spaces: one after a space joins it, one after other ASCII (or
# at the start, or after another selector) becomes a space.
_PRESENTATION = "\ufe0e\ufe0f"
_CONTROLS = re.compile(f"[{_ALWAYS}]+")
_JOINS_SPACE = re.compile(f"(?<= )[{_PRESENTATION}]+")
_STRAY = re.compile(f"(?<![^\x00-\x7f{_PRESENTATION}])[{_PRESENTATION}]+")


def clean(value: object) -> str:
    """Return `value` as one line of text with each run of control characters made one space.

    A space rather than nothing, so `ab\\x1b[2Jcd` cannot pass for a different, innocent word.
    """
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, without the regex: no ASCII control in it
    text = _CONTROLS.sub(" ", text)
    if "\ufe0f" in text or "\ufe0e" in text:
        text = _STRAY.sub(" ", _JOINS_SPACE.sub("", text))
    return text
