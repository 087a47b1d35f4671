"""TopBar: the header line, and the one look-up it needs (the account ID, from STS)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import on, work
from textual.message import Message

from tui.backups import AwsError, BackupSource, clean
from tui.widgets.prerendered import Prerendered

#: The profile name shown in the demo, which has one fake account and reads no AWS files.
DEMO_PROFILE = "demo"


def _cap(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Header:
    """The header's content: who (profile, account when known), where, the status, the query.

    Drawn in the longest form that fits the width whole; when none does, the shortest form is
    cut at its end, so the query goes first and profile, region and status stay in view.
    """

    profile: str
    region: str | None
    status: Text
    query: str = ""
    account: str | None = None
    demo: bool = False

    def forms(self) -> list[Text]:
        """Longest first: words and the app's name are what narrow terminals give up."""
        profile = clean(self.profile)
        account = clean(self.account) if self.account else None
        region = clean(self.region) if self.region else "no region"
        long_who = f"profile {_cap(profile, 40)}"
        if self.demo:
            long_who += " (moto, offline)"
        if account:
            long_who += f" · account {account}"
        short_who = _cap(profile, 24) + (f" ({account})" if account else "")
        query = clean(self.query)
        forms = [
            self._bar(brand, who, region, query)
            for brand, who in ((True, long_who), (True, short_who), (False, short_who))
        ]
        # Narrower still, the query gives up whole parts from its end ("…" says some are
        # hidden) rather than end in half a word such as "n…" for "newest first". Filters
        # (`name=values`) come first and are never given up whole: a filter on is worth a cut.
        parts = query.split(" · ") if query else []
        filters = sum(1 for part in parts if "=" in part)
        for keep in range(len(parts) - 1, filters - 1, -1):
            forms.append(self._bar(False, short_who, region, " · ".join([*parts[:keep], "…"])))
        return forms

    def _bar(self, brand: bool, who: str, region: str, query: str) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis", end="")
        if brand:
            bar.append("hsm-backups", style="bold")
            bar.append(" · ")
        bar.append(f"{who} · {region} · ")
        bar.append_text(self.status)
        if query:
            bar.append(" · ")
            bar.append(query, style="dim")
        return bar

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        forms = self.forms()
        yield next((f for f in forms if f.cell_len <= options.max_width), forms[-1])


class TopBar(Prerendered):
    """Profile, region, account ID (when known), the listing's status and the query.

    The account comes from `sts get-caller-identity`: asked once per source (so once per
    profile switch), in a thread, only after the listing's first page came back (it never
    competes with it, and bad credentials have already been reported by then), and never in
    the demo. A failure just leaves the account unknown.
    """

    @dataclass
    class AccountFound(Message):
        """STS answered for `profile` (None: it did not, the account stays unknown)."""

        profile: str
        account: str | None

    def __init__(self, *, demo: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.demo = demo
        #: Profile name -> account ID, as STS said; kept across switches.
        self.accounts: dict[str, str] = {}
        #: Sources whose account has been asked for already (a new one per switch).
        self._asked: set[BackupSource] = set()
        self.header: Header | None = None

    def show(
        self,
        source: BackupSource,
        region: str | None,
        status: Text,
        query: str,
        *,
        answered: bool,
    ) -> None:
        """Draw the header; `answered`: a page of this listing came back without error."""
        profile = DEMO_PROFILE if self.demo else source.profile_label
        known = profile in self.accounts
        if answered and not self.demo and not known and source not in self._asked:
            self._asked.add(source)
            self._ask_account(source, profile, region)
        self.header = Header(
            profile, region, status, query, account=self.accounts.get(profile), demo=self.demo
        )
        self.update(self.header)

    def account_of(self, source: BackupSource) -> str | None:
        """The account `source`'s credentials act in, as STS said; None until it did (and in
        the demo, which never asks)."""
        return None if self.demo else self.accounts.get(source.profile_label)

    @work(thread=True, group="identity", exit_on_error=False, description="sts account ID")
    def _ask_account(self, source: BackupSource, profile: str, region: str | None) -> None:
        try:
            account: str | None = source.account_id(region)
        except AwsError:
            account = None
        self.post_message(self.AccountFound(profile, account))

    @on(AccountFound)
    def _account_found(self, event: AccountFound) -> None:
        if event.account is None:
            return
        self.accounts[event.profile] = event.account
        header = self.header
        if header is not None and header.profile == event.profile:
            self.header = replace(header, account=event.account)
            self.update(self.header)
