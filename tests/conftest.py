"""Fixtures for every test: fake AWS credentials, no user AWS or app config, and the demo world."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.backups import BackupSource
from tui.backups.demo import DemoWorld, WorldSpec, start_demo
from tui.config import CONFIG_ENV

#: Variables that would let a developer's own AWS setup steer a test.
_LEAKY = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
)


@pytest.fixture(autouse=True)
def _fake_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and no config or credentials file, so nothing reaches a real account."""
    for name in list(os.environ):
        if name in _LEAKY or name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app's config file in tmp_path, and one terminal for all: truecolor, colours allowed.

    Never the developer's saved theme or time mode; and the theme the app picks by itself
    must not depend on the TERM or NO_COLOR of whoever runs the tests.
    """
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "hsm-backups-config.json"))
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def demo_world() -> Iterator[DemoWorld]:
    """The default demo world; moto's state is process-global, so it is stopped at teardown."""
    world = start_demo(WorldSpec())
    try:
        yield world
    finally:
        world.stop()


SourceFactory = Callable[..., BackupSource]


@pytest.fixture
def make_source(demo_world: DemoWorld) -> SourceFactory:
    """Build a BackupSource over the demo world (or another running world), as the app would."""

    def make(latency_ms: int = 0, world: DemoWorld | None = None, **kwargs: Any) -> BackupSource:
        factory = (world or demo_world).session_factory(latency_ms)
        return BackupSource(session_factory=factory, **kwargs)

    return make
