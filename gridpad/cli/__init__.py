"""The ``gridpad`` command (DESIGN.md: a contract that tests, IT scripts and docs depend on).

Each subcommand lives in its own module under ``gridpad.cli`` with ``run(args) -> int`` and is
imported only when used, so ``gridpad search`` does not pay for Qt.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from gridpad import __version__


class CommandError(Exception):
    """A failure to report as one line on stderr with a non-zero exit."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridpad", description="GridPad field terminal")
    p.add_argument("--data-dir", help="data directory (default: $GRIDPAD_HOME or the platform's)")
    p.add_argument("--version", action="version", version=f"gridpad {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", help="open the app")
    g.add_argument("--lang", choices=["zh_CN", "en"], help="interface language")
    g.add_argument("--quit-after-first-paint", action="store_true",
                   help="smoke test: print what the first screen shows once painted, then exit")

    d = sub.add_parser("demo", help="local server + demo grid + the app")
    d.add_argument("--persons", type=int, default=6000, help="persons to seed (default 6000)")
    d.add_argument("--lang", choices=["zh_CN", "en"])
    d.add_argument("--no-gui", action="store_true", help="set everything up but do not open the window")
    d.add_argument("--quit-after-first-paint", action="store_true",
                   help="smoke test: print what the first screen shows once painted, then exit")

    s = sub.add_parser("seed-demo", help="fill the data dir with a fictional Dongguan grid")
    s.add_argument("--persons", type=int, default=6000)
    s.add_argument("--seed", type=int, default=1, help="random seed (same seed, same grid)")

    i = sub.add_parser("import", help="import a registry spreadsheet (.xlsx/.csv)")
    i.add_argument("file")
    i.add_argument("--grid", help="grid code the rows belong to (default: the only grid here)")
    i.add_argument("--errors", help="write rejected rows here (.csv/.xlsx; default FILE.errors.csv)")

    e = sub.add_parser("export", help="export the registry")
    e.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="jsonl")
    e.add_argument("--out", help="output file (default: stdout for jsonl; required for xlsx)")

    a = sub.add_parser("apply", help="apply edits from a jsonl file")
    a.add_argument("file")

    en = sub.add_parser("enroll", help="enroll this device with the central system")
    en.add_argument("--server", help="central server URL (default: the one this installer was built with)")
    en.add_argument("--code", required=True)
    en.add_argument("--ca-bundle", help="CA bundle to verify the server's certificate")

    sy = sub.add_parser("sync", help="push then pull once")
    sy.add_argument("--ca-bundle")

    h = sub.add_parser("held", help="changes the server refused, set aside: list, retry or discard")
    h.add_argument("action", nargs="?", choices=["retry", "discard"],
                   help="retry: send again with the record's values now; discard: drop the change")
    h.add_argument("id", nargs="?", help="the change's ID as listed")

    q = sub.add_parser("search", help="the app's search box on the command line")
    q.add_argument("query")
    q.add_argument("--limit", type=int, default=20)

    sc = sub.add_parser("scan", help="decode door plates in images")
    sc.add_argument("images", nargs="+")
    sc.add_argument("--raw", action="store_true", help="print each decoded text as it is")
    sc.add_argument("--backend", choices=["zxing", "zbar"], default="zxing")

    pl = sub.add_parser("plates", help="print door-plate labels")
    pl.add_argument("--grid", help="grid code")
    pl.add_argument("--building", action="append", default=[], help="building id (repeatable)")
    pl.add_argument("--out", required=True, help="FILE.pdf or FILE.png")
    return p


_MODULES = {
    "gui": "gui", "demo": "demo", "seed-demo": "seed_demo", "import": "import_",
    "export": "export", "apply": "apply", "enroll": "enroll", "sync": "sync", "held": "held",
    "search": "search", "scan": "scan", "plates": "plates",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "gui"
    if args.command is None:
        args.lang = None
    module = importlib.import_module(f"gridpad.cli.{_MODULES[command]}")
    try:
        return int(module.run(args))
    except CommandError as exc:
        print(f"gridpad {command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except ModuleNotFoundError as exc:
        if not getattr(sys, "frozen", False):
            raise
        # The installer bundle leaves out the central server (`gridpad demo` starts one).
        print(f"gridpad {command}: not part of the installed app (needs {exc.name}); "
              "run it from a source checkout", file=sys.stderr)
        return 2
