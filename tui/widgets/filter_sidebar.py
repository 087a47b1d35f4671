"""FilterSidebar: every server-side filter of describe_backups, the sort and the region."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Label, Select, Static

from tui.backups import (
    BACKUP_STATES,
    BackupQuery,
    invalid_backup_ids,
    invalid_cluster_ids,
    read_ids,
)
from tui.widgets.marks import Tick
from tui.widgets.safe import SafeInput, safe

#: Input id -> (query field, validator, what a bad entry is called)
_ID_INPUTS = {
    "backup-ids": ("backup_ids", invalid_backup_ids, "backup ID"),
    "source-backup-ids": ("source_backup_ids", invalid_backup_ids, "backup ID"),
    "cluster-ids": ("cluster_ids", invalid_cluster_ids, "cluster ID"),
}
#: The ID fields whose ARNs say where to list: a backup's, a cluster's (not a source's).
_REGION_FIELDS = ("backup-ids", "cluster-ids")
_NEVER = {"any": None, "yes": True, "no": False}
#: The most "expiring within" counts: ten years. Retention is at most 379 days, so a bigger
#: number cannot select anything more, and the date arithmetic stays far from year 9999.
MAX_DAYS = 3650


class Days(NamedTuple):
    """What the "expiring within" field holds: the days to filter by (None: off), or why not."""

    days: int | None
    problem: str | None = None
    #: The number typed was over MAX_DAYS and counts as MAX_DAYS.
    capped: bool = False


def parse_days(text: str) -> Days:
    """Read the "expiring within" field: a whole number of days, at most MAX_DAYS."""
    text = text.strip()
    if not text:
        return Days(None)
    if not (text.isascii() and text.isdigit()):
        shown = text if len(text) <= 6 else text[:5] + "…"  # one line of the sidebar
        return Days(None, f"not a whole number: {shown}")
    digits = text.lstrip("0") or "0"  # no int() of a huge string: Python caps its digits
    if len(digits) > len(str(MAX_DAYS)) or int(digits) > MAX_DAYS:
        return Days(MAX_DAYS, capped=True)
    return Days(int(digits))


def _problem(bad: list[str], name: str) -> str:
    """An ID field's complaint, naming up to three offending entries literally."""
    return f"not a {name}: " + ", ".join(bad[:3]) + (" …" if len(bad) > 3 else "")


class FilterSidebar(VerticalScroll):
    """Edits a BackupQuery. Posts Changed on Enter or after a pause, never per keystroke.

    A field holding something that cannot be an ID is flagged where it is, and no query is
    posted until it is fixed: the API would only reject it.
    """

    #: The screen's Esc, here too so the footer shows the way out (over the table at 80x24).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.focus_table", "Back", key_display="Esc", id="filters.back"),
    ]

    TYPING_PAUSE: ClassVar[float] = 0.8
    TOGGLE_PAUSE: ClassVar[float] = 0.35

    @dataclass
    class Changed(Message):
        """The user settled on a new, valid query."""

        sidebar: FilterSidebar
        query: BackupQuery

        @property
        def control(self) -> FilterSidebar:
            return self.sidebar

    @dataclass
    class LocalChanged(Message):
        """The local "expiring within N days" filter changed (None: off). Not an API filter."""

        sidebar: FilterSidebar
        expiring_within: int | None

        @property
        def control(self) -> FilterSidebar:
            return self.sidebar

    @dataclass
    class Submitted(Message):
        """Enter in a field: the filters are applied and the user is done with them."""

        sidebar: FilterSidebar

        @property
        def control(self) -> FilterSidebar:
            return self.sidebar

    def __init__(self, query: BackupQuery, regions: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = query
        self._posted = query
        regions = list(regions)
        if query.region and query.region not in regions:
            regions.insert(0, query.region)
        self._regions = regions
        self._timer: Timer | None = None
        self._local_timer: Timer | None = None
        self._local_posted: int | None = None
        self.border_title = safe("Filters")

    def compose(self) -> ComposeResult:
        q = self._initial
        yield Label("Region")
        yield Select(
            [(safe(r), r) for r in self._regions],
            value=q.region if q.region else Select.NULL,
            prompt="choose a region",
            id="region",
            compact=True,
        )
        for input_id, (attr, _check, _name) in _ID_INPUTS.items():
            title = {"backup-ids": "Backup IDs", "source-backup-ids": "Source backup IDs"}.get(
                input_id, "Cluster IDs"
            )
            yield Label(title)
            yield SafeInput(
                " ".join(getattr(q, attr)),
                placeholder="any · id1, id2 …",
                id=input_id,
                compact=True,
            )
            yield Static("", id=f"{input_id}-error", classes="field-error")
        yield Label("States (none ticked = any)")
        for state in BACKUP_STATES:
            yield Tick(state, state in q.states, id=f"state-{state}", compact=True)
        yield Label("Never expires")
        never = next(k for k, v in _NEVER.items() if v == q.never_expires)
        yield Select(
            [("any", "any"), ("yes (exempt from retention)", "yes"), ("no", "no")],
            value=never,
            allow_blank=False,
            id="never-expires",
            compact=True,
        )
        yield Tick("Shared with me", q.shared, id="shared", compact=True)
        yield Label("Sort")
        yield Select(
            [("newest first", "desc"), ("oldest first", "asc")],
            value="asc" if q.sort_ascending else "desc",
            allow_blank=False,
            id="sort",
            compact=True,
        )
        yield Label("Expiring within (days)")
        yield SafeInput(placeholder="any · e.g. 7", id="expiring-within", compact=True)
        yield Static("", id="expiring-within-error", classes="field-error")
        yield Static(
            Text("Not sent to AWS: filters the rows already loaded.", style="dim"),
            classes="local-note",
        )
        yield Static(Text("Enter applies now · Esc back to the table", style="dim"), classes="hint")

    # ---- reading the form -------------------------------------------------------------------

    def _ids(self, input_id: str) -> tuple[str, ...]:
        return read_ids(self.query_one(f"#{input_id}", Input).value).ids

    def _named_regions(self) -> list[str]:
        """The regions the ARNs in Backup IDs and Cluster IDs name (a source backup's ARN
        names where the source is, not where its copies are listed: not counted)."""
        regions: dict[str, None] = {}
        for input_id in _REGION_FIELDS:
            regions.update(
                dict.fromkeys(read_ids(self.query_one(f"#{input_id}", Input).value).regions)
            )
        return list(regions)

    def _follow_arns(self) -> str | None:
        """A pasted ARN says where its backup lives: the Region follows it. None, or why not."""
        regions = self._named_regions()
        if len(regions) > 1:
            return f"ARNs in {len(regions)} regions: {', '.join(regions)}"
        if regions:
            (named,) = regions
            select = self.query_one("#region", Select)
            if named not in self._regions:
                self._regions.insert(0, named)
                select.set_options([(r, r) for r in self._regions])
            if select.value != named:
                select.value = named
        return None

    def current_query(self) -> BackupQuery | None:
        """The query the form shows, or None while any field is invalid."""
        fields: dict[str, tuple[str, ...]] = {}
        valid = True
        for input_id, (attr, check, name) in _ID_INPUTS.items():
            ids = self._ids(input_id)
            bad = check(ids)
            self._flag(input_id, bad, name)
            valid = valid and not bad
            fields[attr] = ids
        conflict = self._follow_arns()
        if conflict is not None:
            self._flag_text("backup-ids", conflict)
            return None
        if not valid:
            return None
        region = self.query_one("#region", Select).value
        never = self.query_one("#never-expires", Select).value
        states = tuple(s for s in BACKUP_STATES if self.query_one(f"#state-{s}", Checkbox).value)
        return replace(
            self._posted,
            region=region if isinstance(region, str) else None,
            backup_ids=fields["backup_ids"],
            source_backup_ids=fields["source_backup_ids"],
            cluster_ids=fields["cluster_ids"],
            states=states,
            never_expires=_NEVER.get(str(never)),
            shared=self.query_one("#shared", Checkbox).value,
            sort_ascending=self.query_one("#sort", Select).value == "asc",
        )

    def problems(self) -> list[str]:
        """What keeps the form from applying, in its fields' words ("not a backup ID: q")."""
        out = []
        for input_id, (_attr, check, name) in _ID_INPUTS.items():
            if bad := check(self._ids(input_id)):
                out.append(_problem(bad, name))
        regions = self._named_regions()
        if len(regions) > 1:
            out.append(f"ARNs in {len(regions)} regions: {', '.join(regions)}")
        problem = parse_days(self.query_one("#expiring-within", Input).value).problem
        if problem is not None:
            out.append(problem)
        return out

    def _flag(self, input_id: str, bad: list[str], name: str) -> None:
        """Mark an ID field invalid in place, naming the offending entries literally."""
        self._flag_text(input_id, _problem(bad, name) if bad else None)

    def _flag_text(self, input_id: str, problem: str | None) -> None:
        widget = self.query_one(f"#{input_id}", Input)
        error = self.query_one(f"#{input_id}-error", Static)
        widget.set_class(problem is not None, "-invalid")
        error.set_class(problem is not None, "-shown")
        error.update(safe(problem) if problem is not None else "")

    # ---- applying ---------------------------------------------------------------------------

    def apply_now(self) -> None:
        """Post the form's query if it is valid and differs from the last one posted."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        query = self.current_query()
        if query is not None and query != self._posted:
            self._posted = query
            self.post_message(self.Changed(self, query))

    def _apply_later(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(delay, self.apply_now)

    def set_query(self, query: BackupQuery) -> None:
        """Show a query decided elsewhere (a jump from the lineage) without re-posting it."""
        self._posted = query
        region = self.query_one("#region", Select)
        if query.region and query.region not in self._regions:
            self._regions.insert(0, query.region)
            region.set_options([(safe(r), r) for r in self._regions])
        region.value = query.region if query.region else Select.NULL
        for input_id, (attr, _check, _name) in _ID_INPUTS.items():
            self.query_one(f"#{input_id}", Input).value = " ".join(getattr(query, attr))
        for state in BACKUP_STATES:
            self.query_one(f"#state-{state}", Checkbox).value = state in query.states
        never = next(k for k, v in _NEVER.items() if v == query.never_expires)
        self.query_one("#never-expires", Select).value = never
        self.query_one("#shared", Checkbox).value = query.shared
        self.query_one("#sort", Select).value = "asc" if query.sort_ascending else "desc"

    def _post_local(self) -> None:
        self._local_timer = None
        field = self.query_one("#expiring-within", Input)
        read = parse_days(field.value)
        error = self.query_one("#expiring-within-error", Static)
        field.set_class(read.problem is not None, "-invalid")
        note = read.problem
        if read.capped:
            note = f"counted as {MAX_DAYS} (10 years)"
        error.set_class(note is not None, "-shown")
        error.update(safe(note) if note else "")
        if read.problem is not None:
            return  # the filter in force stays until the field holds a number again
        if read.days != self._local_posted:
            self._local_posted = read.days
            self.post_message(self.LocalChanged(self, read.days))

    @on(Input.Changed, "#expiring-within")
    def _local_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._local_timer is not None:
            self._local_timer.stop()
        self._local_timer = self.set_timer(self.TOGGLE_PAUSE, self._post_local)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "expiring-within":
            return  # local only: handled by _local_typed
        if event.input.id in _ID_INPUTS:
            _attr, check, name = _ID_INPUTS[event.input.id]
            self._flag(event.input.id, check(read_ids(event.value).ids), name)
        self._apply_later(self.TYPING_PAUSE)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "expiring-within":
            self._post_local()
        else:
            self.apply_now()
        if self.current_query() is not None:  # an invalid field keeps the focus, to be fixed
            self.post_message(self.Submitted(self))

    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _toggled(self, event: Checkbox.Changed | Select.Changed) -> None:
        event.stop()
        self._apply_later(self.TOGGLE_PAUSE)
