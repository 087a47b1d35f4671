"""Command line: parse flags into Settings, then run the app (also `python -m tui`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tui import __version__
from tui.backups.commands import PICK_FORMATS
from tui.backups.filewrite import cancel_writes
from tui.backups.models import (
    BACKUP_STATES,
    MAX_PAGE_SIZE,
    BackupQuery,
    TypedIds,
    invalid_backup_ids,
    invalid_cluster_ids,
    read_ids,
)
from tui.settings import Settings

if TYPE_CHECKING:
    from tui.app import HsmBackupsApp

_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")


def _page_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise argparse.ArgumentTypeError(f"must be 1–{MAX_PAGE_SIZE}, got {value}")
    return value


def _latency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of milliseconds: {text!r}") from None
    if not 0 <= value <= 60_000:
        raise argparse.ArgumentTypeError(f"must be 0–60000 ms, got {value}")
    return value


def _region(text: str) -> str:
    """A region name's shape; one botocore lists passes too (eusc-de-east-1). Whether it is a
    region botocore knows is a warning, said once every flag has been read (_warn_regions)."""
    if _REGION.fullmatch(text) is None:
        from tui.backups.regions import is_known, partition_named

        if partition_named(text) is None or not is_known(text):
            raise argparse.ArgumentTypeError(f"not an AWS region name: {text!r}")
    return text


def _endpoint_url(text: str) -> str:
    """An http(s) URL with a host, as botocore needs; anything else fails on every call."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"not a URL: {text!r} (expected http:// or https:// and a host, "
            "e.g. https://cloudhsmv2.us-east-1.amazonaws.com)"
        )
    return text


def _regions(text: str) -> tuple[str, ...]:
    regions = tuple(dict.fromkeys(r.strip() for r in text.split(",") if r.strip()))
    if not regions:
        raise argparse.ArgumentTypeError("expected a comma-separated list of regions")
    return tuple(_region(r) for r in regions)


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")
    return lowered == "true"


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad flag told in one line (its usage is eight: the error scrolls away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (--help lists every flag)\n")


def parser() -> argparse.ArgumentParser:
    """The argument parser; filter flags pre-fill the sidebar."""
    p = _Parser(
        prog="hsm-backups",
        description="Browse AWS CloudHSM v2 backups in the terminal.",
        epilog="Credentials, profile, region and endpoint come from the standard AWS chain "
        "(AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL, ~/.aws/config, SSO) "
        "as in the AWS CLI; flags override them.",
    )
    p.add_argument("--version", action="version", version=f"hsm-backups {__version__}")
    p.add_argument("--demo", action="store_true", help="browse a built-in demo world (no AWS)")
    p.add_argument(
        "--demo-latency",
        type=_latency,
        default=0,
        metavar="MS",
        help="with --demo: delay every API call by MS milliseconds",
    )
    p.add_argument(
        "--demo-hostile",
        action="store_true",
        help="with --demo: tags full of markup, terminal escapes and bidi tricks",
    )
    p.add_argument("--profile", help="AWS profile name (default: AWS_PROFILE or default)")
    p.add_argument("--region", type=_region, help="AWS region (default: AWS_REGION, profile)")
    p.add_argument("--endpoint-url", type=_endpoint_url, help="CloudHSM v2 endpoint URL override")
    p.add_argument(
        "--regions",
        type=_regions,
        metavar="R1,R2,…",
        help="regions to search for copies (L); default: every CloudHSM region of the partition",
    )
    p.add_argument(
        "--pick",
        action="store_true",
        help="pick mode: Enter prints the highlighted backup on stdout and exits (status 0); "
        "Esc or q exits with status 1 and prints nothing; the screen is drawn on stderr, so "
        "$(hsm-backups --pick) works",
    )
    p.add_argument(
        "--pick-format",
        choices=PICK_FORMATS,
        default="id",
        help="with --pick: print the backup ID (default), its ARN, or the backup as JSON",
    )
    p.add_argument(
        "--theme",
        metavar="NAME",
        help="colour theme, remembered for the next runs: hsm-dark, hsm-light, hsm-16 (the "
        "terminal's 16 colours), hsm-mono (no colour) or one of Textual's; 'auto' forgets the "
        "saved one. Default: hsm-mono under NO_COLOR, hsm-16 on a 16-colour terminal, else "
        "hsm-dark. Ctrl+P 'Theme' switches while running",
    )
    p.add_argument(
        "--no-watch",
        action="store_false",
        dest="watch",
        help="do not re-check loaded CREATE_IN_PROGRESS / PENDING_DELETION backups every 30 s",
    )
    p.add_argument(
        "--page-size",
        type=_page_size,
        default=MAX_PAGE_SIZE,
        metavar="N",
        help=f"backups per API call, 1–{MAX_PAGE_SIZE} (default {MAX_PAGE_SIZE})",
    )
    f = p.add_argument_group("start-up filters (pre-fill the sidebar)")
    f.add_argument("--backup-id", action="append", default=[], metavar="ID")
    f.add_argument("--source-backup-id", action="append", default=[], metavar="ID")
    f.add_argument("--cluster-id", action="append", default=[], metavar="ID")
    f.add_argument("--state", action="append", default=[], choices=BACKUP_STATES, type=str.upper)
    f.add_argument("--never-expires", type=_bool, metavar="true|false")
    f.add_argument("--shared", action="store_true", help="backups shared with me")
    f.add_argument("--oldest-first", action="store_true", help="sort oldest first")
    return p


def _ids(values: list[str]) -> TypedIds:
    return read_ids(" ".join(values))


def _arn_region(p: argparse.ArgumentParser, args: argparse.Namespace, *typed: TypedIds) -> None:
    """A backup or cluster ARN names its region: list there (a different --region is an error).

    A source backup's ARN names where the source is, not where its copies are listed: it
    gives its ID only.
    """
    regions = list(dict.fromkeys(r for t in typed for r in t.regions))
    if len(regions) > 1:
        p.error(f"the ARNs name {len(regions)} regions ({', '.join(regions)}): list one at a time")
    if regions:
        (named,) = regions
        if args.region is not None and args.region != named:
            p.error(f"the ARN is in {named}, but --region is {args.region}")
        args.region = named


def _warn_regions(regions: list[str]) -> None:
    """One line on stderr per region botocore does not know; the run goes on (regions newer
    than the installed botocore exist). The connection error names the region too."""
    if not regions:
        return  # botocore's region data is not even read
    from tui.backups.regions import unknown_region

    for region in dict.fromkeys(regions):
        if (why := unknown_region(region)) is not None:
            _say(f"warning: {why}; going on with it.")


def settings_from_args(argv: Sequence[str] | None = None) -> Settings:
    """Parse and validate; invalid values exit with status 2 and one line, before any UI."""
    p = parser()
    args = p.parse_args(argv)
    backup_ids, cluster_ids = _ids(args.backup_id), _ids(args.cluster_id)
    _arn_region(p, args, backup_ids, cluster_ids)
    query = BackupQuery(
        backup_ids=backup_ids.ids,
        source_backup_ids=_ids(args.source_backup_id).ids,
        cluster_ids=cluster_ids.ids,
        states=tuple(s for s in BACKUP_STATES if s in args.state),
        never_expires=args.never_expires,
        shared=args.shared,
        sort_ascending=args.oldest_first,
    )
    for flag, bad in (
        ("--backup-id", invalid_backup_ids(query.backup_ids)),
        ("--source-backup-id", invalid_backup_ids(query.source_backup_ids)),
        ("--cluster-id", invalid_cluster_ids(query.cluster_ids)),
    ):
        if bad:
            p.error(f"{flag}: not a valid ID: {', '.join(bad)}")
    # The demo reads no AWS profile and calls no endpoint: these would be silently ignored,
    # and a run that ignores what it was told looks like it obeyed. Refused, as the --demo-*
    # flags are without --demo, rather than warned about: the screen covers a warning at once.
    for flag, given, why in (
        ("--profile", args.profile, "its two accounts are built in"),
        ("--endpoint-url", args.endpoint_url, "it calls no endpoint: moto runs in-process"),
    ):
        if args.demo and given is not None:
            p.error(f"{flag} does not apply with --demo ({why})")
    if args.demo_latency and not args.demo:
        p.error("--demo-latency only applies with --demo")
    if args.demo_hostile and not args.demo:
        p.error("--demo-hostile only applies with --demo")
    if args.pick_format != "id" and not args.pick:
        p.error("--pick-format only applies with --pick")
    if args.theme is not None:
        from tui.themes import AUTO, theme_names

        if args.theme not in (names := [*theme_names(), AUTO]):
            p.error(f"--theme: no theme {args.theme!r}; choose from {', '.join(names)}")
    _warn_regions([*([args.region] if args.region else []), *(args.regions or ())])
    return Settings(
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        page_size=args.page_size,
        query=query,
        demo=args.demo,
        demo_latency_ms=args.demo_latency,
        demo_hostile=args.demo_hostile,
        search_regions=args.regions,
        pick=args.pick_format if args.pick else None,
        theme=args.theme,
        watch=args.watch,
    )


def _size_from_stderr() -> None:
    """Let the terminal size come from stderr when stdout is not a terminal.

    Textual draws on stderr but asks `shutil.get_terminal_size()`, which looks at stdout:
    inside `$(hsm-backups --pick)` that is a pipe, and every screen would be laid out at
    80x24 whatever the real size, resizes included.
    """
    import shutil

    if sys.__stdout__ is None or sys.__stdout__.isatty() or sys.__stderr__ is None:
        return
    stderr_fd = sys.__stderr__.fileno()
    fallback_size = shutil.get_terminal_size

    def get_terminal_size(fallback: tuple[int, int] = (80, 24)) -> os.terminal_size:
        try:
            return os.get_terminal_size(stderr_fd)
        except (AttributeError, ValueError, OSError):
            return fallback_size(fallback)

    shutil.get_terminal_size = get_terminal_size


#: Signals that end the app the way q does, after stopping an export in progress: the SSH
#: connection dropping (SIGHUP), `kill` (SIGTERM) and an interrupt from outside (SIGINT; the
#: terminal sends Ctrl+C as a key).
_ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM", "SIGINT") if hasattr(signal, name)
)


@dataclass
class _Signalled:
    """What the ending signals did: which came, and the exports they stopped."""

    signals: list[int] = field(default_factory=list)
    cancelled: list[Path] = field(default_factory=list)


@contextlib.contextmanager
def _stopped_by_signals(app: HsmBackupsApp) -> Iterator[_Signalled]:
    """While the app runs, an ending signal cancels any export at once (its temporary file
    goes from the handler itself) and asks the app to exit.

    The handler only schedules the exit on the app's loop (call_soon_threadsafe), it never
    touches the app's state. Outside the loop (before it starts, after it ends) the signal
    ends the process straight away, with the same status.
    """
    received = _Signalled()

    def ended(signum: int, _frame: object) -> None:
        received.signals.append(signum)
        received.cancelled += cancel_writes()  # the files go now; said once the screen is gone
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            os._exit(128 + signum)
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)

    previous = {signum: signal.signal(signum, ended) for signum in _ENDING_SIGNALS}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `hsm-backups` command.

    An unexpected error anywhere, before the screen opens or in it, ends in one line on
    stderr naming a crash report (tui/crash.py) and status 1: never a traceback.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["list"]:
        from tui.headless.list_command import main as list_main

        return list_main(args[1:])
    try:
        settings = settings_from_args(argv)
        if (problem := _unrunnable(settings)) is not None:
            _say(problem)  # before Textual is imported: nothing is drawn
            return 2
        _size_from_stderr()
        if os.environ.get("NO_COLOR") == "":
            # no-color.org: an empty NO_COLOR means colour is fine; Textual would drop colour.
            del os.environ["NO_COLOR"]
        from tui.app import build_app

        app = build_app(settings)
    except KeyboardInterrupt:  # Ctrl+C while starting (imports, the demo world): quietly
        return INTERRUPTED
    except Exception as exc:
        return _crashed(exc, "while starting, before the screen opened")
    try:
        code = _browse(app, settings)
    except KeyboardInterrupt:
        code = INTERRUPTED
    except Exception as exc:  # after the app: the terminal is restored
        code = _crashed(exc, "after the browser closed")
    # A worker thread may still sit in a slow AWS call (read timeouts are 20 s, retries
    # several): its answer no longer matters, and the interpreter would otherwise wait for it
    # at exit. The terminal is already restored here; flush and leave at once.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


#: The exit status of a run stopped by Ctrl+C.
INTERRUPTED = 130


def _unrunnable(settings: Settings) -> str | None:
    """Why the browser cannot start here (a dumb terminal, the demo without moto), or None."""
    if (problem := terminal_problem(os.environ)) is not None:
        return problem
    if settings.demo:
        from tui.backups.demo_wire import moto_problem

        return moto_problem()
    return None


def _crashed(error: BaseException, during: str) -> int:
    """Say the one line (the report goes to a private file), and the status: 1."""
    from tui.crash import Crash, report

    _say(report(Crash(error, during)))
    return 1


def _browse(app: HsmBackupsApp, settings: Settings) -> int:
    """Run the app; say, once the screen is restored, what the user should hear; the status."""
    with _stopped_by_signals(app) as signalled:
        picked = app.run()
    if app.crash is not None:
        from tui.crash import report

        _say(report(app.crash))
    # A theme or time mode chosen just before quitting is not lost; the screen is gone, so
    # what the user should hear about it goes to stderr.
    problem = app.remembered.write().problem
    for said in [*app.remembered.untold(), *([problem] if problem else [])]:
        _say(said)
    code = app.return_code or 0
    # The export a signal or Ctrl+C stopped (its temporary file is gone already), and any
    # still being written now the app has ended: said once the screen is restored.
    stopped = [*signalled.cancelled, *app.cancelled_exports, *cancel_writes()]
    for target in dict.fromkeys(stopped):
        _say(f"the export to {target} was cancelled; nothing written.")
        code = code or INTERRUPTED
    if signalled.signals:
        code = 128 + signalled.signals[0]
    if settings.pick is not None and app.crash is None:
        # The screen went to stderr; stdout carries the pick alone, for $(hsm-backups --pick).
        if picked is None:
            code = code or 1
        elif (problem := print_pick(picked)) is not None:
            _say(problem)
            code = 1
    return 1 if app.crash is not None else code


#: TERM values of terminals that cannot show a full-screen program (no cursor addressing).
DUMB_TERMS = frozenset({"dumb"})


def terminal_problem(environ: Mapping[str, str]) -> str | None:
    """Why this terminal cannot show the browser, or None. An unset or empty TERM is not
    taken as dumb: pipes and some CI runners have none, and the app has always run there."""
    term = environ.get("TERM", "")
    if term in DUMB_TERMS:
        return f"this terminal (TERM={term}) cannot show the full-screen browser."
    return None


def _say(line: str) -> None:
    """One line on stderr, which may be closed or a terminal that hung up: then nothing."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"hsm-backups: {line}\n")
        sys.stderr.flush()


def print_pick(text: str) -> str | None:
    """Print the pick on stdout; None when it got there, else why not, in one line.

    stdout may be closed (`>&-`: Python has no sys.stdout), full (`>/dev/full`), or a pipe
    whose reader has gone (`| true`). None of that is worth a traceback.
    """
    out = sys.stdout
    if out is None:
        return "stdout is closed: the picked backup was not printed."
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:
        return "stdout was closed (broken pipe): the picked backup was not printed."
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return f"could not print the picked backup on stdout ({reason})."
    return None


if __name__ == "__main__":
    sys.exit(main())
