"""Export loaded backups to JSON or CSV, with a header saying which listing they came from.

Every string written is the raw API value through clean(): no control character, escape
sequence or bidi mark reaches the file, and no Rich markup is added. Beside the API's fields
each backup carries its expiry as the table showed it (worked out by the caller: this layer
only writes it). An existing file is never replaced unless the caller says so (after asking
the user).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.backups.filewrite import Cancellation, NotAFileError, write_new
from tui.backups.models import KNOWN_FIELDS, Backup, BackupQuery
from tui.backups.retention import Expiry
from tui.backups.sanitize import clean

TOOL_NAME = "hsm-backups"
EXPORT_FORMATS = ("json", "csv")
#: The layout of both formats. 1 (no `schema_version` in the file): `Tags` as `k=v; k2=v2`,
#: no expiry. 2: `Tags` as JSON, and each backup's expiry (see EXPIRY_COLUMNS).
SCHEMA_VERSION = 2

#: The computed expiry (lowercase: the tool's, not the API's): the kind (`expires`,
#: `never-copy`…), its instant as ISO UTC, the days of the cluster's retention policy, the text
#: of the table's Expires cell. In JSON, the `expiry` object's `kind`, `date`,
#: `retention_days` and `text`.
EXPIRY_COLUMNS: tuple[str, ...] = ("expiry_kind", "expiry_date", "retention_days", "expiry_text")

#: CSV columns: the API's names in model order, the tags as one JSON cell, then the expiry.
CSV_COLUMNS: tuple[str, ...] = (
    *(name for name in KNOWN_FIELDS if name != "TagList"),
    "Tags",
    *EXPIRY_COLUMNS,
)

#: A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True, slots=True)
class ExportContext:
    """Where the rows came from: written at the top of the export, so the file explains itself."""

    #: The AWS profile, or "demo" for the demo world.
    profile: str | None
    region: str | None
    #: The server-side filters, Shared and the sort.
    query: BackupQuery
    exported_at: datetime
    tool_version: str
    #: The local (not server-side) filter the rows passed, e.g. "expiring within 7 days".
    local_filter: str | None = None
    #: Rows loaded from the API before the local filter (None: same as the rows exported).
    loaded: int | None = None
    #: True when every page of the query was loaded, False when more backups exist.
    complete: bool | None = None


def iso_utc(value: datetime) -> str:
    """`2026-11-20T03:00:05Z`: ISO-8601 in UTC (naive values are taken as UTC)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


def _jsonable(value: object) -> Any:
    """A JSON-ready copy of an API value: strings cleaned, timestamps ISO, the unknown as text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Mapping):
        return {clean(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return clean(value)


def backup_record(backup: Backup) -> dict[str, Any]:
    """One backup by API field name, in model order then unknown fields, ready for json.dumps.

    Unlike Backup.fields(), TagList is the tags themselves as `[{"Key", "Value"}]`.
    """
    record: dict[str, Any] = {}
    for name, value in backup.fields():
        if name == "TagList":
            record[name] = [{"Key": clean(k), "Value": clean(v)} for k, v in backup.tags]
        else:
            record[clean(name)] = _jsonable(value)
    return record


def expiry_record(found: Expiry | None) -> dict[str, Any] | None:
    """The JSON `expiry` of a backup: None when the caller gave none."""
    if found is None:
        return None
    return {
        "kind": found.kind,
        "date": None if found.when is None else iso_utc(found.when),
        "retention_days": found.retention_days,
        "text": clean(found.short),
    }


def _expiries(
    backups: Sequence[Backup], expiries: Sequence[Expiry | None] | None
) -> Sequence[Expiry | None]:
    """One expiry per backup, in the same order (None throughout when none were given)."""
    if expiries is None:
        return [None] * len(backups)
    if len(expiries) != len(backups):
        raise ValueError(f"{len(expiries)} expiries for {len(backups)} backups")
    return expiries


def _sort_text(query: BackupQuery) -> str:
    return "oldest first" if query.sort_ascending else "newest first"


def _header(backups: Sequence[Backup], context: ExportContext) -> dict[str, Any]:
    query = context.query
    return {
        "profile": None if context.profile is None else clean(context.profile),
        "region": None if context.region is None else clean(context.region),
        "filters": {k: [clean(v) for v in vs] for k, vs in query.filters().items()},
        "shared": query.shared,
        "sort": _sort_text(query),
        "local_filter": None if context.local_filter is None else clean(context.local_filter),
        "loaded": len(backups) if context.loaded is None else context.loaded,
        "complete": context.complete,
        "exported_at": iso_utc(context.exported_at),
        "tool": TOOL_NAME,
        "tool_version": clean(context.tool_version),
        "count": len(backups),
    }


def export_json(
    path: str | os.PathLike[str],
    backups: Sequence[Backup],
    context: ExportContext,
    *,
    overwrite: bool = False,
    cancellation: Cancellation | None = None,
    expiries: Sequence[Expiry | None] | None = None,
) -> None:
    """Write `{"schema_version": 2, "query": {header}, "backups": [records]}` as UTF-8 JSON,
    rows in the given order.

    The header is indented; each backup is one line (grep-able, and three times quicker to
    write than indenting 100k records). `expiries` (one per backup, as the table shows them)
    become each record's `expiry` object, `null` without one.
    Raises FileExistsError when `path` exists and `overwrite` is False.
    """
    header = json.dumps(_header(backups, context), indent=2, ensure_ascii=False, allow_nan=False)
    records = ",\n".join(
        "    "
        + json.dumps(
            {**backup_record(b), "expiry": expiry_record(e)}, ensure_ascii=False, allow_nan=False
        )
        for b, e in zip(backups, _expiries(backups, expiries), strict=True)
    )
    body = f"[\n{records}\n  ]" if records else "[]"
    text = (
        f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "query": '
        + header.replace("\n", "\n  ")
        + ',\n  "backups": '
        + body
        + "\n}\n"
    )
    write_new(Path(path), text, overwrite=overwrite, cancellation=cancellation)


def _guard_formula(cell: str) -> str:
    # Exported text is otherwise the raw (cleaned) API value; this is the one change we make,
    # so a tag like `=HYPERLINK(...)` stays text when the file is opened in a spreadsheet.
    # `cell` is already cleaned, and cleaning turns `\t=1+1` and `\u200b=3+3` into ` =1+1`,
    # which a spreadsheet that trims blanks on import (LibreOffice can) evaluates: the first
    # non-blank character is what counts.
    return "'" + cell if cell.lstrip().startswith(_FORMULA_START) else cell


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Mapping | list | tuple):
        return clean(json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True))
    return clean(value)


def _tags_cell(backup: Backup) -> str:
    """The tags as JSON, `[{"Key": "k", "Value": "v"}]`, as in a JSON export: any key or value
    reads back exactly (`; `, `=`, quotes, commas). Empty when the API sent no TagList.

    A cell that starts with `[` is never taken for a formula.
    """
    if not backup.has_tags and not backup.tags:
        return ""
    tags = [{"Key": clean(k), "Value": clean(v)} for k, v in backup.tags]
    return json.dumps(tags, ensure_ascii=False)


def _expiry_cells(found: Expiry | None) -> list[str]:
    record = expiry_record(found)
    if record is None:
        return [""] * len(EXPIRY_COLUMNS)
    days = record["retention_days"]
    return [record["kind"], record["date"] or "", "" if days is None else str(days), record["text"]]


def _filters_text(query: BackupQuery) -> str:
    parts = [f"{k}={','.join(v)}" for k, v in query.filters().items()]
    return clean("; ".join(parts)) if parts else "none"


def _loaded_text(backups: Sequence[Backup], context: ExportContext) -> str:
    loaded = len(backups) if context.loaded is None else context.loaded
    if context.complete is None:
        return str(loaded)
    return f"{loaded} ({'complete' if context.complete else 'more available'})"


def _comment_lines(backups: Sequence[Backup], context: ExportContext) -> Iterable[str]:
    # clean() leaves no newline, so each value stays on its own `#` line.
    def show(value: str | None, missing: str = "(default)") -> str:
        return missing if value is None else clean(value)

    yield f"# {TOOL_NAME} export ({clean(context.tool_version)})"
    yield f"# schema_version: {SCHEMA_VERSION}"
    yield f"# profile: {show(context.profile)}"
    yield f"# region: {show(context.region)}"
    yield f"# filters: {_filters_text(context.query)}"
    yield f"# shared: {'true' if context.query.shared else 'false'}"
    yield f"# sort: {_sort_text(context.query)}"
    yield f"# local_filter: {show(context.local_filter, 'none')}"
    yield f"# loaded: {_loaded_text(backups, context)}"
    yield f"# exported_at: {iso_utc(context.exported_at)}"
    yield f"# count: {len(backups)}"


def export_csv(
    path: str | os.PathLike[str],
    backups: Sequence[Backup],
    context: ExportContext,
    *,
    overwrite: bool = False,
    cancellation: Cancellation | None = None,
    expiries: Sequence[Expiry | None] | None = None,
) -> None:
    """Write `#` comment lines (tool, schema_version, profile, region, filters, shared, sort,
    local_filter, loaded, exported_at, count), then a header row and one row per backup, in the
    given order, as UTF-8 with "\\n" endings.

    Columns are CSV_COLUMNS then every unknown API field seen in any row (sorted by name);
    the expiry columns hold `expiries` (one per backup), empty without them.
    Readers should drop the lines starting with `#` before parsing the CSV; no data line starts
    with `#` (a row whose first cell starts with `#` is written fully quoted).

    Formula injection: a cell that starts with `=`, `+`, `-` or `@` gets a leading `'` so a
    spreadsheet shows it as text instead of evaluating it. That is the only place the file
    differs from the (cleaned) API value; JSON exports are never altered this way.

    Raises FileExistsError when `path` exists and `overwrite` is False.
    """
    extra_names = sorted({name for b in backups for name, _ in b.extra})
    out = io.StringIO()
    for line in _comment_lines(backups, context):
        out.write(line + "\n")
    writer = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([_guard_formula(clean(c)) for c in (*CSV_COLUMNS, *extra_names)])
    api_columns = CSV_COLUMNS[: CSV_COLUMNS.index("Tags")]
    for backup, found in zip(backups, _expiries(backups, expiries), strict=True):
        api = dict(backup.fields())
        extra = dict(backup.extra)
        row = [_csv_cell(api.get(name)) for name in api_columns]
        row.append(_tags_cell(backup))
        row.extend(_expiry_cells(found))
        row.extend(_csv_cell(extra.get(name)) for name in extra_names)
        row = [_guard_formula(cell) for cell in row]
        # A line starting with `#` would be taken for a comment and skipped by the reader.
        (quoted if row[0].startswith("#") else writer).writerow(row)
    write_new(Path(path), out.getvalue(), overwrite=overwrite, cancellation=cancellation)


def default_export_path(cwd: Path, fmt: str, now: datetime) -> Path:
    """`<cwd>/hsm-backups-20261127-233000.json`: the time of export (UTC when `now` is aware)."""
    ext = fmt.lower().lstrip(".")
    if ext not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: expected one of {EXPORT_FORMATS}")
    when = now.astimezone(UTC) if now.tzinfo is not None else now
    return cwd / f"{TOOL_NAME}-{when:%Y%m%d-%H%M%S}.{ext}"


def format_for_path(path: Path, chosen: str) -> str:
    """The format to write `path` in: its extension's (.csv, .json) when it has one, else
    `chosen`. A file named x.json is JSON whatever the format choice showed when Enter came."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in EXPORT_FORMATS else chosen


def resolve_export_path(text: str, cwd: Path) -> Path:
    """What the user typed as an absolute path: `~` expanded, relative to `cwd`.

    Raises ValueError for an empty name, whose message can be shown as it is.
    """
    typed = text.strip()
    if not typed:
        raise ValueError("Type a file name to export to.")
    path = Path(typed).expanduser()
    return path if path.is_absolute() else cwd / path


def write_error_text(error: OSError, path: Path) -> str:
    """Why writing `path` failed, and what to do about it, in the user's words.

    It may look at the file system (does the folder exist?): call it where blocking is fine.
    """
    folder = path.parent
    code = error.errno
    if isinstance(error, IsADirectoryError):
        return f"{path} is a folder. Add a file name to the path."
    if isinstance(error, NotAFileError):
        return f"{path} is a {error.kind}, not a file: it is never replaced. Choose another name."
    if isinstance(error, FileNotFoundError) and not folder.is_dir():
        return f"The folder {folder} does not exist. Fix the path, or create the folder first."
    if isinstance(error, NotADirectoryError):
        return f"Part of {folder} is a file, not a folder. Fix the path."
    if isinstance(error, PermissionError):
        return f"Permission denied: you cannot write in {folder}. Choose another folder."
    if code == errno.EROFS:
        return f"{folder} is on a read-only file system. Choose another folder."
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "The disk is full (or the quota used up). Free some space, or choose another disk."
    if code == errno.ENAMETOOLONG:
        return "The file name is too long. Choose a shorter one."
    reason = error.strerror or str(error) or type(error).__name__
    return clean(f"Could not write {path}: {reason}.")
