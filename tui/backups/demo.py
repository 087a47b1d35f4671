"""The embedded demo world: moto in-process, seeded deterministically, reached through boto3."""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from tui.backups.demo_data import DENIED_REGION, NOT_ENABLED_REGION, OTHER_ACCOUNT, REGION_PLANS
from tui.backups.demo_wire import backup_item, cluster_item

if TYPE_CHECKING:
    from moto.cloudhsmv2.models import Backup, CloudHSMV2Backend, Cluster
    from moto.core.models import MockAWS

    from tui.backups.demo_seed import Landmarks

__all__ = [
    "DEMO_ACCOUNT",
    "DEMO_ACCOUNTS",
    "DEMO_ALL_REGIONS",
    "DEMO_ANCHOR",
    "DEMO_CREATION_SECONDS",
    "DEMO_DENIED_REGION",
    "DEMO_DR_ACCOUNT",
    "DEMO_DR_PROFILE",
    "DEMO_HANGING_REGION",
    "DEMO_HOME_REGION",
    "DEMO_NOT_ENABLED_REGION",
    "DEMO_OTHER_ACCOUNT",
    "DEMO_PROFILE",
    "DEMO_REGIONS",
    "DEMO_SEARCH_REGIONS",
    "DemoWorld",
    "WorldSpec",
    "start_demo",
]

DEMO_ACCOUNT = "123456789012"
DEMO_OTHER_ACCOUNT = OTHER_ACCOUNT
DEMO_REGIONS: tuple[str, ...] = tuple(plan.region for plan in REGION_PLANS)
DEMO_HOME_REGION = DEMO_REGIONS[0]
#: A region where the demo identity lacks permission: every CloudHSM call is access denied.
DEMO_DENIED_REGION = DENIED_REGION
#: An opt-in region the demo account has not enabled: every call fails as AWS then answers.
DEMO_NOT_ENABLED_REGION = NOT_ENABLED_REGION
#: Where the demo's all-region copy search looks: the world's regions plus the two that fail.
DEMO_SEARCH_REGIONS: tuple[str, ...] = (*DEMO_REGIONS, DEMO_DENIED_REGION, DEMO_NOT_ENABLED_REGION)
#: A region whose calls never answer (until the world stops): a hanging source, to be seen
#: marked unreachable while the others go on. Only the fleet's `all` lists it.
DEMO_HANGING_REGION = "sa-east-1"
#: Every region of the demo's partition, as `--region all` lists them.
DEMO_ALL_REGIONS: tuple[str, ...] = (*DEMO_SEARCH_REGIONS, DEMO_HANGING_REGION)
#: The demo's profiles: its own account, and a second one (DR) with its own clusters and copies.
DEMO_PROFILE = "demo"
DEMO_DR_PROFILE = "demo-dr"
DEMO_DR_ACCOUNT = "444455556666"
DEMO_ACCOUNTS: dict[str, str] = {DEMO_PROFILE: DEMO_ACCOUNT, DEMO_DR_PROFILE: DEMO_DR_ACCOUNT}
#: region -> (HTTP status, error code, message) for the regions that refuse every call.
DEMO_FAILING_REGIONS: dict[str, tuple[int, str, str]] = {
    DEMO_DENIED_REGION: (
        400,
        "CloudHsmAccessDeniedException",
        f"User: arn:aws:iam::{DEMO_ACCOUNT}:user/demo is not authorized to perform this "
        f"operation in {DEMO_DENIED_REGION} with an explicit deny in a service control policy",
    ),
    DEMO_NOT_ENABLED_REGION: (
        400,
        "UnrecognizedClientException",
        "The security token included in the request is invalid",
    ),
}
#: "Now" in the demo world. Fixed, so tests and snapshots see the same ages and purge dates.
DEMO_ANCHOR = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

#: In `hsm-backups --demo`, a CREATE_IN_PROGRESS backup of each region turns READY this often
#: (see WorldSpec.creation_seconds), so watching has something to show within a minute.
DEMO_CREATION_SECONDS = 25.0


@dataclass(frozen=True)
class WorldSpec:
    """Knobs for building smaller or larger worlds with the same code (tests, benchmarks)."""

    anchor: datetime = DEMO_ANCHOR
    seed: int = 7
    #: Multiplies the bulk backup counts: 0.1 is tiny, 1 is a few hundred, 100 is ~30k.
    #: Landmarks (copy chain, orphan copy, retired cluster, shared backups) exist at any scale.
    scale: float = 1.0
    #: Sprinkle tags with markup, terminal escapes, bidi overrides and very long values.
    hostile: bool = False
    #: With a number, the world moves on while it runs, as a real account does: each
    #: CREATE_IN_PROGRESS backup turns READY, the oldest of each region first, one every
    #: `creation_seconds` after the world starts. None (tests, snapshots): it stays as seeded.
    creation_seconds: float | None = None

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError("scale must be positive")
        if self.creation_seconds is not None and not self.creation_seconds > 0:
            raise ValueError("creation_seconds must be positive")


def _refuse_failing_regions(**kwargs: Any) -> Any:
    """A `before-call` hook: answer for the failing demo regions as AWS would, without moto.

    A `before-call` handler that returns (http response, parsed body) replaces the request,
    and botocore then raises the operation's modelled error for a status >= 300, exactly as for
    a real error response. No retry applies: the request never reaches the endpoint.
    (Typed `-> Any` because botocore-stubs declares event handlers as returning None.)
    """
    context = kwargs.get("context") or {}
    failure = DEMO_FAILING_REGIONS.get(str(context.get("client_region")))
    if failure is None:
        return None
    return _failure(*failure)


def _failure(status: int, code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    """A `before-call` answer: the HTTP response and parsed body of an AWS error."""
    http = AWSResponse("https://cloudhsmv2.demo.invalid/", status, HTTPHeaders(), None)
    parsed = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0},
    }
    return http, parsed


def _acting_in(account: str) -> Callable[..., None]:
    """A `request-created` hook: moto answers as `account` (its x-moto-account-id header)."""

    def add(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    return add


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


@functools.cache
def _demo_backend_class() -> type[CloudHSMV2Backend]:
    """A moto backend that honours `Shared`, which moto itself ignores.

    Shared=True lists only backups other accounts own (by the ARN's account); otherwise only the
    caller's own. moto's @paginate wraps the filtered list, so its NextTokens keep working.
    """
    from moto.cloudhsmv2.models import CloudHSMV2Backend
    from moto.utilities.paginator import paginate

    unfiltered = CloudHSMV2Backend.describe_backups.__wrapped__  # type: ignore[attr-defined]

    class DemoCloudHSMV2Backend(CloudHSMV2Backend):
        # moto finds a backend's URL table next to the module that defines its class.
        __module__ = CloudHSMV2Backend.__module__
        #: Called before every listing: the world moves on (see DemoWorld.progress).
        progress: Callable[[], None] | None = None

        @paginate(CloudHSMV2Backend.PAGINATION_MODEL)
        def describe_backups(
            self,
            filters: dict[str, list[str]] | None,
            shared: bool | None,
            sort_ascending: bool | None,
        ) -> list[Backup]:
            if self.progress is not None:
                self.progress()
            found: list[Backup] = unfiltered(self, filters, shared, sort_ascending)
            return [
                b for b in found if (_account_of(b.backup_arn) != self.account_id) == bool(shared)
            ]

    return DemoCloudHSMV2Backend


class DemoWorld:
    """A running demo: moto's mock is active until `stop()` (or the end of a `with` block)."""

    def __init__(
        self,
        spec: WorldSpec,
        mock: MockAWS,
        backups: dict[str, list[Backup]],
        clusters: dict[str, list[Cluster]],
        landmarks: Landmarks,
        others: dict[str, tuple[dict[str, list[Backup]], dict[str, list[Cluster]]]] | None = None,
    ) -> None:
        self.spec = spec
        self.regions = DEMO_REGIONS
        #: Where the all-region copy search looks in the demo: `regions` plus one region that
        #: denies access and one that is not enabled (see `session_factory`).
        self.search_regions = DEMO_SEARCH_REGIONS
        #: Named backups worth pointing at -> ((region, backup id), ...): "chain" (three regions
        #: long, origin first), "copied_twice", "orphan_copy" (its source is gone),
        #: "copy_of_deleted" (origin, its DELETED copy, the copy of that copy),
        #: "copy_from_denied_region" and "copy_from_not_enabled_region" (their sources live in
        #: a region the demo cannot read), "cluster_gone" (all NeverExpires but the last, so
        #: expiry is "unknown" for that one), "shared".
        self.landmarks = landmarks
        self._mock: MockAWS | None = mock
        #: account -> (backups, clusters) by region: the demo's own account and the DR one.
        self._accounts = {DEMO_ACCOUNT: (backups, clusters), **(others or {})}
        self._backups = backups
        self._clusters = clusters
        #: Set by stop(): the hanging region's calls end then, instead of never.
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._skipped = 0.0
        #: (seconds after the start, region, backup) for each creation still to finish.
        self._creating: list[tuple[float, str, Backup]] = []
        if spec.creation_seconds is not None:
            for region, items in backups.items():
                creating = [b for b in items if b.backup_state == "CREATE_IN_PROGRESS"]
                creating.sort(key=lambda b: b.create_timestamp)  # the oldest finishes first
                for n, item in enumerate(creating, start=1):
                    self._creating.append((n * spec.creation_seconds, region, item))
            self._creating.sort(key=lambda entry: entry[0])

    def creating(self) -> list[tuple[float, str, str]]:
        """(seconds after the start, region, backup ID) of each creation still to finish."""
        with self._lock:
            return [(due, region, b.backup_id) for due, region, b in self._creating]

    def progress(self) -> None:
        """Finish the creations that are due: CREATE_IN_PROGRESS becomes READY.

        Called by the demo backend before every describe_backups, from any worker thread.
        """
        with self._lock:
            if not self._creating:
                return
            elapsed = time.monotonic() - self._started + self._skipped
            while self._creating and self._creating[0][0] <= elapsed:
                _, _, item = self._creating.pop(0)
                item.backup_state = "READY"

    def skip(self, seconds: float) -> None:
        """Let `seconds` pass in the world at once (tests, demo tours)."""
        with self._lock:
            self._skipped += seconds
        self.progress()

    def backups(
        self, region: str, *, shared: bool = False, account: str = DEMO_ACCOUNT
    ) -> list[dict[str, Any]]:
        """The region's backups as an unfiltered describe_backups lists them, newest first.

        `shared` picks the other accounts' backups, as the API's Shared flag does; `account`
        is whose listing it is (DEMO_DR_ACCOUNT for the demo-dr profile).
        """
        self.progress()
        items = [
            b
            for b in self._accounts[account][0].get(region, [])
            if (_account_of(b.backup_arn) != account) == shared
        ]
        items.sort(key=lambda b: b.create_timestamp, reverse=True)
        return [backup_item(b) for b in items]

    def clusters(self, region: str, *, account: str = DEMO_ACCOUNT) -> list[dict[str, Any]]:
        """The region's live clusters as describe_clusters lists them (oldest first)."""
        found = self._accounts[account][1].get(region, [])
        items = sorted(found, key=lambda c: c.create_timestamp)
        return [cluster_item(c) for c in items]

    def session_factory(self, latency_ms: int = 0) -> Callable[[str | None], boto3.Session]:
        """A BackupSource session factory for the demo identities: `demo-dr` acts in the DR
        account (moto's x-moto-account-id header), any other profile in the demo account.

        The session reads no config or credentials file, no AWS_PROFILE and no configured
        endpoint URL, so a user's environment cannot send demo calls anywhere but moto.
        With `latency_ms`, every CloudHSM call sleeps first, to make lazy loading visible;
        `before-call` runs before moto's `before-send` interception, so the delay is real.
        Calls to DEMO_DENIED_REGION and DEMO_NOT_ENABLED_REGION fail (after the delay) with
        the error AWS gives there: CloudHsmAccessDeniedException, UnrecognizedClientException.
        """
        delay = max(0, latency_ms) / 1000

        def sleep(**_: Any) -> None:
            time.sleep(delay)

        stopped = self._stopped

        def hang(**kwargs: Any) -> Any:
            """DEMO_HANGING_REGION never answers: the call waits until the world stops."""
            context = kwargs.get("context") or {}
            if context.get("client_region") != DEMO_HANGING_REGION:
                return None
            stopped.wait()
            return _failure(503, "ServiceUnavailableException", "The demo world stopped.")

        def make(profile: str | None) -> boto3.Session:
            core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
            core.set_config_variable("config_file", os.devnull)
            core.set_config_variable("credentials_file", os.devnull)
            core.set_config_variable("ignore_configured_endpoint_urls", True)
            if delay:
                core.register("before-call.cloudhsmv2", sleep)
            core.register("before-call.cloudhsmv2", _refuse_failing_regions)
            core.register("before-call.cloudhsmv2", hang)
            if profile == DEMO_DR_PROFILE:
                core.register("request-created", _acting_in(DEMO_DR_ACCOUNT))
            return boto3.Session(
                aws_access_key_id="demo",
                aws_secret_access_key="demo",
                aws_session_token=None,
                region_name=DEMO_HOME_REGION,
                botocore_session=core,
            )

        return make

    def stop(self) -> None:
        """Stop moto's mock (which also drops its data); safe to call twice."""
        self._stopped.set()
        if self._mock is not None:
            mock, self._mock = self._mock, None
            mock.stop()

    def __enter__(self) -> DemoWorld:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_demo(spec: WorldSpec | None = None) -> DemoWorld:
    """Start moto in-process, seed the world into the demo regions' backends, and return it.

    moto's state is global to the process: stop one world before starting the next.
    """
    from tui.backups.demo_wire import moto_problem

    if (problem := moto_problem()) is not None:
        raise RuntimeError(problem)

    from moto import mock_aws
    from moto.cloudhsmv2.models import cloudhsmv2_backends

    from tui.backups.demo_seed import Seeder

    spec = spec or WorldSpec()
    anchor = spec.anchor.astimezone(UTC) if spec.anchor.tzinfo else spec.anchor
    seeder = Seeder(anchor.replace(tzinfo=None), spec.seed, spec.scale, DEMO_ACCOUNT)
    seeder.build(spec.hostile)
    # The DR account: its own clusters and copies, half the size, another seed.
    dr = Seeder(anchor.replace(tzinfo=None), spec.seed + 1000, spec.scale / 2, DEMO_DR_ACCOUNT)
    dr.build(spec.hostile)
    mock = mock_aws()
    mock.start()
    try:
        world = DemoWorld(
            spec,
            mock,
            seeder.backups,
            seeder.clusters,
            seeder.landmarks,
            others={DEMO_DR_ACCOUNT: (dr.backups, dr.clusters)},
        )
        backend_class = _demo_backend_class()
        for built, account_id in ((seeder, DEMO_ACCOUNT), (dr, DEMO_DR_ACCOUNT)):
            account = _account_backends(cloudhsmv2_backends, backend_class, account_id)
            for region in DEMO_REGIONS:
                backend = backend_class(region, account_id)
                backend.clusters = {c.cluster_id: c for c in built.clusters[region]}
                backend.backups = {b.backup_id: b for b in built.newest_first(region)}
                if spec.creation_seconds is not None and account_id == DEMO_ACCOUNT:
                    backend.progress = world.progress  # type: ignore[attr-defined]
                account[region] = backend
    except BaseException:
        mock.stop()
        raise
    return world


def _account_backends(backends: Any, backend_class: type, account_id: str) -> Any:
    """An account's per-region cloudhsmv2 backends, made for the demo regions only.

    Left to moto, the first look-up lists every region boto3 knows for the service, which
    builds a botocore session and parses its 1 MB endpoints file: about 0.1 s of the demo's
    start, spent while the first page is awaited.
    """
    from moto.core.base_backend import AccountSpecificBackend, BackendDict

    class AnyRegion(AccountSpecificBackend):  # type: ignore[type-arg]
        """A region the world has no backups in is empty, as a real account's would be.

        moto would raise KeyError for it, and the app would show an internal error that
        retrying can never fix (`hsm-backups --demo --region eu-central-1`).
        """

        def __getitem__(self, region_name: str) -> Any:
            if region_name not in self.keys():
                self[region_name] = backend_class(region_name, account_id)
            return super().__getitem__(region_name)

    if account_id not in backends:
        backends[account_id] = AnyRegion(
            service_name="cloudhsmv2",
            account_id=account_id,
            backend=backend_class,
            use_boto3_regions=False,
            additional_regions=list(DEMO_REGIONS),
        )
        instances: list[Any] = BackendDict._instances  # type: ignore[misc]
        if backends not in instances:
            instances.append(backends)  # so that stopping the mock resets it
    return backends[account_id]


def lazy_session_factory(
    spec: WorldSpec, latency_ms: int = 0
) -> Callable[[str | None], boto3.Session]:
    """A session factory that starts the world on first use, not before.

    BackupSource calls its factory from the first page worker's thread, so moto's import and
    the seeding happen while the UI is already painting instead of before its first frame.
    """
    made: list[Callable[[str | None], boto3.Session]] = []

    def make(profile: str | None) -> boto3.Session:
        if not made:
            made.append(start_demo(spec).session_factory(latency_ms))
        return made[0](profile)

    return make
