"""HelpScreen: every key binding, read from the widgets themselves so the list cannot go stale."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.safe import safe

ABOUT = (
    "Backups load one page at a time (describe_backups, up to 50 per call) in the API's order; "
    "the next page is requested before you reach the end. The API gives no total, so the status "
    "says how many are loaded and whether more exist. Every filter in the sidebar is applied "
    "by AWS (server-side) except 'Expiring within', which only filters the rows already "
    "loaded; changing a server-side filter starts the listing again from its first page.\n\n"
    "Expires: when a backup becomes eligible for deletion under its cluster's retention policy "
    "(looked up once per cluster; the detail's Retention row shows the policy). Copies in "
    "another region have no policy and never expire; AWS never deletes a cluster's last backup. "
    "A backup another account owns (shared with you) says 'unknown (owner's cluster)': its "
    "cluster's policy is in that account, which the Owner column names. An export (e) carries "
    "each backup's expiry as the table shows it.\n\n"
    "Lineage: for a copy, the chain back to the original is looked up when the cursor rests on "
    "it (and the detail shows). L searches every region for copies of the highlighted backup "
    "(and their copies).\n\n"
    "Small terminals (under 100 columns or 30 rows): the filters open over the table (/ or f; "
    "Esc, or Enter in a field, closes them) and the detail is a panel: d shows or hides it, "
    "Enter opens it with the keys in it (Tab reaches the lineage tree), Esc goes back.\n\n"
    "Watch: while loaded backups are CREATE_IN_PROGRESS or PENDING_DELETION, only those are "
    "asked about again every 30 s and updated in place; the status line says when it last "
    "checked. It pauses when idle in the background (a key resumes); --no-watch turns it off."
    "\n\n"
    "Copying (y, Y): the text goes to the clipboard through the terminal (OSC 52), so over SSH "
    "it lands on the machine you sit at. Inside tmux it is sent both plainly (tmux needs "
    "'set -g set-clipboard on') and wrapped for passthrough ('set -g allow-passthrough on'); "
    "under tmux's defaults both are dropped, and the app says Not copied and shows the text "
    "('tmux set -g set-clipboard on' fixes it). If nothing arrives, Y then t shows the text: "
    "Shift+drag selects it in most terminals.\n\n"
    "Looks: t shows times in UTC, in local time or as ages. Ctrl+P, then 'Theme', "
    "picks a theme (or start with --theme NAME): hsm-dark, hsm-light, hsm-16 (the terminal's "
    "own 16 colours, chosen by itself on TERM=linux or TERM=xterm without COLORTERM), "
    "hsm-mono (no colour, chosen under NO_COLOR) or one of Textual's. Both choices are "
    "remembered in a small config file (on Linux ~/.config/hsm-backups/config.json, or "
    "$HSM_BACKUPS_CONFIG), which holds nothing else.\n\n"
    "Crashes: an unexpected error closes the app with one line naming a crash report (on "
    "Linux in ~/.local/state/hsm-backups), readable by you alone, with the traceback's frames "
    "but no variables, environment or credentials in it."
)
_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "enter": "Enter",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "backspace": "Backspace",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def key_names(key: str) -> str:
    """`up,k` -> `↑ k`: binding keys as a person types them."""
    return " ".join(_NAMES.get(k, k) for k in key.split(","))


def bindings_table(groups: list[tuple[str, list[BindingType]]]) -> RenderableType:
    """One section per group, one line per binding with a description."""
    parts: list[RenderableType] = []
    for title, bindings in groups:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", min_width=14, no_wrap=True)
        table.add_column()
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                # The tooltip is the longer wording, where the footer's must stay short.
                words = binding.tooltip or binding.description
                table.add_row(Text(key_names(binding.key)), Text(words))
        parts += [Text(title, style="bold underline"), table, Text("")]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """A modal over the browser; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, groups: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        # Keys that belong to widgets and dialogs (Input, OptionList, RadioSet…) rather than
        # to a BINDINGS list of ours: written out here, in the words a user needs.
        extra: list[tuple[str, list[BindingType]]] = [
            (
                "In the filters",
                [
                    Binding("enter", "", "Apply the filters now"),
                    Binding("tab,shift+tab", "", "Next / previous field"),
                    Binding("space", "", "Tick a state or open a list"),
                ],
            ),
            (
                "In the detail (Enter from the table)",
                [
                    Binding("up,down,pageup,pagedown", "", "Scroll the detail"),
                    Binding("tab", "", "Into the lineage tree (keys above)"),
                    Binding("escape", "", "Back to the table"),
                ],
            ),
            (
                "Copy menu (Y)",
                [
                    Binding("up,down", "", "Choose what to copy"),
                    Binding("enter", "", "Copy it to the clipboard"),
                    Binding("t", "", "Show it as text to select instead"),
                    Binding("escape", "", "Close"),
                ],
            ),
            (
                "Export (e)",
                [
                    Binding("enter", "", "Write the file"),
                    Binding("tab,shift+tab", "", "File name / CSV or JSON"),
                    Binding("y,n", "", "Replace an existing file, or keep it"),
                    Binding("escape", "", "Cancel"),
                ],
            ),
        ]
        with VerticalScroll(id="help-body") as body:
            body.border_title = safe("Help — Esc closes")
            yield Static(bindings_table(self.groups + extra))
            yield Static(Text("How this works", style="bold underline"))
            yield Static(Text(ABOUT), id="help-about")
            yield Static(
                Text(
                    "The mouse works too (click a row, scroll), but is never required. "
                    "Shift+drag selects text in most terminals (a plain drag goes to the app).",
                    "dim",
                )
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
