"""Turn any failure of a boto3 call into one typed error a person can act on."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType

from botocore import exceptions as bce
from botocore.parsers import ResponseParserError

from tui.backups.models import scrub
from tui.backups.paging import PagingError, PagingLimit

_CREDENTIALS_HINT = (
    "Configure credentials (aws configure, aws sso login, or AWS_ACCESS_KEY_ID/"
    "AWS_SECRET_ACCESS_KEY), or try the built-in demo: hsm-backups --demo"
)

# code -> (title, hint, retryable)
_CLIENT_CODES: dict[str, tuple[str, str, bool]] = {
    "CloudHsmAccessDeniedException": (
        "Access denied",
        "Your identity lacks cloudhsm:DescribeBackups in this region; ask for the permission "
        "or pick another profile or region.",
        False,
    ),
    "AccessDeniedException": (
        "Access denied",
        "Your identity lacks cloudhsm:DescribeBackups here; check the IAM policy, SCPs and "
        "the profile in use.",
        False,
    ),
    "UnrecognizedClientException": (
        "Credentials not recognised",
        "The access key is unknown to AWS (wrong account, deleted key, or wrong partition). "
        + _CREDENTIALS_HINT,
        False,
    ),
    "InvalidSignatureException": (
        "Request signature rejected",
        "The secret key does not match the access key, or the clock is far off.",
        False,
    ),
    "ExpiredTokenException": (
        "Credentials expired",
        "Refresh them (for SSO: aws sso login), then press r.",
        False,
    ),
    "ExpiredToken": (
        "Credentials expired",
        "Refresh them (for SSO: aws sso login), then press r.",
        False,
    ),
    "CloudHsmInvalidRequestException": (
        "Request rejected",
        "AWS refused the request as invalid; check the filters.",
        False,
    ),
    "CloudHsmResourceNotFoundException": (
        "Not found",
        "The resource does not exist in this region.",
        False,
    ),
    "CloudHsmInternalFailureException": (
        "CloudHSM internal failure",
        "An AWS-side failure; press r to try again in a moment.",
        True,
    ),
    "CloudHsmServiceException": (
        "CloudHSM service error",
        "The service failed the request; press r to try again.",
        True,
    ),
    "ThrottlingException": (
        "Throttled",
        "AWS kept throttling after several retries; wait a moment and press r.",
        True,
    ),
    "UnknownOperationException": (
        "Endpoint does not speak CloudHSM v2",
        "Check --endpoint-url / AWS_ENDPOINT_URL.",
        False,
    ),
}


@dataclass(eq=False)
class AwsError(Exception):
    """A failure as the user should see it: the AWS code, what happened, and what to do next."""

    code: str
    title: str
    message: str
    hint: str
    retryable: bool = True

    def __post_init__(self) -> None:
        # An error message can quote the API (a ClientError's Message, a body botocore could
        # not parse): scrubbed of lone surrogates like every other API string.
        self.code, self.title = scrub(self.code), scrub(self.title)
        self.message, self.hint = scrub(self.message), scrub(self.hint)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _sso_login_hint(profile: str | None) -> str:
    flag = f" --profile {profile}" if profile else ""
    return f"Run: aws sso login{flag} — then press r."


def _frames(exc: BaseException) -> Iterator[FrameType]:
    """The frames `exc` passed through, from where it was caught down to where it was raised."""
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: __cause__, __context__ and botocore's `error` keyword."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        kwargs = getattr(current, "kwargs", None)
        inner = kwargs.get("error") if isinstance(kwargs, dict) else None
        todo.extend(
            e
            for e in (current.__cause__, current.__context__, inner)
            if isinstance(e, BaseException)
        )


def _raised_in(exc: BaseException, module: str, function: str | None = None) -> FrameType | None:
    """The frame of `module` (and `function`) that `exc` came out of, if it did."""
    for frame in _frames(exc):
        if frame.f_globals.get("__name__") == module and function in (None, frame.f_code.co_name):
            return frame
    return None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _credential_process_error(exc: BaseException, profile: str | None) -> AwsError | None:
    """A credential_process that failed or printed something else than its JSON, named.

    botocore lets json.loads' JSONDecodeError (or a KeyError, an AttributeError…) out of its
    ProcessProvider as it is; the command and the profile are read from the frame that ran it.
    """
    frame = _raised_in(exc, "botocore.credentials", "_retrieve_credentials_using")
    if frame is None:
        return None
    command = frame.f_locals.get("credential_process")
    provider = frame.f_locals.get("self")
    named = getattr(provider, "_profile_name", None) or profile or "default"
    what = f"The credential_process of profile {named}"
    if isinstance(command, str) and command.strip():
        what += f" ({_short(command.strip(), 200)})"
    if isinstance(exc, bce.CredentialRetrievalError):
        said = f"failed: {str(exc).strip().rstrip('.')}"
    else:
        said = (
            "printed something that is not the JSON credentials the AWS SDKs expect "
            f"({type(exc).__name__}: {exc})"
        )
    return AwsError(
        "CredentialProcessError",
        "credential_process failed",
        f"{what} {said}.",
        "Run that command yourself: it must print JSON with Version 1, AccessKeyId and "
        "SecretAccessKey (see credential_process in the AWS CLI docs). Fix it, then press r.",
        False,
    )


def _ca_bundle_error(exc: BaseException, profile: str | None) -> AwsError | None:
    """A CA bundle that cannot be read, named by where it was set: AWS_CA_BUNDLE or ca_bundle.

    urllib3 says only "[Errno 2] No such file or directory", without the path. Only a file
    error counts (missing, unreadable, a directory): ssl.SSLError is an OSError with an errno
    too, and a certificate that fails verification is another matter.
    """
    if not isinstance(exc, bce.SSLError):
        return None
    cause = next(
        (
            e
            for e in _causes(exc)
            if isinstance(e, OSError) and not isinstance(e, ssl.SSLError) and e.errno
        ),
        None,
    )
    if cause is None:
        return None
    path = os.environ.get("AWS_CA_BUNDLE")
    where = f"AWS_CA_BUNDLE={path}"
    if not path:
        path = _profile_setting(profile, "ca_bundle")
        named = profile or os.environ.get("AWS_PROFILE") or "default"
        where = f"ca_bundle = {path} in profile {named}"
        if not path:
            return None
    reason = cause.strerror or str(cause)
    return AwsError(
        "CABundleUnreadable",
        "CA bundle cannot be read",
        f"The certificate bundle named by {where} cannot be read: {reason}.",
        "Point it at an existing PEM file, or unset it to use the default bundle; then press r.",
        False,
    )


def _profile_setting(profile: str | None, name: str) -> str | None:
    """A setting of `profile` as botocore resolves it (environment, then config file)."""
    try:
        import botocore.session

        value = botocore.session.Session(profile=profile).get_config_variable(name)
    except Exception:
        return None
    return value if isinstance(value, str) and value else None


def _unreadable_answer(exc: BaseException, service: str) -> AwsError | None:
    """An answer botocore could not parse: a body that is not UTF-8, not JSON or XML, or of
    another shape than the operation's (botocore then fails with KeyError, AttributeError…)."""
    if not isinstance(exc, ResponseParserError) and _raised_in(exc, "botocore.parsers") is None:
        return None
    hint = "Check --endpoint-url / AWS_ENDPOINT_URL and any proxy in between; press r to retry."
    if isinstance(exc, UnicodeDecodeError):
        return AwsError(
            "UnreadableAnswer",
            "Answer could not be read",
            f"The endpoint's answer could not be read: its body is not UTF-8 text "
            f"({exc.reason} at byte {exc.start}).",
            hint,
            True,
        )
    article = "an" if service[:1] in "AEIOS" else "a"  # an AWS, an STS, a CloudHSM
    return AwsError(
        "UnexpectedAnswer",
        f"Not {article} {service} response",
        f"The endpoint answered something that is not {article} {service} response "
        f"({type(exc).__name__}: {_short(str(exc), 200)}).",
        hint,
        True,
    )


def _unreachable(exc: bce.EndpointConnectionError) -> AwsError:
    """An endpoint that cannot be reached, with the region it was for: a region name that
    botocore does not know (us-east-7) is the likely cause, not the network. (Region data
    is read here, on the first such error, not at start-up.)"""
    from tui.backups.regions import endpoint_region, unknown_region

    url = str(exc.kwargs.get("endpoint_url") or "")
    region = endpoint_region(url)
    if region is None:  # --endpoint-url, or a URL of another shape
        return AwsError(
            "EndpointConnectionError",
            "Cannot reach the endpoint",
            str(exc),
            "Check the network, proxy, region and --endpoint-url; then press r.",
            True,
        )
    if (unknown := unknown_region(region)) is not None:
        return AwsError(
            "EndpointConnectionError",
            f"Cannot reach CloudHSM in {region}",
            f"could not reach CloudHSM in {region}: no such region? {unknown}. ({exc})",
            "Choose another region (the sidebar, or --region); a region newer than this "
            "botocore needs a newer boto3. Then press r.",
            True,
        )
    return AwsError(
        "EndpointConnectionError",
        f"Cannot reach CloudHSM in {region}",
        f"could not reach CloudHSM in {region}. ({exc})",
        "Check the network and any proxy (HTTPS_PROXY); then press r.",
        True,
    )


def describe_error(
    exc: BaseException, *, profile: str | None = None, service: str = "AWS"
) -> AwsError:
    """Map botocore's many exception types to an AwsError; unknown ones keep their name.

    `service` names what answered (CloudHSM, STS) when an answer cannot be read.
    """
    if isinstance(exc, AwsError):
        return exc
    for special in (
        _credential_process_error(exc, profile),
        _ca_bundle_error(exc, profile),
        _unreadable_answer(exc, service),
    ):
        if special is not None:
            return special
    if isinstance(exc, bce.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or "UnknownError")
        message = str(err.get("Message") or exc)
        if code in _CLIENT_CODES:
            title, hint, retryable = _CLIENT_CODES[code]
            if code.startswith("ExpiredToken"):
                hint = f"Refresh the credentials ({_sso_login_hint(profile)})"
            return AwsError(code, title, message, hint, retryable)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        retryable = isinstance(status, int) and status >= 500
        return AwsError(code, "AWS error", message, "Press r to try again.", retryable)
    if isinstance(exc, bce.NoCredentialsError):
        return AwsError("NoCredentials", "No AWS credentials", str(exc), _CREDENTIALS_HINT, False)
    if isinstance(exc, bce.PartialCredentialsError):
        return AwsError(
            "PartialCredentials", "Incomplete AWS credentials", str(exc), _CREDENTIALS_HINT, False
        )
    if isinstance(exc, bce.ProfileNotFound):
        return AwsError(
            "ProfileNotFound",
            "Profile not found",
            str(exc),
            "Check --profile / AWS_PROFILE against ~/.aws/config (aws configure list-profiles).",
            False,
        )
    if isinstance(exc, bce.NoRegionError):
        return AwsError(
            "NoRegion",
            "No region chosen",
            "No AWS region is configured.",
            "Choose a region in the sidebar, or pass --region / set AWS_REGION.",
            False,
        )
    if isinstance(
        exc, bce.SSOTokenLoadError | bce.UnauthorizedSSOTokenError | bce.TokenRetrievalError
    ):
        return AwsError(
            type(exc).__name__, "SSO session expired", str(exc), _sso_login_hint(profile), False
        )
    if isinstance(exc, bce.ConnectTimeoutError | bce.ReadTimeoutError):
        return AwsError(
            type(exc).__name__,
            "AWS did not answer in time",
            str(exc),
            "Check the network or proxy, then press r.",
            True,
        )
    if isinstance(exc, bce.EndpointConnectionError):
        return _unreachable(exc)
    if isinstance(exc, bce.ParamValidationError):
        return AwsError("ParamValidation", "Invalid request", str(exc), "Check the filters.", False)
    if isinstance(exc, PagingLimit):
        return AwsError(
            "PagingLimit",
            "Listing limit reached",
            str(exc),
            "Filter by cluster, state or backup IDs; r starts over.",
            False,
        )
    if isinstance(exc, PagingError):
        return AwsError("PagingLoop", "Paging stopped", str(exc), "Press r to start over.", False)
    if isinstance(exc, bce.BotoCoreError):
        return AwsError(type(exc).__name__, "AWS client error", str(exc), "Press r to retry.", True)
    return AwsError(
        type(exc).__name__,
        "Unexpected error",
        str(exc) or type(exc).__name__,
        "Press r to retry; if it persists, report it with this message.",
        True,
    )
