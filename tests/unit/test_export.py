"""JSON and CSV exports read back: every row once and in order, clean values, never clobbered."""

from __future__ import annotations

import csv
import errno
import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tui.backups import Backup, BackupQuery, clean
from tui.backups.export import (
    CSV_COLUMNS,
    EXPIRY_COLUMNS,
    SCHEMA_VERSION,
    ExportContext,
    default_export_path,
    export_csv,
    export_json,
    format_for_path,
    resolve_export_path,
    write_error_text,
)
from tui.backups.filewrite import NotAFileError
from tui.backups.retention import ClusterInfo, Expiry, expiry

CREATED = datetime(2026, 11, 20, 3, 0, 5, tzinfo=UTC)
_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ARN = "arn:aws:cloudhsm:us-east-1:123456789012:backup/"

FULL = Backup.from_api(
    {
        "BackupId": "backup-abcdefghij2",
        "BackupArn": ARN + "backup-abcdefghij2",
        "BackupState": "READY",
        "ClusterId": "cluster-234567abcde",
        "CreateTimestamp": CREATED,
        "NeverExpires": False,
        "TagList": [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "支払い処理"}],
        "HsmType": "hsm2m.medium",
        "Mode": "FIPS",
    }
)
COPY = Backup.from_api(
    {
        "BackupId": "backup-bcdefghijk3",
        "BackupArn": "arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-bcdefghijk3",
        "BackupState": "PENDING_DELETION",
        "ClusterId": "cluster-bcdefghijkl",
        "CreateTimestamp": CREATED - timedelta(days=3),
        "CopyTimestamp": datetime(2026, 11, 17, 4, 30),  # naive, as moto returns them
        "SourceRegion": "us-east-1",
        "SourceBackup": "backup-abcdefghij2",
        "SourceCluster": "cluster-234567abcde",
        "DeleteTimestamp": CREATED + timedelta(days=4),
        "FutureField": {"Nested": [1, CREATED], "Odd": Decimal("1.5")},
    }
)
HOSTILE = Backup.from_api(
    {
        "BackupId": "backup-cdefghijkl4\x1b]52;c;cm0gLXJmIH4=\x07",
        "BackupState": "READY\x1b[2J",
        "ClusterId": "cluster-\u202eexe.txt",
        "TagList": [
            {"Key": '=HYPERLINK("http://evil")', "Value": "x"},
            {"Key": "note", "Value": "line one\nline two\r\n\x1b[31mred"},
        ],
        "Remark": "@SUM(A1:A9)",
        "Weird\x1bKey": "+1-555",
        "Negative": -2,
    }
)
BACKUPS = [FULL, COPY, HOSTILE]

CONTEXT = ExportContext(
    profile="prod-admin",
    region="us-east-1",
    query=BackupQuery(
        region="us-east-1", cluster_ids=("cluster-234567abcde",), states=("READY",), shared=True
    ),
    exported_at=datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
    tool_version="0.1.0",
    local_filter="expiring within 7 days",
    loaded=40,
    complete=False,
)


def _strings(value: Any) -> Iterator[str]:
    """Every string in a loaded JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    """(comment lines, csv rows) the way a reader that skips `#` lines sees the file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    comments = [line.rstrip("\n") for line in lines if line.startswith("#")]
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    return comments, rows


class TestJson:
    def test_rows_in_order_each_once(self, tmp_path: Path) -> None:
        path = tmp_path / "out.json"
        export_json(path, BACKUPS, CONTEXT)
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert [b["BackupId"] for b in doc["backups"]] == [clean(b.backup_id) for b in BACKUPS]

    def test_header_says_where_the_rows_came_from(self, tmp_path: Path) -> None:
        path = tmp_path / "out.json"
        export_json(path, BACKUPS, CONTEXT)
        assert json.loads(path.read_text(encoding="utf-8"))["query"] == {
            "profile": "prod-admin",
            "region": "us-east-1",
            "filters": {"clusterIds": ["cluster-234567abcde"], "states": ["READY"]},
            "shared": True,
            "sort": "newest first",
            "local_filter": "expiring within 7 days",
            "loaded": 40,
            "complete": False,
            "exported_at": "2026-11-27T23:30:00Z",
            "tool": "hsm-backups",
            "tool_version": "0.1.0",
            "count": 3,
        }

    def test_fields_by_api_name_with_real_tags_and_utc_timestamps(self, tmp_path: Path) -> None:
        path = tmp_path / "out.json"
        export_json(path, BACKUPS, CONTEXT)
        full, copy, _ = json.loads(path.read_text(encoding="utf-8"))["backups"]
        assert full == {
            "BackupId": "backup-abcdefghij2",
            "BackupArn": ARN + "backup-abcdefghij2",
            "BackupState": "READY",
            "ClusterId": "cluster-234567abcde",
            "CreateTimestamp": "2026-11-20T03:00:05Z",
            "NeverExpires": False,
            "TagList": [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "支払い処理"}],
            "HsmType": "hsm2m.medium",
            "Mode": "FIPS",
            "expiry": None,  # no expiries given
        }
        assert "TagList" not in copy  # the API sent none: absent, not an empty list
        assert copy["CopyTimestamp"] == "2026-11-17T04:30:00Z"
        assert copy["DeleteTimestamp"] == "2026-11-24T03:00:05Z"
        assert copy["FutureField"] == {"Nested": [1, "2026-11-20T03:00:05Z"], "Odd": "1.5"}

    def test_hostile_values_arrive_without_control_characters(self, tmp_path: Path) -> None:
        path = tmp_path / "out.json"
        export_json(path, BACKUPS, CONTEXT)
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert all(clean(s) == s for s in _strings(doc))
        hostile = doc["backups"][2]
        assert hostile["BackupId"] == "backup-cdefghijkl4 ]52;c;cm0gLXJmIH4= "
        assert hostile["ClusterId"] == "cluster- exe.txt"
        assert hostile["TagList"][1]["Value"] == "line one line two [31mred"
        # JSON keeps raw values: no formula guard there
        assert hostile["Remark"] == "@SUM(A1:A9)"
        assert hostile["Weird Key"] == "+1-555"

    def test_empty_export_still_has_a_header(self, tmp_path: Path) -> None:
        path = tmp_path / "out.json"
        export_json(path, [], CONTEXT)
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["backups"] == []
        assert doc["query"]["count"] == 0


class TestCsv:
    def test_comment_lines(self, tmp_path: Path) -> None:
        path = tmp_path / "out.csv"
        export_csv(path, BACKUPS, CONTEXT)
        comments, _ = _read_csv(path)
        assert comments == [
            "# hsm-backups export (0.1.0)",
            "# schema_version: 2",
            "# profile: prod-admin",
            "# region: us-east-1",
            "# filters: clusterIds=cluster-234567abcde; states=READY",
            "# shared: true",
            "# sort: newest first",
            "# local_filter: expiring within 7 days",
            "# loaded: 40 (more available)",
            "# exported_at: 2026-11-27T23:30:00Z",
            "# count: 3",
        ]

    def test_comment_lines_without_filters_or_profile(self, tmp_path: Path) -> None:
        path = tmp_path / "out.csv"
        context = ExportContext(
            profile=None,
            region="eu-west-1",
            query=BackupQuery(region="eu-west-1", sort_ascending=True),
            exported_at=datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
            tool_version="0.1.0",
            complete=True,
        )
        export_csv(path, [FULL], context)
        comments, _ = _read_csv(path)
        assert comments[2:8] == [
            "# profile: (default)",
            "# region: eu-west-1",
            "# filters: none",
            "# shared: false",
            "# sort: oldest first",
            "# local_filter: none",
        ]
        assert comments[8] == "# loaded: 1 (complete)"

    def test_header_then_one_row_per_backup_in_order(self, tmp_path: Path) -> None:
        path = tmp_path / "out.csv"
        export_csv(path, BACKUPS, CONTEXT)
        _, rows = _read_csv(path)
        header, *data = rows
        assert header == [*CSV_COLUMNS, "FutureField", "Negative", "Remark", "Weird Key"]
        assert header[:18] == [
            "BackupId",
            "BackupArn",
            "BackupState",
            "ClusterId",
            "CreateTimestamp",
            "CopyTimestamp",
            "NeverExpires",
            "SourceRegion",
            "SourceBackup",
            "SourceCluster",
            "DeleteTimestamp",
            "HsmType",
            "Mode",
            "Tags",
            "expiry_kind",
            "expiry_date",
            "retention_days",
            "expiry_text",
        ]
        assert [row[0] for row in data] == [clean(b.backup_id) for b in BACKUPS]
        assert all(len(row) == len(header) for row in data)
        full = dict(zip(header, data[0], strict=True))
        assert full["CreateTimestamp"] == "2026-11-20T03:00:05Z"
        assert full["NeverExpires"] == "false"
        assert json.loads(full["Tags"]) == [
            {"Key": "env", "Value": "prod"},
            {"Key": "owner", "Value": "支払い処理"},
        ]
        assert full["CopyTimestamp"] == full["FutureField"] == ""
        copy = dict(zip(header, data[1], strict=True))
        assert json.loads(copy["FutureField"]) == {
            "Nested": [1, "2026-11-20T03:00:05Z"],
            "Odd": "1.5",
        }

    def test_hostile_values_are_cleaned_and_one_row_stays_one_line(self, tmp_path: Path) -> None:
        path = tmp_path / "out.csv"
        export_csv(path, BACKUPS, CONTEXT)
        text = path.read_text(encoding="utf-8")
        assert clean(text.replace("\n", "")) == text.replace("\n", "")
        assert len(text.splitlines()) == 11 + 1 + len(BACKUPS)
        _, (header, *data) = _read_csv(path)
        hostile = dict(zip(header, data[2], strict=True))
        assert hostile["BackupState"] == "READY [2J"
        assert hostile["ClusterId"] == "cluster- exe.txt"

    def test_formula_cells_are_neutralised(self, tmp_path: Path) -> None:
        path = tmp_path / "out.csv"
        export_csv(path, BACKUPS, CONTEXT)
        _, (header, *data) = _read_csv(path)
        hostile = dict(zip(header, data[2], strict=True))
        # The Tags cell is JSON: it starts with `[`, never a formula, and reads back exactly.
        assert json.loads(hostile["Tags"]) == [
            {"Key": '=HYPERLINK("http://evil")', "Value": "x"},
            {"Key": "note", "Value": "line one line two [31mred"},
        ]
        assert hostile["Remark"] == "'@SUM(A1:A9)"
        assert hostile["Weird Key"] == "'+1-555"
        assert hostile["Negative"] == "'-2"
        assert all(not cell.startswith(("=", "+", "-", "@")) for row in data for cell in row)

    def test_a_cell_that_becomes_a_formula_once_cleaned_is_neutralised_too(
        self, tmp_path: Path
    ) -> None:
        sneaky = Backup.from_api(
            {
                "BackupId": "backup-defghijklm5",
                "BackupState": "\t=1+1",
                "ClusterId": "\u200b=3+3",
                "TagList": [{"Key": " @x", "Value": "y"}],
                "Remark": "\u2800+1",
                "Spaced": "  plain text",
            }
        )
        path = tmp_path / "out.csv"
        export_csv(path, [sneaky], CONTEXT)
        _, (header, data) = _read_csv(path)
        row = dict(zip(header, data, strict=True))
        assert row["BackupState"] == "' =1+1"
        assert row["ClusterId"] == "' =3+3"
        assert json.loads(row["Tags"]) == [{"Key": " @x", "Value": "y"}]
        assert row["Remark"] == "' +1"
        assert row["Spaced"] == "  plain text", "only a formula is changed"
        assert all(not cell.lstrip().startswith(("=", "+", "-", "@")) for cell in data)

    def test_a_row_starting_with_a_hash_is_not_taken_for_a_comment(self, tmp_path: Path) -> None:
        sneaky = Backup.from_api({"BackupId": "# not a comment, a backup", "BackupState": "READY"})
        path = tmp_path / "out.csv"
        export_csv(path, [FULL, sneaky, COPY], CONTEXT)
        _, (_header, *data) = _read_csv(path)
        assert [row[0] for row in data] == [
            "backup-abcdefghij2",
            "# not a comment, a backup",
            "backup-bcdefghijk3",
        ]


@pytest.mark.parametrize("export", [export_json, export_csv])
class TestNeverClobber:
    def test_existing_file_is_refused_and_left_alone(self, tmp_path: Path, export: Any) -> None:
        path = tmp_path / "backups.out"
        path.write_text("precious", encoding="utf-8")
        with pytest.raises(FileExistsError):
            export(path, BACKUPS, CONTEXT)
        assert path.read_text(encoding="utf-8") == "precious"
        assert os.listdir(tmp_path) == ["backups.out"]  # no temporary file left behind

    def test_overwrite_replaces_after_confirmation(self, tmp_path: Path, export: Any) -> None:
        path = tmp_path / "backups.out"
        path.write_text("precious", encoding="utf-8")
        export(path, BACKUPS, CONTEXT, overwrite=True)
        assert "backup-bcdefghijk3" in path.read_text(encoding="utf-8")
        assert os.listdir(tmp_path) == ["backups.out"]

    def test_a_dangling_symlink_counts_as_existing(self, tmp_path: Path, export: Any) -> None:
        path = tmp_path / "backups.out"
        path.symlink_to(tmp_path / "elsewhere")
        with pytest.raises(FileExistsError):
            export(path, BACKUPS, CONTEXT)
        assert not (tmp_path / "elsewhere").exists()

    def test_a_directory_is_never_a_target(self, tmp_path: Path, export: Any) -> None:
        (tmp_path / "dir").mkdir()
        with pytest.raises(IsADirectoryError):
            export(tmp_path / "dir", BACKUPS, CONTEXT, overwrite=True)
        assert os.listdir(tmp_path / "dir") == []
        assert os.listdir(tmp_path) == ["dir"]

    @pytest.mark.parametrize("overwrite", [False, True], ids=["asked", "overwrite"])
    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
    def test_a_fifo_is_never_replaced(self, tmp_path: Path, export: Any, overwrite: bool) -> None:
        """As root, "Overwrite" turned /dev/full into a regular file; a FIFO shows the same."""
        fifo = tmp_path / "pipe.out"
        os.mkfifo(fifo)
        with pytest.raises(NotAFileError) as refused:
            export(fifo, BACKUPS, CONTEXT, overwrite=overwrite)
        assert refused.value.kind == "FIFO (named pipe)"
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        assert os.listdir(tmp_path) == ["pipe.out"]  # no temporary file either

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
    def test_a_symlink_to_a_fifo_is_never_replaced(self, tmp_path: Path, export: Any) -> None:
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "link.out").symlink_to(tmp_path / "pipe")
        with pytest.raises(NotAFileError):
            export(tmp_path / "link.out", BACKUPS, CONTEXT, overwrite=True)
        assert (tmp_path / "link.out").is_symlink()
        assert stat.S_ISFIFO(os.stat(tmp_path / "link.out").st_mode)

    @pytest.mark.skipif(not _ROOT, reason="making a device node needs root")
    def test_a_character_device_is_never_replaced(self, tmp_path: Path, export: Any) -> None:
        """A /dev/null of our own (1, 3) in tmp_path: the real one is never put at risk."""
        device = tmp_path / "null.out"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        with pytest.raises(NotAFileError) as refused:
            export(device, BACKUPS, CONTEXT, overwrite=True)
        assert refused.value.kind == "character device"
        assert stat.S_ISCHR(os.lstat(device).st_mode)
        assert write_error_text(refused.value, device) == (
            f"{device} is a character device, not a file: it is never replaced. "
            "Choose another name."
        )

    def test_a_symlink_to_a_regular_file_can_be_overwritten(
        self, tmp_path: Path, export: Any
    ) -> None:
        (tmp_path / "real").write_text("old", encoding="utf-8")
        (tmp_path / "link.out").symlink_to(tmp_path / "real")
        export(tmp_path / "link.out", BACKUPS, CONTEXT, overwrite=True)
        assert "backup-bcdefghijk3" in (tmp_path / "link.out").read_text(encoding="utf-8")

    def test_new_file_gets_the_usual_permissions(self, tmp_path: Path, export: Any) -> None:
        path = tmp_path / "backups.out"
        export(path, [FULL], CONTEXT)
        umask = os.umask(0o022)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


class TestDefaultPath:
    def test_name_carries_the_utc_time_and_format(self, tmp_path: Path) -> None:
        now = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
        assert default_export_path(tmp_path, "json", now) == (
            tmp_path / "hsm-backups-20261127-233000.json"
        )
        assert default_export_path(tmp_path, ".CSV", now).name == "hsm-backups-20261127-233000.csv"

    def test_unknown_format_is_an_error(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="xlsx"):
            default_export_path(tmp_path, "xlsx", datetime(2026, 1, 1, tzinfo=UTC))


class TestTypedPaths:
    def test_relative_names_land_in_the_given_folder(self, tmp_path: Path) -> None:
        assert resolve_export_path(" out.csv ", tmp_path) == tmp_path / "out.csv"
        assert resolve_export_path("sub/out.csv", tmp_path) == tmp_path / "sub" / "out.csv"
        assert resolve_export_path("/abs/x.json", tmp_path) == Path("/abs/x.json")

    def test_home_is_expanded(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert resolve_export_path("~/x.json", Path("/")) == tmp_path / "home" / "x.json"

    def test_an_empty_name_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="file name"):
            resolve_export_path("   ", tmp_path)


class TestWriteErrors:
    def test_a_missing_folder_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "nope" / "out.csv"
        with pytest.raises(FileNotFoundError) as caught:
            export_csv(path, BACKUPS, CONTEXT)
        text = write_error_text(caught.value, path)
        assert text == (
            f"The folder {tmp_path / 'nope'} does not exist. Fix the path, or create the folder "
            "first."
        )

    @pytest.mark.parametrize(
        ("error", "words"),
        [
            (PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
            (OSError(errno.ENOSPC, "No space left on device"), "The disk is full"),
            (OSError(errno.EROFS, "Read-only file system"), "read-only file system"),
            (IsADirectoryError(errno.EISDIR, "Is a directory"), "is a folder"),
            (OSError(errno.EIO, "Input/output error\x1b[2J"), "Input/output error [2J"),
        ],
    )
    def test_each_cause_says_what_to_do(self, error: OSError, words: str) -> None:
        text = write_error_text(error, Path("/data/out.csv"))
        assert words in text
        assert clean(text) == text


def test_json_layout_is_an_indented_header_and_one_line_per_backup(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    export_json(path, BACKUPS, CONTEXT)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:4] == [
        "{",
        '  "schema_version": 2,',
        '  "query": {',
        '    "profile": "prod-admin",',
    ]
    start = lines.index('  "backups": [')
    rows = lines[start + 1 : start + 1 + len(BACKUPS)]
    assert [json.loads(row.rstrip(","))["BackupId"] for row in rows] == [
        clean(b.backup_id) for b in BACKUPS
    ]
    assert lines[start + 1 + len(BACKUPS) :] == ["  ]", "}"]


@pytest.mark.parametrize(
    ("name", "chosen", "fmt"),
    [
        ("x.json", "csv", "json"),
        ("x.CSV", "json", "csv"),
        ("x.txt", "json", "json"),
        ("x", "csv", "csv"),
        ("x.json.bak", "csv", "csv"),
    ],
)
def test_the_names_extension_decides_the_format(name: str, chosen: str, fmt: str) -> None:
    assert format_for_path(Path("/tmp") / name, chosen) == fmt


# schema 2: the computed expiry, and tags that read back ------------------------------------

#: What the table shows for BACKUPS at the export's time: a 90-day policy, a countdown, none.
EXPIRIES: list[Expiry | None] = [
    expiry(FULL, ClusterInfo("us-east-1", "cluster-234567abcde", True, 90, "ACTIVE"), CREATED),
    expiry(COPY, None, CREATED),
    None,
]


def test_schema_version_is_2_in_both_formats(tmp_path: Path) -> None:
    assert SCHEMA_VERSION == 2
    export_json(tmp_path / "out.json", BACKUPS, CONTEXT)
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["schema_version"] == 2
    export_csv(tmp_path / "out.csv", BACKUPS, CONTEXT)
    comments, _ = _read_csv(tmp_path / "out.csv")
    assert "# schema_version: 2" in comments


def test_csv_has_the_expiry_the_table_showed(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    export_csv(path, BACKUPS, CONTEXT, expiries=EXPIRIES)
    _, (header, *data) = _read_csv(path)
    assert header[14:18] == list(EXPIRY_COLUMNS)
    full, copy, hostile = (dict(zip(header, row, strict=True)) for row in data)
    assert [full[c] for c in EXPIRY_COLUMNS] == [
        "expires",
        "2027-02-18T03:00:05Z",  # created + 90 days, ISO UTC
        "90",
        "in 90 d",
    ]
    assert [copy[c] for c in EXPIRY_COLUMNS] == [
        "pending-deletion",
        "2026-11-24T03:00:05Z",
        "",  # no policy decides a countdown to DeleteTimestamp
        "deleted in 4 d",
    ]
    assert [hostile[c] for c in EXPIRY_COLUMNS] == ["", "", "", ""]


def test_json_has_the_expiry_the_table_showed(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    export_json(path, BACKUPS, CONTEXT, expiries=EXPIRIES)
    full, copy, hostile = json.loads(path.read_text(encoding="utf-8"))["backups"]
    assert full["expiry"] == {
        "kind": "expires",
        "date": "2027-02-18T03:00:05Z",
        "retention_days": 90,
        "text": "in 90 d",
    }
    assert copy["expiry"] == {
        "kind": "pending-deletion",
        "date": "2026-11-24T03:00:05Z",
        "retention_days": None,
        "text": "deleted in 4 d",
    }
    assert hostile["expiry"] is None


@pytest.mark.parametrize("export", [export_json, export_csv])
def test_one_expiry_per_backup_or_nothing_is_written(tmp_path: Path, export: Any) -> None:
    with pytest.raises(ValueError, match="2 expiries for 3 backups"):
        export(tmp_path / "out", BACKUPS, CONTEXT, expiries=EXPIRIES[:2])
    assert os.listdir(tmp_path) == []


#: Tags a `k=v; k2=v2` cell could not carry: separators, quotes, commas, JSON, newlines.
AWKWARD_TAGS = [
    {"Key": "ticket", "Value": "OPS-1234; see runbook; rotate=yes"},
    {"Key": "a=b", "Value": "c=d"},
    {"Key": "quote", "Value": "say \"hi\", then 'bye'"},
    {"Key": "json", "Value": '[{"Key": "x"}]'},
    {"Key": "=SUM(1)", "Value": "@formula"},
    {"Key": "", "Value": ""},
    {"Key": "lines", "Value": "one\ntwo\r\nthree\tfour"},
    {"Key": "back\\slash", "Value": "C:\\ops\\keys"},
]


def test_csv_tags_read_back_exactly_with_csv_and_json(tmp_path: Path) -> None:
    awkward = Backup.from_api(
        {"BackupId": "backup-efghijklmn6", "BackupState": "READY", "TagList": AWKWARD_TAGS}
    )
    untagged = Backup.from_api({"BackupId": "backup-fghijklmno7", "BackupState": "READY"})
    empty = Backup.from_api({"BackupId": "backup-ghijklmnop2", "TagList": []})
    path = tmp_path / "out.csv"
    export_csv(path, [awkward, untagged, empty], CONTEXT)
    _, (header, *data) = _read_csv(path)
    cells = [dict(zip(header, row, strict=True))["Tags"] for row in data]
    assert json.loads(cells[0]) == [
        {"Key": clean(t["Key"]), "Value": clean(t["Value"])} for t in AWKWARD_TAGS
    ]
    # Exactly the API's text, except that control characters (the newlines) are cleaned.
    assert json.loads(cells[0])[0]["Value"] == "OPS-1234; see runbook; rotate=yes"
    assert json.loads(cells[0])[6]["Value"] == "one two three four"
    # Formula-looking tags are inside the JSON, which starts with `[`: no guard needed, none
    # added, and the value reads back as the API gave it.
    assert cells[0].startswith('[{"Key": ')
    assert json.loads(cells[0])[4] == {"Key": "=SUM(1)", "Value": "@formula"}
    assert cells[1] == "", "no TagList: an empty cell"
    assert cells[2] == "[]", "an empty TagList: an empty list"
    assert len(path.read_text(encoding="utf-8").splitlines()) == 11 + 1 + 3, "a row is a line"


def test_the_formula_guard_still_covers_every_other_cell(tmp_path: Path) -> None:
    odd = Expiry("unknown", None, "-1 d", "odd")  # an expiry text that looks like a formula
    path = tmp_path / "out.csv"
    export_csv(path, [HOSTILE], CONTEXT, expiries=[odd])
    _, (header, data) = _read_csv(path)
    row = dict(zip(header, data, strict=True))
    assert row["expiry_text"] == "'-1 d"
    assert row["Remark"] == "'@SUM(A1:A9)"
    assert not row["Tags"].startswith("'")
