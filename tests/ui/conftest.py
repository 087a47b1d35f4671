"""Pilot fixtures: the app from build_app over the demo world, with botocore hooks to watch it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tui.app import HsmBackupsApp, build_app
from tui.backups import BackupQuery, BackupSource
from tui.backups.demo import DEMO_ANCHOR, DEMO_HOME_REGION, DemoWorld, WorldSpec, start_demo
from tui.settings import Settings

#: The frozen "now" of every UI test: a few days after the demo world's anchor.
NOW = DEMO_ANCHOR + timedelta(hours=6)


@dataclass
class Wire:
    """What reached botocore: every DescribeBackups call's parameters, with optional faults.

    Built from botocore's own `provide-client-params` hook, so the project's code runs unmocked.
    """

    calls: list[dict[str, Any]] = field(default_factory=list)
    #: Every CloudHSM operation called, by name, in order (DescribeBackups, DescribeClusters…).
    operations: list[str] = field(default_factory=list)
    hold: bool = False
    fail_with: Exception | None = None
    #: When set, every response after the first page comes back with no backups (token kept).
    empty_after_first: bool = False
    #: Raised once by the next call that carries a NextToken (an expired or refused token).
    token_fault: Exception | None = None
    #: Rewrites each DescribeBackups response in place (odd fields, repeated tokens…).
    rewrite: Callable[[dict[str, Any]], None] | None = None
    #: Rewrites each DescribeClusters response in place (odd retention policies…).
    rewrite_clusters: Callable[[dict[str, Any]], None] | None = None
    #: Record a NextToken in `calls` as its length only (memory tests with 1 MB tokens).
    token_lengths: bool = False
    #: How many boto3 sessions the app has made (a new one means credentials are read afresh).
    sessions: int = 0
    _gates: list[threading.Event] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hook(self, params: dict[str, Any], **_: Any) -> None:
        recorded = dict(params)
        if self.token_lengths and "NextToken" in recorded:
            recorded["NextToken"] = len(recorded["NextToken"])
        with self._lock:
            self.calls.append(recorded)
            gate = threading.Event() if self.hold else None
            if gate is not None:
                self._gates.append(gate)
            fault = self.fail_with
            if fault is None and self.token_fault is not None and "NextToken" in params:
                fault, self.token_fault = self.token_fault, None
        if gate is not None:
            gate.wait(10)
        if fault is not None:
            raise fault

    def release(self) -> None:
        """Let every held call through."""
        with self._lock:
            self.hold = False
            gates, self._gates = self._gates, []
        for gate in gates:
            gate.set()

    def release_one(self, index: int) -> None:
        """Let the `index`-th held call (in call order) through, keeping the others held."""
        with self._lock:
            gate = self._gates[index]
        gate.set()

    def operation(self, model: Any, **_: Any) -> None:
        """botocore `before-call` hook: count every operation, whatever it is."""
        with self._lock:
            self.operations.append(str(model.name))

    def after(self, parsed: dict[str, Any], **_: Any) -> None:
        """botocore `after-call` hook: rewrite responses the way a troubled API might."""
        if self.empty_after_first and len(self.calls) > 1:
            parsed["Backups"] = []
        if self.rewrite is not None:
            self.rewrite(parsed)

    def after_clusters(self, parsed: dict[str, Any], **_: Any) -> None:
        """botocore `after-call` hook for DescribeClusters: see `rewrite_clusters`."""
        if self.rewrite_clusters is not None:
            self.rewrite_clusters(parsed)

    @property
    def waiting(self) -> int:
        with self._lock:
            return sum(1 for g in self._gates if not g.is_set())


@pytest.fixture
def world(request: pytest.FixtureRequest) -> Iterator[DemoWorld]:
    """The demo world; parametrize it indirectly with a WorldSpec to get a bigger one."""
    with start_demo(getattr(request, "param", WorldSpec())) as demo:
        yield demo


@pytest.fixture
def wire() -> Wire:
    return Wire()


AppFactory = Callable[..., HsmBackupsApp]


@pytest.fixture
def make_app(world: DemoWorld, wire: Wire) -> AppFactory:
    """Build the app exactly as the CLI does, over the demo world, with the wire hook installed."""

    def make(page_size: int = 50, query: BackupQuery | None = None, **kw: Any) -> HsmBackupsApp:
        base = world.session_factory(0)

        def factory(profile: str | None) -> boto3.Session:
            session = base(profile)
            wire.sessions += 1
            session.events.register("provide-client-params.cloudhsmv2.DescribeBackups", wire.hook)
            session.events.register("after-call.cloudhsmv2.DescribeBackups", wire.after)
            session.events.register("after-call.cloudhsmv2.DescribeClusters", wire.after_clusters)
            session.events.register("before-call.cloudhsmv2", wire.operation)
            return session

        settings = Settings(
            demo=True,
            region=kw.pop("region", DEMO_HOME_REGION),
            page_size=page_size,
            query=query or BackupQuery(),
            clock=kw.pop("clock", lambda: NOW),
            **kw,
        )
        app = build_app(settings, BackupSource(profile=settings.profile, session_factory=factory))
        app.tmux_option = lambda _name: None  # a developer's own tmux is never asked
        return app

    return make
