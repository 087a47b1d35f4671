"""Whose backup it is (its ARN against the caller), what that does to expiry, the policy text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.ui.helpers import text_of
from tui.backups import Backup
from tui.backups.retention import (
    OWNERS_CLUSTER,
    ClusterCache,
    ClusterInfo,
    Expiries,
    expiry,
    retention_text,
)
from tui.widgets.backup_detail import render_fields

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOME = "us-east-1"
CID = "cluster-abcdefghijk"
MINE = "123456789012"
THEIRS = "210987654321"


def backup(account: str | None = MINE, **kw: Any) -> Backup:
    """A READY backup whose ARN names `account` (None: no ARN at all)."""
    fields: dict[str, Any] = {
        "BackupId": "backup-abcdefghijk",
        "BackupState": "READY",
        "ClusterId": CID,
        "CreateTimestamp": NOW - 7 * DAY,
        "NeverExpires": False,
    }
    if account is not None:
        fields["BackupArn"] = f"arn:aws:cloudhsm:{HOME}:{account}:backup/backup-abcdefghijk"
    fields.update(kw)
    return Backup.from_api(fields)


def policy(days: int | None = 90, **kw: Any) -> ClusterInfo:
    return ClusterInfo(HOME, CID, True, days, **{"state": "ACTIVE", **kw})


def rules(*, caller: str | None = None, shared: bool = False, known: bool = True) -> Expiries:
    cache = ClusterCache()
    if known:
        cache.put([policy(90)])
    return Expiries(HOME, cache, caller, shared)


# the owner -----------------------------------------------------------------------------------


def test_the_owner_account_comes_from_the_arn() -> None:
    assert backup(THEIRS).owner_account == THEIRS
    assert backup(None).owner_account is None
    assert backup(BackupArn="arn:aws:cloudhsm:us-east-1:12345:backup/x").owner_account is None
    assert backup(BackupArn="not an arn").owner_account is None
    # Other digits than 0-9 are not an account ID (str.isdigit would take them).
    assert backup(BackupArn="arn:aws:cloudhsm:x:١٢٣٤٥٦٧٨٩٠١٢:backup/x").owner_account is None


@pytest.mark.parametrize(
    ("account", "caller", "shared", "owner"),
    [
        (MINE, None, False, None),  # the caller is not known yet: the caller's own listing
        (MINE, MINE, False, None),
        (THEIRS, MINE, False, THEIRS),  # the ARN names another account than the caller's
        (THEIRS, None, True, THEIRS),  # a shared listing holds other accounts' backups
        (None, None, True, ""),  # ... even when the ARN does not say whose
        (MINE, MINE, True, None),  # the ARN, once the caller is known, decides
        (None, MINE, False, None),
    ],
)
def test_whose_backup_it_is(
    account: str | None, caller: str | None, shared: bool, owner: str | None
) -> None:
    assert rules(caller=caller, shared=shared).owner(backup(account)) == owner


def test_another_accounts_cluster_is_never_looked_up_nor_read() -> None:
    shared = rules(shared=True)
    theirs = backup(THEIRS)
    assert not shared.wanted(theirs)
    assert shared.cluster(theirs) is None, "not even a cached cluster of the same ID"
    assert rules(caller=MINE).wanted(backup(MINE))
    assert not rules(caller=MINE).wanted(backup(THEIRS))


# expiry of another account's backup --------------------------------------------------------


@pytest.mark.parametrize("cluster", [None, policy(90), ClusterInfo(HOME, CID, False, None)])
def test_another_accounts_backup_expires_unknown_for_that_reason(
    cluster: ClusterInfo | None,
) -> None:
    got = expiry(backup(THEIRS), cluster, NOW, owner=THEIRS)
    assert (got.kind, got.short, got.when, got.retention_days) == (
        "unknown",
        OWNERS_CLUSTER,
        None,
        None,
    )
    assert got.short == "unknown (owner's cluster)"
    assert got.detail == (
        f"Its cluster is in the owner's account {THEIRS}: its retention policy cannot be read "
        "from here."
    )
    assert "deleted" not in got.detail
    assert "not found" not in got.detail


def test_an_owner_the_arn_does_not_name_is_still_the_owners_cluster() -> None:
    got = Expiries(HOME, ClusterCache(), None, True).of(backup(None), NOW)
    assert got.short == OWNERS_CLUSTER
    assert got.detail.startswith("Its cluster is in the owner's account: ")


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"NeverExpires": True}, "never-exempt"),
        ({"SourceRegion": "eu-west-1", "SourceBackup": "backup-zyxwvutsrqp"}, "never-copy"),
        ({"BackupState": "PENDING_DELETION", "DeleteTimestamp": NOW + DAY}, "pending-deletion"),
        ({"BackupState": "DELETED"}, "deleted"),
    ],
)
def test_what_does_not_need_the_policy_is_told_as_for_our_own(
    fields: dict[str, Any], kind: str
) -> None:
    assert Expiries(HOME, ClusterCache(), MINE).of(backup(THEIRS, **fields), NOW).kind == kind


def test_our_own_backup_keeps_its_policy_expiry_with_its_days() -> None:
    got = rules(caller=MINE).of(backup(MINE), NOW)
    assert (got.kind, got.short, got.retention_days) == ("expires", "in 83 d", 90)
    assert expiry(backup(), policy(None), NOW).retention_days is None
    assert expiry(backup(NeverExpires=True), policy(90), NOW).retention_days is None


# the Retention row ---------------------------------------------------------------------------


COPY = {"SourceRegion": "eu-west-1", "SourceBackup": "backup-zyxwvutsrqp"}


@pytest.mark.parametrize(
    ("b", "cluster", "owner", "text"),
    [
        (backup(), policy(90), None, f"90 days · cluster {CID} (ACTIVE)"),
        (backup(), policy(1), None, f"1 day · cluster {CID} (ACTIVE)"),
        (backup(), policy(90, state=None), None, f"90 days · cluster {CID}"),
        (backup(), policy(None), None, f"no policy · cluster {CID} (ACTIVE)"),
        (backup(), policy(30, state="DELETED"), None, f"30 days · cluster {CID} (DELETED)"),
        (backup(), None, None, "reading…"),
        (
            backup(),
            ClusterInfo(HOME, CID, False, None),
            None,
            f"unknown: cluster {CID} not found in us-east-1",
        ),
        (
            backup(),
            ClusterInfo(HOME, CID, False, None, error="CloudHsmAccessDeniedException"),
            None,
            f"unknown: could not read cluster {CID} in us-east-1: CloudHsmAccessDeniedException",
        ),
        (
            backup(THEIRS),
            None,
            THEIRS,
            f"owner's cluster (account {THEIRS}): not readable from here",
        ),
        (backup(None), None, "", "owner's cluster (another account): not readable from here"),
        (backup(**COPY), None, None, "not used: a copy has no cluster policy"),
        (backup(NeverExpires=True), policy(90), None, "not used: never expires"),
        (backup(NeverExpires=True, **COPY), None, None, "not used: never expires"),
        (
            backup(BackupState="PENDING_DELETION"),
            None,
            None,
            "not used: pending deletion (AWS deletes it at its DeleteTimestamp)",
        ),
        (backup(BackupState="DELETED"), None, None, "not used: deleted"),
        (backup(BackupState="CREATE_IN_PROGRESS"), None, None, "read once the backup is READY"),
        (backup(BackupState="ODD"), None, None, "not used: no BackupState to go by"),
        (backup(CreateTimestamp=None), None, None, "not used: the API gave no CreateTimestamp"),
        (backup(ClusterId=None), None, None, "unknown: the backup names no cluster"),
    ],
)
def test_retention_text(
    b: Backup, cluster: ClusterInfo | None, owner: str | None, text: str
) -> None:
    assert retention_text(b, cluster, owner=owner) == text


def test_retention_text_is_cleaned() -> None:
    odd = ClusterInfo(HOME, "cluster-\x1b[31mred", True, 7, state="ACT\u202eIVE")
    assert retention_text(backup(ClusterId="cluster-\x1b[31mred"), odd) == (
        "7 days · cluster cluster- [31mred (ACT IVE)"
    )


def test_the_detail_has_retention_under_expires_and_the_owner() -> None:
    b = backup(THEIRS)
    rules_ = rules(shared=True)
    shown = text_of(
        render_fields(b, NOW, rules_.of(b, NOW), cluster=rules_.cluster(b), owner=rules_.owner(b)),
        width=200,
    )
    lines = [line.rstrip() for line in shown.splitlines()]
    expires = next(i for i, line in enumerate(lines) if line.startswith("Expires"))
    assert lines[expires + 1].split(None, 1) == [
        "Retention",
        f"owner's cluster (account {THEIRS}): not readable from here",
    ]
    assert lines[expires + 2].startswith(f"Owner            {THEIRS}  another account")
    mine = backup(MINE)
    shown = text_of(render_fields(mine, NOW, expiry(mine, policy(90), NOW), cluster=policy(90)))
    assert f"Retention        90 days · cluster {CID} (ACTIVE)" in shown
    assert "Owner" not in shown
