"""Switching region and profile in place: a new listing (a new generation), never a restart."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.backups import BackupQuery, clean
from tui.backups.profiles import default_region
from tui.widgets import FilterSidebar
from tui.widgets.safe import tell

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

NOT_IN_DEMO = (
    "The demo has one fake account, so there is no other profile to use. "
    "Run hsm-backups without --demo to browse with your AWS profiles."
)


def apply_query(screen: MainScreen, query: BackupQuery) -> None:
    """Show `query` in the sidebar and start listing it (a page in flight becomes stale).

    A navigation (a lineage jump, a palette query, a region or profile switch): the place
    left is kept on the screen's trail, for Backspace / [ to come back to.
    """
    if query != screen.backup_query:
        screen.trail.leave(screen.here())
    screen.query_one(FilterSidebar).set_query(query)
    screen.start(query)


def switch_region(screen: MainScreen, region: str) -> None:
    """List `region` with the same filters; from now on the region is the user's choice."""
    screen.region_chosen = True
    apply_query(screen, replace(screen.backup_query, region=region))


def switch_profile(screen: MainScreen, profile: str) -> None:
    """Browse with `profile`: a new BackupSource (own session and clients), listing anew.

    The profile's own region applies (as the AWS CLI picks it: AWS_REGION, AWS_DEFAULT_REGION,
    the profile's `region`) unless the user chose one. Nothing is checked here: a profile that
    is gone, an expired SSO session or missing credentials come back from the first page's call
    as an error in the table, which also names the way back (P, or the previous profile).
    """
    if screen.settings.demo:
        tell(screen, NOT_IN_DEMO, title="Not in the demo", severity="warning")
        return
    old = screen.source
    source = old.with_profile(profile)
    region = screen.backup_query.region
    if not screen.region_chosen:
        region = default_region(os.environ, profile) or region
    if old.profile_label != profile:
        screen.previous_profile = old.profile_label
    screen.source = source
    screen.detail.source = source
    # The copied CLI commands name the profile in use.
    screen.settings = replace(screen.settings, profile=profile)
    # Cluster policies, lineage and copies were another identity's view: look again.
    screen.clusters.clear()
    screen.detail.forget()
    apply_query(screen, replace(screen.backup_query, region=region))
    tell(
        screen,
        f"Listing {region or 'the default region'} with profile {profile}.",
        title="Profile switched",
        timeout=4,
    )


def way_back(screen: MainScreen) -> str | None:
    """What to tell the user after a failed first page: how to get to a working profile."""
    if screen.settings.demo:
        return None
    hint = "P switches profile (ctrl+p too)"
    if screen.previous_profile is not None:
        hint += f"; the one before was {clean(screen.previous_profile)}"
    return hint + "."
