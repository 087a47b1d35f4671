"""`hsm-backups list`: the union in merged order, its formats, its exit statuses, no textual."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tui.backups import BackupSource
from tui.backups.demo import (
    DEMO_ACCOUNTS,
    DEMO_ANCHOR,
    DEMO_DENIED_REGION,
    DEMO_HANGING_REGION,
    DEMO_REGIONS,
    DemoWorld,
)
from tui.headless.formats import CSV_COLUMNS
from tui.headless.list_command import plan_from, run_list

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
NOW = DEMO_ANCHOR + timedelta(hours=6)


def _run(world: DemoWorld, *argv: str) -> tuple[int, str, str]:
    plan = plan_from(["--demo", *argv], {})
    made: dict[str | None, BackupSource] = {}

    def source_for(profile: str | None) -> BackupSource:
        if profile not in made:
            made[profile] = BackupSource(profile=profile, session_factory=world.session_factory())
        return made[profile]

    out, err = io.StringIO(), io.StringIO()
    code = run_list(plan, out, err, source_for=source_for, now=NOW)
    return code, out.getvalue(), err.getvalue()


def _union(world: DemoWorld, regions: list[str]) -> set[tuple[str, str, str]]:
    return {
        (item["BackupArn"].split(":")[4], region, item["BackupId"])
        for account in DEMO_ACCOUNTS.values()
        for region in regions
        for item in world.backups(region, account=account)
    }


def test_ndjson_is_exactly_the_union_in_merged_order(demo_world: DemoWorld) -> None:
    regions = list(DEMO_REGIONS)
    code, out, err = _run(
        demo_world, "--profile", "all", "--region", ",".join(regions), "--format", "ndjson"
    )
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    got = [(r["Account"], r["Region"], r["BackupId"]) for r in lines]
    assert len(got) == len(set(got))
    assert set(got) == _union(demo_world, regions)
    stamps = [r["CreateTimestamp"] for r in lines]
    assert stamps == sorted(stamps, reverse=True)
    assert {r["Profile"] for r in lines} == set(DEMO_ACCOUNTS)
    assert all(line.isascii() for line in out.splitlines())


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson"])
def test_formats_are_golden(demo_world: DemoWorld, fmt: str) -> None:
    """Formats change only on purpose: `--golden-update` is not a thing, rewrite the file."""
    code, out, _ = _run(demo_world, "--region", "us-west-2", "--format", fmt)
    assert code == 0
    golden = GOLDEN / f"list-us-west-2.{fmt}"
    if os.environ.get("HSM_BACKUPS_WRITE_GOLDEN") == "1":  # regenerate, then read the diff
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_csv_round_trips_tags_and_guards_formulas(demo_world: DemoWorld) -> None:
    code, out, _ = _run(demo_world, "--region", DEMO_REGIONS[0], "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_id = {r["BackupId"]: r for r in rows}
    for item in demo_world.backups(DEMO_REGIONS[0]):
        assert json.loads(by_id[item["BackupId"]]["TagList"]) == item["TagList"]


def test_json_names_every_source_and_its_status(demo_world: DemoWorld) -> None:
    regions = f"{DEMO_REGIONS[0]},{DEMO_DENIED_REGION}"
    code, out, err = _run(demo_world, "--region", regions, "--format", "json")
    assert code == 2
    doc: dict[str, Any] = json.loads(out)
    assert doc["schema_version"] == 1
    assert doc["complete"] is False
    statuses = {s["region"]: s["status"] for s in doc["sources"]}
    assert statuses == {DEMO_REGIONS[0]: "complete", DEMO_DENIED_REGION: "denied"}
    denied = next(s for s in doc["sources"] if s["region"] == DEMO_DENIED_REGION)
    assert denied["rows"] == 0
    assert denied["error"]["code"] == "CloudHsmAccessDeniedException"
    assert doc["count"] == len(doc["backups"]) == len(demo_world.backups(DEMO_REGIONS[0]))
    assert err.count("\n") == 1
    assert f"demo · {DEMO_DENIED_REGION}: denied: CloudHsmAccessDeniedException" in err


def test_nothing_listed_is_status_1(demo_world: DemoWorld) -> None:
    code, out, err = _run(demo_world, "--region", DEMO_DENIED_REGION, "--format", "ndjson")
    assert (code, out) == (1, "")
    assert "denied" in err


def _command(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "-m", "tui", "list", "--demo", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_the_command_lists_two_accounts_and_names_a_hanging_region(tmp_path: Path) -> None:
    run = _command(
        "--profile", "all", "--region", f"{DEMO_REGIONS[0]},{DEMO_HANGING_REGION}",
        "--format", "ndjson", "--timeout", "1",
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    accounts = {json.loads(line)["Account"] for line in run.stdout.splitlines()}
    assert accounts >= set(DEMO_ACCOUNTS.values())
    assert f"{DEMO_HANGING_REGION}: unreachable" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_head_ends_it_quietly_and_textual_is_never_imported() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['hsm-backups', 'list', '--demo', '--region', 'us-east-1']\n"
        "try:\n"
        "    runpy.run_module('tui', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual'\n"
        "    raise\n"
    )
    shell = f'{sys.executable} -c "$CODE" | head -2; echo status=${{PIPESTATUS[0]}}'
    run = subprocess.run(
        ["bash", "-c", shell],
        cwd=ROOT,
        env={**os.environ, "CODE": code},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout.splitlines()[0].startswith("ACCOUNT")
    assert "status=0" in run.stdout
    assert run.stderr == "", run.stderr
