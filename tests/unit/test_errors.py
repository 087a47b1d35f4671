"""describe_error: every botocore failure becomes one AwsError with a code, a title and a hint."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import exceptions as bce
from botocore.stub import Stubber

from tui.backups import AwsError, BackupQuery, BackupSource, PagingError, describe_error


def client_error(code: str, status: int = 400, message: str = "went wrong") -> bce.ClientError:
    response: Any = {  # the partial shape botocore really builds from an error body
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return bce.ClientError(response, "DescribeBackups")


@pytest.mark.parametrize(
    ("exc", "code", "title", "retryable"),
    [
        (
            client_error("CloudHsmAccessDeniedException"),
            "CloudHsmAccessDeniedException",
            "Access denied",
            False,
        ),
        (client_error("AccessDeniedException"), "AccessDeniedException", "Access denied", False),
        (client_error("ThrottlingException"), "ThrottlingException", "Throttled", True),
        (
            client_error("CloudHsmInternalFailureException", 500),
            "CloudHsmInternalFailureException",
            "CloudHSM internal failure",
            True,
        ),
        (
            client_error("UnrecognizedClientException"),
            "UnrecognizedClientException",
            "Credentials not recognised",
            False,
        ),
        (
            client_error("ExpiredTokenException"),
            "ExpiredTokenException",
            "Credentials expired",
            False,
        ),
        (client_error("ExpiredToken"), "ExpiredToken", "Credentials expired", False),
        (bce.ProfileNotFound(profile="nope"), "ProfileNotFound", "Profile not found", False),
        (
            bce.ReadTimeoutError(endpoint_url="https://x"),
            "ReadTimeoutError",
            "AWS did not answer in time",
            True,
        ),
        (client_error("SomethingNew", 400), "SomethingNew", "AWS error", False),
        (client_error("SomethingNew", 503), "SomethingNew", "AWS error", True),
        (bce.NoCredentialsError(), "NoCredentials", "No AWS credentials", False),
        (
            bce.PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
            "PartialCredentials",
            "Incomplete AWS credentials",
            False,
        ),
        (bce.ProfileNotFound(profile="prod"), "ProfileNotFound", "Profile not found", False),
        (bce.NoRegionError(), "NoRegion", "No region chosen", False),
        (
            bce.EndpointConnectionError(endpoint_url="https://cloudhsmv2.x.amazonaws.com"),
            "EndpointConnectionError",
            "Cannot reach the endpoint",
            True,
        ),
        (
            bce.ConnectTimeoutError(endpoint_url="https://x"),
            "ConnectTimeoutError",
            "AWS did not answer in time",
            True,
        ),
        (
            bce.SSOTokenLoadError(error_msg="no token"),
            "SSOTokenLoadError",
            "SSO session expired",
            False,
        ),
        (
            bce.UnauthorizedSSOTokenError(),
            "UnauthorizedSSOTokenError",
            "SSO session expired",
            False,
        ),
        (
            bce.TokenRetrievalError(provider="sso", error_msg="expired"),
            "TokenRetrievalError",
            "SSO session expired",
            False,
        ),
        (bce.ParamValidationError(report="bad"), "ParamValidation", "Invalid request", False),
        (PagingError("loop"), "PagingLoop", "Paging stopped", False),
        (RuntimeError("boom"), "RuntimeError", "Unexpected error", True),
    ],
)
def test_mapping(exc: BaseException, code: str, title: str, retryable: bool) -> None:
    err = describe_error(exc)
    assert (err.code, err.title, err.retryable) == (code, title, retryable)
    assert err.hint.strip()
    assert err.message.strip()
    assert str(err).startswith(f"{code}: ")


def test_client_error_keeps_the_aws_message() -> None:
    err = describe_error(client_error("CloudHsmAccessDeniedException", message="not allowed"))
    assert err.message == "not allowed"
    assert "DescribeBackups" in err.hint


def test_missing_credentials_point_at_the_demo() -> None:
    assert "--demo" in describe_error(bce.NoCredentialsError()).hint


@pytest.mark.parametrize(
    "exc",
    [
        bce.SSOTokenLoadError(error_msg="x"),
        client_error("ExpiredTokenException"),
    ],
)
def test_sso_hints_name_the_profile(exc: BaseException) -> None:
    assert "aws sso login --profile prod" in describe_error(exc, profile="prod").hint
    assert "--profile" not in describe_error(exc).hint


def test_an_aws_error_passes_through_unchanged() -> None:
    err = AwsError("X", "t", "m", "h", False)
    assert describe_error(err) is err


def test_unknown_exception_without_message_still_says_something() -> None:
    err = describe_error(KeyError())
    assert err.message == "KeyError"


def _stubbed_source(max_attempts: int = 5) -> BackupSource:
    return BackupSource(
        session_factory=lambda _profile: boto3.Session(region_name="us-east-1"),
        max_attempts=max_attempts,
    )


def test_client_error_from_the_wire_raises_aws_error() -> None:
    source = _stubbed_source()
    client = source.client("us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error(
            "describe_backups",
            service_error_code="CloudHsmAccessDeniedException",
            service_message="User is not authorized",
            http_status_code=400,
        )
        with pytest.raises(AwsError) as caught:
            source.fetch_page(BackupQuery(region="us-east-1"), None)
        stub.assert_no_pending_responses()
    assert caught.value.code == "CloudHsmAccessDeniedException"
    assert caught.value.message == "User is not authorized"
    assert not caught.value.retryable
    assert isinstance(caught.value.__cause__, bce.ClientError)


def test_throttling_from_the_wire_is_retryable() -> None:
    source = _stubbed_source(max_attempts=1)
    with Stubber(source.client("us-east-1")) as stub:
        stub.add_client_error(
            "describe_backups", service_error_code="ThrottlingException", http_status_code=400
        )
        with pytest.raises(AwsError) as caught:
            source.call("us-east-1", "describe_backups", MaxResults=5)
    assert caught.value.code == "ThrottlingException"
    assert caught.value.retryable


def test_a_good_stubbed_response_is_converted() -> None:
    source = _stubbed_source()
    with Stubber(source.client("us-east-1")) as stub:
        stub.add_response(
            "describe_backups",
            {
                "Backups": [{"BackupId": "backup-abcdefghijk", "BackupState": "READY"}],
                "NextToken": "",
            },
            {"MaxResults": 50, "SortAscending": False},
        )
        page = source.fetch_page(BackupQuery(region="us-east-1"), None)
    assert [b.backup_id for b in page.backups] == ["backup-abcdefghijk"]
    assert page.next_token is None  # "" is the end


def test_expired_tokens_say_how_to_log_in_again_for_the_profile() -> None:
    err = describe_error(client_error("ExpiredTokenException"), profile="prod")
    assert "aws sso login --profile prod" in err.hint
    assert not err.retryable, "expired credentials are not retried forever"


def test_an_error_message_with_a_lone_surrogate_is_scrubbed() -> None:
    err = describe_error(client_error("CloudHsmServiceException", 500, "bad \ud800 answer"))
    assert err.message == "bad \ufffd answer"
    str(err).encode("utf-8")
    assert describe_error(RuntimeError("\udfff")).message == "\ufffd"


def _unreachable(url: str) -> AwsError:
    return describe_error(bce.EndpointConnectionError(endpoint_url=url))


def test_an_endpoint_for_a_region_botocore_does_not_know_names_the_region() -> None:
    """`--region us-east-7` said only "EndpointConnectionError… check the network"."""
    error = _unreachable("https://cloudhsmv2.us-east-7.amazonaws.com/")
    assert error.code == "EndpointConnectionError"
    assert error.title == "Cannot reach CloudHSM in us-east-7"
    assert error.message.startswith(
        "could not reach CloudHSM in us-east-7: no such region? us-east-7 is not a region of "
        "the aws partition that botocore "
    )
    assert "(did you mean us-east-2 or us-east-1?)" in error.message
    assert "Choose another region" in error.hint
    assert "network" not in error.hint


@pytest.mark.parametrize(
    ("url", "region"),
    [
        ("https://cloudhsmv2.us-east-1.amazonaws.com/", "us-east-1"),
        ("https://cloudhsmv2.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("https://cloudhsmv2-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    ],
)
def test_an_endpoint_of_a_known_region_names_it_and_points_at_the_network(
    url: str, region: str
) -> None:
    error = _unreachable(url)
    assert error.title == f"Cannot reach CloudHSM in {region}"
    assert error.message.startswith(f"could not reach CloudHSM in {region}. (")
    assert "no such region" not in error.message
    assert "network" in error.hint
    assert error.retryable


def test_an_endpoint_url_of_its_own_is_not_taken_for_a_region() -> None:
    error = _unreachable("http://localhost:4566")
    assert error.title == "Cannot reach the endpoint"
    assert "--endpoint-url" in error.hint
