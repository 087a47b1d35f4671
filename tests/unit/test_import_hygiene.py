"""The data layer imports without textual: the CLI paths and the unit tests rely on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_data_layer_does_not_import_textual() -> None:
    loaded = _modules_after("import tui.backups, tui.backups.demo, tui.backups.source")
    assert "tui.backups.demo" in loaded  # the probe really imported what it claims
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_the_engine_does_not_import_textual() -> None:
    loaded = _modules_after("import tui.fleet.merge, tui.fleet.sources, tui.fleet.run")
    assert "tui.fleet.run" in loaded
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_importing_demo_does_not_import_moto_until_started() -> None:
    loaded = _modules_after("import tui.backups.demo")
    assert "tui.backups.demo" in loaded
    assert "moto" not in loaded
