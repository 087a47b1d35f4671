"""How `hsm-backups list` writes rows: a table for people, ndjson / csv line by line, json whole.

Every string from the API is cleaned (backup_record, clean) before it is written; the JSON
forms escape every non-ASCII character too, so no byte of the data can act on a terminal.
Formats are pinned by golden files (tests/headless/).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TextIO

from tui.backups.export import _csv_cell, _guard_formula, backup_record, iso_utc
from tui.backups.models import KNOWN_FIELDS, BackupQuery
from tui.backups.retention import Expiry
from tui.backups.sanitize import clean
from tui.fleet.merge import MergedListing, Row

FORMATS = ("table", "ndjson", "csv", "json")
#: Bumped when a field is renamed or removed (adding one is compatible).
SCHEMA_VERSION = 1


def record(row: Row, found: Expiry) -> dict[str, Any]:
    """One row by API field name, plus where it was listed and its computed expiry."""
    out: dict[str, Any] = {"Account": clean(row.account), "Region": clean(row.source.region)}
    if row.source.profile is not None:
        out["Profile"] = clean(row.source.profile)
    out.update(backup_record(row.backup))
    out["Expiry"] = {
        "Kind": found.kind,
        "At": iso_utc(found.when) if isinstance(found.when, datetime) else None,
        "Text": clean(found.short),
    }
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))


class Writer(Protocol):
    def rows(self, rows: Sequence[tuple[Row, Expiry]]) -> None: ...

    def close(self, listing: MergedListing) -> None: ...


class NdjsonWriter:
    """One JSON object per line, written (and flushed) as rows are released."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def rows(self, rows: Sequence[tuple[Row, Expiry]]) -> None:
        self.out.write("".join(_dumps(record(r, e)) + "\n" for r, e in rows))
        self.out.flush()

    def close(self, listing: MergedListing) -> None:
        self.out.flush()


#: CSV columns: where, the API's fields in model order (tags as a JSON list), the expiry.
CSV_COLUMNS = ("Account", "Region", "Profile", *KNOWN_FIELDS, "ExpiryKind", "ExpiresAt", "Expires")


class CsvWriter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.writer = csv.writer(out, lineterminator="\n")
        self.writer.writerow(CSV_COLUMNS)

    def rows(self, rows: Sequence[tuple[Row, Expiry]]) -> None:
        for row, found in rows:
            data = record(row, found)
            expiry = data.pop("Expiry")
            data.update(ExpiryKind=expiry["Kind"], ExpiresAt=expiry["At"], Expires=expiry["Text"])
            self.writer.writerow([_guard_formula(_csv_cell(data.get(c))) for c in CSV_COLUMNS])
        self.out.flush()

    def close(self, listing: MergedListing) -> None:
        self.out.flush()


class JsonWriter:
    """One document at the end: the sources and their statuses, then the backups."""

    def __init__(self, out: TextIO, query: BackupQuery) -> None:
        self.out = out
        self.query = query
        self.records: list[dict[str, Any]] = []

    def rows(self, rows: Sequence[tuple[Row, Expiry]]) -> None:
        self.records += [record(r, e) for r, e in rows]

    def close(self, listing: MergedListing) -> None:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "complete": not listing.partial,
            "sort": "oldest first" if self.query.sort_ascending else "newest first",
            "filters": {k: [clean(v) for v in vs] for k, vs in self.query.filters().items()},
            "sources": [
                {
                    "profile": None if s.key.profile is None else clean(s.key.profile),
                    "region": clean(s.key.region),
                    "shared": s.key.shared,
                    "state": s.key.state,
                    "status": s.state,
                    "rows": s.rows,
                    "error": None
                    if s.error is None
                    else {"code": clean(s.error.code), "message": clean(s.error.message)},
                }
                for s in listing.streams.values()
            ],
            "count": len(self.records),
            "backups": self.records,
        }
        self.out.write(json.dumps(doc, ensure_ascii=True, indent=2, allow_nan=False) + "\n")
        self.out.flush()


#: (header, width) of the table format; the last column runs on.
_TABLE = (
    ("ACCOUNT", 12),
    ("REGION", 14),
    ("BACKUP ID", 19),
    ("STATE", 18),
    ("EXPIRES", 22),
    ("CREATED (UTC)", 16),
    ("CLUSTER", 0),
)


def _cut(text: str, width: int) -> str:
    text = clean(text)
    if width and len(text) > width:
        return text[: width - 1] + "…"
    return text.ljust(width) if width else text


class TableWriter:
    """Aligned columns for a person, a line per row as soon as it is released."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._line([h for h, _ in _TABLE])

    def _line(self, cells: Sequence[str]) -> None:
        parts = [_cut(c, w) for c, (_, w) in zip(cells, _TABLE, strict=True)]
        self.out.write("  ".join(parts).rstrip() + "\n")

    def rows(self, rows: Sequence[tuple[Row, Expiry]]) -> None:
        for row, found in rows:
            b = row.backup
            created = b.created.strftime("%Y-%m-%d %H:%M") if b.created else "?"
            self._line(
                [
                    row.account or "?",
                    row.source.region,
                    b.backup_id,
                    b.state or "?",
                    found.short,
                    created,
                    b.cluster_id or "",
                ]
            )
        self.out.flush()

    def close(self, listing: MergedListing) -> None:
        self.out.flush()


def make_writer(fmt: str, out: TextIO, query: BackupQuery) -> Writer:
    if fmt == "ndjson":
        return NdjsonWriter(out)
    if fmt == "csv":
        return CsvWriter(out)
    if fmt == "json":
        return JsonWriter(out, query)
    return TableWriter(out)
