"""Crash reports (tui/crash.py): frames without variables, secrets scrubbed, a private file,
and the command line's one line and status 1 for an error before the screen opens."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tui.__main__ as cli
from tui.crash import Crash, report, report_text, scrub_secrets, summary, write_report

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
TEMP_KEY_ID = "ASIAY34FZKBOKMUTVV7A"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ=="
SENTINEL = "sentinel-in-a-local-9f86d081"


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        (f"key {KEY_ID} denied", "key <access-key-id> denied", KEY_ID),
        (f"temporary {TEMP_KEY_ID}", "temporary <access-key-id>", TEMP_KEY_ID),
        (f"aws_secret_access_key = {SECRET}", "aws_secret_access_key = <secret>", SECRET),
        (f"{{'SecretAccessKey': '{SECRET}'}}", "'SecretAccessKey': '<secret>'", SECRET),
        (f"AWS_SECRET_ACCESS_KEY={SECRET}", "AWS_SECRET_ACCESS_KEY=<secret>", SECRET),
        (f"aws_session_token = {TOKEN}", "aws_session_token = <token>", TOKEN),
        (f'"SessionToken": "{TOKEN}"', '"SessionToken": "<token>"', TOKEN),
        (f"X-Amz-Security-Token: {TOKEN}", "X-Amz-Security-Token: <token>", TOKEN),
        (f"?X-Amz-Security-Token={TOKEN}&x=1", "X-Amz-Security-Token=<token>&x=1", TOKEN),
        (
            f"Authorization: AWS4-HMAC-SHA256 Credential={KEY_ID}/20260304, Signature=abc123",
            "Authorization: <redacted>",
            "Signature=abc123",
        ),
        ("X-Amz-Signature=deadbeef01&", "X-Amz-Signature=<redacted>&", "deadbeef01"),
    ],
)
def test_credentials_are_scrubbed(text: str, kept: str, gone: str) -> None:
    scrubbed = scrub_secrets(text)
    assert kept in scrubbed
    assert gone not in scrubbed


def test_ordinary_text_is_left_alone() -> None:
    text = 'File "/home/me/tui/app.py", line 12, in on_key\nKeyError: backup-abcdefghijk'
    assert scrub_secrets(text) == text


def _raise_with_a_secret_local() -> None:
    aws_secret_access_key = SENTINEL  # a traceback with locals would show this
    raise ValueError(f"bad value from {KEY_ID} \x1b]0;title\x07 and {len(aws_secret_access_key)}")


def _crash() -> Crash:
    try:
        try:
            _raise_with_a_secret_local()
        except ValueError as inner:
            raise RuntimeError("while handling the answer") from inner
    except RuntimeError as exc:
        return Crash(exc, "in the browser")
    raise AssertionError("unreachable")


def test_the_report_has_frames_and_versions_but_no_variables_and_no_secrets() -> None:
    text = report_text(_crash(), NOW)
    assert text.startswith("hsm-backups crash report\nwhat: unexpected error in the browser\n")
    assert "when: 2026-03-04T05:06:07Z" in text
    for fact in ("hsm-backups: 0.1.0", "python: 3.11", "textual: 8.2.8", "platform: "):
        assert f"\n{fact}" in text
    # Frames (file, line, function, code line), the cause chained, both errors' messages.
    assert f'File "{__file__}", line ' in text
    assert "in _raise_with_a_secret_local\n    raise ValueError(" in text
    assert "The above exception was the direct cause" in text
    assert "RuntimeError: while handling the answer" in text
    # No local variable, no credential, no escape sequence (it becomes spaces).
    assert SENTINEL not in text
    assert KEY_ID not in text
    assert "ValueError: bad value from <access-key-id>  ]0;title  and 28" in text
    assert "\x1b" not in text
    assert "\x07" not in text


def test_the_report_file_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "hsm-backups"
    path = write_report(_crash(), NOW, folder)
    assert path.parent == folder
    assert path.name.startswith("crash-20260304-050607-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A second crash in the same second gets its own file.
    assert write_report(_crash(), NOW, folder) != path


def test_the_line_names_the_error_where_it_happened_and_the_file(tmp_path: Path) -> None:
    line = report(_crash(), now=lambda: NOW, folder=tmp_path)
    assert line.startswith(
        "unexpected error in the browser (RuntimeError: while handling the answer, at "
        "test_crash.py:"
    )
    (written,) = tmp_path.iterdir()
    assert line.endswith(f"in _crash); crash report (no variables or credentials): {written}")


def test_a_report_that_cannot_be_written_is_said_instead(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    line = report(_crash(), now=lambda: NOW, folder=blocker / "hsm-backups")
    assert line.startswith("unexpected error in the browser (RuntimeError:")
    assert line.endswith("; the crash report could not be written (Not a directory).")


def test_the_summary_is_one_short_line() -> None:
    error = ValueError("x" * 500 + "\nsecond line")
    said = summary(error)
    assert "\n" not in said
    assert said.startswith("ValueError: xxx")
    assert len(said) < 200


def test_an_error_before_the_screen_opens_is_one_line_and_status_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("TERM", raising=False)

    def broken(_argv: object) -> None:
        aws_session_token = SENTINEL
        raise OSError(f"no {aws_session_token[:0]}luck")

    monkeypatch.setattr(cli, "settings_from_args", broken)
    assert cli.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(
        "hsm-backups: unexpected error while starting, before the screen opened "
        "(OSError: no luck, at test_crash.py:"
    )
    (written,) = (tmp_path / "state" / "hsm-backups").iterdir()
    assert err.endswith(f"crash report (no variables or credentials): {written}\n")
    assert SENTINEL not in written.read_text(encoding="utf-8")


def test_ctrl_c_while_starting_is_quiet_and_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(_argv: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "settings_from_args", interrupted)
    assert cli.main([]) == 130
    assert capsys.readouterr().err == ""
