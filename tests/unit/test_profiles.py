"""Profiles and regions from the AWS files: every profile once, tolerant reading, no secrets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.backups.profiles import default_region, list_profiles, profile_region

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"

CONFIG = f"""\
[default]
region = us-east-1
output = json

[profile prod]
region = eu-west-1
sso_session = corp
sso_account_id = 123456789012

[profile "with space"]
region = ap-southeast-2

[sso-session corp]
sso_region = eu-central-1
sso_start_url = https://corp.awsapps.com/start

[services local-hsm]
cloudhsmv2 =
  endpoint_url = http://localhost:5000
  region = should-not-be-read

[profile inline-keys]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = {SECRET}
s3 =
  region = nested-not-the-profile-region

[plugins]
cli_legacy_plugin_path = /opt/plugins
"""

CREDENTIALS = f"""\
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = {SECRET}

[prod]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = {SECRET}
aws_session_token = {TOKEN}

[ci-robot]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = {SECRET}
region = credentials-file-region
"""

ALL = ["default", "ci-robot", "inline-keys", "prod", "with space"]


def _home(
    tmp_path: Path, config: str | None = CONFIG, credentials: str | None = CREDENTIALS
) -> dict[str, str]:
    """A HOME with ~/.aws/config and ~/.aws/credentials (None leaves a file out)."""
    home = tmp_path / "home"
    aws = home / ".aws"
    aws.mkdir(parents=True)
    if config is not None:
        (aws / "config").write_text(config, encoding="utf-8")
    if credentials is not None:
        (aws / "credentials").write_text(credentials, encoding="utf-8")
    return {"HOME": str(home)}


class TestListProfiles:
    def test_both_files_default_first_then_sorted_without_repeats(self, tmp_path: Path) -> None:
        assert list_profiles(_home(tmp_path)) == ALL

    def test_sections_that_are_not_profiles_are_not_listed(self, tmp_path: Path) -> None:
        names = list_profiles(_home(tmp_path))
        for section in ("corp", "sso-session corp", "local-hsm", "plugins", "profile prod"):
            assert section not in names

    def test_profile_default_spelled_out_in_config_is_default(self, tmp_path: Path) -> None:
        environ = _home(tmp_path, "[profile default]\n[profile zeta]\n[profile Alpha]\n", None)
        assert list_profiles(environ) == ["default", "Alpha", "zeta"]

    def test_no_default_anywhere(self, tmp_path: Path) -> None:
        environ = _home(tmp_path, "[profile b]\n", "[a]\naws_access_key_id = x\n")
        assert list_profiles(environ) == ["a", "b"]

    def test_missing_files_give_no_profiles(self, tmp_path: Path) -> None:
        assert list_profiles(_home(tmp_path, None, None)) == []
        assert list_profiles({"HOME": str(tmp_path / "no-such-home")}) == []

    def test_only_the_credentials_file(self, tmp_path: Path) -> None:
        assert list_profiles(_home(tmp_path, None)) == ["default", "ci-robot", "prod"]

    def test_env_vars_name_the_files_with_tilde_meaning_home(self, tmp_path: Path) -> None:
        environ = _home(tmp_path, None, None)
        custom = Path(environ["HOME"]) / "custom"
        custom.mkdir()
        (custom / "cfg").write_text("[profile from-env]\n", encoding="utf-8")
        (tmp_path / "creds").write_text("[absolute]\n", encoding="utf-8")
        environ |= {
            "AWS_CONFIG_FILE": "~/custom/cfg",
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "creds"),
        }
        assert list_profiles(environ) == ["absolute", "from-env"]

    def test_malformed_lines_do_not_hide_the_good_sections(self, tmp_path: Path) -> None:
        config = (
            "this line has no section and no equals sign\n"
            "[profile before]\n"
            "garbage without a value\n"
            "[unterminated header\n"
            "[profile after]\n"
            "region = eu-north-1\n"
            "[profile before]\n"  # a repeated section: botocore would refuse the file
        )
        credentials = "\x00\x01 binary junk\n[from-creds]\nno equals here\n"
        environ = _home(tmp_path, config, credentials)
        assert list_profiles(environ) == ["after", "before", "from-creds"]
        assert profile_region(environ, "after") == "eu-north-1"

    def test_not_utf8_is_read_as_far_as_possible(self, tmp_path: Path) -> None:
        environ = _home(tmp_path, None, None)
        config = Path(environ["HOME"]) / ".aws" / "config"
        config.write_bytes(b"[profile ok]\nregion = us-west-2\n# caf\xe9\n[profile also-ok]\n")
        assert list_profiles(environ) == ["also-ok", "ok"]
        assert profile_region(environ, "ok") == "us-west-2"

    def test_a_directory_in_place_of_a_file(self, tmp_path: Path) -> None:
        environ = _home(tmp_path, None)
        (Path(environ["HOME"]) / ".aws" / "config").mkdir()
        assert list_profiles(environ) == ["default", "ci-robot", "prod"]

    @pytest.mark.skipif(
        hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions"
    )
    def test_an_unreadable_file_is_skipped(self, tmp_path: Path) -> None:
        environ = _home(tmp_path)
        credentials = Path(environ["HOME"]) / ".aws" / "credentials"
        credentials.chmod(0o000)
        try:
            assert list_profiles(environ) == ["default", "inline-keys", "prod", "with space"]
        finally:
            credentials.chmod(0o600)


class TestProfileRegion:
    def test_the_region_of_a_named_profile(self, tmp_path: Path) -> None:
        environ = _home(tmp_path)
        assert profile_region(environ, "prod") == "eu-west-1"
        assert profile_region(environ, "with space") == "ap-southeast-2"

    def test_no_profile_means_the_env_var_then_default(self, tmp_path: Path) -> None:
        environ = _home(tmp_path)
        assert profile_region(environ, None) == "us-east-1"
        assert profile_region(environ | {"AWS_PROFILE": "prod"}, None) == "eu-west-1"

    def test_nested_settings_are_not_the_profile_region(self, tmp_path: Path) -> None:
        assert profile_region(_home(tmp_path), "inline-keys") is None

    def test_only_the_config_file_is_asked(self, tmp_path: Path) -> None:
        assert profile_region(_home(tmp_path), "ci-robot") is None

    def test_unknown_profile_or_missing_file(self, tmp_path: Path) -> None:
        assert profile_region(_home(tmp_path), "nope") is None
        assert profile_region(_home(tmp_path / "empty", None, None), "prod") is None

    def test_sections_that_are_not_profiles_never_give_a_region(self, tmp_path: Path) -> None:
        assert profile_region(_home(tmp_path), "corp") is None
        assert profile_region(_home(tmp_path / "2"), "local-hsm") is None

    def test_the_default_section_applies_to_every_profile_as_in_botocore(
        self, tmp_path: Path
    ) -> None:
        config = (
            "[DEFAULT]\nregion = sa-east-1\n[profile plain]\n[profile own]\nregion = il-central-1\n"
        )
        environ = _home(tmp_path, config, None)
        assert list_profiles(environ) == ["own", "plain"]
        assert profile_region(environ, "plain") == "sa-east-1"
        assert profile_region(environ, "own") == "il-central-1"

    def test_an_empty_region_is_none(self, tmp_path: Path) -> None:
        environ = _home(tmp_path, "[default]\nregion =\n", None)
        assert profile_region(environ, "default") is None


class TestDefaultRegion:
    """The region a switched-to profile starts in, in the AWS CLI's order."""

    def test_the_profiles_own_region_without_env_vars(self, tmp_path: Path) -> None:
        env = _home(tmp_path)
        assert default_region(env, "prod") == "eu-west-1"
        assert default_region(env, "with space") == "ap-southeast-2"
        assert default_region(env, "ci-robot") is None  # a credentials-file region is no region

    def test_aws_region_then_aws_default_region_win(self, tmp_path: Path) -> None:
        env = _home(tmp_path) | {"AWS_DEFAULT_REGION": "us-west-2"}
        assert default_region(env, "prod") == "us-west-2"
        env |= {"AWS_REGION": "sa-east-1"}
        assert default_region(env, "prod") == "sa-east-1"
        assert default_region(env | {"AWS_REGION": " "}, "prod") == "us-west-2"


def test_secret_values_never_appear_in_anything_returned(tmp_path: Path) -> None:
    environ = _home(tmp_path)
    returned = list_profiles(environ)
    returned += [profile_region(environ, name) or "" for name in [*returned, None, "nope"]]
    for value in returned:
        for secret in (SECRET, TOKEN, "AKIA", "123456789012", "awsapps", "localhost"):
            assert secret not in value
