"""Ready-to-paste AWS CLI commands for one backup, and the backup itself as JSON.

The values come from the API (and the user's profile name), so each one is cleaned and then
shell-quoted: a hostile backup ID must not be able to run anything when the command is pasted.
"""

from __future__ import annotations

import json
import shlex

from tui.backups.clipboard import clean_multiline
from tui.backups.export import backup_record
from tui.backups.models import Backup, invalid_backup_ids
from tui.backups.sanitize import clean

DESTINATION_PLACEHOLDER = "<DESTINATION-REGION>"
HSM_TYPE_PLACEHOLDER = "<HSM-TYPE>"
SUBNET_PLACEHOLDER = "<SUBNET-ID>"
TAG_KEY_PLACEHOLDER = "<TAG-KEY>"
TAG_VALUE_PLACEHOLDER = "<TAG-VALUE>"

#: The keys of cli_commands(), in the order a menu should list them: the two that only read,
#: then those that change something (the app never runs them; the user may).
COMMAND_KEYS = (
    "describe",
    "list_tags",
    "restore",
    "copy",
    "create_cluster",
    "never_expires",
    "tag",
    "untag",
    "delete",
)
#: Commands the API refuses for a backup owned by another account ("Cross-account use: No" in
#: the CloudHSM API reference); create-cluster takes a shared backup by its ARN instead.
OWNER_ONLY = frozenset({"list_tags", "restore", "copy", "never_expires", "tag", "untag", "delete"})
#: What --pick can print.
PICK_FORMATS = ("id", "arn", "json")


def _option(flag: str, value: str) -> str:
    """`--flag 'value'`, or `--flag=-value` for a value starting with "-".

    The aws CLI (argparse) would read `--flag --other` as two options; with `=` a value that
    looks like an option can only ever be this option's value.
    """
    text = clean(value)
    return f"{flag}={shlex.quote(text)}" if text.startswith("-") else f"{flag} {shlex.quote(text)}"


def _filter_value(backup_id: str) -> str:
    """The `--filters` value: shorthand for a well-formed ID, JSON for anything else.

    Shorthand syntax gives `,` `=` `[` `{` and quotes a meaning, so an odd ID could become
    several filters; JSON keeps it one string.
    """
    if not invalid_backup_ids((backup_id,)):
        return f"backupIds={backup_id}"
    return json.dumps({"backupIds": [clean(backup_id)]}, ensure_ascii=False)


def cli_commands(
    backup: Backup,
    *,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None = None,
    shared: bool = False,
    destination_region: str | None = None,
) -> dict[str, str]:
    """`aws cloudhsmv2` commands for `backup`, to copy and run by hand (the app only reads).

    Arguments the backup cannot supply (destination region, HSM type, subnet, a tag) are
    placeholders such as `'<SUBNET-ID>'`, quoted like any value: pasted unedited they fail at
    the API, not in the shell. `--mode` is added when the backup has one (create-cluster accepts
    FIPS/NON_FIPS). `--region`, `--profile` and `--endpoint-url` are appended when given, so the
    command asks the same place the app listed. A `shared` backup (listed with Shared=true) is
    described with `--shared`, and create-cluster names it by its ARN, as the API requires for
    a backup in another account.
    """
    bid = backup.backup_id
    suffix = ""
    if region:
        suffix += " " + _option("--region", region)
    if profile:
        suffix += " " + _option("--profile", profile)
    if endpoint_url:
        suffix += " " + _option("--endpoint-url", endpoint_url)

    source = backup.arn if shared and backup.arn else bid
    create = [
        "aws cloudhsmv2 create-cluster",
        _option("--source-backup-id", source),
        _option("--hsm-type", backup.hsm_type or HSM_TYPE_PLACEHOLDER),
        _option("--subnet-ids", SUBNET_PLACEHOLDER),
    ]
    if backup.mode:
        create.append(_option("--mode", backup.mode))
    describe = "aws cloudhsmv2 describe-backups " + _option("--filters", _filter_value(bid))
    if shared:
        describe += " --shared"
    tag_pair = f"Key={TAG_KEY_PLACEHOLDER},Value={TAG_VALUE_PLACEHOLDER}"
    commands = {
        "describe": describe,
        "list_tags": "aws cloudhsmv2 list-tags " + _option("--resource-id", bid),
        "restore": "aws cloudhsmv2 restore-backup " + _option("--backup-id", bid),
        "copy": " ".join(
            [
                "aws cloudhsmv2 copy-backup-to-region",
                _option("--destination-region", destination_region or DESTINATION_PLACEHOLDER),
                _option("--backup-id", bid),
            ]
        ),
        "create_cluster": " ".join(create),
        "never_expires": "aws cloudhsmv2 modify-backup-attributes "
        + _option("--backup-id", bid)
        + (" --no-never-expires" if backup.never_expires else " --never-expires"),
        "tag": "aws cloudhsmv2 tag-resource "
        + _option("--resource-id", bid)
        + " "
        + _option("--tag-list", tag_pair),
        "untag": "aws cloudhsmv2 untag-resource "
        + _option("--resource-id", bid)
        + " "
        + _option("--tag-key-list", TAG_KEY_PLACEHOLDER),
        "delete": "aws cloudhsmv2 delete-backup " + _option("--backup-id", bid),
    }
    return {key: commands[key] + suffix for key in COMMAND_KEYS}


def continued(command: str, indent: str = "  ") -> str:
    """`command` with each `--option value` on a line of its own, every line but the last
    ending in ` \\`: a shell reads the lines as one command.

    For showing a command too wide for the screen: a line the terminal wraps pastes as two
    commands, the first one truncated. The words are the shell's own (the command is split as
    a shell would and each group quoted again), so the arguments are exactly the one-line
    command's; a command the shell could not split is returned as it is.
    """
    try:
        words = shlex.split(command)
    except ValueError:
        return command
    groups: list[list[str]] = [[]]
    for word in words:
        if word.startswith("--") and groups[-1]:
            groups.append([])
        groups[-1].append(word)
    return " \\\n".join((indent if i else "") + shlex.join(g) for i, g in enumerate(groups))


def pick_text(backup: Backup, fmt: str) -> str:
    """What --pick prints for `backup`: its ID, its ARN or its JSON, without control bytes."""
    if fmt == "arn":
        return clean(backup.arn or "")
    if fmt == "json":
        return clean_multiline(backup_json(backup))
    return clean(backup.backup_id)


def backup_json(backup: Backup) -> str:
    """The backup as indented JSON, the same shape as one entry of a JSON export."""
    return json.dumps(backup_record(backup), indent=2, ensure_ascii=False)
