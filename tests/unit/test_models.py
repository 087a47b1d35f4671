"""Backup.from_api, ID helpers and BackupQuery.request: the boundary where boto3 dicts stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import botocore.session
import pytest
from botocore.model import StructureShape

from tui.backups import Backup, BackupQuery, invalid_backup_ids, invalid_cluster_ids, split_ids
from tui.backups.models import KNOWN_FIELDS, MAX_PAGE_SIZE, as_utc

CREATED = datetime(2026, 11, 20, 3, 0, 5, tzinfo=UTC)

FULL: dict[str, Any] = {
    "BackupId": "backup-abcdefghijk",
    "BackupArn": "arn:aws:cloudhsm:eu-west-1:123456789012:backup/backup-abcdefghijk",
    "BackupState": "PENDING_DELETION",
    "ClusterId": "cluster-234567abcde",
    "CreateTimestamp": CREATED,
    "CopyTimestamp": CREATED + timedelta(minutes=12),
    "NeverExpires": True,
    "SourceRegion": "us-east-1",
    "SourceBackup": "backup-bcdefghijkl",
    "SourceCluster": "cluster-bcdefghijkl",
    "DeleteTimestamp": CREATED + timedelta(days=7),
    "TagList": [{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "支払い処理"}],
    "HsmType": "hsm2m.medium",
    "Mode": "FIPS",
}


class TestFromApi:
    def test_known_fields_match_botocores_model(self) -> None:
        model = botocore.session.get_session().get_service_model("cloudhsmv2")
        shape = model.shape_for("Backup")
        assert isinstance(shape, StructureShape)
        assert list(KNOWN_FIELDS) == list(shape.members)

    def test_all_fields(self) -> None:
        b = Backup.from_api(FULL)
        assert b.backup_id == "backup-abcdefghijk"
        assert b.arn == FULL["BackupArn"]
        assert b.state == "PENDING_DELETION"
        assert b.cluster_id == "cluster-234567abcde"
        assert b.created == CREATED
        assert b.copied == CREATED + timedelta(minutes=12)
        assert b.delete_at == CREATED + timedelta(days=7)
        assert b.never_expires is True
        assert (b.source_region, b.source_backup, b.source_cluster) == (
            "us-east-1",
            "backup-bcdefghijkl",
            "cluster-bcdefghijkl",
        )
        assert b.tags == (("env", "prod"), ("owner", "支払い処理"))
        assert b.has_tags
        assert (b.hsm_type, b.mode) == ("hsm2m.medium", "FIPS")
        assert b.is_copy
        assert b.extra == ()

    def test_arn_is_given_back_exactly_as_the_api_sent_it(self) -> None:
        usual = Backup.from_api(FULL)
        other = Backup.from_api(
            {
                **FULL,
                "BackupId": "backup-bcdefghijkl",
                "BackupArn": FULL["BackupArn"].replace("abcdefghijk", "bcdefghijkl"),
            }
        )
        odd = Backup.from_api({**FULL, "BackupArn": "arn:aws:cloudhsm:x:1:backup/something-else"})
        assert usual.arn == FULL["BackupArn"]
        assert other.arn == FULL["BackupArn"].replace("abcdefghijk", "bcdefghijkl")
        assert odd.arn == "arn:aws:cloudhsm:x:1:backup/something-else"
        assert Backup.from_api({"BackupId": "backup-abcdefghijk"}).arn is None
        assert dict(usual.fields())["BackupArn"] == FULL["BackupArn"]
        # One account and region: one stem string shared by every row (memory at 100k rows).
        assert usual.arn_stored is other.arn_stored

    def test_repeated_tags_are_one_object(self) -> None:
        a = Backup.from_api(
            {
                **FULL,
                "TagList": [{"Key": "env", "Value": "prod"}, {"Key": "ticket", "Value": "T-1"}],
            }
        )
        b = Backup.from_api(
            {
                **FULL,
                "TagList": [{"Key": "env", "Value": "prod"}, {"Key": "ticket", "Value": "T-2"}],
            }
        )
        assert a.tags == (("env", "prod"), ("ticket", "T-1"))
        assert b.tags == (("env", "prod"), ("ticket", "T-2"))
        assert a.tags[0] is b.tags[0]

    def test_fields_lists_every_known_field_in_model_order(self) -> None:
        fields = Backup.from_api(FULL).fields()
        assert [name for name, _ in fields] == list(KNOWN_FIELDS)
        assert dict(fields)["TagList"] == 2  # the count; the tags themselves are shown apart

    def test_missing_optional_fields_stay_none(self) -> None:
        b = Backup.from_api({"BackupId": "backup-abcdefghijk"})
        assert b.state is None
        assert b.cluster_id is None
        assert b.created is None
        assert b.never_expires is None
        assert b.delete_at is None
        assert b.tags == ()
        assert not b.has_tags
        assert not b.is_copy
        assert b.fields() == [("BackupId", "backup-abcdefghijk")]

    def test_empty_tag_list_is_reported_as_present(self) -> None:
        b = Backup.from_api({"BackupId": "backup-abcdefghijk", "TagList": []})
        assert b.has_tags
        assert ("TagList", 0) in b.fields()

    def test_unknown_fields_are_kept_and_shown(self) -> None:
        item = {**FULL, "RestoreWindow": {"Days": 3}, "Encryption": "KMS"}
        b = Backup.from_api(item)
        assert dict(b.extra) == {"RestoreWindow": {"Days": 3}, "Encryption": "KMS"}
        names = [name for name, _ in b.fields()]
        assert names[-2:] == ["RestoreWindow", "Encryption"]

    def test_unknown_state_is_kept_verbatim(self) -> None:
        assert Backup.from_api({"BackupId": "backup-x", "BackupState": "ARCHIVED"}).state == (
            "ARCHIVED"
        )

    def test_non_bool_never_expires_is_not_guessed(self) -> None:
        assert Backup.from_api({"BackupId": "b", "NeverExpires": "true"}).never_expires is None

    def test_malformed_tags_are_kept_as_text(self) -> None:
        b = Backup.from_api({"BackupId": "b", "TagList": ["odd", {"Key": "k"}, {"Value": "v"}]})
        assert b.tags == (("odd", ""), ("k", ""), ("", "v"))

    def test_tag_list_that_is_not_a_list_gives_no_tags(self) -> None:
        assert Backup.from_api({"BackupId": "b", "TagList": "env=prod"}).tags == ()

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            (datetime(2026, 11, 20, 3, 0), datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),  # moto
            (
                datetime(2026, 11, 20, 5, 0, tzinfo=timezone(timedelta(hours=2))),
                datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
            ),
            (1_795_143_600, datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
            (1_795_143_600.5, datetime(2026, 11, 20, 3, 0, 0, 500_000, tzinfo=UTC)),
            ("2026-11-20T03:00:00Z", datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
            ("2026-11-20T04:00:00+01:00", datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
            ("2026-11-20T03:00:00", datetime(2026, 11, 20, 3, 0, tzinfo=UTC)),
            ("yesterday", None),
            ("", None),
            (True, None),
            (None, None),
            ([2026, 11, 20], None),
            (1e30, None),
            # The extremes a datetime holds are kept as they are (epoch 253402300799)...
            (253_402_300_799, datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
            (
                datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
                datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
            ),
            # ...one whose UTC time is in the year 0 or 10000 cannot be read: None, not a crash.
            ("0001-01-01T00:00:00+05:00", None),
            ("9999-12-31T23:59:59-01:00", None),
            (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))), None),
        ],
    )
    def test_timestamps_become_aware_utc_or_none(self, raw: object, expected: object) -> None:
        b = Backup.from_api({"BackupId": "b", "CreateTimestamp": raw, "DeleteTimestamp": raw})
        assert b.created == expected
        assert b.delete_at == expected
        assert as_utc(raw) == expected
        if b.created is not None:
            assert b.created.utcoffset() == timedelta(0)


class TestIds:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("backup-aaaaaaaaaaa", ("backup-aaaaaaaaaaa",)),
            ("a,b , c", ("a", "b", "c")),
            ("a\nb\r\nc\td", ("a", "b", "c", "d")),
            ("a;b;;c", ("a", "b", "c")),
            ("b a b  a c", ("b", "a", "c")),  # duplicates dropped, first order kept
            ("  ,\n ; ", ()),
            ("", ()),
        ],
    )
    def test_split_ids(self, text: str, expected: tuple[str, ...]) -> None:
        assert split_ids(text) == expected

    def test_backup_id_pattern(self) -> None:
        good = ("backup-abcdefghijk", "backup-ABCDEFGHIJK", "backup-234567abcdefghij")
        bad = (
            "backup-abcdefghij",  # 10 characters
            "backup-abcdefghijklmnopq",  # 17 characters
            "backup-abcdefghij1",  # 1 is not base32
            "backup-abcdefghij8",
            "cluster-abcdefghijk",
            "abcdefghijk",
            " backup-abcdefghijk",
        )
        assert invalid_backup_ids(good + bad) == list(bad)

    def test_cluster_id_pattern(self) -> None:
        good = ("cluster-abcdefghijk", "cluster-234567abcdefghij")
        bad = ("cluster-abc", "backup-abcdefghijk", "cluster-abcdefghij0")
        assert invalid_cluster_ids(good + bad) == list(bad)

    def test_query_problems_name_each_bad_input(self) -> None:
        query = BackupQuery(
            backup_ids=("backup-abcdefghijk", "backup-nope"),
            source_backup_ids=("nope",),
            cluster_ids=("cluster-x",),
            states=("READY", "GONE"),
        )
        problems = query.problems()
        assert len(problems) == 4
        assert "backup-nope" in problems[0]
        assert "nope" in problems[1]
        assert "cluster-x" in problems[2]
        assert "GONE" in problems[3]
        assert BackupQuery(backup_ids=("backup-abcdefghijk",), states=("READY",)).problems() == []


class TestRequest:
    @pytest.mark.parametrize(
        ("asked", "sent"), [(0, 1), (-5, 1), (1, 1), (7, 7), (50, 50), (51, 50), (1000, 50)]
    )
    def test_max_results_is_clamped(self, asked: int, sent: int) -> None:
        assert BackupQuery().request(asked, None)["MaxResults"] == sent
        assert MAX_PAGE_SIZE == 50

    def test_plain_query_sends_only_size_and_sort(self) -> None:
        assert BackupQuery().request(50, None) == {"MaxResults": 50, "SortAscending": False}

    def test_sort_ascending_is_sent(self) -> None:
        assert BackupQuery(sort_ascending=True).request(50, None)["SortAscending"] is True

    def test_only_non_empty_filters_are_sent(self) -> None:
        params = BackupQuery(cluster_ids=("cluster-abcdefghijk",), states=()).request(10, None)
        assert params["Filters"] == {"clusterIds": ["cluster-abcdefghijk"]}

    def test_every_filter(self) -> None:
        query = BackupQuery(
            backup_ids=("backup-abcdefghijk",),
            source_backup_ids=("backup-bcdefghijkl",),
            cluster_ids=("cluster-abcdefghijk",),
            states=("READY", "DELETED"),
            never_expires=True,
        )
        assert query.request(10, None)["Filters"] == {
            "backupIds": ["backup-abcdefghijk"],
            "sourceBackupIds": ["backup-bcdefghijkl"],
            "clusterIds": ["cluster-abcdefghijk"],
            "states": ["READY", "DELETED"],
            "neverExpires": ["true"],
        }

    @pytest.mark.parametrize(("value", "sent"), [(True, ["true"]), (False, ["false"])])
    def test_never_expires_is_a_lowercase_string(self, value: bool, sent: list[str]) -> None:
        assert BackupQuery(never_expires=value).request(10, None)["Filters"] == {
            "neverExpires": sent
        }

    def test_shared_only_when_set(self) -> None:
        assert "Shared" not in BackupQuery().request(10, None)
        assert BackupQuery(shared=True).request(10, None)["Shared"] is True

    def test_next_token_only_when_given(self) -> None:
        assert "NextToken" not in BackupQuery().request(10, None)
        assert "NextToken" not in BackupQuery().request(10, "")
        assert BackupQuery().request(10, "tok")["NextToken"] == "tok"

    def test_region_is_not_a_request_parameter(self) -> None:
        assert "Region" not in BackupQuery(region="eu-west-1").request(10, None)

    def test_equal_queries_are_the_same_listing(self) -> None:
        assert BackupQuery(states=("READY",)) == BackupQuery(states=("READY",))
        assert BackupQuery(states=("READY",)) != BackupQuery(states=("READY",), shared=True)


#: A lone surrogate, as JSON's "\ud800" decodes: a str that cannot be encoded as UTF-8.
LONE = "\ud800"


def _encodable(value: object) -> bool:
    """Every str inside `value` (dicts, lists, tuples) can be written out as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_encodable(k) and _encodable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_encodable(v) for v in value)
    return True


class TestLoneSurrogates:
    """Replaced by U+FFFD where API dicts become Backups, so nothing downstream holds one."""

    ODD: ClassVar[dict[str, Any]] = {
        **{name: f"{value}{LONE}" for name, value in FULL.items() if isinstance(value, str)},
        "TagList": [{"Key": f"k{LONE}", "Value": f"\udfff{LONE}"}, f"loose{LONE}"],
        f"Future{LONE}": {"nested\udc00": [f"v{LONE}", 3, None]},
    }

    def test_every_string_field_comes_out_encodable(self) -> None:
        backup = Backup.from_api(self.ODD)
        assert backup.backup_id == "backup-abcdefghijk\ufffd"
        assert backup.tags == (("k\ufffd", "\ufffd\ufffd"), ("loose\ufffd", ""))
        assert dict(backup.extra) == {"Future\ufffd": {"nested\ufffd": ["v\ufffd", 3, None]}}
        fields = backup.fields()
        assert {name for name, _ in fields} >= {"BackupId", "HsmType", "Future\ufffd"}
        assert all(_encodable(name) and _encodable(value) for name, value in fields)
        assert _encodable(backup.arn)

    def test_the_json_copy_and_the_clipboard_bytes_can_be_made(self) -> None:
        from tui.backups.clipboard import osc52
        from tui.backups.commands import backup_json, cli_commands

        backup = Backup.from_api(self.ODD)
        text = backup_json(backup)
        assert "\ufffd" in text
        assert osc52(text, tmux=False).startswith(b"\x1b]52;c;")
        assert osc52(backup.backup_id, tmux=True)
        for command in cli_commands(backup, region="us-east-1", profile=None).values():
            command.encode("utf-8")

    def test_a_json_body_with_lone_surrogates_arrives_scrubbed(self) -> None:
        from tests.canned import canned_source

        body = (
            b'{"Backups": [{"BackupId": "backup-\\ud800abcdefgh", "BackupState": "READY",'
            b' "TagList": [{"Key": "owner", "Value": "\\udfff"}]}]}'
        )
        source, _ = canned_source(lambda _op, _req: (200, body))
        page = source.fetch_page(BackupQuery(region="us-east-1"), None)
        (backup,) = page.backups
        assert backup.backup_id == "backup-\ufffdabcdefgh"
        assert backup.tags == (("owner", "\ufffd"),)

    def test_text_without_surrogates_is_left_alone(self) -> None:
        from tui.backups.models import scrub

        for text in ("backup-abcdefghijk", "支払い処理", "😀 emoji", ""):
            assert scrub(text) == text
