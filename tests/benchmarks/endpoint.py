"""A local stand-in for CloudHSM v2 (DescribeBackups, DescribeClusters, STS), for benchmarks.

Both the aws CLI and hsm-backups talk to it over real HTTP with `--endpoint-url`, so the two
are compared on the same wire. The region comes from the request's SigV4 credential scope, so
one server plays every region; `latency` delays each answer, `hang` regions never answer.
Pages are built once, deterministically; each request's arrival time is logged.
"""

from __future__ import annotations

import json
import re
import threading
import time
import zlib
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([a-z0-9-]+)/")
_T0 = datetime(2026, 11, 20, tzinfo=UTC)


def _backups(region: str, account: str, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` backups of `region`, newest first, one every 7 minutes (interleaving regions)."""
    out = []
    for i in range(count):
        ident = f"backup-{seed:02d}{i:09d}".translate(str.maketrans("0123456789", "abcdefghij"))
        created = _T0 - timedelta(minutes=7 * i + seed)
        out.append(
            {
                "BackupId": ident,
                "BackupArn": f"arn:aws:cloudhsm:{region}:{account}:backup/{ident}",
                "BackupState": "READY",
                "ClusterId": "cluster-abcdefghijk",
                "CreateTimestamp": created.timestamp(),
                "NeverExpires": False,
                "TagList": [{"Key": "env", "Value": "bench"}],
                "HsmType": "hsm2m.medium",
                "Mode": "FIPS",
            }
        )
    return out


class FakeCloudHSM:
    """Serve on 127.0.0.1 in a thread; `url` for --endpoint-url; `stop()` when done."""

    def __init__(
        self,
        *,
        per_region: int = 120,
        latency: float = 0.0,
        hang: frozenset[str] = frozenset(),
    ) -> None:
        self.per_region = per_region
        self.latency = latency
        self.hang = hang
        self.arrivals: list[tuple[float, str, str]] = []
        self._data: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                target = self.headers.get("X-Amz-Target", "")
                scope = _SCOPE.search(self.headers.get("Authorization", ""))
                key_id, region = scope.groups() if scope else ("bench", "us-east-1")
                with fake._lock:
                    fake.arrivals.append((time.perf_counter(), region, target))
                if region in fake.hang:
                    fake._stop.wait()
                    return
                if fake.latency:
                    time.sleep(fake.latency)
                status, payload = fake.answer(target, body, region, key_id)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def region_data(self, region: str, key_id: str, shared: bool) -> list[dict[str, Any]]:
        """The backups one (credentials, region, Shared) sees; each access key its account."""
        account = str(zlib.crc32(key_id.encode()) * 1000 % 10**12).zfill(12)
        if shared:
            account = account[::-1]
        key = (key_id, region, shared)
        with self._lock:
            if key not in self._data:
                self._data[key] = _backups(region, account, self.per_region, len(self._data))
            return self._data[key]

    def answer(
        self, target: str, body: bytes, region: str, key_id: str
    ) -> tuple[int, dict[str, Any]]:
        request = json.loads(body or b"{}")
        if target.endswith("DescribeBackups"):
            items = self.region_data(region, key_id, bool(request.get("Shared")))
            start = int(request.get("NextToken") or 0)
            size = int(request.get("MaxResults") or 50)
            page = items[start : start + size]
            out: dict[str, Any] = {"Backups": page}
            if start + size < len(items):
                out["NextToken"] = str(start + size)
            return 200, out
        if target.endswith("DescribeClusters"):
            return 200, {
                "Clusters": [
                    {
                        "ClusterId": "cluster-abcdefghijk",
                        "BackupRetentionPolicy": {"Type": "DAYS", "Value": "90"},
                        "State": "ACTIVE",
                    }
                ]
            }
        return 400, {"__type": "UnknownOperationException", "message": target}

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
