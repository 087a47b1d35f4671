"""Settings: the typed start-up choices passed into build_app (never a global)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from tui.backups import BackupQuery
from tui.timefmt import Clock, utc_now


@dataclass(frozen=True)
class Settings:
    """What the command line (or a test) decided before the UI starts."""

    profile: str | None = None
    region: str | None = None
    #: The region was the user's choice (--region, or the query's), not the profile's default:
    #: switching profile keeps it. build_app() works this out.
    region_chosen: bool = False
    endpoint_url: str | None = None
    page_size: int = 50
    query: BackupQuery = field(default_factory=BackupQuery)
    demo: bool = False
    demo_latency_ms: int = 0
    #: The demo's tags full of markup, escape sequences and bidi tricks (for testing).
    demo_hostile: bool = False
    #: Where to look for copies (--regions); None = every CloudHSM region of the partition.
    search_regions: tuple[str, ...] | None = None
    #: --pick: Enter prints the highlighted backup (as "id", "arn" or "json") and exits.
    pick: str | None = None
    #: Re-check loaded CREATE_IN_PROGRESS / PENDING_DELETION rows now and then (--no-watch).
    watch: bool = True
    clock: Clock = utc_now
    #: --theme: a theme for this run, remembered; "auto" forgets the saved one; None = as saved.
    theme: str | None = None
    #: The zone "local" times are shown in; None = this machine's (tests pin one).
    local_zone: tzinfo | None = None
