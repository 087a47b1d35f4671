"""The app's own themes, and which theme a run starts with (flag, NO_COLOR, saved, terminal).

Textual's own themes stay available next to these, in the command palette's "Theme".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from textual.theme import BUILTIN_THEMES, Theme

#: The default: Textual's dark palette under the app's name, so the look people know stays.
DARK = "hsm-dark"
LIGHT = "hsm-light"
#: The terminal's own 16 colours (TERM=linux, TERM=xterm): nothing to approximate or blend.
ANSI = "hsm-16"
#: No colour at all (NO_COLOR): state shows as weight, reverse video and border shape.
MONO = "hsm-mono"
#: --theme auto: forget the saved theme and choose from the terminal again.
AUTO = "auto"

HSM_DARK = Theme(
    name=DARK,
    primary="#0178D4",
    secondary="#004578",
    accent="#ffa62b",
    warning="#ffa62b",
    error="#ba3c5b",
    success="#4EBF71",
    foreground="#e0e0e0",
)

# Dark text on light greys; state colours dark enough to read as text (4.5:1 or better).
HSM_LIGHT = Theme(
    name=LIGHT,
    primary="#0B5CAD",
    secondary="#5A3E9B",
    accent="#B35C00",
    warning="#9A5B00",
    error="#B3261E",
    success="#1E7B34",
    foreground="#1C1C1C",
    background="#EDEDED",
    surface="#F7F7F7",
    panel="#DADADA",
    dark=False,
    variables={
        "block-cursor-background": "#0B5CAD",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-blurred-background": "#0B5CAD 30%",
        "footer-key-foreground": "#0B5CAD",
        "text-muted": "#5C5C5C",
        # Borders: the lightest shade would be white on light grey, i.e. invisible.
        "panel-lighten-2": "#A3A3A3",
    },
)

# Only the base 16 colours, which the terminal's palette defines: readable on dark and light
# backgrounds alike, since the text is the terminal's default colour on its default background.
HSM_16 = Theme(
    name=ANSI,
    ansi=True,
    primary="ansi_blue",
    secondary="ansi_cyan",
    accent="ansi_cyan",
    warning="ansi_yellow",
    error="ansi_red",
    success="ansi_green",
    foreground="ansi_default",
    background="ansi_default",
    surface="ansi_default",
    panel="ansi_default",
    boost="ansi_default",
    variables={
        "ansi-background": "ansi_default",
        "ansi-foreground": "ansi_default",
        "panel-lighten-2": "ansi_bright_black",
        "text-muted": "ansi_bright_black",
        "text-accent": "ansi_blue",
        "border": "ansi_cyan",
        "border-blurred": "ansi_bright_black",
        "block-cursor-foreground": "ansi_bright_white",
        "block-cursor-background": "ansi_blue",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "ansi_default",
        "block-cursor-blurred-background": "ansi_bright_black",
        "footer-key-foreground": "ansi_cyan",
        "input-cursor-background": "ansi_default",
        "input-cursor-foreground": "ansi_default",
        "input-cursor-text-style": "reverse",
        "input-selection-background": "ansi_blue",
        "input-selection-foreground": "ansi_bright_white",
        "screen-selection-background": "ansi_blue",
        "screen-selection-foreground": "ansi_bright_white",
        "scrollbar": "ansi_bright_black",
        "scrollbar-hover": "ansi_blue",
        "scrollbar-active": "ansi_blue",
        "scrollbar-background": "ansi_default",
        "scrollbar-background-hover": "ansi_default",
        "scrollbar-background-active": "ansi_default",
    },
)

_DEFAULT_COLOUR = "ansi_default"

# Every colour is the terminal's default: Textual's widgets show their cursors in reverse
# video; styles/app.tcss does the rest for the `-mono` class (see HsmBackupsApp).
HSM_MONO = Theme(
    name=MONO,
    ansi=True,
    primary=_DEFAULT_COLOUR,
    secondary=_DEFAULT_COLOUR,
    accent=_DEFAULT_COLOUR,
    warning=_DEFAULT_COLOUR,
    error=_DEFAULT_COLOUR,
    success=_DEFAULT_COLOUR,
    foreground=_DEFAULT_COLOUR,
    background=_DEFAULT_COLOUR,
    surface=_DEFAULT_COLOUR,
    panel=_DEFAULT_COLOUR,
    boost=_DEFAULT_COLOUR,
    variables=dict.fromkeys(
        (
            "ansi-background",
            "ansi-foreground",
            "text-muted",
            "text-disabled",
            "panel-lighten-2",
            "foreground-muted",
            "background-muted",
            "border",
            "border-blurred",
            "block-cursor-foreground",
            "block-cursor-background",
            "block-cursor-blurred-foreground",
            "block-cursor-blurred-background",
            "block-hover-background",
            "footer-key-foreground",
            "input-cursor-foreground",
            "input-cursor-background",
            "input-selection-foreground",
            "input-selection-background",
            "screen-selection-foreground",
            "screen-selection-background",
            "link-color",
            "link-color-hover",
            "link-background-hover",
            "scrollbar",
            "scrollbar-hover",
            "scrollbar-active",
            "scrollbar-background",
            "scrollbar-background-hover",
            "scrollbar-background-active",
            "markdown-h1-color",
            "markdown-h2-color",
            "markdown-h3-color",
        ),
        _DEFAULT_COLOUR,
    )
    | {
        "block-cursor-text-style": "reverse bold",
        "block-cursor-blurred-text-style": "underline",
        "input-cursor-text-style": "reverse",
        "button-focus-text-style": "reverse bold",
    },
)

THEMES: tuple[Theme, ...] = (HSM_DARK, HSM_LIGHT, HSM_16, HSM_MONO)


def theme_names() -> list[str]:
    """Every theme a user can choose: the app's own first, then Textual's, alphabetically."""
    return [t.name for t in THEMES] + sorted(BUILTIN_THEMES)


def no_color(environ: Mapping[str, str]) -> bool:
    """NO_COLOR as no-color.org defines it: present and not empty."""
    return bool(environ.get("NO_COLOR"))


def few_colours(color_system: str | None) -> bool:
    """True when the terminal gets only the 16 base colours (what Rich detected for Textual).

    Rich says "standard" for TERM=linux, TERM=xterm or no TERM, unless COLORTERM says
    truecolor/24bit or TERM ends in -256color. Textual emits truecolor when Rich found nothing
    at all (TERM=dumb), so that case is not "few".
    """
    return color_system in ("standard", "windows")


@dataclass(frozen=True)
class ThemeChoice:
    """The theme a run starts with, and why (shown nowhere; tests and the docs rely on it)."""

    name: str
    reason: str


def choose_theme(
    *,
    flag: str | None,
    saved: str | None,
    environ: Mapping[str, str],
    color_system: str | None,
    available: Collection[str],
) -> ThemeChoice:
    """Decide the starting theme, strongest wish first.

    1. `--theme NAME` (an explicit wish for this run, remembered by the caller);
    2. NO_COLOR: the no-colour theme, for this run only (the saved theme stays saved);
    3. the theme saved in the config file, when it still exists;
    4. a 16-colour terminal: the theme built on its own 16 colours;
    5. the default dark theme.
    """
    if flag and flag != AUTO and flag in available:
        return ThemeChoice(flag, "flag")
    if no_color(environ):
        return ThemeChoice(MONO, "NO_COLOR")
    if flag != AUTO and saved and saved in available:
        return ThemeChoice(saved, "saved")
    if few_colours(color_system):
        return ThemeChoice(ANSI, "16 colours")
    return ThemeChoice(DARK, "default")
