"""The command palette's commands (ctrl+p): jump to a backup, filter, switch, copy, toggle.

Textual shows a hit's help text as markup, so help texts here are written by the app only;
anything from AWS or the user's files (IDs, profile names) goes into the prompt, which is built
as literal Content.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from tui.backups import BackupQuery, clean, invalid_backup_ids, invalid_cluster_ids
from tui.backups.profiles import list_profiles
from tui.screens.copy import CopyChoice
from tui.screens.main import MainScreen
from tui.screens.switching import NOT_IN_DEMO, apply_query, switch_profile, switch_region
from tui.widgets.safe import tell

if TYPE_CHECKING:
    from tui.app import HsmBackupsApp

NO_PROFILES = (
    "No profile in the AWS config or credentials file (AWS_CONFIG_FILE, "
    "AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config and ~/.aws/credentials)."
)
#: Something in the palette's input that looks like a backup ID.
_BACKUP_ID = re.compile(r"backup-[2-7a-zA-Z]{11,16}")
#: A backup ARN names its region: `arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-…`.
_ARN_REGION = re.compile(r"arn:[a-z-]+:cloudhsm:([a-z]{2}(?:-[a-z]+)+-\d+):\d*:backup/")


@dataclass(frozen=True)
class Command:
    """One palette entry. `name` is shown literally; `help` must be the app's own text."""

    name: str
    help: str
    run: Callable[[], object]
    #: Listed before anything is typed (per-region and per-profile entries wait for typing).
    discover: bool = True


def _highlight(matcher: Matcher, text: str) -> Content:
    """`text` as literal Content with the matched letters styled (Matcher.highlight parses
    markup, which would let a hostile ID style or link itself)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def region_commands(main: MainScreen) -> list[Command]:
    regions = list(main.regions)
    current = main.backup_query.region
    if current and current not in regions:
        regions.insert(0, current)
    return [
        Command(
            f"Switch region: {clean(region)}",
            "The region in use: list it again"
            if region == current
            else "List this region's backups with the same filters",
            partial(switch_region, main, region),
        )
        for region in regions
    ]


def profile_commands(main: MainScreen, profiles: list[str]) -> list[Command]:
    if main.settings.demo:
        return [Command("Switch profile: demo", NOT_IN_DEMO, partial(_not_in_demo, main))]
    if not profiles:
        return [Command("Switch profile: none found", NO_PROFILES, partial(_no_profiles, main))]
    current = main.source.profile_label
    commands = []
    for profile in profiles:
        if profile == current:
            help_text = "The profile in use: list again with freshly read credentials"
        elif profile == main.previous_profile:
            help_text = "The profile used before the last switch"
        else:
            help_text = "List with this profile (its own region, unless you chose one)"
        commands.append(
            Command(f"Switch profile: {clean(profile)}", help_text, partial(_switch, main, profile))
        )
    return commands


def _switch(main: MainScreen, profile: str) -> None:
    switch_profile(main, profile)


def _no_profiles(main: MainScreen) -> None:
    tell(main, NO_PROFILES, title="No AWS profiles", severity="warning")


def _not_in_demo(main: MainScreen) -> None:
    tell(main, NOT_IN_DEMO, title="Not in the demo", severity="warning")


def browser_commands(main: MainScreen, profiles: list[str]) -> list[Command]:
    """Everything the palette offers on the browser, in the order it lists them."""
    commands = [
        Command(
            "Switch profile…",
            "Pick an AWS profile from your AWS config files (P)",
            partial(open_profiles, main),
        ),
        Command("Switch region…", "Pick the region to list", partial(open_regions, main)),
        Command(
            "Toggle filters sidebar", "Show or hide the filters (f)", main.action_toggle_filters
        ),
        Command("Refresh", "Start the listing again (r)", main.action_refresh),
        Command("Export…", "Save the loaded rows as CSV or JSON (e)", main.action_export),
        Command(
            "Cycle time display",
            "Times in UTC, in local time or as ages (t)",
            cast("HsmBackupsApp", main.app).action_cycle_time,
        ),
    ]
    backup = main.table.current
    if backup is not None:
        # Only an ID the API could accept: a row's cluster ID is the API's own text, and a
        # filter is never sent before its IDs are valid (the sidebar holds back the same way).
        if backup.cluster_id and not invalid_cluster_ids((backup.cluster_id,)):
            query = BackupQuery(
                region=main.backup_query.region,
                cluster_ids=(backup.cluster_id,),
                sort_ascending=main.backup_query.sort_ascending,
            )
            commands.append(
                Command(
                    f"Filter by cluster {clean(backup.cluster_id)}",
                    "Only the backups of the highlighted backup's cluster",
                    partial(apply_query, main, query),
                )
            )
        app = cast("HsmBackupsApp", main.app)
        for choice in main.choices_to_copy(backup):
            commands.append(
                Command(
                    f"Copy {_lower_first(choice.label)}",
                    _copy_help(choice),
                    partial(app.copy_out, choice.text, choice.label),
                )
            )
    for command in (*region_commands(main), *profile_commands(main, profiles)):
        commands.append(Command(command.name, command.help, command.run, discover=False))
    return commands


def _copy_help(choice: CopyChoice) -> str:
    """What the hit says under its name; restore-backup says what it is for, and when it fails."""
    if choice.note:
        return "; ".join(filter(None, (choice.note.capitalize(), choice.warning)))
    return "Of the highlighted backup, to the clipboard (OSC 52; Y shows it as text)"


def _lower_first(label: str) -> str:
    """ "Backup ID" -> "backup ID", but "ARN" stays "ARN"."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def show_backup_command(main: MainScreen, typed: str) -> Command | None:
    """ "Show backup <id>" when the input holds something shaped like a backup ID."""
    found = _BACKUP_ID.search(typed)
    if found is None or invalid_backup_ids((found.group(),)):
        return None
    backup_id = found.group()
    arn = _ARN_REGION.search(typed[: found.start()])
    if arn is not None:  # a pasted ARN says where the backup lives: go there
        query = BackupQuery(region=arn.group(1), backup_ids=(backup_id,))
        return Command(
            f"Show backup {backup_id} in {arn.group(1)}",
            "Its ARN's region, with the Backup IDs filter set to it",
            partial(_show_in_region, main, query),
        )
    region = main.backup_query.region or "the default region"
    query = BackupQuery(region=main.backup_query.region, backup_ids=(backup_id,))
    return Command(
        f"Show backup {backup_id}",
        f"Set the Backup IDs filter to it, in {region} (IDs are per region; paste the ARN "
        "to go to its region)",
        partial(apply_query, main, query),
    )


def _show_in_region(main: MainScreen, query: BackupQuery) -> None:
    """Like switching region in the palette: the region becomes the user's choice."""
    if query.region != main.backup_query.region:
        main.region_chosen = True
    apply_query(main, query)


class _Commands(Provider):
    """Hits from a list of Commands: fuzzy search when typing, the discoverable ones before."""

    def commands(self, main: MainScreen) -> list[Command]:
        raise NotImplementedError

    async def startup(self) -> None:
        self.profiles: list[str] = []
        if isinstance(self.screen, MainScreen) and not self.screen.settings.demo:
            # File reads: off the UI thread. The same files boto3 reads (os.environ's).
            self.profiles = await asyncio.to_thread(list_profiles, os.environ)

    def _all(self) -> list[Command]:
        screen = self.screen
        return self.commands(screen) if isinstance(screen, MainScreen) else []

    async def discover(self) -> Hits:
        for command in self._all():
            if command.discover:
                yield DiscoveryHit(Content(command.name), command.run, command.name, command.help)

    def typed(self, main: MainScreen, query: str) -> list[Command]:
        """Commands made of what was typed, shown first."""
        return []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.screen
        if isinstance(screen, MainScreen):
            for command in self.typed(screen, query):
                yield Hit(1.0, Content(command.name), command.run, command.name, command.help)
        for command in self._all():
            if (score := matcher.match(command.name)) > 0:
                prompt = _highlight(matcher, command.name)
                yield Hit(score, prompt, command.run, command.name, command.help)


class BrowserCommands(_Commands):
    """The browser's commands, in the ctrl+p palette (with Textual's own, such as the theme)."""

    def commands(self, main: MainScreen) -> list[Command]:
        return browser_commands(main, self.profiles)

    def typed(self, main: MainScreen, query: str) -> list[Command]:
        show = show_backup_command(main, query)
        return [] if show is None else [show]


class ProfileCommands(_Commands):
    """Only the profiles: the P key's picker."""

    def commands(self, main: MainScreen) -> list[Command]:
        return profile_commands(main, self.profiles)


class RegionCommands(_Commands):
    """Only the regions: the "Switch region…" picker."""

    def commands(self, main: MainScreen) -> list[Command]:
        return region_commands(main)


def open_profiles(main: MainScreen) -> None:
    """The profile picker: a palette of the profiles in the AWS config files."""
    if main.settings.demo:
        _not_in_demo(main)
        return
    main.app.push_screen(CommandPalette([ProfileCommands], placeholder="Switch to profile…"))


def open_regions(main: MainScreen) -> None:
    main.app.push_screen(CommandPalette([RegionCommands], placeholder="Switch to region…"))
