"""Frozen dataclasses for backups, queries and pages: boto3 dicts stop at this boundary."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

BACKUP_STATES = ("CREATE_IN_PROGRESS", "READY", "DELETED", "PENDING_DELETION")
MAX_PAGE_SIZE = 50

_BACKUP_ID = re.compile(r"backup-[2-7a-zA-Z]{11,16}")
_CLUSTER_ID = re.compile(r"cluster-[2-7a-zA-Z]{11,16}")
_SPLIT = re.compile(r"[\s,;]+")
_ACCOUNT = re.compile(r"[0-9]{12}")
_SURROGATE = re.compile("[\ud800-\udfff]")

# API member name -> attribute, in the order the botocore model lists them. Anything else the
# API returns is kept in `Backup.extra`, so a field added next year still reaches the detail pane.
KNOWN_FIELDS: dict[str, str] = {
    "BackupId": "backup_id",
    "BackupArn": "arn",
    "BackupState": "state",
    "ClusterId": "cluster_id",
    "CreateTimestamp": "created",
    "CopyTimestamp": "copied",
    "NeverExpires": "never_expires",
    "SourceRegion": "source_region",
    "SourceBackup": "source_backup",
    "SourceCluster": "source_cluster",
    "DeleteTimestamp": "delete_at",
    "TagList": "tags",
    "HsmType": "hsm_type",
    "Mode": "mode",
}
_TIMESTAMPS = {"CreateTimestamp", "CopyTimestamp", "DeleteTimestamp"}


def as_utc(value: object) -> datetime | None:
    """Normalise an API timestamp to an aware UTC datetime, or None when it is not one.

    botocore yields aware datetimes from AWS but naive ones from moto; an epoch number or an
    ISO string can appear from odd endpoints. A value we cannot read is None, never an error;
    so is one whose UTC time a datetime cannot hold (0001-01-01T00:00+05:00 is in the year 0).
    The extremes that can be held, such as 9999-12-31 23:59:59 UTC, are kept as they are.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def scrub(text: str) -> str:
    """`text` with each lone surrogate (U+D800–U+DFFF) replaced by U+FFFD.

    JSON may carry `"\\ud800"` and json.loads keeps it, but such a str cannot be encoded: the
    clipboard, an export file and the terminal would all fail on it. Every string read from an
    API dict passes here, so nothing past this boundary ever holds one.
    """
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def scrub_value(value: object) -> Any:
    """A copy of an API value (dicts, lists, strings, anything else) with every str scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {scrub_value(k): scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(v) for v in value)
    return value


def _opt_str(value: object) -> str | None:
    return None if value is None else scrub(value if isinstance(value, str) else str(value))


def _shared_str(value: object) -> str | None:
    """Like _opt_str, for values many rows repeat (states, clusters, regions, HSM types).

    One string object per distinct value instead of one per row (see the RSS benchmark).
    """
    text = _opt_str(value)
    return None if text is None else sys.intern(str(text))


def _tags(value: object) -> tuple[tuple[str, str], ...]:
    """Read a TagList defensively: malformed entries are kept as text rather than dropped."""
    if not isinstance(value, list | tuple):
        return ()
    tags: list[tuple[str, str]] = []
    for item in value:
        if isinstance(item, Mapping):
            key, tag_value = scrub(str(item.get("Key", ""))), scrub(str(item.get("Value", "")))
            tags.append(_shared_pair(key, tag_value))
        else:
            tags.append((scrub(str(item)), ""))
    return _shared_tags(tuple(tags))


#: Tag sets seen so far: backups of one cluster usually carry the very same tags.
_TAG_SETS: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
_TAG_SETS_MAX = 50_000
#: Single tags seen so far: sets differ (a ticket number) while most of their tags repeat.
_TAG_PAIRS: dict[tuple[str, str], tuple[str, str]] = {}


def _shared_pair(key: str, value: str) -> tuple[str, str]:
    """One (key, value) tuple per distinct tag (bounded like the tag sets)."""
    if len(_TAG_PAIRS) >= _TAG_SETS_MAX:
        _TAG_PAIRS.clear()
    found = _TAG_PAIRS.get((key, value))
    if found is None:
        found = (sys.intern(key), sys.intern(value))
        _TAG_PAIRS[found] = found
    return found


def _shared_tags(tags: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """One tuple per distinct tag set (bounded: the table starts afresh when it is full)."""
    if len(_TAG_SETS) >= _TAG_SETS_MAX:
        _TAG_SETS.clear()
    return _TAG_SETS.setdefault(tags, tags)


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup as the API described it. Absent fields are None, not guessed."""

    backup_id: str
    state: str | None = None
    cluster_id: str | None = None
    created: datetime | None = None
    never_expires: bool | None = None
    #: The ARN, or when it is the usual `…:backup/<backup_id>` only its shared stem (see `arn`).
    arn_stored: str | None = None
    arn_is_stem: bool = False
    copied: datetime | None = None
    source_region: str | None = None
    source_backup: str | None = None
    source_cluster: str | None = None
    delete_at: datetime | None = None
    hsm_type: str | None = None
    mode: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    has_tags: bool = False
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    @classmethod
    def from_api(cls, item: Mapping[str, Any]) -> Backup:
        """Convert one `Backups[]` entry; tolerant of missing, odd and unknown fields.

        Every string is scrubbed of lone surrogates (see scrub) on the way in.
        """
        never = item.get("NeverExpires")
        backup_id = scrub(str(item.get("BackupId", "")))
        arn = _opt_str(item.get("BackupArn"))
        stem = arn is not None and bool(backup_id) and arn.endswith("/" + backup_id)
        if stem and arn is not None:
            arn = sys.intern(arn[: -len(backup_id)])
        return cls(
            backup_id=backup_id,
            state=_shared_str(item.get("BackupState")),
            cluster_id=_shared_str(item.get("ClusterId")),
            created=as_utc(item.get("CreateTimestamp")),
            never_expires=never if isinstance(never, bool) else None,
            arn_stored=arn,
            arn_is_stem=stem,
            copied=as_utc(item.get("CopyTimestamp")),
            source_region=_shared_str(item.get("SourceRegion")),
            source_backup=_opt_str(item.get("SourceBackup")),
            source_cluster=_shared_str(item.get("SourceCluster")),
            delete_at=as_utc(item.get("DeleteTimestamp")),
            hsm_type=_shared_str(item.get("HsmType")),
            mode=_shared_str(item.get("Mode")),
            tags=_tags(item.get("TagList")),
            has_tags="TagList" in item,
            extra=tuple(
                (scrub(str(k)), scrub_value(v)) for k, v in item.items() if k not in KNOWN_FIELDS
            ),
        )

    @property
    def arn(self) -> str | None:
        """BackupArn as the API gave it.

        Stored as a stem shared by every backup of one account and region plus the backup ID
        this object keeps anyway: about 110 bytes less per row (see the RSS benchmark).
        """
        if self.arn_is_stem and self.arn_stored is not None:
            return self.arn_stored + self.backup_id
        return self.arn_stored

    @property
    def owner_account(self) -> str | None:
        """The 12-digit account ID the ARN names (`arn:aws:cloudhsm:<region>:<account>:…`).

        None when there is no ARN or it names no such account. For a backup shared with this
        account it is the other (owning) account.
        """
        parts = (self.arn_stored or "").split(":", 5)
        account = parts[4] if len(parts) == 6 else ""
        return account if _ACCOUNT.fullmatch(account) else None

    @property
    def is_copy(self) -> bool:
        """A backup copied from another region names its source backup."""
        return bool(self.source_backup or self.source_region)

    def fields(self) -> list[tuple[str, object]]:
        """Every field the API returned, by API name, known ones first in model order."""
        out: list[tuple[str, object]] = []
        for name, attr in KNOWN_FIELDS.items():
            value = getattr(self, attr)
            if name == "TagList":
                if self.has_tags:
                    out.append((name, len(self.tags)))
                continue
            if value is not None and (name != "BackupId" or value):
                out.append((name, value))
        out.extend(self.extra)
        return out


def split_ids(text: str) -> tuple[str, ...]:
    """Split a free-text list (commas, spaces, semicolons, newlines) into unique IDs, in order."""
    return tuple(dict.fromkeys(part for part in _SPLIT.split(text.strip()) if part))


#: A CloudHSM backup or cluster ARN: `arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-…`.
_ARN = re.compile(
    r"arn:aws[a-z-]*:cloudhsm:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):\d*:(?:backup|cluster)/(?P<id>.+)"
)


@dataclass(frozen=True, slots=True)
class TypedIds:
    """IDs as a user typed or pasted them: ARNs read as their ID, capitals lowered.

    `regions` are the regions the ARNs named, in order: a backup lives where its ARN says.
    """

    ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


def read_ids(text: str) -> TypedIds:
    """`split_ids`, taking ARNs (the console and `describe-backups` give them) and capitals.

    IDs are lowercase in AWS (`backup-` and base32), so `BACKUP-ABCDEFGHIJK` is the same
    backup; left as typed, the API would answer that no such backup exists.
    """
    ids: list[str] = []
    regions: list[str] = []
    for part in split_ids(text):
        arn = _ARN.fullmatch(part)
        if arn is not None:
            regions.append(arn.group("region"))
            part = arn.group("id")
        if part[:8].lower().startswith(("backup-", "cluster-")):
            part = part.lower()
        ids.append(part)
    return TypedIds(tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(regions)))


def invalid_backup_ids(ids: tuple[str, ...]) -> list[str]:
    """The IDs that cannot be backup IDs by the API's own pattern."""
    return [i for i in ids if _BACKUP_ID.fullmatch(i) is None]


def invalid_cluster_ids(ids: tuple[str, ...]) -> list[str]:
    """The IDs that cannot be cluster IDs by the API's own pattern."""
    return [i for i in ids if _CLUSTER_ID.fullmatch(i) is None]


@dataclass(frozen=True, slots=True)
class BackupQuery:
    """Everything that defines one listing: where to look, the server-side filters and the sort.

    Two equal queries are the same listing; a NextToken belongs to exactly one query.
    """

    region: str | None = None
    backup_ids: tuple[str, ...] = ()
    source_backup_ids: tuple[str, ...] = ()
    cluster_ids: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    never_expires: bool | None = None
    shared: bool = False
    sort_ascending: bool = False

    def problems(self) -> list[str]:
        """Human-readable reasons this query must not be sent, empty when it is valid."""
        out: list[str] = []
        if bad := invalid_backup_ids(self.backup_ids):
            out.append(f"not a backup ID: {', '.join(bad)}")
        if bad := invalid_backup_ids(self.source_backup_ids):
            out.append(f"not a source backup ID: {', '.join(bad)}")
        if bad := invalid_cluster_ids(self.cluster_ids):
            out.append(f"not a cluster ID: {', '.join(bad)}")
        if bad := [s for s in self.states if s not in BACKUP_STATES]:
            out.append(f"unknown state: {', '.join(bad)}")
        return out

    def filters(self) -> dict[str, list[str]]:
        """The `Filters` map for describe_backups; empty filters are left out, not sent empty."""
        out: dict[str, list[str]] = {}
        if self.backup_ids:
            out["backupIds"] = list(self.backup_ids)
        if self.source_backup_ids:
            out["sourceBackupIds"] = list(self.source_backup_ids)
        if self.cluster_ids:
            out["clusterIds"] = list(self.cluster_ids)
        if self.states:
            out["states"] = list(self.states)
        if self.never_expires is not None:
            out["neverExpires"] = ["true" if self.never_expires else "false"]
        return out

    def request(self, page_size: int, token: str | None) -> dict[str, Any]:
        """The describe_backups keyword arguments for one page of this query.

        MaxResults is clamped to 1–50 here because botocore only validates the minimum.
        """
        params: dict[str, Any] = {
            "MaxResults": max(1, min(MAX_PAGE_SIZE, page_size)),
            "SortAscending": self.sort_ascending,
        }
        if filters := self.filters():
            params["Filters"] = filters
        if self.shared:
            params["Shared"] = True
        if token:
            params["NextToken"] = token
        return params

    def describe(self) -> str:
        """A short summary for status lines: which filters are on."""
        parts = [f"{k}={','.join(v)}" for k, v in self.filters().items()]
        if self.shared:
            parts.append("shared")
        parts.append("oldest first" if self.sort_ascending else "newest first")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Page:
    """One describe_backups response, already converted. `next_token` None means the end."""

    query: BackupQuery
    token: str | None
    backups: tuple[Backup, ...]
    next_token: str | None
    elapsed: float = 0.0
