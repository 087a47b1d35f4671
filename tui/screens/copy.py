"""Getting a backup out of the browser: what to copy (a menu on Y), and the text as a fallback.

The clipboard is reached through the terminal (OSC 52), so it works over SSH; a terminal may
ignore it, or the text may be too big for one sequence, so the text can always be shown to
select by hand instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.backups import Backup
from tui.backups.clipboard import clean_multiline
from tui.backups.commands import COMMAND_KEYS, OWNER_ONLY, backup_json, cli_commands, continued
from tui.backups.sanitize import clean
from tui.widgets.safe import safe


@dataclass(frozen=True)
class CopyChoice:
    """One thing the menu offers: its label, the text that would be copied, and what to know
    before running it (`note`: what it does; `warning`: why it would fail for this backup)."""

    key: str
    label: str
    text: str
    note: str = ""
    warning: str = ""

    @property
    def is_command(self) -> bool:
        """An `aws` command line: the text view may show it in continuation lines."""
        return self.key in COMMAND_KEYS


#: Menu labels of the commands (cli_commands keys), and what running each one would do.
_COMMANDS: dict[str, tuple[str, str]] = {
    "describe": ("describe-backups command", "reads"),
    "list_tags": ("list-tags command", "reads"),
    "restore": ("restore-backup command", "undoes a pending deletion"),
    "copy": ("copy-backup-to-region command", "makes a copy in another region"),
    "create_cluster": ("create-cluster command (from this backup)", "a new cluster"),
    "never_expires": ("modify-backup-attributes command", ""),
    "tag": ("tag-resource command", "adds a tag: edit <TAG-KEY> and <TAG-VALUE>"),
    "untag": ("untag-resource command", "removes a tag: edit <TAG-KEY>"),
    "delete": ("delete-backup command", "deletes it: restorable for 7 days"),
}
#: The hint under the menu: how to use it, and that a command is only ever copied.
MENU_HINT = "Enter copies · t as text · Esc closes · commands are copied, never run"


def copy_choices(
    backup: Backup,
    *,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None = None,
    shared: bool = False,
) -> list[CopyChoice]:
    """What Y offers for `backup`: its ID, ARN, JSON and the CLI commands, in that order.

    Each command says what it would do, and why it would fail for this backup when the API
    would refuse it (a restore of a backup not pending deletion, an owner-only command on a
    backup shared with this account).
    """
    commands = cli_commands(
        backup, region=region, profile=profile, endpoint_url=endpoint_url, shared=shared
    )
    choices = [CopyChoice("id", "Backup ID", backup.backup_id)]
    if backup.arn:
        choices.append(CopyChoice("arn", "ARN", backup.arn))
    choices.append(CopyChoice("json", "The backup as JSON", backup_json(backup)))
    for key in COMMAND_KEYS:
        label, note = _COMMANDS[key]
        if key == "never_expires":
            note = "lets it expire again" if backup.never_expires else "makes it never expire"
        choices.append(
            CopyChoice(key, label, commands[key], note=note, warning=_warning(key, backup, shared))
        )
    return choices


def _warning(key: str, backup: Backup, shared: bool) -> str:
    """Why the API would refuse `key` for this backup, or "" when nothing is known against it."""
    if shared and key in OWNER_ONLY:
        owner = _owner(backup)
        return f"fails for a shared backup: owner{owner} only"
    state = clean(backup.state or "state unknown")
    if key == "restore" and backup.state != "PENDING_DELETION":
        return f"fails for this backup: {state}, not PENDING_DELETION"
    if key == "delete" and backup.state in ("PENDING_DELETION", "DELETED"):
        return f"fails for this backup: already {state}"
    return ""


def _owner(backup: Backup) -> str:
    """` 111122223333` (the owning account, from the ARN), or "" when the ARN does not say."""
    parts = (backup.arn or "").split(":")
    account = parts[4] if len(parts) > 5 else ""
    return f" {clean(account)}" if account.isdigit() else ""


class CopyMenu(ModalScreen[tuple[CopyChoice, bool] | None]):
    """Pick what to copy: Enter copies it, t shows it as text instead; Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss_menu", "Close", id="copy.close"),
        Binding("t", "show_text", "Show as text", id="copy.text"),
    ]

    def __init__(self, backup_id: str, choices: list[CopyChoice]) -> None:
        super().__init__()
        self.backup_id = backup_id
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-menu") as box:
            box.border_title = safe("Copy")
            yield OptionList(*(Option(_prompt(c)) for c in self.choices), id="copy-options")
            # Docked to the bottom (styles/app.tcss), with the list scrolling above it: the
            # hint is the only place `t` is told, so it stays on screen at 80x24 too.
            yield Static(
                Text(MENU_HINT, "dim"),
                id="copy-hint",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((self.choices[event.option_index], False))

    def action_show_text(self) -> None:
        options = next(self.query(OptionList).results(), None)  # none before compose
        index = None if options is None else options.highlighted
        if index is not None:
            self.dismiss((self.choices[index], True))

    def action_dismiss_menu(self) -> None:
        self.dismiss(None)


def _prompt(choice: CopyChoice) -> Text:
    """Label (and note), then a one-line preview, then the warning if any.

    Each is one line: the list's CSS cuts a long one with an ellipsis instead of wrapping it.
    """
    prompt = Text.assemble((choice.label, "bold"))
    if choice.note:
        prompt.append(f" · {choice.note}")
    prompt.append_text(Text.assemble("\n  ", (_preview(choice.text), "dim")))
    if choice.warning:
        prompt.append_text(Text.assemble("\n  ", (choice.warning, "italic")))
    return prompt


def _preview(text: str) -> str:
    """`text` on one line (never markup: it is a Text): multi-line JSON reads `{"BackupId": …`
    rather than a lone `{`. The list cuts it to its width; this only keeps a huge one from
    being laid out whole."""
    one = " ".join(line.strip() for line in clean_multiline(text).split("\n") if line.strip())
    return one if len(one) <= 200 else one[:199] + "…"


#: Shown above a command split into continuation lines (one short line, fits 80 columns).
CONTINUED_NOTE = "Lines end in \\ so it pastes into a shell as one command."
#: Shown above text with a line wider than the view (kept whole: see CopyText).
WIDE_NOTE = "Long lines go on to the right (← → scroll): select them in a wider terminal."


class CommandBody(Static):
    """A one-line shell command, shown on one line when it fits the width, else in
    continuation lines (`continued`), which a shell reads as the same command."""

    @dataclass
    class Fitted(Message):
        """The command was laid out for a new width: `continued` when split into lines."""

        body: CommandBody
        continued: bool

        @property
        def control(self) -> CommandBody:
            return self.body

    def __init__(self, command: str, *, id: str | None = None) -> None:
        super().__init__(Text(command), id=id)
        self.command = command
        self.continued = False

    def on_resize(self) -> None:
        width = self.content_region.width
        if width <= 0:
            return
        split = cell_len(self.command) > width
        if split != self.continued:
            self.continued = split
            self.update(Text(continued(self.command) if split else self.command))
        self.post_message(self.Fitted(self, split))


class CopyText(ModalScreen[None]):
    """The text itself, to select with the mouse (Shift+drag in most terminals) when OSC 52
    cannot carry it: too big for one sequence, or a terminal that ignores it.

    A command too wide for the view is shown in continuation lines (CommandBody): a line the
    terminal wraps would be selected with a newline in it, and paste as a truncated command.
    Other text (JSON) is never folded either: a newline inside a JSON string breaks it, so a
    line wider than the view runs on to the right, and a note says so.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="copy.text.close"),
    ]

    def __init__(
        self, title: str, text: str, reason: str | None = None, *, command: bool = False
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = clean_multiline(text)
        self.reason = reason
        self.command = command and "\n" not in self.text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="copy-text") as box:
            # No scrollbar in this view (styles/app.tcss): say how to scroll instead.
            keys = "Esc closes" if self.command else "↑↓ PgUp PgDn scroll · Esc closes"
            box.border_title = safe(f"{self.title_text} — {keys}")
            if self.reason:
                yield Static(Text(self.reason, "bold"), id="copy-reason")
            note = Static(
                Text(CONTINUED_NOTE if self.command else WIDE_NOTE, "dim"), id="copy-note"
            )
            note.display = False
            yield note
            if self.command:
                yield CommandBody(self.text, id="copy-body")
            else:
                box.add_class("-unfolded")
                yield Static(Text(self.text, no_wrap=True, overflow="ignore"), id="copy-body")

    @on(CommandBody.Fitted)
    def _say_how_it_is_shown(self, event: CommandBody.Fitted) -> None:
        self.query_one("#copy-note").display = event.continued

    def on_resize(self) -> None:
        if not self.command:
            self.call_after_refresh(self._note_wide_lines)

    def _note_wide_lines(self) -> None:
        """After a refresh, which may come after Esc closed the view: then nothing to do."""
        if not self.is_attached:
            return
        view, note = self.query("#copy-text"), self.query("#copy-note")
        if not view or not note:
            return
        widest = max((cell_len(line) for line in self.text.split("\n")), default=0)
        note.first().display = widest > view.first().content_region.width

    def action_close(self) -> None:
        self.dismiss(None)
