"""Headless and fleet figures: `hsm-backups list` against the aws CLI, and the merged fan-out.

Both commands run as whole processes against one local stand-in endpoint (endpoint.py) over
HTTP, alternating, so machine noise hits both alike:

* ``list_first_line_ratio`` (and ``_at_150ms``): spawn to the first backup on stdout (a pipe),
  `hsm-backups list --format ndjson` against `aws cloudhsmv2 describe-backups --max-items 50`.
* ``fleet_first_rows_after_first_call_s``: 12 sources (3 regions × 2 profiles × owned and
  shared) at 100 ms a call: the first merged line, counted from the first request the endpoint
  saw (the time both tools spend starting up is the other figure's).
* ``fleet_load_all_ratio``: the whole listing of those 12 sources, from the first request to
  the end, against one source's own serial paging (its pages × 100 ms); with `--concurrency 12`
  (every source at once) and with the default 8.
* ``hanging_source_s``: two regions, one never answering, `--timeout 2`: the time until the
  command ends, the hanging source named unreachable.
"""

from __future__ import annotations

import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.endpoint import FakeCloudHSM

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
PROFILES = """[profile bench-a]
aws_access_key_id = BENCHKEYAAAAAAAAAAAA
aws_secret_access_key = bench
[profile bench-b]
aws_access_key_id = BENCHKEYBBBBBBBBBBBB
aws_secret_access_key = bench
"""


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_ACCESS_KEY_ID="BENCHKEYAAAAAAAAAAAA",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
    )
    return env


def time_to_output(
    argv: list[str], needle: bytes, env: dict[str, str], timeout: float = 60.0
) -> tuple[float, float]:
    """(seconds to `needle` on stdout, seconds to the end) of `argv` as a whole process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    seen, first = b"", None
    fd = proc.stdout.fileno()
    while time.perf_counter() - started < timeout:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
        if first is None and needle in seen:
            first = time.perf_counter() - started
    proc.wait(timeout)
    if first is None:
        raise RuntimeError(f"{argv[:4]} never printed {needle!r}")
    return first, time.perf_counter() - started


def _aws() -> list[str]:
    """The aws CLI (v1, Python like us): on PATH, else installed once into a cached venv."""
    found = shutil.which("aws")
    if found:
        return [found]
    venv = Path(tempfile.gettempdir()) / "hsm-bench-awscli"
    if not (venv / "bin" / "aws").exists():
        _log("installing awscli into a venv for the comparison…")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "awscli"], check=True)
    return [str(venv / "bin" / "aws")]


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def bench_list_vs_cli(runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    aws = _aws()
    version = subprocess.run([*aws, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        config.write_text(PROFILES)
        env = _env(config)
        for latency, name in (
            (0.0, "list_first_line_ratio"),
            (0.15, "list_first_line_ratio_at_150ms"),
        ):
            fake = FakeCloudHSM(per_region=120, latency=latency)
            ours_cmd = [sys.executable, "-m", "tui", "list", "--region", REGIONS[0],
                        "--endpoint-url", fake.url, "--format", "ndjson"]  # fmt: skip
            cli_cmd = [*aws, "cloudhsmv2", "describe-backups", "--max-items", "50",
                       "--region", REGIONS[0], "--endpoint-url", fake.url]  # fmt: skip
            ours, cli = [], []
            try:
                for _ in range(runs):
                    ours.append(time_to_output(ours_cmd, b'"BackupId"', env)[0])
                    cli.append(time_to_output(cli_cmd, b'"BackupId"', env)[0])
            finally:
                fake.stop()
            ratio = _median([o / c for o, c in zip(ours, cli, strict=True)])
            _log(f"{name}: ours {_median(ours)} s, aws CLI {_median(cli)} s, ratio {ratio}")
            out[name] = {
                "value": ratio,
                "hsm_backups_list_s": _median(ours),
                "aws_cli_s": _median(cli),
                "aws_cli": version,
                "runs": runs,
            }
    return out


def _fleet_cmd(fake: FakeCloudHSM, *extra: str) -> list[str]:
    return [sys.executable, "-m", "tui", "list", "--profile", "bench-a,bench-b",
            "--region", ",".join(REGIONS), "--both", "--endpoint-url", fake.url,
            "--format", "ndjson", *extra]  # fmt: skip


def bench_fleet(runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        config.write_text(PROFILES)
        env = _env(config)
        per_region, latency = 150, 0.1
        serial = -(-per_region // 50) * latency  # one source's pages, one after the other
        firsts: list[float] = []
        totals: dict[str, list[float]] = {"12": [], "8": []}
        for _ in range(runs):
            for concurrency in ("12", "8"):
                fake = FakeCloudHSM(per_region=per_region, latency=latency)
                try:
                    started = time.perf_counter()
                    first, total = time_to_output(
                        _fleet_cmd(fake, "--concurrency", concurrency), b'"BackupId"', env
                    )
                    first_call = fake.arrivals[0][0] - started
                    calls = len(fake.arrivals)
                finally:
                    fake.stop()
                if concurrency == "12":
                    firsts.append(first - first_call)
                totals[concurrency].append(total - first_call)
        _log(f"fleet: first rows {_median(firsts)} s after the first call; load all "
             f"{_median(totals['12'])} s (12 at once), {_median(totals['8'])} s (8); "
             f"serial one source {serial} s; {calls} calls")  # fmt: skip
        out["fleet_first_rows_after_first_call_s"] = {
            "value": _median(firsts),
            "call_s": latency,
            "sources": 12,
        }
        out["fleet_load_all_ratio"] = {
            "value": round(_median(totals["12"]) / serial, 3),
            "with_concurrency_8": round(_median(totals["8"]) / serial, 3),
            "serial_one_source_s": serial,
            "calls": calls,
        }
        fake = FakeCloudHSM(per_region=60, hang=frozenset({REGIONS[1]}))
        try:
            cmd = [sys.executable, "-m", "tui", "list", "--region", f"{REGIONS[0]},{REGIONS[1]}",
                   "--endpoint-url", fake.url, "--format", "ndjson", "--timeout", "2"]  # fmt: skip
            started = time.perf_counter()
            proc = subprocess.run(
                cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
            )
            took = time.perf_counter() - started
        finally:
            fake.stop()
        named = f"{REGIONS[1]}: unreachable" in proc.stderr
        _log(f"hanging source: ended after {took:.2f} s, status {proc.returncode}, named {named}")
        out["hanging_source_s"] = {
            "value": round(took, 3),
            "budget_s": 2.0,
            "exit_status": proc.returncode,
            "named_unreachable": named,
            "rows": len(proc.stdout.splitlines()),
        }
    return out
