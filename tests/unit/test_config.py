"""The user config file: round trips, broken files give defaults and a warning, never a crash."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.config import (
    CONFIG_ENV,
    ConfigKeeper,
    UserConfig,
    Written,
    config_path,
    load_config,
    save_config,
)

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


#: Files that are not a config file of ours, as a user may have them at the config path.
FOREIGN = {
    "ini": b"[default]\ntheme = nord\n",
    "over 64 KiB": b'{"theme": "nord", "pad": "' + b"x" * (64 * 1024) + b'"}',
    "binary": bytes(range(256)),
    "json array": b'["nord", "utc"]',
    "typo": b'{"theme": "nord",, "time_mode": "local"}\n',
    "json null": b"null",
}


class TestForeignFiles:
    """A file not read as ours is moved aside before the first write, never written over."""

    NOW = datetime(2026, 12, 8, 3, 4, 5, tzinfo=UTC)

    def _keeper(self, path: Path) -> ConfigKeeper:
        return ConfigKeeper(path, clock=lambda: self.NOW)

    @pytest.mark.parametrize("content", FOREIGN.values(), ids=FOREIGN.keys())
    def test_set_aside_with_its_bytes_and_a_fresh_file_written(
        self, tmp_path: Path, content: bytes
    ) -> None:
        path = tmp_path / "config.json"
        path.write_bytes(content)
        keeper = self._keeper(path)
        assert keeper.problem is not None  # told at start: using defaults
        keeper.change(time_mode="local")
        written = keeper.write()
        aside = tmp_path / "config.json.bad-20261208T030405Z"
        assert aside.read_bytes() == content
        assert json.loads(path.read_text(encoding="utf-8")) == {
            "theme": None,
            "time_mode": "local",
        }
        assert written.problem is None
        assert written.notice is not None
        assert str(path) in written.notice
        assert str(aside) in written.notice
        if os.name == "posix":
            assert aside.stat().st_mode & 0o777 == 0o600
        assert keeper.untold() == [written.notice]

        keeper.change(time_mode="relative")  # told once: the next write is an ordinary one
        assert keeper.write() == Written()
        assert keeper.untold() == []
        assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, aside.name]
        assert load_config(path) == (UserConfig(time_mode="relative"), None)

    def test_nothing_is_moved_while_nothing_is_written(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        path.write_bytes(FOREIGN["ini"])
        keeper = self._keeper(path)
        assert keeper.write() == Written()
        assert path.read_bytes() == FOREIGN["ini"]
        assert [p.name for p in tmp_path.iterdir()] == ["config.json"]

    def test_our_file_with_a_wrong_value_is_ours(self, tmp_path: Path) -> None:
        """A value of the wrong type in our own object is ignored and replaced, not set aside."""
        path = _write(tmp_path / "config.json", '{"theme": 3, "time_mode": "local"}')
        keeper = self._keeper(path)
        keeper.change(theme="nord")
        assert keeper.write() == Written()
        assert [p.name for p in tmp_path.iterdir()] == ["config.json"]

    def test_set_aside_twice_in_one_second_keeps_both(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        for content in (FOREIGN["ini"], FOREIGN["binary"]):
            path.write_bytes(content)
            keeper = self._keeper(path)
            keeper.change(time_mode="local")
            assert keeper.write().notice is not None
        stamp = "config.json.bad-20261208T030405Z"
        assert (tmp_path / stamp).read_bytes() == FOREIGN["ini"]
        assert (tmp_path / f"{stamp}-2").read_bytes() == FOREIGN["binary"]

    @pytest.mark.skipif(os.name != "posix", reason="symlinks need privileges on Windows")
    def test_a_symlinked_foreign_file_is_moved_and_the_link_kept(self, tmp_path: Path) -> None:
        dotfiles = tmp_path / "dotfiles"
        dotfiles.mkdir()
        real = dotfiles / "hsm.json"
        real.write_bytes(FOREIGN["ini"])
        link = tmp_path / "config.json"
        link.symlink_to(real)
        keeper = self._keeper(link)
        keeper.change(time_mode="local")
        assert keeper.write().notice is not None
        assert (dotfiles / "hsm.json.bad-20261208T030405Z").read_bytes() == FOREIGN["ini"]
        assert link.is_symlink()
        assert load_config(link)[0] == UserConfig(time_mode="local")

    @needs_permissions
    def test_an_unreadable_file_is_moved_aside_not_overwritten(self, tmp_path: Path) -> None:
        path = tmp_path / "config.json"
        path.write_bytes(b'{"theme": "nord"}')
        path.chmod(0o000)
        keeper = self._keeper(path)
        keeper.change(time_mode="local")
        assert keeper.write().notice is not None
        aside = tmp_path / "config.json.bad-20261208T030405Z"
        aside.chmod(0o600)
        assert aside.read_bytes() == b'{"theme": "nord"}'

    def test_a_file_that_cannot_be_moved_is_left_alone_and_nothing_saved(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A read-only folder (root ignores modes, so the refusal is made here)."""
        path = tmp_path / "config.json"
        path.write_bytes(FOREIGN["ini"])

        def refuse(src: object, dst: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(os, "rename", refuse)
        keeper = self._keeper(path)
        keeper.change(time_mode="local")
        written = keeper.write()
        assert written.notice is None
        assert written.problem is not None
        assert str(path) in written.problem
        assert "Permission denied" in written.problem
        assert path.read_bytes() == FOREIGN["ini"]
        assert [p.name for p in tmp_path.iterdir()] == ["config.json"]
