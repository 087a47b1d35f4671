"""Sources: one (profile, region, owned or shared, state) stream, and the status it shows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from tui.backups.errors import AwsError
from tui.backups.models import BackupQuery

#: What a source is doing, as its status list says it.
SourceState = Literal[
    "waiting",  # not asked yet
    "more",  # answered, with more pages
    "complete",
    "throttled",  # throttled past its retries
    "denied",
    "unreachable",  # timed out, connection failed, or no answer within its budget
    "credentials",  # expired or missing
    "not-enabled",  # an opt-in region the account has not enabled: not a failure
    "error",
]

_DENIED = {"AccessDenied", "AccessDeniedException", "CloudHsmAccessDeniedException"}
_NOT_ENABLED = {"UnrecognizedClientException", "InvalidClientTokenId", "OptInRequired"}
_CREDENTIALS = {
    "ExpiredToken",
    "ExpiredTokenException",
    "NoCredentials",
    "PartialCredentials",
    "ProfileNotFound",
    "SSOTokenLoadError",
    "UnauthorizedSSOTokenError",
    "TokenRetrievalError",
    "CredentialProcessError",
    "InvalidSignatureException",
}
_UNREACHABLE = {
    "EndpointConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "ConnectionClosedError",
    "Unanswered",
}
_THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException"}


def classify(error: AwsError) -> SourceState:
    """The status a failed source shows, from its error's code.

    UnrecognizedClientException in one region while others answer is what AWS gives in an
    opt-in region the account has not enabled: a quiet "not enabled", not a listing error.
    """
    code = error.code
    if code in _DENIED:
        return "denied"
    if code in _NOT_ENABLED:
        return "not-enabled"
    if code in _CREDENTIALS:
        return "credentials"
    if code in _UNREACHABLE:
        return "unreachable"
    if code in _THROTTLED:
        return "throttled"
    return "error"


@dataclass(frozen=True, slots=True)
class SourceKey:
    """One stream: a profile (None: the default chain), a region, owned or shared, a state.

    `state` is set when the query ticks several states: a field report (cloud-custodian PR
    #9721) says DescribeBackups applies one state per call, so each is its own stream.
    """

    profile: str | None
    region: str
    shared: bool = False
    state: str | None = None

    def query(self, base: BackupQuery) -> BackupQuery:
        """The describe_backups query this stream pages through."""
        states = (self.state,) if self.state is not None else base.states
        return replace(base, region=self.region, shared=self.shared, states=states)

    @property
    def label(self) -> str:
        """`prod · eu-west-1 · shared · READY`: how a status list names it."""
        parts = [self.profile or "default", self.region]
        if self.shared:
            parts.append("shared")
        if self.state is not None:
            parts.append(self.state)
        return " · ".join(parts)


Ownership = Literal["owned", "shared", "both"]


def plan_sources(
    profiles: Sequence[str | None],
    regions: Sequence[str],
    query: BackupQuery,
    ownership: Ownership = "owned",
) -> list[SourceKey]:
    """Every stream for `query` over profiles × regions × owned/shared × ticked states."""
    shared_flags: Iterable[bool] = {"owned": (False,), "shared": (True,), "both": (False, True)}[
        ownership
    ]
    states: Sequence[str | None] = query.states if len(query.states) > 1 else (None,)
    return [
        SourceKey(profile, region, shared, state)
        for profile in dict.fromkeys(profiles)
        for region in dict.fromkeys(regions)
        for shared in shared_flags
        for state in states
    ]
