"""AWS profile names and their regions, for switching inside the app, without touching secrets.

Read straight from the AWS config and credentials files, never through a boto3 Session (slow to
create, and it may start resolving credentials). Only section headers, and `region` lines of the
config file, are ever handed to the INI parser: keys and tokens are skipped line by line, so they
cannot end up in anything returned. Missing, unreadable or malformed files never raise; whatever
can be read is used.
"""

from __future__ import annotations

import configparser
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

CONFIG_FILE_ENV = "AWS_CONFIG_FILE"
CREDENTIALS_FILE_ENV = "AWS_SHARED_CREDENTIALS_FILE"
_DEFAULT_CONFIG_FILE = "~/.aws/config"
_DEFAULT_CREDENTIALS_FILE = "~/.aws/credentials"

#: `region = eu-west-1` at the start of a line. An indented one may belong to a nested block
#: (`s3 =` followed by indented settings), so it is not taken as the profile's region.
_REGION_LINE = re.compile(r"region\s*[=:]", re.IGNORECASE)


def _expand(raw: str, environ: Mapping[str, str]) -> Path | None:
    """`raw` with a leading `~` as environ's HOME (else the real home); None when there is none."""
    home = environ.get("HOME")
    if home and (raw == "~" or raw.startswith(("~/", "~\\"))):
        return Path(home) / raw[2:]
    try:
        return Path(raw).expanduser()
    except RuntimeError:  # "~" and no home directory to expand it against
        return None


def _aws_file(environ: Mapping[str, str], variable: str, default: str) -> Path | None:
    return _expand(environ.get(variable) or default, environ)


def _parse(path: Path | None, *, regions: bool) -> configparser.RawConfigParser:
    """The section headers of an INI file (and its unindented `region` lines, if asked for).

    Every other line is dropped before parsing, so no other value is ever kept, and stray or
    broken lines cannot stop the parse. An unreadable or missing file gives no sections.
    """
    # Like botocore's own parser, so [DEFAULT] is no profile and its region applies to all.
    parser = configparser.RawConfigParser(strict=False)
    if path is None:
        return parser
    kept: list[str] = []
    try:
        if not path.is_file():
            return parser
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in f:
                if parser.SECTCRE.match(line.strip()):
                    kept.append(line.strip())
                elif regions and kept and _REGION_LINE.match(line):
                    kept.append(line.rstrip("\r\n"))
        parser.read_string("\n".join(kept), source=str(path))
    except (OSError, configparser.Error):
        pass  # keep whatever was parsed before the error
    return parser


def _config_profile(section: str) -> str | None:
    """The profile a config-file section defines: `[default]`, `[profile x]`; else None.

    The same rule as botocore, so `[sso-session x]`, `[services x]` and `[plugins]` are not
    profiles and `[profile "with space"]` is the profile `with space`.
    """
    if section == "default":
        return section
    try:
        parts = shlex.split(section)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 and parts[0] == "profile" else None


def list_profiles(environ: Mapping[str, str]) -> list[str]:
    """Every profile in the AWS config and credentials files: "default" first, the rest sorted.

    The files are $AWS_CONFIG_FILE and $AWS_SHARED_CREDENTIALS_FILE, by default ~/.aws/config
    and ~/.aws/credentials with `~` taken from environ's HOME. Names are as boto3 knows them,
    so they may hold any character: escape them before showing them.
    """
    config = _parse(_aws_file(environ, CONFIG_FILE_ENV, _DEFAULT_CONFIG_FILE), regions=False)
    credentials = _parse(
        _aws_file(environ, CREDENTIALS_FILE_ENV, _DEFAULT_CREDENTIALS_FILE), regions=False
    )
    names = {name for name in map(_config_profile, config.sections()) if name is not None}
    names.update(credentials.sections())
    rest = sorted(names - {"default"}, key=lambda name: (name.casefold(), name))
    return ["default", *rest] if "default" in names else rest


def profile_region(environ: Mapping[str, str], profile: str | None) -> str | None:
    """The `region` the config file sets for `profile`, else None; the only value ever read.

    None for `profile` means the one boto3 picks: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, "default".
    $AWS_REGION and $AWS_DEFAULT_REGION win over this in boto3; checking them is the caller's job.
    """
    name = profile or environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE") or "default"
    parser = _parse(_aws_file(environ, CONFIG_FILE_ENV, _DEFAULT_CONFIG_FILE), regions=True)
    region: str | None = None
    for section in parser.sections():  # botocore lets the last of [default]/[profile default] win
        if _config_profile(section) == name:
            region = parser.get(section, "region", fallback=None)
    return (region or "").strip() or None


def default_region(environ: Mapping[str, str], profile: str | None) -> str | None:
    """The region the AWS CLI v2 uses for `profile` when none is given on the command line.

    AWS_REGION, then AWS_DEFAULT_REGION, then the profile's own `region`; None if none is set.
    """
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if region := (environ.get(variable) or "").strip():
            return region
    return profile_region(environ, profile)
