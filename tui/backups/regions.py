"""Region names against botocore's partition data: a typo like us-east-7 is caught by name.

botocore's `partitions.json` (7 KB, the endpoint rules' list of each partition's regions) is
read on first use only, through botocore's own loader (so AWS_DATA_PATH still applies): the
flags that need it pay a fraction of a millisecond, `--help` pays nothing. An unknown name is
a warning, never an error: regions newer than the installed botocore do exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Partition:
    """One AWS partition (aws, aws-cn, aws-us-gov…): how its region names look, and them."""

    name: str
    pattern: re.Pattern[str]
    regions: frozenset[str]


@cache
def partitions() -> tuple[Partition, ...]:
    """botocore's partitions; none when its data cannot be read (then nothing is checked)."""
    try:
        from botocore.loaders import create_loader

        data: Any = create_loader().load_data("partitions")
        return tuple(
            Partition(
                str(p["id"]),
                re.compile(str(p["regionRegex"])),
                frozenset(r for r in p.get("regions", {}) if not r.endswith("-global")),
            )
            for p in data["partitions"]
        )
    except Exception:  # a broken or missing data file: no check, never a failure
        return ()


def partition_named(region: str) -> Partition | None:
    """The partition whose region names look like `region`, or None."""
    return next((p for p in partitions() if p.pattern.match(region)), None)


def is_known(region: str) -> bool:
    """botocore lists `region` in one of its partitions (or cannot tell: then True)."""
    known = partitions()
    return not known or any(region in p.regions for p in known)


def _botocore() -> str:
    try:
        import botocore

        return f"botocore {botocore.__version__}"
    except Exception:
        return "botocore"


def unknown_region(region: str) -> str | None:
    """Why `region` is not a region botocore knows, with the names it may have meant; None
    when it is known (or botocore's data cannot be read)."""
    if is_known(region):
        return None
    partition = partition_named(region)
    if partition is None:
        return f"{region} is in no AWS partition {_botocore()} knows"
    said = f"{region} is not a region of the {partition.name} partition that {_botocore()} knows"
    import difflib

    near = difflib.get_close_matches(region, sorted(partition.regions), n=3, cutoff=0.8)
    if near:
        said += f" (did you mean {' or '.join(near)}?)"
    return said


#: The standard CloudHSM v2 endpoint host: `cloudhsmv2[-fips].<region>.<partition's domain>`.
_STANDARD_HOST = re.compile(r"cloudhsmv2(?:-fips)?\.([a-z]{2,}(?:-[a-z]+)+-\d+)\.[a-z0-9.-]+")


def endpoint_region(url: str) -> str | None:
    """The region a standard CloudHSM v2 endpoint URL is for, or None for any other URL
    (a --endpoint-url such as http://localhost:4566 names no region)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    match = _STANDARD_HOST.fullmatch(host)
    return match.group(1) if match else None
