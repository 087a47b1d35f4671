"""The demo's moto objects as the API describes them, by our own code, and the moto it needs.

moto 5.2.6 dropped `Backup.to_dict` in a patch release and a clean install went red without a
line of ours changing. The demo therefore reads moto's models only by their attributes, writes
the API's shapes itself, and refuses to start on a moto it was not written for.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moto.cloudhsmv2.models import Backup, Cluster

__all__ = ["MOTO_VERSION", "backup_item", "cluster_item", "moto_problem"]

#: The moto release the demo reaches into (backend classes, the paginator, model attributes).
#: pyproject's `demo` extra pins exactly this one; bump both together, on purpose.
MOTO_VERSION = "5.2.6"

#: How to get it, as the README says it.
INSTALL_HINT = "pip install 'hsm-backups[demo]'"


def moto_problem() -> str | None:
    """Why the demo cannot start here, in one line, or None when the right moto is installed.

    Reads the installed distribution's metadata only: importing moto costs a quarter second
    and, on the wrong release, may fail in ways that say nothing about the cause.
    """
    try:
        found = metadata.version("moto")
    except metadata.PackageNotFoundError:
        return f"--demo needs the demo extra (moto {MOTO_VERSION}): {INSTALL_HINT}"
    if found != MOTO_VERSION:
        return (
            f"--demo was written for moto {MOTO_VERSION}, but moto {found} is installed: "
            f"pip install 'moto=={MOTO_VERSION}'"
        )
    return None


def _utc(value: datetime | None) -> datetime | None:
    """moto keeps naive UTC datetimes; the world reports aware ones, as AWS itself does."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _tags(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in tags or []]


def _present(item: dict[str, Any]) -> dict[str, Any]:
    """Drop absent members: the API leaves them out rather than sending nulls."""
    return {key: value for key, value in item.items() if value is not None}


def backup_item(b: Backup) -> dict[str, Any]:
    """One backup as describe_backups lists it (the botocore `Backup` shape, in its order)."""
    return _present(
        {
            "BackupId": b.backup_id,
            "BackupArn": b.backup_arn,
            "BackupState": b.backup_state,
            "ClusterId": b.cluster_id,
            "CreateTimestamp": _utc(b.create_timestamp),
            "CopyTimestamp": _utc(b.copy_timestamp),
            "NeverExpires": b.never_expires,
            "SourceRegion": b.source_region,
            "SourceBackup": b.source_backup,
            "SourceCluster": b.source_cluster,
            "DeleteTimestamp": _utc(b.delete_timestamp),
            "TagList": _tags(b.tag_list),
            "HsmType": b.hsm_type,
            "Mode": b.mode,
        }
    )


def cluster_item(c: Cluster) -> dict[str, Any]:
    """One cluster as describe_clusters lists it (the botocore `Cluster` shape, in its order)."""
    return _present(
        {
            "BackupPolicy": c.backup_policy,
            "BackupRetentionPolicy": dict(c.backup_retention_policy or {}) or None,
            "ClusterId": c.cluster_id,
            "CreateTimestamp": _utc(c.create_timestamp),
            "Hsms": [dict(h) for h in c.hsms],
            "HsmType": c.hsm_type,
            "SourceBackupId": c.source_backup_id,
            "State": c.state,
            "StateMessage": c.state_message,
            "SubnetMapping": dict(c.subnet_mapping),
            "VpcId": c.vpc_id,
            "NetworkType": c.network_type,
            "Certificates": dict(c.certificates),
            "TagList": _tags(c.tag_list),
            "Mode": c.mode,
        }
    )
