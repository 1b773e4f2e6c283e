"""The ``gridpad-server`` command: ``serve`` the central system, ``admin`` it.

Exit 0 on success; a one-line reason on stderr and a non-zero exit otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import sqlalchemy as sa
import sqlalchemy.exc

from sync import hlc, private_files
from sync.server import admin, db


def data_dir_of(args: argparse.Namespace) -> Path:
    """The data dir, 0700 with every file in it 0600 (repaired if an older version left it open):
    it holds the plate and identity keys, photos and, by default, the database with the token key."""
    path = Path(args.data_dir or os.environ.get("GRIDPAD_SERVER_HOME")
                or platformdirs.user_data_dir("gridpad-server", appauthor=False))
    private_files.tighten(path)
    return path


def _sqlite_file(url: str) -> Path | None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def engine_of(args: argparse.Namespace) -> sa.engine.Engine:
    default = f"sqlite:///{data_dir_of(args) / 'server.sqlite3'}"
    url = args.db or os.environ.get("GRIDPAD_SERVER_DB") or default
    file = _sqlite_file(url)
    if file is not None and file.parent.is_dir() and not file.exists():
        # Made 0600 before SQLite makes it 0644 (its -wal/-shm then copy the file's mode).
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT, private_files.FILE_MODE))
    engine = db.make_engine(url)
    db.migrate(engine)
    if file is not None:  # on SQLite the file's mode is the token key's only protection
        for suffix in ("", "-wal", "-shm", "-journal"):
            private_files.private_file(f"{file}{suffix}")
    return engine


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database URL (default: a SQLite file in the data dir; "
                   "postgresql://user:pw@host/db for PostgreSQL)")
    p.add_argument("--data-dir", help="data dir (default: GRIDPAD_SERVER_HOME or the platform's)")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridpad-server", description="GridPad central system")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the HTTP API")
    _common(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--token-ttl", type=int, default=15 * 60, help="bearer token lifetime, seconds")
    s.add_argument("--ssl-certfile", help="PEM certificate (chain) to serve HTTPS with")
    s.add_argument("--ssl-keyfile", help="PEM private key of --ssl-certfile")
    a = sub.add_parser("admin", help="administer towns, grids, users, devices")
    _common(a)
    asub = a.add_subparsers(dest="what", required=True)
    for kind in ("town", "village", "grid"):
        k = asub.add_parser(kind).add_subparsers(dest="action", required=True).add_parser("add")
        k.add_argument("code")
        k.add_argument("--name", required=True)
        if kind == "village":
            k.add_argument("--town", required=True)
        if kind == "grid":
            k.add_argument("--village")
    us = asub.add_parser("user").add_subparsers(dest="action", required=True)
    # No abbreviations: "--password SECRET" must not be taken for --password-file (and echoed).
    u = us.add_parser("add", allow_abbrev=False)
    u.add_argument("name")
    u.add_argument("--role", required=True, choices=(*admin.ROLES, "centre", "department"))
    u.add_argument("--grids", help="grid codes, comma separated (grid managers and supervisors)")
    u.add_argument("--town", help="a centre user's town code")
    u.add_argument("--org", help="a department user's organisation")
    # Taken only to refuse it without echoing it (argparse would print an unknown argument's value).
    u.add_argument("--password", dest="password_argument", help=argparse.SUPPRESS)
    u.add_argument("--password-file", help="centre/department: read the password from this file "
                   "(first line); without it the password is asked for (never on the command line)")
    ug = us.add_parser("grids", help="replace a user's grids (devices follow at their next sync)")
    ug.add_argument("name")
    ug.add_argument("--grids", required=True, help="grid codes, comma separated: the full new list")
    _hazard_parsers(asub)
    e = asub.add_parser("enroll-code", help="issue a one-time enrollment code (the last line printed)")
    e.add_argument("name")
    e.add_argument("--days", type=int, default=7, help="valid for this many days")
    e.add_argument("--server", help="server URL to put in the QR code with the code")
    e.add_argument("--png", help="also write the QR code to this PNG file")
    b = asub.add_parser("enroll-codes", help="one code + QR PNG per user of a roster CSV (name,role,grids)")
    b.add_argument("--users-file", required=True, help="CSV with a header row: name,role,grids")
    b.add_argument("--out", required=True, help="new folder for the PNGs, codes.csv and codes.html")
    b.add_argument("--days", type=int, default=7, help="valid for this many days")
    b.add_argument("--server", help="server URL to put in each QR code (leave out if the installer has it)")
    asub.add_parser("devices", help="fleet list: last sync and backlog")
    r = asub.add_parser("revoke", help="revoke a device; it is told to wipe its data")
    r.add_argument("device_id")
    uc = asub.add_parser("unlock-code", help="a one-time code that opens a tablet locked by wrong PINs "
                         "(the code is the last line printed; the issue is audited)")
    uc.add_argument("--device", required=True, help="the device ID the tablet's lock screen shows")
    au = asub.add_parser("audit", help="what administrators did (unlock codes issued), oldest first")
    au.add_argument("--device", help="only this device")
    pl = asub.add_parser("plates", help="door-plate labels for a grid's buildings (A4 PDF or PNG)")
    pl.add_argument("--grid", required=True)
    pl.add_argument("--out", required=True, help="FILE.pdf (A4 sheets) or FILE.png")
    asub.add_parser("rotate-plate-key", help="new door-plate signing key (old plates stay valid)")
    tr = asub.add_parser("transfer", help="move a person (with its photos) to another grid; their ended "
                         "tenancies stay as the old grid's history; both grids' devices follow at "
                         "their next sync")
    tr.add_argument("kind", choices=["person"])
    tr.add_argument("row_id")
    tr.add_argument("--to", required=True, help="the new grid's code")
    asub.add_parser("check", help="list stored rows that break the shared rules, and persons sharing one "
                    "ID number in a grid (no values printed); exit 1 when there are any")
    return p


def _hazard_parsers(asub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    o = asub.add_parser("org", help="organisations the centre dispatches hazards to")
    oa = o.add_subparsers(dest="action", required=True).add_parser("add")
    oa.add_argument("name")
    oa.add_argument("--town", help="the town it serves (leave out: every town)")
    hz = asub.add_parser("hazard", help="hazards: list, show, act on the workflow")
    hs = hz.add_subparsers(dest="action", required=True)
    hl = hs.add_parser("list")
    hl.add_argument("--grid")
    hl.add_argument("--status", help="a state name: REPORTED, ACCEPTED, DISPATCHED, IN_PROGRESS, …")
    hl.add_argument("--json", action="store_true", help="a JSON list of objects")
    hw = hs.add_parser("show")
    hw.add_argument("hazard_id")
    hw.add_argument("--json", action="store_true")
    ha = hs.add_parser("act", help="append an action to the hazard's timeline if the rules allow it")
    ha.add_argument("hazard_id")
    ha.add_argument("hazard_action", metavar="ACTION", help="accept, reject, return, dispatch, sign-in, "
                    "send-back, extension-request, extension-approve, extension-deny, feedback, close, "
                    "supervise, expedite, …")
    ha.add_argument("--as", dest="as_user", help="act as this centre/department user, with its role and "
                    "territory (default: the server administrator)")
    ha.add_argument("--org", help="dispatch: the department to dispatch to")
    ha.add_argument("--note", default="")
    ha.add_argument("--days", type=int, help="extension-request/-approve: working days")
    ha.add_argument("--level", help="accept: re-grade (EMERGENCY, MAJOR, GENERAL, COMPLEX); "
                    "supervise: normal, yellow or red")
    ha.add_argument("--completion", choices=["procedural", "partial", "substantive"], help="feedback")


def _read_password(args: argparse.Namespace) -> str:
    """From ``--password-file`` (its first line) or asked twice on the terminal; never an argument."""
    import getpass

    if args.password_file:
        try:
            lines = Path(args.password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise admin.AdminError(f"--password-file {args.password_file}: cannot read it ({e})") from None
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        raise admin.AdminError("password: no terminal to ask it on; give --password-file FILE")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise admin.AdminError("password: the two entries differ")
    return first


def _add_user(args: argparse.Namespace) -> None:
    if args.password_argument is not None:
        raise admin.AdminError("--password: never on the command line (shell history, process list); "
                               "use --password-file FILE or answer the prompt")
    if args.role in admin.ROLES:
        if args.town or args.org or args.password_file:
            raise admin.AdminError(f"a {args.role} has grids (--grids), no --town, --org or password")
        admin.add_user(engine_of(args), args.name, args.role,
                       [g.strip() for g in (args.grids or "").split(",") if g.strip()])
        return
    from sync.server import staff

    if args.grids:
        raise admin.AdminError(f"a {args.role} user has no grids: leave out --grids")
    staff.add_staff(engine_of(args), args.name, args.role, _read_password(args), hlc.now_ms(),
                    town=args.town, org=args.org)


def _enroll_qr_text(code: str, server: str | None) -> str:
    if not server:
        return code
    from urllib.parse import urlencode
    return "gridpad://enroll?" + urlencode({"server": server, "code": code})


def _enroll_code(args: argparse.Namespace) -> None:
    import qrcode

    code = admin.issue_code(engine_of(args), args.name, hlc.now_ms(), args.days * 24 * 3600 * 1000)
    qr = qrcode.QRCode(border=1)
    qr.add_data(_enroll_qr_text(code, args.server))
    qr.make(fit=True)
    print(f"One-time enrollment code for {args.name}, valid {args.days} days:")
    qr.print_ascii(out=sys.stdout)
    if args.png:
        qr.make_image().save(args.png)
        print(f"QR code written to {args.png}")
    print(code)


def _enroll_codes(args: argparse.Namespace) -> None:
    """Users added as needed, codes issued in one transaction, then the batch folder written."""
    from sync.server import roster

    entries = roster.read_roster(Path(args.users_file))
    out = Path(args.out)
    roster.check_out_dir(out)
    now, ttl = hlc.now_ms(), args.days * 24 * 3600 * 1000
    codes = admin.issue_roster_codes(engine_of(args), entries, now, ttl)
    index = roster.write_batch(out, entries, codes, args.server, now + ttl)
    print(f"{len(codes)} one-time enrollment codes, valid {args.days} days: {index} "
          f"(QR codes and {roster.INDEX_HTML} beside it; keep the folder safe, delete it once enrolled)")


def _when(ms: int | None) -> str:
    if ms is None:
        return "never"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _check(args: argparse.Namespace) -> int:
    from sync.server import duplicates, legacy_rows

    found = legacy_rows.breaches(engine_of(args))
    twins = duplicates.duplicate_id_numbers(engine_of(args))
    print("table\tid\tfield\trule")
    for b in found:
        print(f"{b.table}\t{b.row_id}\t{b.field}\t{b.rule}")
    for _grid, ids in twins:
        for row_id in ids:
            print(f"person\t{row_id}\tid_number\t{duplicates.RULE}")
    rows = len({(b.table, b.row_id) for b in found})
    print(f"{rows} row(s) break the shared rules" + (": devices show them for correction" if rows else ""),
          file=sys.stderr)
    if twins:
        print(f"{len(twins)} ID number(s) registered to more than one person in a grid: "
              "to review and merge", file=sys.stderr)
    return 1 if found or twins else 0


def _transfer(args: argparse.Namespace) -> None:
    from sync.server import grid_transfer

    moved = grid_transfer.transfer_person(engine_of(args), args.row_id, args.to)
    print(f"{args.kind} {args.row_id} {moved.summary()}")


def _actor() -> str:
    """Who runs the command, for the audit (the OS login; GRIDPAD_ADMIN names a shared account's user)."""
    import getpass

    return os.environ.get("GRIDPAD_ADMIN") or getpass.getuser()


def _unlock_code(args: argparse.Namespace) -> None:
    from sync import unlock_code
    from sync.server import unlock

    issued = unlock.issue_unlock_code(engine_of(args), data_dir_of(args), args.device, _actor(), hlc.now_ms())
    print(f"Unlock code No. {issued.counter} for device {issued.device_id} ({issued.user}); it works once. "
          "Read it to the user, who then chooses a new PIN:")
    print(unlock_code.spaced(issued.code))


def _audit(args: argparse.Namespace) -> None:
    from sync.server import unlock

    print("time\tactor\taction\tdevice_id\tdetail")
    for e in unlock.audit_log(engine_of(args), args.device):
        print("\t".join([_when(e.at_ms), e.actor, e.action, e.device_id or "-", e.detail]))


def _add_org(args: argparse.Namespace) -> None:
    from sync.server import staff

    staff.add_org(engine_of(args), args.name, args.town)


def _hazard(args: argparse.Namespace) -> int:
    from sync.server import hazard_cli

    return hazard_cli.run(engine_of(args), args, _actor())


_COMMANDS: dict[str, Callable[[argparse.Namespace], int | None]] = {
    "hazard": _hazard, "check": _check, "transfer": _transfer, "enroll-code": _enroll_code,
    "enroll-codes": _enroll_codes,
    "unlock-code": _unlock_code, "audit": _audit,
}


def _admin(args: argparse.Namespace) -> int | None:
    w = args.what
    own = _COMMANDS.get(w)
    if own is not None:
        return own(args)
    if w == "town":
        admin.add_town(engine_of(args), args.code, args.name)
    elif w == "village":
        admin.add_village(engine_of(args), args.code, args.name, args.town)
    elif w == "grid":
        admin.add_grid(engine_of(args), args.code, args.name, args.village)
    elif w == "user":
        if args.action == "grids":
            grids = [g.strip() for g in args.grids.split(",") if g.strip()]
            admin.set_user_grids(engine_of(args), args.name, grids)
            print(f"user {args.name} now has grids {', '.join(dict.fromkeys(grids))}")
            return None
        _add_user(args)
    elif w == "org":
        _add_org(args)
    elif w == "devices":
        print("device_id\tuser\tname\tstatus\tlast_sync\tbacklog\tphoto_backlog")
        for d in admin.devices(engine_of(args)):
            print("\t".join([d.id, d.user, d.name or "-", "revoked" if d.revoked else "active",
                             _when(d.last_sync_ms), "-" if d.backlog is None else str(d.backlog),
                             "-" if d.photo_backlog is None else str(d.photo_backlog)]))
        return None
    elif w == "revoke":
        admin.revoke(engine_of(args), args.device_id)
        print(f"revoked {args.device_id}: it will be refused and told to wipe its data")
        return None
    elif w == "plates":
        from sync.server import plates
        from sync.server.refusal import Refused
        try:
            written = plates.grid_sheet(engine_of(args), data_dir_of(args), args.grid, Path(args.out))
        except Refused as e:
            raise admin.AdminError(e.body.reason) from None
        except ValueError as e:
            raise admin.AdminError(str(e)) from None
        print(f"{len(written)} file(s): {', '.join(str(p) for p in written)}")
        return None
    elif w == "rotate-plate-key":
        from sync.server import keys
        print(f"new plate signing key {keys.rotate_signing_key(data_dir_of(args))}")
        return None
    print(f"added {w} {getattr(args, 'code', None) or args.name}")
    return None


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from sync.server.app import create_app

    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise admin.AdminError("--ssl-certfile and --ssl-keyfile: give both (HTTPS) or neither (HTTP)")
    for flag, value in (("--ssl-certfile", args.ssl_certfile), ("--ssl-keyfile", args.ssl_keyfile)):
        if value and not Path(value).is_file():
            raise admin.AdminError(f"{flag}: no such file {value}")
    app = create_app(engine_of(args), data_dir_of(args), token_ttl_ms=args.token_ttl * 1000)
    scheme = "https" if args.ssl_certfile else "http"
    print(f"gridpad-server listening on {scheme}://{args.host}:{args.port}", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                ssl_certfile=args.ssl_certfile, ssl_keyfile=args.ssl_keyfile)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    private_files.restrict_umask()  # keys, photos, the database: for this user only
    try:
        if args.command == "serve":
            _serve(args)
        else:
            return _admin(args) or 0
    except (admin.AdminError, db.NewerDatabaseError) as e:
        print(f"gridpad-server: {e}", file=sys.stderr)
        return 1
    except sqlalchemy.exc.OperationalError as e:
        print(f"gridpad-server: cannot use the database: {e.orig}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
