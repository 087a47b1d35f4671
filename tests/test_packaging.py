"""The wheel: built, installed away from the checkout, it starts the demo and finds its styles."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

HEADLESS_DEMO = """
import asyncio, sys
import tui
from tui.app import build_app, styles_path
from tui.settings import Settings
assert tui.__file__.startswith(sys.argv[1]), tui.__file__
assert str(styles_path()).startswith(sys.argv[1]), styles_path()
app = build_app(Settings(demo=True))
async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.main_screen.table.rows:
                break
        print("ROWS", len(app.main_screen.table.rows))
asyncio.run(main())
"""


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )  # fmt: skip
    (wheel,) = dist.glob("hsm_backups-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "hsm-backups = tui.__main__:main" in zf.read(entry_points).decode()
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    plain = [line for line in requires if "extra ==" not in line]
    assert plain, "the wheel declares no runtime dependencies"
    assert not [line for line in plain if "moto" in line], "moto is in a plain install"
    assert "Provides-Extra: demo" in meta
    assert "tui/styles/app.tcss" in names
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True,
    )  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run(
        [sys.executable, "-c", HEADLESS_DEMO, str(site)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    rows = int(run.stdout.split("ROWS")[-1])
    assert rows == 50
