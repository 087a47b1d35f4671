"""Turn any failure of a boto3 call into one typed error a person can act on."""

from __future__ import annotations

from dataclasses import dataclass

from botocore import exceptions as bce

from tui.backups.models import scrub
from tui.backups.paging import PagingError

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


def describe_error(exc: BaseException, *, profile: str | None = None) -> AwsError:
    """Map botocore's many exception types to an AwsError; unknown ones keep their name."""
    if isinstance(exc, AwsError):
        return exc
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
        return AwsError(
            "EndpointConnectionError",
            "Cannot reach the endpoint",
            str(exc),
            "Check the network, proxy, region and --endpoint-url; then press r.",
            True,
        )
    if isinstance(exc, bce.ParamValidationError):
        return AwsError("ParamValidation", "Invalid request", str(exc), "Check the filters.", False)
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
