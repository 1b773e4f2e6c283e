"""The ``gridpad`` command (DESIGN.md: a contract that tests, IT scripts and docs depend on).

Each subcommand lives in its own module under ``gridpad.cli`` with ``run(args) -> int`` and is
imported only when used, so ``gridpad search`` does not pay for Qt.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from gridpad import __version__
from sync import private_files


class CommandError(Exception):
    """A failure to report as one line on stderr with a non-zero exit."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridpad", description="GridPad field terminal")
    data_dir_help = "data directory (default: $GRIDPAD_HOME or the platform's)"
    p.add_argument("--data-dir", help=data_dir_help)
    # Also accepted after the subcommand (`gridpad plates --data-dir D …`); SUPPRESS keeps a value
    # given before it when it is not repeated.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_dir_help)
    p.add_argument("--version", action="version", version=f"gridpad {__version__}")
    p.add_argument("--debug", action="store_true",
                   help="on an unexpected error, print the Python traceback (it may show record values)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", parents=[common], help="open the app")
    g.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")
    g.add_argument("--quit-after-first-paint", action="store_true",
                   help="smoke test: print what the first screen shows once painted, then exit")

    d = sub.add_parser("demo", parents=[common], help="local server + demo grid + the app")
    d.add_argument("--persons", type=int, default=6000, help="persons to seed (default 6000)")
    d.add_argument("--lang", choices=["zh_CN", "en"])
    d.add_argument("--no-gui", action="store_true", help="set everything up but do not open the window")
    d.add_argument("--quit-after-first-paint", action="store_true",
                   help="smoke test: print what the first screen shows once painted, then exit")

    s = sub.add_parser("seed-demo", parents=[common],
                       help="fill the data dir with a fictional Dongguan grid")
    s.add_argument("--persons", type=int, default=6000)
    s.add_argument("--seed", type=int, default=1, help="random seed (same seed, same grid)")

    i = sub.add_parser("import", parents=[common], help="import a registry spreadsheet (.xlsx/.csv)")
    i.add_argument("file")
    i.add_argument("--grid", help="grid code the rows belong to (default: the only grid here)")
    i.add_argument("--errors", help="write rejected rows here (.csv/.xlsx; default FILE.errors.csv)")

    e = sub.add_parser("export", parents=[common], help="export the registry")
    e.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="jsonl")
    e.add_argument("--out", help="output file (default: stdout for jsonl; required for xlsx)")

    a = sub.add_parser("apply", parents=[common], help="apply edits from a jsonl file")
    a.add_argument("file")

    en = sub.add_parser("enroll", parents=[common], help="enroll this device with the central system")
    en.add_argument("--server", help="central server URL (default: the one this installer was built with)")
    en.add_argument("--code", required=True)
    en.add_argument("--ca-bundle", help="CA bundle to verify the server's certificate")

    sy = sub.add_parser("sync", parents=[common], help="push then pull once")
    sy.add_argument("--ca-bundle")

    h = sub.add_parser("held", parents=[common],
                       help="changes the server refused, set aside: list, retry or discard")
    h.add_argument("action", nargs="?", choices=["retry", "discard"],
                   help="retry: send again with the record's values now; discard: drop the change")
    h.add_argument("id", nargs="?", help="the change's ID as listed")

    q = sub.add_parser("search", parents=[common], help="the app's search box on the command line")
    q.add_argument("query")
    q.add_argument("--limit", type=int, default=20)

    sc = sub.add_parser("scan", parents=[common], help="decode door plates in images")
    sc.add_argument("images", nargs="+")
    sc.add_argument("--raw", action="store_true", help="print each decoded text as it is")
    sc.add_argument("--backend", choices=["zxing", "zbar"], default="zxing")

    pl = sub.add_parser("plates", parents=[common], help="print door-plate labels")
    pl.add_argument("--grid", help="grid code")
    pl.add_argument("--building", action="append", default=[], help="building id (repeatable)")
    pl.add_argument("--out", required=True, help="FILE.pdf or FILE.png")
    pl.add_argument("--demo", action="store_true",
                    help="sign with the key of the demo's local server (`gridpad demo`), even while it runs")
    ins = sub.add_parser("inspect", parents=[common],
                         help="record an inspection (the runner's rules), or --finish a draft")
    ins.add_argument("building", nargs="?", metavar="BUILDING_ID", help="the building inspected")
    ins.add_argument("--template", metavar="CODE", help="checklist template code, e.g. RENTAL_FIRE")
    ins.add_argument("--outcome", choices=["entered", "nobody_home", "refused", "vacant"],
                     help="the visit's outcome; only entered records item answers")
    ins.add_argument("--answers", metavar="FILE.json", help="JSON object: item id -> answer")
    ins.add_argument("--photo", action="append", default=[], metavar="ITEM=FILE",
                     help="a photo of an item (repeatable)")
    ins.add_argument("--fixed", action="append", default=[], metavar="ITEM=AFTER_PHOTO",
                     help="an item fixed on the spot (即巡即整), with its after-photo (repeatable)")
    ins.add_argument("--draft", action="store_true", help="save it as a draft, do not submit")
    ins.add_argument("--finish", metavar="ID", help="add to and submit the draft ID")
    return p


_MODULES = {
    "gui": "gui", "demo": "demo", "seed-demo": "seed_demo", "import": "import_",
    "export": "export", "apply": "apply", "enroll": "enroll", "sync": "sync", "held": "held",
    "search": "search", "scan": "scan", "plates": "plates", "inspect": "inspect",
}


#: Exit status for a failure the command did not foresee (sysexits.h EX_SOFTWARE).
EXIT_UNEXPECTED = 70
#: What a shell reports for a process its reader stopped listening to (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    private_files.restrict_umask()  # the database, photos, exports: personal data, this user only
    command = args.command or "gui"
    if args.command is None:
        args.lang = None
    try:
        module = importlib.import_module(f"gridpad.cli.{_MODULES[command]}")
        return int(module.run(args))
    except CommandError as exc:
        return _fail(command, str(exc), 2)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `gridpad export | head`: the reader has all it wanted. Later writes (the interpreter's own
        # flush at exit) go nowhere instead of raising again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except ModuleNotFoundError as exc:
        if not getattr(sys, "frozen", False):
            return _unexpected(command, exc, args)
        # The installer bundle leaves out the central server (`gridpad demo` starts one).
        return _fail(command, f"not part of the installed app (needs {exc.name}); "
                              "run it from a source checkout", 2)
    except Exception as exc:  # noqa: BLE001 - the safety net: one line and an exit status, never a traceback
        return _unexpected(command, exc, args)


def _fail(command: str, message: str, status: int) -> int:
    print(f"gridpad {command}: {message}", file=sys.stderr)
    return status


def _unexpected(command: str, exc: Exception, args: argparse.Namespace) -> int:
    """One line naming the problem. The exception's own text is not printed: it may quote a
    record's value (an ID number, a phone); ``--debug`` shows the traceback for a developer."""
    from gridpad.store.errors import StoreVersionError, is_damaged_database

    debug = bool(args.debug)
    if debug:
        traceback.print_exc()
    if is_damaged_database(exc):
        return _fail(command, f"the data file {_db_file(args.data_dir)} is damaged or not a GridPad "
                              "database; restore it from a backup, or move it away to start afresh", 2)
    if isinstance(exc, StoreVersionError):
        return _fail(command, str(exc), 2)
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(command, f"{where}{exc.strerror}", 2)
    if isinstance(exc, RecursionError):
        return _fail(command, "the input is nested too deeply to read", 2)
    hint = "" if debug else " (run with --debug to see where)"
    return _fail(command, f"failed unexpectedly: {type(exc).__name__}{hint}", EXIT_UNEXPECTED)


def _db_file(data_dir: str | None) -> Path:
    from gridpad import config

    return config.db_path(config.data_dir(data_dir))
