"""Lineage across regions: a copy's chain of sources, and every copy of a backup."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

from tui.backups.errors import AwsError
from tui.backups.models import Backup
from tui.backups.paging import follow
from tui.backups.source import BackupSource

__all__ = [
    "DENIED_CODES",
    "FILTER_BATCH",
    "NOT_ENABLED_CODES",
    "CopyNode",
    "CopyResult",
    "CopySearch",
    "LineageNode",
    "NodeStatus",
    "RegionState",
    "RegionStatus",
    "candidate_regions",
    "classify",
    "partition_of",
    "walk_sources",
]

NodeStatus = Literal["ok", "missing", "deleted", "denied", "not-enabled", "error", "cycle", "depth"]
RegionState = Literal["pending", "running", "done", "none", "denied", "not-enabled", "error"]

#: Error codes meaning "you may not look here".
DENIED_CODES = frozenset(
    {
        "CloudHsmAccessDeniedException",
        "AccessDeniedException",
        "AccessDenied",
        "UnauthorizedOperation",
        "AuthorizationError",
    }
)
#: Error codes meaning "this region does not answer this account": an opt-in region that is not
#: enabled rejects the credentials (UnrecognizedClientException, InvalidClientTokenId), an
#: unknown endpoint cannot be reached.
NOT_ENABLED_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "OptInRequired",
        "EndpointConnectionError",
        "UnknownEndpointError",
    }
)
#: Backup IDs per `backupIds` / `sourceBackupIds` filter. The API documents no limit for a
#: filter's list; 25 keeps each request small.
FILTER_BATCH = 25
#: Pages one request chain may take: empty pages that carry a token are followed, within this.
_PAGE_BUDGET = 50


def classify(error: AwsError) -> Literal["denied", "not-enabled", "error"]:
    """Which kind of failure an AwsError is, for a chain node or a region's status."""
    if error.code in DENIED_CODES:
        return "denied"
    if error.code in NOT_ENABLED_CODES:
        return "not-enabled"
    return "error"


def _describe(
    source: BackupSource,
    region: str,
    key: str,
    ids: Sequence[str],
    cancel: threading.Event | None,
    count: Callable[[], None] = lambda: None,
) -> list[Backup]:
    """Every backup `describe_backups(Filters={key: ids})` lists in `region`, all pages.

    Raises AwsError. Stops early (returning what it has) when `cancel` is set.
    """
    found: list[Backup] = []
    for start in range(0, len(ids), FILTER_BATCH):
        if cancel is not None and cancel.is_set():
            return found
        batch = list(ids[start : start + FILTER_BATCH])
        params: dict[str, Any] = {"Filters": {key: batch}, "MaxResults": 50}
        pages = follow(
            source, region, "describe_backups", params, budget=_PAGE_BUDGET, before_call=count
        )
        for response in pages:
            found.extend(
                Backup.from_api(item)
                for item in response.get("Backups") or []
                if isinstance(item, dict)
            )
            if cancel is not None and cancel.is_set():
                return found
    return found


@dataclass(frozen=True, slots=True)
class LineageNode:
    """One backup in a copy's chain of sources, or why the chain stops there."""

    region: str | None
    backup_id: str
    backup: Backup | None  # None when it could not be read
    status: NodeStatus
    message: str = ""


def walk_sources(
    source: BackupSource,
    backup: Backup,
    region: str,
    *,
    max_depth: int = 10,
    cancel: threading.Event | None = None,
) -> tuple[LineageNode, ...]:
    """The chain from the oldest known ancestor (first) to `backup` itself (last, "ok").

    Each hop looks SourceBackup up in SourceRegion by `backupIds`. A source that is not listed
    ends the chain as "missing" (an orphaned copy: a finding, not an error); a DELETED source
    is "deleted" and the walk goes on if it names a source of its own; an AwsError ends it as
    "denied", "not-enabled" or "error". A (region, ID) seen twice ends it as "cycle", and a
    source beyond `max_depth` look-ups as "depth". When `cancel` is set, what was found so far
    is returned. Never raises AwsError.
    """
    chain = [LineageNode(region, backup.backup_id, backup, "ok")]
    seen = {(region, backup.backup_id)}
    current, hops = backup, 0
    while current.is_copy:
        if cancel is not None and cancel.is_set():
            break
        src_region, src_id = current.source_region, current.source_backup
        if not src_id or not src_region:
            chain.append(
                LineageNode(
                    src_region,
                    src_id or "",
                    None,
                    "missing",
                    "the copy does not name its source " + ("backup" if not src_id else "region"),
                )
            )
            break
        if (src_region, src_id) in seen:
            chain.append(
                LineageNode(
                    src_region, src_id, None, "cycle", "the chain of sources loops back here"
                )
            )
            break
        if hops >= max_depth:
            chain.append(
                LineageNode(
                    src_region, src_id, None, "depth", f"stopped after {max_depth} look-ups"
                )
            )
            break
        hops += 1
        try:
            found = _describe(source, src_region, "backupIds", [src_id], cancel)
        except AwsError as exc:
            chain.append(
                LineageNode(src_region, src_id, None, classify(exc), f"{exc.code}: {exc.message}")
            )
            break
        match = next((b for b in found if b.backup_id == src_id), None)
        if match is None and cancel is not None and cancel.is_set():
            break  # cancelled before the answer came: not a finding
        if match is None:
            chain.append(
                LineageNode(
                    src_region,
                    src_id,
                    None,
                    "missing",
                    f"source backup not found in {src_region}: purged, or never visible here",
                )
            )
            break
        deleted = match.state == "DELETED"
        chain.append(
            LineageNode(
                src_region,
                src_id,
                match,
                "deleted" if deleted else "ok",
                "the source backup is DELETED" if deleted else "",
            )
        )
        seen.add((src_region, src_id))
        current = match
    return tuple(reversed(chain))


@dataclass
class CopyNode:
    """A copy of a backup, with its own copies."""

    region: str
    backup: Backup
    children: list[CopyNode] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RegionStatus:
    """How the copy search is going in one region. "done" found copies, "none" found none."""

    region: str
    state: RegionState
    found: int = 0
    message: str = ""


@dataclass
class CopyResult:
    """Everything a copy search found, and how each region answered."""

    roots: list[CopyNode]  # direct copies of the backup, each with its own copies
    statuses: dict[str, RegionStatus]  # per candidate region, in the order given
    cancelled: bool = False
    calls: int = 0  # API calls made
    #: True when copies were still being found at max_depth levels (the tree may go deeper).
    depth_capped: bool = False


class CopySearch:
    """Find every copy of a backup across candidate regions, level by level.

    Level 1 asks each region for copies of the backup (`sourceBackupIds`), level 2 for copies
    of those, and so on, with at most `concurrency` requests in flight. A region that fails
    keeps its failure state and is not asked again; it never fails the search.
    """

    def __init__(
        self,
        source: BackupSource,
        regions: Sequence[str],
        *,
        concurrency: int = 8,
        max_depth: int = 10,
    ) -> None:
        self.source = source
        self.regions = list(dict.fromkeys(regions))
        self.concurrency = max(1, concurrency)
        self.max_depth = max_depth

    def run(
        self,
        backup_id: str,
        origin_region: str,
        *,
        on_progress: Callable[[dict[str, RegionStatus]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> CopyResult:
        """Search; blocking, meant for a worker thread. Never raises AwsError.

        `on_progress` gets a snapshot of the statuses after each region finishes a level, from
        the worker threads, one call at a time. The origin region is searched too (copies of
        copies can come back to it); it is added first when not among the regions given.
        """
        regions = self.regions if origin_region in self.regions else [origin_region, *self.regions]
        run = _Run(self.source, regions, on_progress, cancel)
        seen = {(origin_region, backup_id)}
        nodes: dict[str, CopyNode] = {}
        roots: list[CopyNode] = []
        level = [backup_id]
        depth = 0
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="copy-search") as pool:
            while level and not run.cancelled():
                if depth >= self.max_depth:
                    run.depth_capped = True
                    break
                depth += 1
                asked = [r for r in regions if run.searchable(r)]
                futures = [pool.submit(run.search, r, level) for r in asked]
                found = [f.result() for f in futures]  # in region order: a stable tree
                level = []
                for region, copies in zip(asked, found, strict=True):
                    for copy in copies:
                        if (region, copy.backup_id) in seen:
                            continue  # a cycle, or the same copy listed twice
                        seen.add((region, copy.backup_id))
                        node = CopyNode(region, copy)
                        nodes[copy.backup_id] = node
                        parent = nodes.get(copy.source_backup or "")
                        (parent.children if parent else roots).append(node)
                        level.append(copy.backup_id)
        return run.result(roots)


class _Run:
    """The shared state of one search: statuses, the call count and progress reporting."""

    def __init__(
        self,
        source: BackupSource,
        regions: list[str],
        on_progress: Callable[[dict[str, RegionStatus]], None] | None,
        cancel: threading.Event | None,
    ) -> None:
        self.source = source
        self.on_progress = on_progress
        self.cancel = cancel
        self.calls = 0
        self.depth_capped = False
        self.statuses = {r: RegionStatus(r, "pending") for r in regions}
        self._lock = threading.Lock()
        self._report_lock = threading.Lock()

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def searchable(self, region: str) -> bool:
        with self._lock:
            return self.statuses[region].state not in ("denied", "not-enabled", "error")

    def _count(self) -> None:
        with self._lock:
            self.calls += 1

    def _set(self, status: RegionStatus) -> None:
        with self._lock:
            self.statuses[status.region] = status

    def search(self, region: str, ids: list[str]) -> list[Backup]:
        """One region, one level: its copies of `ids`, or [] when it fails (status recorded)."""
        if self.cancelled():
            return []
        with self._lock:
            before = self.statuses[region].found
        self._set(RegionStatus(region, "running", before))
        try:
            copies = _describe(
                self.source, region, "sourceBackupIds", ids, self.cancel, self._count
            )
        except AwsError as exc:
            self._set(RegionStatus(region, classify(exc), before, f"{exc.code}: {exc.message}"))
            self._report()
            return []
        if self.cancelled():
            self._set(RegionStatus(region, "pending", before))
            return []
        copies = [c for c in copies if c.source_backup in ids]
        total = before + len(copies)
        self._set(RegionStatus(region, "done" if total else "none", total))
        self._report()
        return copies

    def _report(self) -> None:
        if self.on_progress is None:
            return
        with self._report_lock:  # one call at a time, snapshots in order
            with self._lock:
                snapshot = dict(self.statuses)
            self.on_progress(snapshot)

    def result(self, roots: list[CopyNode]) -> CopyResult:
        with self._lock:
            return CopyResult(
                roots=roots,
                statuses=dict(self.statuses),
                cancelled=self.cancelled(),
                calls=self.calls,
                depth_capped=self.depth_capped,
            )


_PARTITION_PREFIXES = (
    ("us-gov-", "aws-us-gov"),
    ("cn-", "aws-cn"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-iso-", "aws-iso"),
)


def partition_of(region: str) -> str:
    """The AWS partition a region name belongs to, by its prefix ("aws" for the rest)."""
    for prefix, partition in _PARTITION_PREFIXES:
        if region.startswith(prefix):
            return partition
    return "aws"


def candidate_regions(
    current_region: str | None, explicit: Sequence[str] | None, available: Sequence[str]
) -> list[str]:
    """Where to look for copies: `explicit` (--regions) when given, as given, without repeats;
    otherwise the regions of `available` in current_region's partition, current_region first.

    Copies never cross partitions, so searching the others would only collect errors.
    """
    if explicit:
        return list(dict.fromkeys(r for r in explicit if r))
    partition = partition_of(current_region or "")
    same = [r for r in dict.fromkeys(available) if partition_of(r) == partition]
    if current_region:
        same = [current_region, *(r for r in same if r != current_region)]
    return same
