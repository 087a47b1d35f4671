"""Watch's data layer: which backups are re-checked, in what batches, where, and how it pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from tui.backups import AwsError, Backup, BackupSource
from tui.backups.demo import DEMO_REGIONS, DemoWorld, WorldSpec, start_demo
from tui.backups.watch import (
    BACKOFF_CAP,
    BATCH_SIZE,
    IdlePolicy,
    backoff,
    batches,
    is_watched,
    recheck,
)

HOME, EU, _, _ = DEMO_REGIONS
Hook = Callable[..., Any]


class Recorder:
    """botocore hooks: every DescribeBackups call's region and parameters, as sent."""

    def __init__(self, max_results: int | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.max_results = max_results

    def params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if self.max_results is not None:
            params["MaxResults"] = self.max_results  # a service that pages smaller than asked
        self.calls.append((str(context.get("client_region")), dict(params)))


def source_with(world: DemoWorld, hooks: dict[str, Hook]) -> BackupSource:
    base = world.session_factory(0)

    def factory(profile: str | None) -> boto3.Session:
        session = base(profile)
        for event, handler in hooks.items():
            session.events.register_first(event, handler)
        return session

    return BackupSource(session_factory=factory)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def source(demo_world: DemoWorld, recorder: Recorder) -> BackupSource:
    event = "before-parameter-build.cloudhsmv2.DescribeBackups"
    return source_with(demo_world, {event: recorder.params})


def ids_of(world: DemoWorld, region: str, *, shared: bool = False) -> list[str]:
    return [b["BackupId"] for b in world.backups(region, shared=shared)]


def test_only_states_that_change_by_themselves_are_watched() -> None:
    states = {
        s: is_watched(Backup(f"backup-{s[:3].lower()}aaaaaaaaa", state=s))
        for s in ("CREATE_IN_PROGRESS", "PENDING_DELETION", "READY", "DELETED")
    }
    assert states == {
        "CREATE_IN_PROGRESS": True,
        "PENDING_DELETION": True,
        "READY": False,
        "DELETED": False,
    }
    assert not is_watched(Backup("", state="CREATE_IN_PROGRESS"))  # nothing to ask for


def test_batches_keep_order_drop_repeats_and_respect_the_size() -> None:
    ids = [f"backup-{n:011d}" for n in range(120)]
    cut = batches([*ids, ids[3], "", ids[0]])
    assert [len(b) for b in cut] == [50, 50, 20]
    assert [i for b in cut for i in b] == ids
    assert batches([]) == []
    assert batches(ids[:3], size=0) == [(ids[0],), (ids[1],), (ids[2],)]


def test_a_recheck_asks_only_for_the_given_ids_in_batches(
    demo_world: DemoWorld, source: BackupSource, recorder: Recorder
) -> None:
    ids = ids_of(demo_world, HOME)[:120]
    result = recheck(source, HOME, ids)
    sent = [params["Filters"] for _, params in recorder.calls]
    assert [list(f) for f in sent] == [["backupIds"]] * 3, "nothing but the backupIds filter"
    assert [len(f["backupIds"]) for f in sent] == [50, 50, 20]
    assert [i for f in sent for i in f["backupIds"]] == ids
    assert all(p["MaxResults"] == BATCH_SIZE and "NextToken" not in p for _, p in recorder.calls)
    assert result.calls == 3
    assert sorted(b.backup_id for b in result.found) == sorted(ids)
    assert result.missing == ()
    by_id = {b["BackupId"]: b["BackupState"] for b in demo_world.backups(HOME)}
    assert all(b.state == by_id[b.backup_id] for b in result.found)


def test_a_recheck_follows_next_token_and_returns_each_backup_once(
    demo_world: DemoWorld,
) -> None:
    small = Recorder(max_results=7)
    source = source_with(
        demo_world, {"before-parameter-build.cloudhsmv2.DescribeBackups": small.params}
    )
    ids = ids_of(demo_world, HOME)[:60]
    result = recheck(source, HOME, ids)
    # 50 IDs in pages of 7 take 8 calls, the remaining 10 take 2.
    assert result.calls == len(small.calls) == 10
    tokens = [p.get("NextToken") for _, p in small.calls]
    assert [tokens[0], tokens[8]] == [None, None], "each batch starts without a token"
    assert all(tokens[1:8])
    assert tokens[9]
    assert len(result.found) == len({b.backup_id for b in result.found}) == 60


def test_a_recheck_calls_the_listings_region(
    demo_world: DemoWorld, source: BackupSource, recorder: Recorder
) -> None:
    ids = ids_of(demo_world, EU)[:5]
    found = recheck(source, EU, ids)
    assert [region for region, _ in recorder.calls] == [EU]
    assert [b.backup_id for b in found.found] == ids
    elsewhere = recheck(source, HOME, ids)
    assert elsewhere.found == ()
    assert elsewhere.missing == tuple(ids)


def test_backups_no_longer_listed_are_missing(demo_world: DemoWorld, source: BackupSource) -> None:
    real = ids_of(demo_world, HOME)[:2]
    gone = "backup-zzzzzzzzzzz"
    result = recheck(source, HOME, [real[0], gone, real[1]])
    assert result.asked == (real[0], gone, real[1])
    assert result.missing == (gone,)


def test_backups_not_asked_for_are_ignored(demo_world: DemoWorld) -> None:
    """An endpoint that ignores the filter must not add rows nobody asked about."""

    def unfiltered(params: dict[str, Any], **_: Any) -> None:
        params.pop("Filters", None)

    source = source_with(
        demo_world, {"before-parameter-build.cloudhsmv2.DescribeBackups": unfiltered}
    )
    wanted = ids_of(demo_world, HOME)[1:3]
    result = recheck(source, HOME, wanted)
    assert sorted(b.backup_id for b in result.found) == sorted(wanted)


def test_shared_backups_are_rechecked_with_shared(
    demo_world: DemoWorld, source: BackupSource
) -> None:
    ids = ids_of(demo_world, HOME, shared=True)[:3]
    assert ids
    assert [b.backup_id for b in recheck(source, HOME, ids, shared=True).found] == ids
    assert recheck(source, HOME, ids).missing == tuple(ids), "Shared must follow the listing"


def test_a_token_that_comes_back_is_a_paging_error(demo_world: DemoWorld) -> None:
    def same_token(parsed: dict[str, Any], **_: Any) -> None:
        parsed["NextToken"] = "again"

    source = source_with(demo_world, {"after-call.cloudhsmv2.DescribeBackups": same_token})
    with pytest.raises(AwsError) as caught:
        recheck(source, HOME, ids_of(demo_world, HOME)[:3])
    assert caught.value.code == "PagingLoop"


def test_failures_come_out_as_aws_errors(demo_world: DemoWorld) -> None:
    def throttled(**_: Any) -> Any:
        parsed = {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {}},
        }
        return AWSResponse("https://x.invalid/", 400, HTTPHeaders(), None), parsed

    source = source_with(demo_world, {"before-call.cloudhsmv2.DescribeBackups": throttled})
    with pytest.raises(AwsError) as caught:
        recheck(source, HOME, ids_of(demo_world, HOME)[:3])
    assert caught.value.code == "ThrottlingException"


def test_backoff_doubles_after_each_failure_up_to_a_cap() -> None:
    assert [backoff(30, n) for n in range(7)] == [30, 60, 120, 240, 480, 600, 600]
    assert backoff(30, 500) == BACKOFF_CAP
    assert backoff(900, 3) == 900, "never shorter than the interval itself"


def test_idle_policy_pauses_in_the_background_or_without_keys() -> None:
    policy = IdlePolicy(last_input=0, idle_after=900, background_after=300)
    assert policy.paused(899) is None
    assert policy.paused(900) == "idle", "no focus reports: long without a key pauses"
    policy.input(900)
    assert policy.paused(1000) is None
    policy.focus(False, 1000)
    assert policy.paused(1299) is None
    assert policy.paused(1300) == "in the background"
    policy.focus(True, 1400)
    assert policy.paused(1400) is None
    assert policy.paused(5000) is None, "focus is reported: a focused app never idles out"
    policy.focus(False, 5000)
    policy.input(5001)  # a key brings the focus back (Textual says so too)
    assert policy.paused(9000) is None


@pytest.fixture
def moving_world() -> Iterator[DemoWorld]:
    with start_demo(WorldSpec(creation_seconds=10)) as world:
        yield world


def states(world: DemoWorld, region: str) -> dict[str, str]:
    return {b["BackupId"]: b["BackupState"] for b in world.backups(region)}


def test_a_moving_demo_finishes_creations_oldest_first(moving_world: DemoWorld) -> None:
    creating = moving_world.creating()
    home = [(due, backup_id) for due, region, backup_id in creating if region == HOME]
    assert [due for due, _ in home] == [10, 20]
    assert {region for _, region, _ in creating} == set(DEMO_REGIONS)
    (_, older), (_, newer) = home
    before = states(moving_world, HOME)
    assert before[older] == before[newer] == "CREATE_IN_PROGRESS"
    moving_world.skip(10)
    after = states(moving_world, HOME)
    assert (after[older], after[newer]) == ("READY", "CREATE_IN_PROGRESS")
    assert {k: v for k, v in after.items() if k != older} == {
        k: v for k, v in before.items() if k != older
    }, "nothing else changes"
    moving_world.skip(10)
    assert states(moving_world, HOME)[newer] == "READY"
    assert all(s != "CREATE_IN_PROGRESS" for s in states(moving_world, EU).values())
    assert moving_world.creating() == []


def test_the_default_demo_stays_as_seeded(demo_world: DemoWorld) -> None:
    before = states(demo_world, HOME)
    demo_world.skip(3600)
    assert demo_world.creating() == []
    assert states(demo_world, HOME) == before
