"""The account ID (sts get-caller-identity), a source per profile, and the header's forms."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from rich.console import Console
from rich.text import Text

from tests.conftest import SourceFactory
from tui.backups import AwsError, BackupQuery, BackupSource
from tui.backups.demo import DEMO_ACCOUNT, DemoWorld
from tui.widgets.top_bar import Header


def test_the_account_comes_from_sts(demo_world: DemoWorld) -> None:
    source = BackupSource()  # the default chain: the fake keys from tests/conftest.py
    assert source.account_id("us-east-1") == DEMO_ACCOUNT


def test_a_missing_profile_is_an_aws_error_not_a_traceback(demo_world: DemoWorld) -> None:
    with pytest.raises(AwsError) as caught:
        BackupSource(profile="no-such-profile").account_id("us-east-1")
    assert caught.value.code == "ProfileNotFound"


def test_an_odd_sts_answer_is_refused(demo_world: DemoWorld) -> None:
    def factory(profile: str | None) -> boto3.Session:
        session = boto3.Session(profile_name=profile)

        def odd(parsed: dict[str, Any], **_: Any) -> None:
            parsed["Account"] = "\x1b[31m1234"

        session.events.register("after-call.sts.GetCallerIdentity", odd)
        return session

    with pytest.raises(AwsError) as caught:
        BackupSource(session_factory=factory).account_id("us-east-1")
    assert caught.value.code == "UnexpectedAnswer"


def test_with_profile_is_a_fresh_source_with_the_same_factory(
    make_source: SourceFactory,
) -> None:
    made: list[str | None] = []
    source = make_source(read_timeout=3)
    factory = source._session_factory

    def recording(profile: str | None) -> boto3.Session:
        made.append(profile)
        return factory(profile)

    source._session_factory = recording
    source.fetch_page(BackupQuery(region="us-east-1"), None)
    other = source.with_profile("ops")
    assert other.profile == "ops"
    assert other.profile_label == "ops"
    assert other.endpoint_url == source.endpoint_url
    assert other.client("us-east-1") is not source.client("us-east-1")
    assert getattr(other.client("us-east-1").meta.config, "read_timeout", None) == 3
    assert made == [None, "ops"]


def _drawn(header: Header, width: int) -> str:
    console = Console(width=width, color_system=None, record=True)
    with console.capture() as captured:
        console.print(header)
    return captured.get().rstrip("\n")


def test_the_header_says_the_most_that_fits_whole() -> None:
    status = Text("50 loaded · more available")
    header = Header("prod", "eu-west-1", status, "newest first", account="123456789012")
    assert _drawn(header, 160) == (
        "hsm-backups · profile prod · account 123456789012 · eu-west-1 · "
        "50 loaded · more available · newest first"
    )
    assert _drawn(header, 90) == (
        "hsm-backups · prod (123456789012) · eu-west-1 · 50 loaded · more available · newest first"
    )
    assert _drawn(header, 80) == (
        "prod (123456789012) · eu-west-1 · 50 loaded · more available · newest first"
    )
    narrow = _drawn(header, 60)
    assert narrow.startswith("prod (123456789012) · eu-west-1 · 50 loaded")
    assert narrow.endswith("…")
    assert len(narrow) == 60


def test_short_of_room_the_query_drops_whole_parts_never_half_a_word() -> None:
    status = Text("50 loaded · more available · watching 1 · 00:37:45 UTC")
    header = Header("demo", "us-east-1", status, "states=READY · newest first", demo=True)
    assert _drawn(header, 103) == (
        "demo · us-east-1 · 50 loaded · more available · watching 1 · 00:37:45 UTC · "
        "states=READY · newest first"
    )
    assert _drawn(header, 100) == (
        "demo · us-east-1 · 50 loaded · more available · watching 1 · 00:37:45 UTC · "
        "states=READY · …"
    )
    # A filter is never hidden whole: it is cut, with an ellipsis, at the end of the line.
    assert _drawn(header, 80) == (
        "demo · us-east-1 · 50 loaded · more available · watching 1 · 00:37:45 UTC · sta…"
    )
    no_filter = Header("demo", "us-east-1", status, "newest first", demo=True)
    assert _drawn(no_filter, 80) == (
        "demo · us-east-1 · 50 loaded · more available · watching 1 · 00:37:45 UTC · …"
    )


def test_a_long_profile_name_is_cut_so_region_and_status_stay() -> None:
    name = "AdministratorAccess-123456789012-with-a-long-tail"
    header = Header(name, "us-east-1", Text("3 backups · complete"))
    assert _drawn(header, 80) == (
        "hsm-backups · AdministratorAccess-123… · us-east-1 · 3 backups · complete"
    )
    assert _drawn(header, 60) == "AdministratorAccess-123… · us-east-1 · 3 backups · complete"
