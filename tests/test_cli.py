"""The command line: flags become Settings; bad values stop before any UI with status 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui import __version__
from tui.__main__ import settings_from_args

ARN_EU = "arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-abcdefghijk"
CLUSTER_ARN_US = "arn:aws:cloudhsm:us-east-1:123456789012:cluster/cluster-abcdefghijk"


def test_an_arn_gives_its_id_and_its_region_and_capitals_are_lowered() -> None:
    s = settings_from_args(["--backup-id", ARN_EU + ",BACKUP-BCDEFGHIJKL"])
    assert s.region == "eu-west-1"
    assert s.query.backup_ids == ("backup-abcdefghijk", "backup-bcdefghijkl")
    s = settings_from_args(["--cluster-id", CLUSTER_ARN_US, "--region", "us-east-1"])
    assert (s.region, s.query.cluster_ids) == ("us-east-1", ("cluster-abcdefghijk",))
    # A source backup's ARN says where the source is, not where its copies are listed.
    s = settings_from_args(["--source-backup-id", ARN_EU, "--region", "us-west-2"])
    assert (s.region, s.query.source_backup_ids) == ("us-west-2", ("backup-abcdefghijk",))


def test_flags_prefill_the_query() -> None:
    s = settings_from_args(
        [
            "--profile", "prod", "--region", "eu-west-1", "--page-size", "7",
            "--backup-id", "backup-abcdefghijk,backup-bcdefghijkl",
            "--backup-id", "backup-cdefghijklm",
            "--source-backup-id", "backup-defghijklmn", "--cluster-id", "cluster-abcdefghijk",
            "--state", "ready", "--state", "PENDING_DELETION",
            "--never-expires", "false", "--shared", "--oldest-first",
            "--endpoint-url", "http://localhost:4566",
        ]
    )  # fmt: skip
    assert (s.profile, s.region, s.page_size) == ("prod", "eu-west-1", 7)
    assert s.endpoint_url == "http://localhost:4566"
    q = s.query
    assert q.backup_ids == ("backup-abcdefghijk", "backup-bcdefghijkl", "backup-cdefghijklm")
    assert q.source_backup_ids == ("backup-defghijklmn",)
    assert q.cluster_ids == ("cluster-abcdefghijk",)
    assert q.states == ("READY", "PENDING_DELETION")
    assert q.never_expires is False
    assert q.shared
    assert q.sort_ascending


@pytest.mark.parametrize("name", ["hsm-light", "hsm-16", "nord", "auto"])
def test_theme_flag(name: str) -> None:
    assert settings_from_args(["--theme", name]).theme == name
    assert settings_from_args([]).theme is None


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--page-size", "0"], "must be 1–50"),
        (["--page-size", "51"], "must be 1–50"),
        (["--page-size", "lots"], "not a number"),
        (["--backup-id", "backup-nope"], "not a valid ID: backup-nope"),
        (["--cluster-id", "backup-abcdefghijk"], "not a valid ID"),
        (["--state", "GONE"], "invalid choice"),
        (["--never-expires", "maybe"], "expected true or false"),
        (["--region", "mars-north-9x"], "not an AWS region name"),
        (["--demo-latency", "300"], "only applies with --demo"),
        (
            ["--region", "us-east-1", "--backup-id", ARN_EU],
            "the ARN is in eu-west-1, but --region is us-east-1",
        ),
        (
            ["--backup-id", ARN_EU, "--cluster-id", CLUSTER_ARN_US],
            "the ARNs name 2 regions (eu-west-1, us-east-1): list one at a time",
        ),
        (["--theme", "neon"], "no theme 'neon'; choose from hsm-dark, hsm-light, hsm-16"),
        # The demo has no AWS profiles and calls no endpoint: these were silently ignored.
        (["--demo", "--profile", "nope"], "--profile does not apply with --demo"),
        (
            ["--demo", "--endpoint-url", "http://localhost:4566"],
            "--endpoint-url does not apply with --demo",
        ),
        (["--demo", "--endpoint-url", "notaurl"], "--endpoint-url: not a URL: 'notaurl'"),
        (["--endpoint-url", "notaurl"], "not a URL: 'notaurl' (expected http:// or https://"),
        (["--endpoint-url", "ftp://example.com"], "not a URL: 'ftp://example.com'"),
        (["--endpoint-url", "https://"], "not a URL: 'https://'"),
        (["--endpoint-url", "http://localhost:port"], "not a URL: 'http://localhost:port'"),
    ],
)
def test_bad_flags_exit_2_with_one_line(
    argv: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        settings_from_args(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert complaint in err[0]
    assert err[0].startswith("hsm-backups: error:")


def test_version_and_help_as_a_command() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "tui", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == f"hsm-backups {__version__}"
    helptext = subprocess.run(
        [sys.executable, "-m", "tui", "--help"], capture_output=True, text=True, check=True
    )
    for flag in ("--demo", "--profile", "--region", "--endpoint-url", "--page-size", "--shared"):
        assert flag in helptext.stdout


def test_watching_is_on_unless_no_watch() -> None:
    assert settings_from_args([]).watch is True
    assert settings_from_args(["--no-watch"]).watch is False
    assert (
        "--no-watch"
        in subprocess.run(
            [sys.executable, "-m", "tui", "--help"], capture_output=True, text=True, check=True
        ).stdout
    )


def test_an_unknown_region_is_one_warning_and_still_used(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--region us-east-7` passed in silence, then failed as "check the network"."""
    assert settings_from_args(["--region", "us-east-7"]).region == "us-east-7"
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(
        "hsm-backups: warning: us-east-7 is not a region of the aws partition that botocore "
    )
    assert err[0].endswith("(did you mean us-east-2 or us-east-1?); going on with it.")


def test_each_unknown_search_region_is_one_warning(capsys: pytest.CaptureFixture[str]) -> None:
    s = settings_from_args(["--region", "us-east-1", "--regions", "eu-west-1,eu-west-9,xx-east-1"])
    assert s.search_regions == ("eu-west-1", "eu-west-9", "xx-east-1")
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" is ")[0] for line in err] == [
        "hsm-backups: warning: eu-west-9",
        "hsm-backups: warning: xx-east-1",
    ]
    assert "xx-east-1 is in no AWS partition botocore" in err[1]


@pytest.mark.parametrize(
    "region", ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "eusc-de-east-1"]
)
def test_known_regions_pass_without_a_word(region: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert settings_from_args(["--region", region]).region == region
    assert capsys.readouterr().err == ""


def test_region_data_is_read_only_when_a_region_is_given() -> None:
    """Start-up time matters: without a region flag, botocore's region data is not loaded."""
    probe = (
        "import sys\n"
        "from tui.__main__ import settings_from_args\n"
        "settings_from_args(['--demo'])\n"
        "print('tui.backups.regions' in sys.modules)\n"
        "settings_from_args(['--region', 'us-east-1'])\n"
        "print('tui.backups.regions' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True"]
