"""Enrollment codes for a fleet: a roster CSV in, one QR PNG per user and a printable index out.

The roster is ``name,role,grids`` with a header row (grids separated by ``;``, ``,`` or spaces
inside the field), UTF-8 (with or without BOM) or GB18030 as Excel saves it on Chinese Windows.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from sync.server.admin import AdminError, RosterEntry

COLUMNS = ("name", "role", "grids")
INDEX_CSV = "codes.csv"
INDEX_HTML = "codes.html"
_GRID_SEP = re.compile(r"[;,\s]+")
_UNSAFE = re.compile(r"[^\w.-]+")


def enroll_uri(code: str, server: str | None) -> str:
    """What the QR holds: the app's settings screen reads ``gridpad://enroll?server=…&code=…``,
    or a bare code when the tablets already know the server (installer built with --server-url)."""
    return "gridpad://enroll?" + urlencode({"server": server, "code": code}) if server else code


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise AdminError(f"{path.name}: not UTF-8 or GB18030 text; save it as CSV UTF-8") from None


def read_roster(path: Path) -> list[RosterEntry]:
    """The roster's users; raises AdminError naming the file, line and column of a bad row."""
    try:
        text = _decode(path)
    except OSError as e:
        raise AdminError(f"--users-file {path}: {e.strerror}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise AdminError(f"{path.name} line 1: needs the columns {','.join(COLUMNS)} "
                         f"(missing {','.join(missing)})")
    reader.fieldnames = header
    entries: list[RosterEntry] = []
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # blank line, e.g. the end of an Excel sheet
        grids = tuple(g for g in _GRID_SEP.split(row["grids"] or "") if g)
        entries.append(RosterEntry(f"{path.name} line {reader.line_num}", (row["name"] or "").strip(),
                                   (row["role"] or "").strip().lower(), grids))
    if not entries:
        raise AdminError(f"{path.name}: no users listed")
    return entries


def check_out_dir(out: Path) -> None:
    """Codes are shown once: never write over an earlier batch."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise AdminError(f"--out {out}: exists and is not an empty folder; choose a new one "
                         "(an earlier batch's codes would be lost)")


def write_batch(out: Path, entries: Sequence[RosterEntry], codes: Sequence[str], server: str | None,
                expires_ms: int) -> Path:
    """``out/NNN-name.png`` per user, ``codes.csv`` (user,role,grids,code,png,expires) and
    ``codes.html`` (one card per user, to print and hand out); returns the CSV's path."""
    import qrcode

    out.mkdir(parents=True, exist_ok=True)
    expires = datetime.fromtimestamp(expires_ms / 1000, UTC).strftime("%Y-%m-%d %H:%MZ")
    rows: list[dict[str, str]] = []
    for i, (e, code) in enumerate(zip(entries, codes, strict=True), start=1):
        png = f"{i:03d}-{_UNSAFE.sub('_', e.name).strip('_') or 'user'}.png"
        qr = qrcode.QRCode(border=2, box_size=8)
        qr.add_data(enroll_uri(code, server))
        qr.make(fit=True)
        with (out / png).open("wb") as f:
            qr.make_image().save(f)
        rows.append({"user": e.name, "role": e.role, "grids": ";".join(e.grids), "code": code,
                     "png": png, "expires": expires})
    index = out / INDEX_CSV
    with index.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel opens it as UTF-8
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    esc = [{k: html.escape(v) for k, v in r.items()} for r in rows]
    cards = "\n".join(
        f'<div class="card"><img src="{r["png"]}" alt=""><p class="user">{r["user"]}</p>'
        f'<p>{r["role"]} · {r["grids"]}</p><p class="code">{r["code"]}</p></div>' for r in esc)
    where = f"Server: {html.escape(server)} · " if server else ""
    (out / INDEX_HTML).write_text(
        '<!doctype html><meta charset="utf-8"><title>GridPad enrollment codes</title><style>'
        "body{font-family:sans-serif}.card{display:inline-block;width:45%;margin:1em;page-break-inside:avoid}"
        "img{width:6cm}.user{font-size:1.4em;font-weight:bold}.code{font-family:monospace;font-size:1.3em}"
        f"</style><h1>GridPad enrollment codes</h1><p>{where}one-time codes, valid until {expires}. "
        "Scan in Settings → Enroll, or type the code.</p>\n" + cards + "\n", encoding="utf-8")
    return index
