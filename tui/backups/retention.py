"""Retention and expiry: each cluster's policy read once, and when each backup goes away."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from tui.backups.errors import AwsError
from tui.backups.models import Backup, as_utc, scrub
from tui.backups.paging import follow
from tui.backups.sanitize import clean
from tui.backups.source import BackupSource
from tui.timefmt import span, stamp

__all__ = [
    "CLUSTER_BATCH",
    "OUT_OF_RANGE",
    "OWNERS_CLUSTER",
    "SHORT_MAX",
    "ClusterCache",
    "ClusterInfo",
    "Expiries",
    "Expiry",
    "ExpiryKind",
    "expiry",
    "fetch_clusters",
    "needs_cluster",
    "retention_text",
]

#: Cluster IDs per describe_clusters request. The API documents no limit for a filter's list,
#: so this matches its page size (MaxResults 1–25): one batch is normally one call.
CLUSTER_BATCH = 25
#: The longest `Expiry.short` of a backup whose cluster this account can read, in terminal
#: cells (every short text is ASCII or "…"). OWNERS_CLUSTER is longer: only a backup another
#: account owns says it, and the table widens Expires when it shows their Owner column.
SHORT_MAX = 22
#: The Expires cell of a backup another account owns: its cluster, and so its retention
#: policy, is in that account, where describe_clusters cannot see it.
OWNERS_CLUSTER = "unknown (owner's cluster)"
#: The Expires cell when CreateTimestamp + the retention days is past 9999-12-31 (an odd
#: CreateTimestamp such as 253402300799, or a retention Value such as "3000000").
OUT_OF_RANGE = "unknown (out of range)"
#: Pages one batch may take before we stop following NextToken (a loop guard, never reached).
_PAGE_BUDGET = 20
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """What describe_clusters said about one cluster, or why it could not say."""

    region: str
    cluster_id: str
    #: False: describe_clusters did not return it (cluster gone) or it could not be read.
    found: bool
    #: From BackupRetentionPolicy {"Type": "DAYS", "Value": "90"}; None without a policy.
    retention_days: int | None
    state: str | None = None
    #: The AwsError code when the cluster could not be read, e.g. CloudHsmAccessDeniedException.
    error: str | None = None


def _retention_days(policy: object) -> int | None:
    """Days from a BackupRetentionPolicy; None when absent or not a DAYS policy we can read."""
    if not isinstance(policy, dict) or str(policy.get("Type", "")).upper() != "DAYS":
        return None
    value = policy.get("Value")
    try:
        days = int(str(value).strip())
    except ValueError:
        return None
    return days if days > 0 else None


def _cluster_id(item: dict[str, Any]) -> str:
    """The ClusterId of a describe_clusters entry, scrubbed like every API string (scrub)."""
    return scrub(str(item.get("ClusterId", "")))


def _info(region: str, item: dict[str, Any]) -> ClusterInfo:
    state = item.get("State")
    return ClusterInfo(
        region=region,
        cluster_id=_cluster_id(item),
        found=True,
        retention_days=_retention_days(item.get("BackupRetentionPolicy")),
        state=scrub(state) if isinstance(state, str) else None,
    )


def fetch_clusters(
    source: BackupSource, region: str, cluster_ids: Iterable[str]
) -> dict[str, ClusterInfo]:
    """Describe `cluster_ids` in `region`: one entry per unique requested ID. Never raises AwsError.

    Batches of CLUSTER_BATCH IDs with `Filters={"clusterIds": batch}`, following NextToken.
    An ID the API does not return is `found=False` (the cluster is gone); an AwsError on a batch
    marks that batch's unanswered IDs `found=False, error=<code>`, and the other batches go on.
    """
    ids = list(dict.fromkeys(i for i in cluster_ids if i))
    out: dict[str, ClusterInfo] = {}
    for start in range(0, len(ids), CLUSTER_BATCH):
        batch = ids[start : start + CLUSTER_BATCH]
        wanted = set(batch)
        error: str | None = None
        params: dict[str, Any] = {"Filters": {"clusterIds": batch}, "MaxResults": CLUSTER_BATCH}
        try:
            for response in follow(
                source, region, "describe_clusters", params, budget=_PAGE_BUDGET
            ):
                for item in response.get("Clusters") or []:
                    if isinstance(item, dict) and _cluster_id(item) in wanted:
                        info = _info(region, item)
                        out[info.cluster_id] = info
        except AwsError as exc:
            error = exc.code
        for cluster_id in batch:
            if cluster_id not in out:
                out[cluster_id] = ClusterInfo(region, cluster_id, False, None, error=error)
    return {cluster_id: out[cluster_id] for cluster_id in ids}


class ClusterCache:
    """Cluster look-ups for one session, shared by workers: thread-safe, cleared on refresh.

    `missing()` marks what it returns as in flight, so two workers asking at once never fetch
    the same cluster twice; `put()` (or `release()` for a fetch that was abandoned) ends that.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._infos: dict[tuple[str, str], ClusterInfo] = {}
        self._in_flight: set[tuple[str, str]] = set()

    def get(self, region: str, cluster_id: str) -> ClusterInfo | None:
        """The cached answer, or None when it has not been fetched (yet)."""
        with self._lock:
            return self._infos.get((region, cluster_id))

    def missing(self, region: str, cluster_ids: Iterable[str]) -> list[str]:
        """IDs (unique, in order) neither cached nor being fetched; marks them in flight."""
        out: list[str] = []
        with self._lock:
            for cluster_id in dict.fromkeys(i for i in cluster_ids if i):
                key = (region, cluster_id)
                if key not in self._infos and key not in self._in_flight:
                    self._in_flight.add(key)
                    out.append(cluster_id)
        return out

    def put(self, infos: Iterable[ClusterInfo]) -> None:
        """Store answers (replacing older ones) and clear their in-flight marks."""
        with self._lock:
            for info in infos:
                key = (info.region, info.cluster_id)
                self._infos[key] = info
                self._in_flight.discard(key)

    def release(self, region: str, cluster_ids: Iterable[str]) -> None:
        """Drop in-flight marks without an answer (a cancelled fetch), so they are asked again."""
        with self._lock:
            for cluster_id in cluster_ids:
                self._in_flight.discard((region, cluster_id))

    def clear(self) -> None:
        """Forget everything, in-flight marks included (refresh)."""
        with self._lock:
            self._infos.clear()
            self._in_flight.clear()


ExpiryKind = Literal[
    "expires",
    "overdue",
    "never-exempt",
    "never-copy",
    "never-no-policy",
    "unknown",
    "checking",
    "pending-deletion",
    "deleted",
    "creating",
    "no-state",
]


@dataclass(frozen=True, slots=True)
class Expiry:
    """When a backup becomes eligible for deletion (or is deleted), and why."""

    kind: ExpiryKind
    #: The instant it becomes eligible for deletion / is deleted (aware UTC), when known.
    when: datetime | None
    #: The table cell, at most SHORT_MAX cells: "in 83 d", "deleted in 4 d 3 h", "never (exempt)".
    short: str
    #: One or two sentences for the detail pane: the exact UTC time and the reason.
    detail: str
    #: PENDING_DELETION with under 24 h left or past due; a READY backup past its retention.
    urgent: bool = False
    #: The days of the cluster's retention policy, when the cluster was read and has one.
    retention_days: int | None = None


def needs_cluster(backup: Backup) -> bool:
    """Whether `expiry` of this backup depends on its cluster's retention policy.

    Only READY, non-exempt, non-copy backups with a CreateTimestamp and a ClusterId do; the UI
    fetches clusters for those alone (a copy's ClusterId names a cluster in another region).
    """
    return (
        backup.state == "READY"
        and backup.never_expires is not True
        and not backup.is_copy
        and backup.created is not None
        and bool(backup.cluster_id)
    )


def _utc(value: datetime) -> datetime:
    """Aware UTC; a naive datetime is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _at(value: datetime) -> str:
    return f"{stamp(value, seconds=True)} UTC"


def _pending(backup: Backup, now: datetime) -> Expiry:
    when = as_utc(backup.delete_at)
    if when is None:
        return Expiry(
            "pending-deletion",
            None,
            "pending deletion",
            "Pending deletion, but the API gave no DeleteTimestamp. Until AWS deletes it "
            "(up to 7 days after the request) it can still be restored.",
        )
    left = (when - now).total_seconds()
    if left <= 0:
        return Expiry(
            "pending-deletion",
            when,
            "deleting now",
            f"Pending deletion: AWS was due to delete it at {_at(when)} and is deleting it now.",
            urgent=True,
        )
    return Expiry(
        "pending-deletion",
        when,
        f"deleted in {span(left)}",
        f"Pending deletion: AWS deletes it for good at {_at(when)}, in {span(left)}. "
        "Until then it can still be restored.",
        urgent=left < _DAY.total_seconds(),
    )


def _copy_note(backup: Backup) -> str:
    region = clean(backup.source_region or "another region")
    return (
        f"A copy from {region}: copies in another region are not associated with a cluster "
        "and have no retention policy, so delete them by hand."
    )


def _by_policy(backup: Backup, cluster: ClusterInfo, created: datetime, now: datetime) -> Expiry:
    cid, region = clean(cluster.cluster_id), clean(cluster.region)
    days = cluster.retention_days
    if cluster.state == "DELETED":
        return Expiry(
            "unknown",
            None,
            "unknown",
            f"Expiry unknown: cluster {cid} in {region} is DELETED, so its retention policy "
            "no longer applies as listed.",
            retention_days=days,
        )
    if days is None:
        return Expiry(
            "never-no-policy",
            None,
            "never (no policy)",
            f"Cluster {cid} has no backup retention policy, so AWS keeps this backup until it "
            "is deleted by hand.",
        )
    why = f"created {_at(created)} + the {days}-day retention policy of cluster {cid}"
    try:
        when = created + days * _DAY
    except OverflowError:  # past 9999-12-31, the last day a datetime can hold
        return Expiry(
            "unknown",
            None,
            OUT_OF_RANGE,
            f"Expiry unknown (out of range): {why} is past the year 9999, the last date "
            "this tool can compute.",
            retention_days=days,
        )
    left = (when - now).total_seconds()
    if left > 0:
        return Expiry(
            "expires",
            when,
            f"in {span(left)}",
            f"Eligible for deletion at {_at(when)}: {why}. AWS never deletes a cluster's last "
            "backup.",
            retention_days=days,
        )
    late = -left
    return Expiry(
        "overdue",
        when,
        "due now" if late < _DAY.total_seconds() else f"overdue {span(late)}",
        f"Eligible for deletion since {_at(when)}: {why}. AWS purges it soon, unless it is "
        "the cluster's last backup, which AWS never deletes.",
        urgent=True,
        retention_days=days,
    )


def _owner_words(owner: str) -> str:
    return f"the owner's account {clean(owner)}" if owner else "the owner's account"


def expiry(
    backup: Backup, cluster: ClusterInfo | None, now: datetime, *, owner: str | None = None
) -> Expiry:
    """When `backup` becomes eligible for deletion, and why: the one place these rules live.

    In order: PENDING_DELETION counts down to DeleteTimestamp; DELETED and CREATE_IN_PROGRESS
    are plain; any other non-READY state is "no-state". For READY: NeverExpires wins, then a
    copy (no cluster, no policy), then a missing CreateTimestamp or ClusterId is "unknown";
    a backup another account owns (`owner`: its account ID, "" when the ARN does not say it,
    None for the caller's own) is "unknown" for that reason, whatever `cluster` is;
    `cluster` None means its look-up is still running ("checking"); a cluster not found or not
    readable is "unknown" with the reason. Otherwise CreateTimestamp + the policy's days:
    "expires" before that instant, "overdue" from it on (exactly at it: "due now").
    `now` may be in any time zone; naive datetimes are taken as UTC.
    """
    now = _utc(now)
    state = backup.state
    if state == "PENDING_DELETION":
        return _pending(backup, now)
    if state == "DELETED":
        gone = as_utc(backup.delete_at)
        return Expiry(
            "deleted",
            gone,
            "deleted",
            f"Deleted at {_at(gone)}." if gone else "Deleted (the API gave no DeleteTimestamp).",
        )
    if state == "CREATE_IN_PROGRESS":
        return Expiry(
            "creating", None, "creating", "Backup in progress: its expiry is known once READY."
        )
    if state != "READY":
        said = "no BackupState" if state is None else f"BackupState {clean(state)!r}"
        return Expiry("no-state", None, "—", f"The API gave {said}, so no expiry is computed.")
    if backup.never_expires is True:
        detail = (
            "NeverExpires is set: the backup is exempt from its cluster's retention policy and "
            "stays until it is deleted by hand."
        )
        if backup.is_copy:
            detail += " " + _copy_note(backup)
        return Expiry("never-exempt", None, "never (exempt)", detail)
    if backup.is_copy:
        return Expiry("never-copy", None, "never (copy)", _copy_note(backup))
    created = as_utc(backup.created)
    if created is None:
        return Expiry(
            "unknown", None, "unknown", "Expiry unknown: the API gave no CreateTimestamp."
        )
    if not backup.cluster_id:
        return Expiry("unknown", None, "unknown", "Expiry unknown: the backup names no cluster.")
    if owner is not None:
        return Expiry(
            "unknown",
            None,
            OWNERS_CLUSTER,
            f"Its cluster is in {_owner_words(owner)}: its retention policy cannot be read "
            "from here.",
        )
    if cluster is None:
        return Expiry(
            "checking",
            None,
            "…",
            f"Reading the retention policy of cluster {clean(backup.cluster_id)}…",
        )
    if not cluster.found:
        cid, region = clean(cluster.cluster_id), clean(cluster.region)
        reason = (
            f"could not read cluster {cid} in {region}: {clean(cluster.error)}"
            if cluster.error
            else f"cluster {cid} not found in {region} (deleted?)"
        )
        return Expiry(
            "unknown",
            None,
            "unknown",
            f"Expiry unknown: {reason}, so its retention policy is not known.",
        )
    return _by_policy(backup, cluster, created, now)


def retention_text(backup: Backup, cluster: ClusterInfo | None, *, owner: str | None = None) -> str:
    """The retention policy behind `expiry` for the detail pane, or why none applies.

    The same order of rules as `expiry`, with the same arguments: "90 days · cluster … (ACTIVE)",
    "no policy · …", "reading…" while the look-up runs, "unknown: …" when the cluster could not
    be read, "owner's cluster …" for another account's backup, "not used: …" when the backup's
    state, NeverExpires or being a copy means the policy does not decide its expiry.
    """
    state = backup.state
    if state == "PENDING_DELETION":
        return "not used: pending deletion (AWS deletes it at its DeleteTimestamp)"
    if state == "DELETED":
        return "not used: deleted"
    if state == "CREATE_IN_PROGRESS":
        return "read once the backup is READY"
    if state != "READY":
        return "not used: no BackupState to go by"
    if backup.never_expires is True:
        return "not used: never expires"
    if backup.is_copy:
        return "not used: a copy has no cluster policy"
    if backup.created is None:
        return "not used: the API gave no CreateTimestamp"
    if not backup.cluster_id:
        return "unknown: the backup names no cluster"
    if owner is not None:
        where = f"account {clean(owner)}" if owner else "another account"
        return f"owner's cluster ({where}): not readable from here"
    if cluster is None:
        return "reading…"
    cid, region = clean(cluster.cluster_id), clean(cluster.region)
    if not cluster.found:
        if cluster.error:
            return f"unknown: could not read cluster {cid} in {region}: {clean(cluster.error)}"
        return f"unknown: cluster {cid} not found in {region}"
    state_words = f" ({clean(cluster.state)})" if cluster.state else ""
    days = cluster.retention_days
    policy = "no policy" if days is None else f"{days} day{'s' if days != 1 else ''}"
    return f"{policy} · cluster {cid}{state_words}"


@dataclass(frozen=True, slots=True)
class Expiries:
    """The expiry rules of one listing: its region's cluster policies and whose backups it holds.

    Safe to use from a thread: it holds the thread-safe ClusterCache and plain values, so an
    export can work out 100k expiries off the UI thread exactly as the table shows them.
    """

    region: str | None
    clusters: ClusterCache
    #: The caller's account ID (sts get-caller-identity), None until known.
    caller: str | None = None
    #: The listing is of backups shared with the caller (Shared=True): all are another's.
    shared: bool = False

    def owner(self, backup: Backup) -> str | None:
        """The account that owns `backup` when it is not the caller's, else None.

        The ARN decides once the caller's account is known; until then (and when the ARN
        names no account), a shared listing's backups are another's and the others ours.
        "" when another account owns it but its ARN does not say which.
        """
        account = backup.owner_account
        if account is not None and self.caller is not None:
            return None if account == self.caller else account
        return (account or "") if self.shared else None

    def cluster(self, backup: Backup) -> ClusterInfo | None:
        """What is known of `backup`'s cluster in this region (None: not read, or not ours)."""
        return self._cluster(backup, self.owner(backup))

    def _cluster(self, backup: Backup, owner: str | None) -> ClusterInfo | None:
        if not self.region or not backup.cluster_id or owner is not None:
            return None
        return self.clusters.get(self.region, backup.cluster_id)

    def wanted(self, backup: Backup) -> bool:
        """Whether `backup`'s cluster should be looked up: its expiry needs it, and it is ours."""
        return needs_cluster(backup) and self.owner(backup) is None

    def of(self, backup: Backup, now: datetime) -> Expiry:
        """`expiry` of `backup` at `now`, from what is known right now."""
        owner = self.owner(backup)
        return expiry(backup, self._cluster(backup, owner), now, owner=owner)
