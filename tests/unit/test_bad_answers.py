"""Answers that are not answers, and failures that must say what failed.

Every answer here is made of bytes botocore really parses (tests/canned.py answers from its
`before-send` hook) or comes from a local socket: nothing leaves the machine.
"""

from __future__ import annotations

import os
import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.canned import canned_source
from tui.backups import AwsError, Backup, BackupQuery, BackupSource, describe_error
from tui.backups.lineage import walk_sources
from tui.backups.retention import fetch_clusters
from tui.backups.watch import recheck

QUERY = BackupQuery(region="us-east-1")
NOT_CLOUDHSM = "not a CloudHSM response"

#: 200 answers a proxy, a captive portal or a broken stand-in can give instead of CloudHSM's.
NOT_CLOUDHSM_BODIES = [
    pytest.param(b"<html><body>Service Unavailable</body></html>", id="html"),
    pytest.param(b"", id="empty"),
    pytest.param(b"{}", id="empty-object"),
    pytest.param(b'{"NextToken": "abc"}', id="token-without-backups"),
    pytest.param(b"[1, 2]", id="array"),
    pytest.param(b'"a string"', id="string"),
    pytest.param(b'{"Backups": "none"}', id="backups-not-a-list"),
    pytest.param(b'{"Backups": [1, "x"]}', id="backups-not-objects"),
]


@pytest.mark.parametrize("body", NOT_CLOUDHSM_BODIES)
def test_a_200_answer_that_is_not_cloudhsm_is_an_error_never_an_empty_page(body: bytes) -> None:
    source, canned = canned_source(lambda _op, _req: (200, body))
    with pytest.raises(AwsError) as caught:
        source.fetch_page(QUERY, None)
    assert caught.value.code == "UnexpectedAnswer"
    assert NOT_CLOUDHSM in caught.value.message
    assert caught.value.retryable, "r tries the page again"
    assert canned.operations == ["DescribeBackups"]


def test_a_real_empty_answer_is_still_an_empty_complete_page() -> None:
    source, _ = canned_source(lambda _op, _req: (200, b'{"Backups": []}'))
    page = source.fetch_page(QUERY, None)
    assert page.backups == ()
    assert page.next_token is None


def test_describe_clusters_without_clusters_is_an_error_not_a_gone_cluster() -> None:
    source, _ = canned_source(lambda _op, _req: (200, b"<html>oops</html>"))
    (info,) = fetch_clusters(source, "us-east-1", ["cluster-abcdefghijk"]).values()
    assert not info.found
    assert info.error == "UnexpectedAnswer", "unknown because unreadable, not 'deleted?'"


def test_a_lineage_hop_answered_with_html_is_an_error_not_an_orphan() -> None:
    source, _ = canned_source(lambda _op, _req: (200, b"<html>oops</html>"))
    copy = Backup(
        backup_id="backup-bcdefghijkl",
        state="READY",
        source_region="eu-west-1",
        source_backup="backup-abcdefghijk",
    )
    source_node, _this = walk_sources(source, copy, "us-east-1")
    assert source_node.status == "error"
    assert NOT_CLOUDHSM in source_node.message


def test_a_recheck_answered_with_html_raises_instead_of_reporting_backups_gone() -> None:
    source, _ = canned_source(lambda _op, _req: (200, b"<html>oops</html>"))
    with pytest.raises(AwsError) as caught:
        recheck(source, "us-east-1", ["backup-abcdefghijk"])
    assert caught.value.code == "UnexpectedAnswer"


def test_a_body_that_is_not_utf8_says_the_answer_could_not_be_read() -> None:
    source, _ = canned_source(lambda _op, _req: (200, b'{"Backups": [{"BackupId": "\xff\xfe"}]}'))
    with pytest.raises(AwsError) as caught:
        source.fetch_page(QUERY, None)
    err = caught.value
    assert err.code == "UnreadableAnswer"
    assert "The endpoint's answer could not be read" in err.message
    assert "not UTF-8" in err.message
    assert "UnicodeDecodeError" not in f"{err.title} {err.message}"
    assert "report it" not in err.hint


_STS_WITHOUT_ACCOUNT = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/x</Arn>"
    b"<UserId>AIDAEXAMPLE</UserId></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>"
    b"</GetCallerIdentityResponse>"
)


@pytest.mark.parametrize(
    "body", [b"<html>oops</html>", b"not even xml", _STS_WITHOUT_ACCOUNT, b"\xff\xfe"]
)
def test_an_sts_answer_without_an_account_is_an_error(body: bytes) -> None:
    source, canned = canned_source(lambda _op, _req: (200, body))
    with pytest.raises(AwsError) as caught:
        source.account_id("us-east-1")
    assert caught.value.code in ("UnexpectedAnswer", "UnreadableAnswer")
    assert "Unexpected error" not in caught.value.title
    assert canned.operations == ["GetCallerIdentity"]


# Messages that say what failed ---------------------------------------------------------------


@pytest.fixture
def aws_config(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The AWS config file of this test (tests/conftest.py points AWS_CONFIG_FILE at tmp_path),
    with the environment's keys removed so the credential chain reaches the profile."""
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    return Path(os.environ["AWS_CONFIG_FILE"])


def _process(tmp_path: Path, code: str) -> str:
    """A credential_process command line running `code` with this Python."""
    script = tmp_path / "creds.py"
    script.write_text(code, encoding="utf-8")
    return f"{sys.executable} {script}"


#: No endpoint answers here; a call that got this far would fail to connect, not hang.
NOWHERE = "http://127.0.0.1:9"


def test_a_credential_process_printing_non_json_is_named_with_its_profile(
    aws_config: Path, tmp_path: Path
) -> None:
    command = _process(tmp_path, "print('Enter your MFA code:')\n")
    aws_config.write_text(f"[profile ops]\ncredential_process = {command}\n", encoding="utf-8")
    source = BackupSource(profile="ops", endpoint_url=NOWHERE, max_attempts=1)
    with pytest.raises(AwsError) as caught:
        source.call("us-east-1", "describe_backups", MaxResults=5)
    err = caught.value
    assert err.code == "CredentialProcessError"
    assert "credential_process of profile ops" in err.message
    assert str(tmp_path / "creds.py") in err.message
    assert "not the JSON credentials" in err.message
    assert "report it" not in err.hint
    assert not err.retryable, "r makes a new session, which runs the process again"


def test_a_credential_process_that_fails_is_named_with_its_output(
    aws_config: Path, tmp_path: Path
) -> None:
    command = _process(tmp_path, "import sys\nsys.stderr.write('token expired')\nsys.exit(3)\n")
    aws_config.write_text(f"[profile ops]\ncredential_process = {command}\n", encoding="utf-8")
    source = BackupSource(profile="ops", endpoint_url=NOWHERE, max_attempts=1)
    with pytest.raises(AwsError) as caught:
        source.call("us-east-1", "describe_backups", MaxResults=5)
    assert caught.value.code == "CredentialProcessError"
    assert "credential_process of profile ops" in caught.value.message
    assert "token expired" in caught.value.message


@pytest.fixture
def listener() -> Iterator[int]:
    """A local TCP port that accepts connections and says nothing: somewhere for HTTPS to go."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in accepted:
            conn.close()
        server.close()


def test_a_missing_aws_ca_bundle_names_the_variable_and_the_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, listener: int
) -> None:
    missing = tmp_path / "corporate-ca.pem"
    monkeypatch.setenv("AWS_CA_BUNDLE", str(missing))
    source = BackupSource(
        endpoint_url=f"https://127.0.0.1:{listener}",
        max_attempts=1,
        connect_timeout=2,
        read_timeout=2,
    )
    with pytest.raises(AwsError) as caught:
        source.call("us-east-1", "describe_backups", MaxResults=5)
    err = caught.value
    assert err.code == "CABundleUnreadable"
    assert f"AWS_CA_BUNDLE={missing}" in err.message
    assert "No such file or directory" in err.message
    assert not err.retryable


def test_a_missing_ca_bundle_in_the_profile_names_the_setting_and_the_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, listener: int
) -> None:
    missing = tmp_path / "corporate-ca.pem"
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    Path(os.environ["AWS_CONFIG_FILE"]).write_text(
        f"[profile corp]\nca_bundle = {missing}\n", encoding="utf-8"
    )
    monkeypatch.setenv("AWS_PROFILE", "corp")  # the keys in the environment still apply
    source = BackupSource(
        endpoint_url=f"https://127.0.0.1:{listener}",
        max_attempts=1,
        connect_timeout=2,
        read_timeout=2,
    )
    with pytest.raises(AwsError) as caught:
        source.call("us-east-1", "describe_backups", MaxResults=5)
    assert caught.value.code == "CABundleUnreadable"
    assert f"ca_bundle = {missing} in profile corp" in caught.value.message


def test_a_certificate_that_fails_verification_is_not_called_an_unreadable_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ssl.SSLError is an OSError with an errno: it must not pass for a missing file."""
    from botocore.exceptions import SSLError
    from urllib3.exceptions import SSLError as Urllib3SSLError

    monkeypatch.setenv("AWS_CA_BUNDLE", str(tmp_path / "ca.pem"))
    verify = ssl.SSLCertVerificationError(1, "certificate verify failed")
    wrapped = Urllib3SSLError(verify)
    wrapped.__cause__ = verify
    err = describe_error(SSLError(endpoint_url="https://127.0.0.1:1/", error=wrapped))
    assert err.code == "SSLError"
