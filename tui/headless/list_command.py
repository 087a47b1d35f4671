"""`hsm-backups list`: every source's backups in one merged order on stdout, for scripts and CI.

Data on stdout, diagnostics on stderr (progress only when stderr is a terminal). Exit status:
0 complete (a region the account has not enabled is no failure), 2 partial (each failed
source named on stderr), 1 nothing could be listed, 3 a runtime error, 130 interrupted.
Never imports textual: this is the fast path.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from tui.backups.errors import AwsError
from tui.backups.models import BACKUP_STATES, MAX_PAGE_SIZE, BackupQuery, Page, read_ids
from tui.backups.retention import ClusterInfo, Expiry, expiry, fetch_clusters, needs_cluster
from tui.backups.sanitize import clean
from tui.backups.source import BackupSource
from tui.fleet.merge import MergedListing, MergeUpdate, Row
from tui.fleet.run import CALL_BUDGET, CONCURRENCY, FleetRun
from tui.fleet.sources import Ownership, SourceKey, plan_sources
from tui.headless.formats import FORMATS, Writer, make_writer

EXIT_COMPLETE, EXIT_NOTHING, EXIT_PARTIAL, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected a name, a comma-separated list, or all")
    return names


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hsm-backups list",
        description="List CloudHSM v2 backups of every given profile and region, merged in one "
        "order (CreateTimestamp), on stdout.",
        epilog="Exit status: 0 complete, 2 partial (a source failed: named on stderr), 1 nothing "
        "could be listed, 130 interrupted.",
    )
    p.add_argument("--profile", type=_names, help="a profile, a comma list, or all")
    p.add_argument("--region", type=_names, help="a region, a comma list, or all")
    own = p.add_mutually_exclusive_group()
    own.add_argument("--shared", action="store_const", const="shared", dest="ownership")
    own.add_argument("--both", action="store_const", const="both", dest="ownership",
                     help="owned and shared with me")  # fmt: skip
    p.add_argument("--backup-id", action="append", default=[], metavar="ID")
    p.add_argument("--source-backup-id", action="append", default=[], metavar="ID")
    p.add_argument("--cluster-id", action="append", default=[], metavar="ID")
    p.add_argument("--state", action="append", default=[], choices=BACKUP_STATES, type=str.upper)
    p.add_argument("--never-expires", choices=("true", "false"))
    p.add_argument("--oldest-first", action="store_true")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--page-size", type=int, default=MAX_PAGE_SIZE, metavar="N")
    p.add_argument("--concurrency", type=int, default=CONCURRENCY, metavar="N",
                   help=f"calls in flight at once (default {CONCURRENCY})")  # fmt: skip
    p.add_argument("--timeout", type=float, default=CALL_BUDGET, metavar="S",
                   help=f"seconds one call may take before its source is unreachable "
                   f"(default {CALL_BUDGET:g})")  # fmt: skip
    p.add_argument("--endpoint-url")
    p.add_argument("--demo", action="store_true", help="list the built-in demo world")
    return p


@dataclass
class Plan:
    """What to list, from the flags."""

    query: BackupQuery
    profiles: list[str | None]
    regions: list[str]
    ownership: Ownership
    page_size: int
    concurrency: int
    budget: float
    endpoint_url: str | None
    demo: bool
    fmt: str
    accounts: dict[str, str] = field(default_factory=dict)


def plan_from(argv: Sequence[str], environ: dict[str, str]) -> Plan:
    p = parser()
    args = p.parse_args(argv)
    if not 1 <= args.page_size <= MAX_PAGE_SIZE:
        p.error(f"--page-size must be 1–{MAX_PAGE_SIZE}")
    if args.concurrency < 1 or args.timeout <= 0:
        p.error("--concurrency and --timeout must be positive")
    query = BackupQuery(
        backup_ids=read_ids(" ".join(args.backup_id)).ids,
        source_backup_ids=read_ids(" ".join(args.source_backup_id)).ids,
        cluster_ids=read_ids(" ".join(args.cluster_id)).ids,
        states=tuple(s for s in BACKUP_STATES if s in args.state),
        never_expires=None if args.never_expires is None else args.never_expires == "true",
        sort_ascending=args.oldest_first,
    )
    if problems := query.problems():
        p.error("; ".join(problems))
    profiles, regions, accounts = _where(p, args, environ)
    return Plan(
        query=query,
        profiles=profiles,
        regions=regions,
        ownership=args.ownership or "owned",
        page_size=args.page_size,
        concurrency=args.concurrency,
        budget=args.timeout,
        endpoint_url=args.endpoint_url,
        demo=args.demo,
        fmt=args.format,
        accounts=accounts,
    )


def _where(
    p: argparse.ArgumentParser, args: argparse.Namespace, environ: dict[str, str]
) -> tuple[list[str | None], list[str], dict[str, str]]:
    """(profiles, regions, accounts known up front) from --profile/--region, `all` expanded."""
    if args.demo:
        from tui.backups.demo import DEMO_ACCOUNTS, DEMO_ALL_REGIONS, DEMO_HOME_REGION

        names = args.profile or ["demo"]
        profiles: list[str | None] = list(DEMO_ACCOUNTS) if names == ["all"] else list(names)
        unknown = [n for n in profiles if n not in DEMO_ACCOUNTS]
        if unknown:
            p.error(f"the demo has the profiles {', '.join(DEMO_ACCOUNTS)}, not {unknown[0]}")
        wanted = args.region or [DEMO_HOME_REGION]
        regions = list(DEMO_ALL_REGIONS) if wanted == ["all"] else wanted
        return profiles, regions, dict(DEMO_ACCOUNTS)
    from tui.backups.profiles import default_region, list_profiles

    if args.profile == ["all"]:
        profiles = list(list_profiles(environ)) or [None]
    elif args.profile:
        profiles = list(args.profile)
    else:
        profiles = [None]
    if args.region == ["all"]:
        regions = BackupSource.available_regions()
    elif args.region:
        regions = list(args.region)
    else:
        found = environ.get("AWS_REGION") or default_region(environ, profiles[0])
        if not found:
            p.error("no region: pass --region (a name, a comma list or all) or set AWS_REGION")
        regions = [found]
    return profiles, regions, {}


class Expiries:
    """The computed expiry of each row, with one describe_clusters per cluster batch needed."""

    def __init__(self, source_for: Callable[[str | None], BackupSource], now: datetime) -> None:
        self._source_for = source_for
        self.now = now
        self._clusters: dict[tuple[str | None, str, str], ClusterInfo] = {}
        self._lock = threading.Lock()

    def after_page(self, source: SourceKey, page: Page) -> None:
        """In the page's call thread: look up the clusters its rows need that are not known.

        Shared backups are skipped: their cluster is in the owner's account, out of reach.
        """
        if source.shared:
            return
        with self._lock:
            ids = {
                b.cluster_id
                for b in page.backups
                if needs_cluster(b)
                and b.cluster_id
                and (source.profile, source.region, b.cluster_id) not in self._clusters
            }
        if not ids:
            return
        infos = fetch_clusters(self._source_for(source.profile), source.region, ids)
        with self._lock:
            for cid, info in infos.items():
                self._clusters[(source.profile, source.region, cid)] = info

    def of(self, row: Row) -> Expiry:
        b = row.backup
        info = self._clusters.get((row.source.profile, row.source.region, b.cluster_id or ""))
        return expiry(b, info, self.now)


def _source_factory(plan: Plan) -> Callable[[str | None], BackupSource]:
    made: dict[str | None, BackupSource] = {}
    lock = threading.Lock()
    session_factory = None
    if plan.demo:
        from tui.backups.demo import WorldSpec, start_demo

        # Anchored at now, as the browser's demo is: ages and expiry read as they would live.
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        session_factory = start_demo(WorldSpec(anchor=now)).session_factory()
    connect = min(5.0, plan.budget / 2)

    def source_for(profile: str | None) -> BackupSource:
        with lock:
            if profile not in made:
                made[profile] = BackupSource(
                    profile=profile,
                    endpoint_url=plan.endpoint_url,
                    session_factory=session_factory,
                    connect_timeout=connect,
                    read_timeout=plan.budget,
                    max_attempts=3,
                    retry_mode="adaptive",
                )
            return made[profile]

    return source_for


def run_list(
    plan: Plan,
    out: TextIO,
    err: TextIO,
    *,
    source_for: Callable[[str | None], BackupSource] | None = None,
    now: datetime | None = None,
) -> int:
    """List `plan` onto `out`; diagnostics on `err`; the exit status.

    `source_for` and `now` default to the real thing (or the demo world); tests pass a world
    and a frozen clock.
    """
    source_for = source_for or _source_factory(plan)
    sources = plan_sources(plan.profiles, plan.regions, plan.query, plan.ownership)
    listing = MergedListing(plan.query, sources, plan.accounts)
    expiries = Expiries(source_for, now or datetime.now(UTC))
    writer: Writer = make_writer(plan.fmt, out, plan.query)
    progress = err.isatty()

    def apply(update: MergeUpdate) -> None:
        if update.released:
            writer.rows([(row, expiries.of(row)) for row in update.released])
        if progress:
            err.write(f"\r{len(listing.rows)} listed, {listing.waiting()} held…")
            err.flush()

    FleetRun(
        listing,
        source_for,
        page_size=plan.page_size,
        concurrency=plan.concurrency,
        budget=plan.budget,
        after_page=expiries.after_page,
    ).run(apply, eager=True)
    if progress:
        err.write("\r\x1b[K")
    writer.close(listing)
    return report(listing, err)


def report(listing: MergedListing, err: TextIO) -> int:
    """Name each failed source on `err`; the exit status the listing earns."""
    for stream in listing.failed:
        error = stream.error
        assert error is not None
        err.write(
            f"hsm-backups list: {clean(stream.key.label)}: {stream.state}: "
            f"{clean(error.code)}: {clean(error.message)}\n"
        )
    if not listing.failed:
        return EXIT_COMPLETE
    answered = any(s.error is None or s.state == "not-enabled" for s in listing.streams.values())
    return EXIT_PARTIAL if answered else EXIT_NOTHING


def main(argv: Sequence[str]) -> int:
    plan = plan_from(argv, dict(os.environ))
    if plan.demo:
        from tui.backups.demo_wire import moto_problem

        if (problem := moto_problem()) is not None:
            sys.stderr.write(f"hsm-backups: {problem}\n")
            return 2
    try:
        return run_list(plan, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        sys.stderr.write("hsm-backups list: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `| head` closed the pipe: the reader has what it wanted. Quiet, and stdout is
        # pointed at /dev/null so the interpreter's own flush at exit cannot complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_COMPLETE
    except AwsError as error:
        sys.stderr.write(f"hsm-backups list: {clean(error.code)}: {clean(error.message)}\n")
        return EXIT_ERROR
    except Exception as exc:  # a bug: one line naming a private crash report, never a traceback
        from tui.crash import Crash, report

        sys.stderr.write(f"hsm-backups list: {report(Crash(exc, 'while listing'))}\n")
        return EXIT_ERROR
