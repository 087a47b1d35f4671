"""BackupSource: one page of describe_backups per call, through lazily made, cached clients."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import boto3
from botocore.config import Config
from botocore.loaders import create_loader
from botocore.regions import EndpointResolver

from tui.backups.errors import AwsError, describe_error
from tui.backups.models import Backup, BackupQuery, Page

if TYPE_CHECKING:
    from mypy_boto3_cloudhsmv2 import CloudHSMV2Client

#: Builds a boto3 Session for a profile (None = the default chain). Tests and the demo pass their
#: own to add botocore event hooks; the app passes boto3.Session.
SessionFactory = Callable[[str | None], boto3.Session]


def _default_session(profile: str | None) -> boto3.Session:
    return boto3.Session(profile_name=profile)


_ACCOUNT_ID = re.compile(r"\d{12}")

#: The list each CloudHSM answer must carry, by operation. botocore turns a 200 answer whose
#: body is not JSON (a proxy's HTML page, a truncated body) into {}: without this check that
#: would read as "no backups", "source not found" or "purged", never as the failure it is.
REQUIRED_LISTS = {"describe_backups": "Backups", "describe_clusters": "Clusters"}


def not_a_response(operation: str, missing: str) -> AwsError:
    """The error for an answer that lacks what every real answer of `operation` has."""
    name = "".join(part.title() for part in operation.split("_"))
    return AwsError(
        "UnexpectedAnswer",
        "Not a CloudHSM response",
        f"The endpoint answered something that is not a CloudHSM response: {name} came back "
        f"without {missing}.",
        "Check --endpoint-url / AWS_ENDPOINT_URL and any proxy in between; press r to retry.",
        True,
    )


class BackupSource:
    """Talks to CloudHSM v2 for the app. Thread-safe: workers call it from their threads.

    One client per region for this source's profile, created on first use and kept, with
    botocore's `standard` retry mode and finite timeouts (the defaults are legacy retries and a
    60-second read timeout, which would look like a hang).
    """

    def __init__(
        self,
        *,
        profile: str | None = None,
        endpoint_url: str | None = None,
        session_factory: SessionFactory | None = None,
        connect_timeout: float = 5,
        read_timeout: float = 20,
        max_attempts: int = 5,
        retry_mode: Literal["standard", "adaptive"] = "standard",
    ) -> None:
        self.profile = profile
        self.endpoint_url = endpoint_url
        self._session_factory = session_factory or _default_session
        self._timeouts = (connect_timeout, read_timeout, max_attempts)
        self._retry_mode = retry_mode
        self._config = Config(
            retries={"mode": retry_mode, "total_max_attempts": max_attempts},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            user_agent_extra="hsm-backups",
        )
        self._lock = threading.Lock()
        self._client_lock = threading.Lock()
        self._session: boto3.Session | None = None
        self._clients: dict[str, CloudHSMV2Client] = {}

    @property
    def profile_label(self) -> str:
        """The profile boto3 will use, as the AWS CLI names it: flag, AWS_PROFILE, default."""
        return self.profile or os.environ.get("AWS_PROFILE") or "default"

    def _get_session(self) -> boto3.Session:
        with self._lock:
            if self._session is None:
                self._session = self._session_factory(self.profile)
            return self._session

    def default_region(self) -> str | None:
        """The region the AWS CLI v2 would use: AWS_REGION, then AWS_DEFAULT_REGION/profile.

        botocore itself ignores AWS_REGION, so it is read here. A missing profile gives None;
        the first call then reports ProfileNotFound in the UI.
        """
        if region := os.environ.get("AWS_REGION"):
            return region
        try:
            return self._get_session().region_name
        except Exception:
            return None

    @staticmethod
    def available_regions() -> list[str]:
        """Regions where botocore's endpoint data offers CloudHSM v2, for the region picker.

        Read from botocore's bundled data without a Session, so a broken profile or config
        cannot stop the app from starting (the first call reports it instead).
        """
        try:
            resolver = EndpointResolver(create_loader().load_data("endpoints"))
            regions: set[str] = set()
            for partition in ("aws", "aws-us-gov", "aws-cn"):
                regions.update(resolver.get_available_endpoints("cloudhsmv2", partition))
        except Exception:
            return []
        return sorted(regions)

    def client(self, region: str | None) -> CloudHSMV2Client:
        """The cached client for `region` (None = the profile's default region)."""
        key = region or ""
        with self._lock:
            cached = self._clients.get(key)
        if cached is not None:
            return cached
        session = self._get_session()
        # Made under the lock, one at a time: the first client resolves the credentials (an SSO
        # refresh, a credential_process) and the session keeps them for every other region,
        # instead of eight regions of a fan-out each starting their own refresh.
        with self._client_lock, self._lock:
            if key not in self._clients:
                self._clients[key] = session.client(
                    "cloudhsmv2",
                    region_name=region,
                    endpoint_url=self.endpoint_url,
                    config=self._config,
                )
            return self._clients[key]

    def reset(self) -> None:
        """Forget the session and clients, so refreshed credentials (aws sso login) are read."""
        with self._lock:
            self._session = None
            self._clients.clear()

    def call(self, region: str | None, operation: str, **params: Any) -> dict[str, Any]:
        """Run one API operation; every failure comes out as an AwsError.

        Every CloudHSM call passes here, so here an answer without its list (REQUIRED_LISTS)
        becomes an error instead of an empty result.
        """
        try:
            method = getattr(self.client(region), operation)
            response: dict[str, Any] = method(**params)
        except Exception as exc:
            raise describe_error(exc, profile=self.profile, service="CloudHSM") from exc
        required = REQUIRED_LISTS.get(operation)
        if required is not None and not isinstance(response.get(required), list):
            raise not_a_response(operation, f"a {required} list")
        return response

    def fetch_page(self, query: BackupQuery, token: str | None, page_size: int = 50) -> Page:
        """Fetch exactly one page of `query` starting at `token` (None = the first page)."""
        started = time.perf_counter()
        response = self.call(query.region, "describe_backups", **query.request(page_size, token))
        items = response.get("Backups") or []
        backups = tuple(Backup.from_api(item) for item in items if isinstance(item, dict))
        next_token = response.get("NextToken")
        return Page(
            query=query,
            token=token,
            backups=backups,
            next_token=next_token if isinstance(next_token, str) and next_token else None,
            elapsed=time.perf_counter() - started,
        )

    def with_profile(self, profile: str | None) -> BackupSource:
        """A new source for `profile`: this one's endpoint, timeouts and session factory.

        Nothing is shared (session, clients), so no call of the new profile can go out with the
        old profile's credentials. Cheap: the session is made on the first call, in a worker.
        """
        connect, read, attempts = self._timeouts
        return BackupSource(
            profile=profile,
            endpoint_url=self.endpoint_url,
            session_factory=self._session_factory,
            connect_timeout=connect,
            read_timeout=read,
            max_attempts=attempts,
            retry_mode=self._retry_mode,
        )

    def account_id(self, region: str | None) -> str:
        """The account these credentials act in (sts get-caller-identity); fails as AwsError.

        STS goes to the same endpoint URL as CloudHSM when one is set: an app pointed at a
        stand-in for AWS must not send its identity question to the real one.
        """
        try:
            sts: Any = self._get_session().client(
                "sts", region_name=region, endpoint_url=self.endpoint_url, config=self._config
            )
            account = sts.get_caller_identity().get("Account")
        except Exception as exc:
            raise describe_error(exc, profile=self.profile, service="STS") from exc
        if not isinstance(account, str) or _ACCOUNT_ID.fullmatch(account) is None:
            raise AwsError(
                "UnexpectedAnswer",
                "Odd answer from STS",
                "get-caller-identity returned no 12-digit account ID.",
                "Nothing to do: the account is simply not shown.",
                False,
            )
        return account
