"""The data layer: boto3 in, frozen dataclasses out. Never imports textual."""

from tui.backups.errors import AwsError, describe_error
from tui.backups.models import (
    BACKUP_STATES,
    Backup,
    BackupQuery,
    Page,
    invalid_backup_ids,
    invalid_cluster_ids,
    split_ids,
)
from tui.backups.paging import Listing, ListingUpdate, PagingError
from tui.backups.sanitize import clean
from tui.backups.source import BackupSource, SessionFactory

__all__ = [
    "BACKUP_STATES",
    "AwsError",
    "Backup",
    "BackupQuery",
    "BackupSource",
    "Listing",
    "ListingUpdate",
    "Page",
    "PagingError",
    "SessionFactory",
    "clean",
    "describe_error",
    "invalid_backup_ids",
    "invalid_cluster_ids",
    "split_ids",
]
