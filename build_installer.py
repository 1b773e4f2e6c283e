"""Build GridPad's installer: a PyInstaller bundle, then a platform package around it.

    python build_installer.py                      # dist/gridpad/ (one-folder bundle)
    python build_installer.py --deb                # plus dist/gridpad_<version>_<arch>.deb
    python build_installer.py --server-url URL     # bake the central server's URL for fleet enrollment

The bundle is the tablet app (the ``gridpad`` command and its window); the central server
(``gridpad-server``) is not part of it. It carries resources/ (translations, styles, the CJK font).
IT enrolls each tablet afterwards with ``gridpad enroll --code CODE`` (the code from
``gridpad-server admin enroll-code`` or ``admin enroll-codes``): ``--server URL`` may be left out
when the bundle was built with ``--server-url``. No credential is ever part of the package.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

try:
    from gridpad import __version__
    from gridpad.config import DEFAULTS_FILENAME
except ModuleNotFoundError as missing:  # e.g. the system python instead of the project's venv
    raise SystemExit(f"build_installer: {missing}; "
                     "run it with the venv: .venv/bin/python build_installer.py") from None

ROOT = Path(__file__).resolve().parent
NAME = "gridpad"

# The central server and the test tools are installed in the dev venv but are not the tablet's:
# leaving them out keeps the bundle smaller and its analysis faster. (``gridpad demo`` starts a
# local server, so it works from a source checkout, not from the bundle.)
EXCLUDES = ("sync.server", "fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg", "psycopg_binary",
            "pytest", "pytestqt", "hypothesis", "schemathesis", "httpx", "mypy", "ruff", "importlinter",
            "tkinter", "IPython", "matplotlib", "pypdfium2")


def pyinstaller_args(distpath: Path, workpath: Path, server_url: str | None, clean: bool) -> list[str]:
    sep = ";" if sys.platform == "win32" else ":"
    args = [
        "--noconfirm", "--name", NAME, "--log-level", "WARN",
        "--distpath", str(distpath), "--workpath", str(workpath), "--specpath", str(workpath),
        # gridpad/ui/resources.py finds them at <bundle>/resources (its parents[2] when frozen).
        "--add-data", f"{ROOT / 'resources'}{sep}resources",
        # gridpad.cli imports each subcommand with importlib, which PyInstaller's analysis can't see.
        "--collect-submodules", "gridpad",
        "--collect-submodules", "sync.rules",
        "--collect-data", "stdnum",
        "--collect-data", "phonenumbers",
        "--collect-data", "pypinyin",
    ]
    # Qt's own dialog strings ("Look in:" → "查找范围：") go next to ours, where gridpad.ui.i18n
    # looks first: PyInstaller's Qt hooks do not promise to bundle Qt's translations.
    for qm in qt_translations():
        args += ["--add-data", f"{qm}{sep}resources/i18n"]
    if clean:
        args.append("--clean")
    for module in EXCLUDES:
        args += ["--exclude-module", module]
    if server_url:
        defaults = workpath / DEFAULTS_FILENAME
        defaults.parent.mkdir(parents=True, exist_ok=True)
        defaults.write_text(json.dumps({"server_url": server_url}), encoding="utf-8")
        args += ["--add-data", f"{defaults}{sep}."]
    return [*args, str(ROOT / "gridpad" / "__main__.py")]


def qt_translations() -> list[Path]:
    """Qt's translation of its own widgets for each language the app offers besides English."""
    from gridpad.ui.i18n import LANGUAGES, qt_catalog, qt_translation_dirs

    found = []
    qt_dir = qt_translation_dirs()[-1]
    for lang in LANGUAGES:
        if lang == "en":
            continue
        qm = qt_dir / f"{qt_catalog(lang)}.qm"
        if not qm.is_file():
            raise SystemExit(f"build_installer: Qt's {lang} translation {qm} is missing; reinstall PySide6")
        found.append(qm)
    return found


def compile_translations() -> None:
    """The .qm files are build products (not in git): make them from the .ts sources when stale."""
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    for ts in sorted((ROOT / "resources" / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)


def build_bundle(distpath: Path, workpath: Path, server_url: str | None, clean: bool = False) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit("build_installer: PyInstaller is missing; install it with: pip install -e '.[dev]'")
    compile_translations()
    args = pyinstaller_args(distpath, workpath, server_url, clean)
    subprocess.run([sys.executable, "-m", "PyInstaller", *args], check=True)
    return distpath / NAME


def build_deb(bundle: Path, distpath: Path, workpath: Path, compression: str = "zstd") -> Path:
    """/opt/gridpad (the bundle), /usr/bin/gridpad, a desktop entry; Qt's system deps as Depends.

    zstd packs the ~320 MB bundle in seconds where xz takes minutes; dpkg reads it from 1.21.18 on
    (Debian 12, Ubuntu 22.04). ``gzip`` is for older systems.
    """
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    root = workpath / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / NAME, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "gridpad.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=GridPad\nName[zh_CN]=网格通\n"
        f"Exec=/opt/{NAME}/{NAME} gui\nTerminal=false\nCategories=Office;\n", encoding="utf-8")
    (root / "DEBIAN").mkdir()
    size_kib = sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024
    (root / "DEBIAN" / "control").write_text(
        f"Package: gridpad\nVersion: {__version__}\nArchitecture: {arch}\n"
        f"Maintainer: GridPad <it@example.invalid>\nInstalled-Size: {size_kib}\n"
        # What Qt's xcb platform plugin and pyzbar load from the system (not bundled by PyInstaller).
        "Depends: libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4,"
        " libxcb-keysyms1, libfontconfig1, libdbus-1-3, libzbar0\n"
        "Section: misc\nPriority: optional\n"
        "Description: GridPad field terminal for grid managers\n"
        " Offline rental-house registry, inspections, QR door plates and sync with the central system.\n",
        encoding="utf-8")
    out = distpath / f"gridpad_{__version__}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", f"-Z{compression}", str(root), str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--deb", action="store_true", help="also build a Debian package (needs dpkg-deb)")
    p.add_argument("--deb-compression", choices=["zstd", "gzip", "xz"], default="zstd",
                   help="zstd (default; dpkg >= 1.21.18) or gzip/xz for older systems")
    p.add_argument("--server-url", help="central server URL to preset for enrollment")
    p.add_argument("--distpath", type=Path, default=ROOT / "dist", help="output folder (default dist/)")
    p.add_argument("--workpath", type=Path, default=ROOT / "build", help="scratch folder (default build/)")
    p.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = p.parse_args(argv)
    if args.server_url and not args.server_url.startswith(("https://", "http://")):
        p.error("--server-url: must start with https:// (or http:// for a test server)")
    started = time.monotonic()
    bundle = build_bundle(args.distpath.resolve(), args.workpath.resolve(), args.server_url, args.clean)
    print(f"bundle: {bundle} ({time.monotonic() - started:.0f} s)")
    if args.deb:
        deb = build_deb(bundle, args.distpath.resolve(), args.workpath.resolve(), args.deb_compression)
        print(f"package: {deb}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
