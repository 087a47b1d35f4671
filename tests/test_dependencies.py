"""What a fresh machine installs: the lock matches pyproject, moto stays out of a plain install."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tui.__main__ import main
from tui.backups.demo_wire import INSTALL_HINT, MOTO_VERSION

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "tests" / "requirements.lock"


def _project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project: dict[str, object] = tomllib.load(f)["project"]
    return project


def _requirements(group: str | None) -> list[Requirement]:
    project = _project()
    if group is None:
        texts = project["dependencies"]
    else:
        extras = project["optional-dependencies"]
        assert isinstance(extras, dict)
        texts = extras[group]
    assert isinstance(texts, list)
    return [Requirement(text) for text in texts]


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"not an exact pin in the lock: {line!r}"
        pins[canonicalize_name(name)] = version.split(";")[0].strip()
    return pins


@pytest.mark.parametrize("group", [None, "demo", "dev"], ids=["runtime", "demo", "dev"])
def test_the_lock_satisfies_every_requirement(group: str | None) -> None:
    """A requirement edited without refreshing the lock fails here, not on a fresh machine."""
    locked = _locked()
    for req in _requirements(group):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is missing from {LOCK.name}: refresh the lock"
        assert req.specifier.contains(locked[name], prereleases=True), (
            f"{LOCK.name} has {req.name}=={locked[name]}, pyproject asks {req.specifier}: "
            "refresh the lock"
        )


def test_moto_is_only_in_the_extras_and_pinned_to_what_the_demo_was_written_for() -> None:
    assert all(canonicalize_name(r.name) != "moto" for r in _requirements(None))
    for group in ("demo", "dev"):
        (moto,) = [r for r in _requirements(group) if canonicalize_name(r.name) == "moto"]
        assert str(moto.specifier) == f"=={MOTO_VERSION}"
    assert _locked()["moto"] == MOTO_VERSION


def test_what_the_tests_compare_against_is_pinned_exactly() -> None:
    """A new ruff, mypy, moto or snapshot plugin release must not turn a clean checkout red."""
    exact = {
        canonicalize_name(r.name)
        for r in [*_requirements(None), *_requirements("dev")]
        if len(r.specifier) == 1 and next(iter(r.specifier)).operator == "=="
    }
    for name in ("textual", "moto", "pytest-textual-snapshot", "syrupy", "ruff", "mypy"):
        assert name in exact, name
    assert "boto3-stubs" in exact


def _without_moto(monkeypatch: pytest.MonkeyPatch, installed: str | None) -> None:
    real = metadata.version

    def version(name: str) -> str:
        if canonicalize_name(name) != "moto":
            return real(name)
        if installed is None:
            raise metadata.PackageNotFoundError(name)
        return installed

    monkeypatch.setattr(metadata, "version", version)


def test_demo_without_the_extra_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_moto(monkeypatch, None)
    assert main(["--demo"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert INSTALL_HINT in err
    assert "Traceback" not in err


def test_demo_on_another_moto_names_the_one_it_needs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_moto(monkeypatch, "5.9.0")
    assert main(["--demo", "--no-watch"]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert f"moto {MOTO_VERSION}" in err
    assert "moto 5.9.0" in err


def test_ci_runs_the_readmes_test_command() -> None:
    """The README's second line and .ci/run install the same set and run the same suite."""
    readme = (ROOT / "README.md").read_text().splitlines()
    test_line = next(line for line in readme[:8] if "pytest" in line)
    install = test_line.split("pip install ", 1)[1].split(" &&", 1)[0]
    assert "requirements.lock" in install
    ci = (ROOT / ".ci" / "run").read_text()
    assert f"pip install -q {install} &&" in ci
    assert "python -m pytest" in ci
    demo_line = next(line for line in readme[:8] if "--demo" in line)
    assert "'.[demo]'" in demo_line
