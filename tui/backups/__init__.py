"""The data layer: boto3 in, frozen dataclasses out. Never imports textual."""

from tui.backups.errors import AwsError, describe_error
from tui.backups.lineage import (
    CopyNode,
    CopyResult,
    CopySearch,
    LineageNode,
    NodeStatus,
    RegionState,
    RegionStatus,
    candidate_regions,
    walk_sources,
)
from tui.backups.models import (
    BACKUP_STATES,
    Backup,
    BackupQuery,
    Page,
    invalid_backup_ids,
    invalid_cluster_ids,
    read_ids,
    split_ids,
)
from tui.backups.paging import Listing, ListingUpdate, PagingError
from tui.backups.retention import (
    ClusterCache,
    ClusterInfo,
    Expiry,
    ExpiryKind,
    expiry,
    fetch_clusters,
    needs_cluster,
)
from tui.backups.sanitize import clean
from tui.backups.source import BackupSource, SessionFactory

__all__ = [
    "BACKUP_STATES",
    "AwsError",
    "Backup",
    "BackupQuery",
    "BackupSource",
    "ClusterCache",
    "ClusterInfo",
    "CopyNode",
    "CopyResult",
    "CopySearch",
    "Expiry",
    "ExpiryKind",
    "LineageNode",
    "Listing",
    "ListingUpdate",
    "NodeStatus",
    "Page",
    "PagingError",
    "RegionState",
    "RegionStatus",
    "SessionFactory",
    "candidate_regions",
    "clean",
    "describe_error",
    "expiry",
    "fetch_clusters",
    "invalid_backup_ids",
    "invalid_cluster_ids",
    "needs_cluster",
    "read_ids",
    "split_ids",
    "walk_sources",
]
