"""The user config file: round trips, broken files give defaults and a warning, never a crash."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tui.config import CONFIG_ENV, UserConfig, config_path, load_config, save_config

_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_permissions = pytest.mark.skipif(_ROOT, reason="root ignores file permissions")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class TestPath:
    def test_env_var_names_the_file(self, tmp_path: Path) -> None:
        wanted = tmp_path / "elsewhere" / "hsm.json"
        assert config_path({CONFIG_ENV: str(wanted)}) == wanted

    def test_empty_env_var_is_no_override(self) -> None:
        assert config_path({CONFIG_ENV: ""}).parts[-2:] == ("hsm-backups", "config.json")

    @pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is for Linux")
    def test_default_follows_xdg_config_home(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
        assert config_path({}) == tmp_path / "hsm-backups" / "config.json"


class TestRoundTrip:
    def test_saved_choices_come_back(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        chosen = UserConfig(theme="nord", time_mode="relative")
        assert save_config(path, chosen) is None
        assert load_config(path) == (chosen, None)

    def test_no_theme_round_trips_as_none(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        assert save_config(path, UserConfig(time_mode="local")) is None
        assert load_config(path) == (UserConfig(theme=None, time_mode="local"), None)

    def test_missing_file_is_the_defaults_without_a_warning(self, tmp_path: Path) -> None:
        assert load_config(tmp_path / "never-written.json") == (UserConfig(), None)

    def test_saving_again_replaces_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        save_config(path, UserConfig(theme="nord"))
        save_config(path, UserConfig(theme="gruvbox", time_mode="local"))
        assert load_config(path)[0] == UserConfig(theme="gruvbox", time_mode="local")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json"]  # no temp files


class TestBrokenFiles:
    def test_corrupt_json_gives_defaults_and_a_warning(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "config.json", '{"theme": "nord", ')
        config, warning = load_config(path)
        assert config == UserConfig()
        assert warning is not None
        assert str(path) in warning
        assert "not valid JSON" in warning

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        path.write_bytes(b'{"theme": "\xff\xfe"}')
        config, warning = load_config(path)
        assert config == UserConfig()
        assert warning is not None

    def test_a_list_instead_of_an_object(self, tmp_path: Path) -> None:
        config, warning = load_config(_write(tmp_path / "config.json", '["nord", "utc"]'))
        assert config == UserConfig()
        assert warning is not None
        assert "object" in warning

    def test_a_directory_in_its_place(self, tmp_path: Path) -> None:
        config, warning = load_config(tmp_path)
        assert config == UserConfig()
        assert warning is not None

    def test_wrong_types_are_ignored_one_by_one(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "config.json", '{"theme": 3, "time_mode": "local"}')
        config, warning = load_config(path)
        assert config == UserConfig(theme=None, time_mode="local")
        assert warning is not None
        assert "theme" in warning
        assert "time_mode" not in warning

    def test_unknown_time_mode_falls_back_to_utc(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "config.json", '{"theme": "nord", "time_mode": "martian"}')
        config, warning = load_config(path)
        assert config == UserConfig(theme="nord", time_mode="utc")
        assert warning is not None
        assert "time_mode" in warning

    def test_time_mode_of_the_wrong_type(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "config.json", '{"time_mode": ["local"]}')
        assert load_config(path)[0] == UserConfig()

    def test_unknown_keys_are_ignored_silently(self, tmp_path: Path) -> None:
        """A newer version may add keys; an older one must not complain about them."""
        path = _write(tmp_path / "config.json", '{"theme": "nord", "page_size": 200}')
        assert load_config(path) == (UserConfig(theme="nord"), None)


class TestSaving:
    def test_only_known_keys_are_written(self, tmp_path: Path) -> None:
        path = _write(
            tmp_path / "config.json",
            '{"theme": "nord", "aws_secret_access_key": "wJalrXUtnFEMI", "profile": "prod"}',
        )
        save_config(path, load_config(path)[0])
        text = path.read_text(encoding="utf-8")
        assert json.loads(text) == {"theme": "nord", "time_mode": "utc"}
        assert "wJalrXUtnFEMI" not in text

    def test_creates_a_private_directory(self, tmp_path: Path) -> None:
        path = tmp_path / "new" / "hsm-backups" / "config.json"
        assert save_config(path, UserConfig()) is None
        if os.name == "posix":
            assert path.parent.stat().st_mode & 0o777 == 0o700
        assert load_config(path) == (UserConfig(), None)

    def test_a_file_where_the_directory_should_be_is_an_error(self, tmp_path: Path) -> None:
        blocker = _write(tmp_path / "hsm-backups", "not a directory")
        message = save_config(blocker / "config.json", UserConfig(theme="nord"))
        assert message is not None
        assert "config.json" in message
        assert blocker.read_text(encoding="utf-8") == "not a directory"

    @needs_permissions
    def test_read_only_directory_returns_an_error(self, tmp_path: Path) -> None:
        folder = tmp_path / "ro"
        folder.mkdir()
        path = _write(folder / "config.json", '{"theme": "nord", "time_mode": "utc"}\n')
        folder.chmod(0o500)
        try:
            message = save_config(path, UserConfig(theme="gruvbox"))
            assert message is not None
            assert str(path) in message
            assert load_config(path)[0] == UserConfig(theme="nord")
            assert sorted(p.name for p in folder.iterdir()) == ["config.json"]
        finally:
            folder.chmod(0o700)

    @needs_permissions
    def test_unreadable_file_gives_defaults_and_a_warning(self, tmp_path: Path) -> None:
        path = _write(tmp_path / "config.json", '{"theme": "nord"}')
        path.chmod(0o000)
        try:
            config, warning = load_config(path)
        finally:
            path.chmod(0o600)
        assert config == UserConfig()
        assert warning is not None

    @pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
    def test_a_symlinked_file_stays_a_symlink(self, tmp_path: Path) -> None:
        """Dotfiles managers link the config file into place; saving must not break the link."""
        real = _write(tmp_path / "dotfiles-config.json", "{}")
        link = tmp_path / "config.json"
        link.symlink_to(real)
        assert save_config(link, UserConfig(theme="nord")) is None
        assert link.is_symlink()
        assert load_config(real)[0] == UserConfig(theme="nord")
