"""Switching profile in place (AWS config files in tmp_path, moto behind boto3) and the header."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.command import Command, CommandList
from textual.notifications import Notify

from tests.ui.conftest import NOW, Wire
from tests.ui.helpers import Heard, screen_text, settle, until
from tests.ui.palette_helpers import open_palette, pick
from tests.ui.terminal_bytes import TerminalBytes
from tui.app import HsmBackupsApp, build_app
from tui.backups import BackupSource, clean
from tui.backups.demo import DEMO_ACCOUNT, DEMO_HOME_REGION, DemoWorld
from tui.settings import Settings

CONFIG = """\
[default]
region = us-east-1

[profile ops]
region = eu-west-1

[profile [b]odd[/b]]
region = us-west-2

[profile expired]
region = eu-west-1
sso_start_url = https://corp.awsapps.example/start
sso_region = eu-west-1
sso_account_id = 123456789012
sso_role_name = ReadOnly

[profile nokeys]
region = us-west-2
"""

CREDENTIALS = """\
[default]
aws_access_key_id = AKIADEFAULTEXAMPLE
aws_secret_access_key = default-secret

[ops]
aws_access_key_id = AKIAOPSEXAMPLE
aws_secret_access_key = ops-secret

[[b]odd[/b]]
aws_access_key_id = AKIAODDEXAMPLE
aws_secret_access_key = odd-secret
"""


class Calls:
    """Every API operation (any service) by the profile whose session made it."""

    def __init__(self) -> None:
        self.seen: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def recorder(self, profile: str) -> Any:
        def record(model: Any, **_: Any) -> None:
            with self._lock:
                self.seen[(profile, str(model.name))] += 1

        return record

    def of(self, profile: str, operation: str) -> int:
        with self._lock:
            return self.seen[(profile, operation)]


@pytest.fixture
def aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Profiles as a user has them: keys in the credentials file, regions in the config."""
    (tmp_path / "config").write_text(CONFIG)
    (tmp_path / "credentials").write_text(CREDENTIALS)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no SSO token cache of the developer's
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


def _app(world: DemoWorld, wire: Wire, calls: Calls, **settings: Any) -> HsmBackupsApp:
    """The real (not demo) app over moto: boto3 sessions that read the AWS files."""
    assert world.regions  # moto's mock is running: nothing leaves the process

    def factory(profile: str | None) -> boto3.Session:
        session = boto3.Session(profile_name=profile)
        wire.sessions += 1
        session.events.register("provide-client-params.cloudhsmv2.DescribeBackups", wire.hook)
        session.events.register("before-call", calls.recorder(profile or "default"))
        return session

    return build_app(Settings(clock=lambda: NOW, **settings), BackupSource(session_factory=factory))


def _ids(world: DemoWorld, region: str) -> list[str]:
    return [b["BackupId"] for b in world.backups(region)][:50]


async def test_switching_profile_lists_with_its_credentials_and_region_and_shows_the_account(
    aws_files: None, world: DemoWorld, wire: Wire
) -> None:
    calls = Calls()
    app = _app(world, wire, calls)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        assert main.backup_query.region == "us-east-1"  # the default profile's region
        assert [b.backup_id for b in main.table.rows] == _ids(world, "us-east-1")
        top = screen_text(app).splitlines()[0]
        assert "profile default · account 123456789012 · us-east-1" in top
        await pilot.press("G")  # more pages: the account is not asked again
        await settle(pilot)
        assert calls.of("default", "DescribeBackups") >= 2
        assert calls.of("default", "GetCallerIdentity") == 1

        generation = main.generation
        await pick(pilot, "ops", "Switch profile: ops")
        await settle(pilot)
        assert main.generation == generation + 1
        assert main.source.profile == "ops"
        assert main.backup_query.region == "eu-west-1"  # the profile's own region
        assert [b.backup_id for b in main.table.rows] == _ids(world, "eu-west-1")
        assert calls.of("ops", "DescribeBackups") == 1
        assert calls.of("ops", "GetCallerIdentity") == 1
        top = screen_text(app).splitlines()[0]
        assert f"profile ops · account {DEMO_ACCOUNT} · eu-west-1" in top

        # Back to the first profile with P: its account is known, STS is not asked again.
        await pick(pilot, "default", "Switch profile: default", key="P")
        await settle(pilot)
        assert main.source.profile == "default"
        assert main.backup_query.region == "us-east-1"
        assert calls.of("default", "GetCallerIdentity") == 1
        assert "profile default · account 123456789012" in screen_text(app).splitlines()[0]


async def test_a_region_the_user_chose_stays_when_the_profile_changes(
    aws_files: None, world: DemoWorld, wire: Wire
) -> None:
    calls = Calls()
    app = _app(world, wire, calls, region="us-west-2")
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pick(pilot, "ops", "Switch profile: ops", key="P")
        await settle(pilot)
        assert main.source.profile == "ops"
        assert main.backup_query.region == "us-west-2"
        assert [b.backup_id for b in main.table.rows] == _ids(world, "us-west-2")
        # A region picked in the app counts as chosen too.
        await pick(pilot, "ap-southeast-2", "Switch region: ap-southeast-2")
        await pick(pilot, "default", "Switch profile: default", key="P")
        await settle(pilot)
        assert main.backup_query.region == "ap-southeast-2"
        assert [b.backup_id for b in main.table.rows] == _ids(world, "ap-southeast-2")


@pytest.mark.parametrize(
    ("profile", "title", "hint"),
    [
        ("expired", "SSO session expired", "aws sso login --profile expired"),
        ("nokeys", "No AWS credentials", "aws configure"),
    ],
)
async def test_a_profile_that_cannot_sign_in_says_why_and_the_way_back(
    aws_files: None, world: DemoWorld, wire: Wire, profile: str, title: str, hint: str
) -> None:
    calls = Calls()
    app = _app(world, wire, calls)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pick(pilot, profile, f"Switch profile: {profile}", key="P")
        await settle(pilot)
        assert main.error is not None
        assert main.table.rows == []
        text = screen_text(app)
        assert title in text
        assert hint in text
        assert "P switches profile (ctrl+p too); the one before was default." in text
        assert calls.of(profile, "GetCallerIdentity") == 0, "no account look-up after a failure"
        top = text.splitlines()[0]
        assert f"profile {profile} · " in top
        assert "account" not in top

        await pick(pilot, "default", "Switch profile: default", key="P")
        await settle(pilot)
        assert main.error is None
        assert [b.backup_id for b in main.table.rows] == _ids(world, "us-east-1")


async def test_a_profile_name_is_shown_literally_never_as_markup(
    aws_files: None, world: DemoWorld, wire: Wire
) -> None:
    calls = Calls()
    app = _app(world, wire, calls)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        palette = await open_palette(pilot, "odd", key="P")
        listed = palette.query_one(CommandList)
        prompts = [
            o.prompt.plain
            for o in (listed.get_option_at_index(i) for i in range(listed.option_count))
            if isinstance(o, Command) and hasattr(o.prompt, "plain")
        ]
        assert any("Switch profile: [b]odd[/b]" in p for p in prompts), prompts
        await pilot.press("escape")
        await pick(pilot, "odd", "Switch profile: [b]odd[/b]", key="P")
        await settle(pilot)
        assert main.source.profile == "[b]odd[/b]"
        assert main.backup_query.region == "us-west-2"
        assert main.table.rows
        assert "profile [b]odd[/b] · account" in screen_text(app).splitlines()[0]


@pytest.mark.parametrize(
    "profile",
    [
        "prod-\x1b]52;c;ZWNobyBQV05FRAo=\x1b\\",  # OSC 52: `echo PWNED` onto the clipboard
        "prod-\x1b]0;pwned\x07",  # OSC 0: the terminal's title
    ],
    ids=["osc52-clipboard", "osc0-title"],
)
async def test_a_hostile_profile_name_never_reaches_the_terminal(
    aws_files: None, tmp_path: Path, world: DemoWorld, wire: Wire, profile: str
) -> None:
    """Issue 14: "Profile switched" and "the one before was X" printed the name as it is, and
    tools that name profiles after AWS account names put that name in other people's hands."""
    with (tmp_path / "config").open("a") as config:
        config.write(f"\n[profile {profile}]\nregion = us-east-1\n")
    with (tmp_path / "credentials").open("a") as credentials:
        credentials.write(f"\n[{profile}]\naws_access_key_id = AKIAH\naws_secret_access_key = h\n")
    app = _app(world, wire, Calls())
    out = TerminalBytes.of(app)
    told = Heard(Notify)
    async with app.run_test(size=(160, 48), notifications=True, message_hook=told) as pilot:
        out.watch_writes(app)
        main = await settle(pilot)
        await pick(pilot, "prod", f"Switch profile: {clean(profile)}", key="P")
        await settle(pilot)
        assert main.source.profile == profile
        assert main.table.rows, "it lists with that profile"
        assert f"profile {clean(profile)} · account" in screen_text(app).splitlines()[0]
        await pick(pilot, "nokeys", "Switch profile: nokeys", key="P")
        await settle(pilot)
        assert main.error is not None
        assert out.problems() == [], "no escape sequence from the name reached the terminal"
        assert f"the one before was {clean(profile)}." in screen_text(app)
        switched = [
            m.notification.message
            for m in told.messages
            if m.notification.title == "Profile switched"
        ]
        assert f"Listing us-east-1 with profile {clean(profile)}." in switched


async def test_the_demo_never_asks_sts_and_shows_its_profile_as_demo(
    world: DemoWorld, wire: Wire
) -> None:
    calls = Calls()
    base = world.session_factory(0)

    def factory(profile: str | None) -> boto3.Session:
        session = base(profile)
        session.events.register("before-call", calls.recorder("demo"))
        return session

    settings = Settings(demo=True, region=DEMO_HOME_REGION, clock=lambda: NOW)
    app = build_app(settings, BackupSource(session_factory=factory))
    async with app.run_test(size=(160, 48)) as pilot:
        main = await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        await until(pilot, lambda: len(main.table.rows) > 50, "a second page")
        assert calls.of("demo", "DescribeBackups") >= 2
        assert calls.of("demo", "GetCallerIdentity") == 0
        top = screen_text(app).splitlines()[0]
        assert top.strip().startswith("hsm-backups · profile demo (moto, offline) · us-east-1 · ")
        assert "account" not in top
