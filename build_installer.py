"""Build GridPad's installer: a PyInstaller bundle, then a platform package around it.

    python build_installer.py                      # dist/gridpad/ (one-folder bundle)
    python build_installer.py --deb                # plus dist/gridpad_<version>_<arch>.deb
    python build_installer.py --server-url URL     # bake the central server's URL for fleet enrollment

The bundle carries resources/ (translations, styles, the CJK font, checklists). IT enrolls each
tablet afterwards with ``gridpad enroll --server URL --code CODE`` (the code from
``gridpad-server admin enroll-code``), so no credential is ever part of the package.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from gridpad import __version__

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"


def pyinstaller_args(server_url: str | None) -> list[str]:
    sep = ";" if sys.platform == "win32" else ":"
    args = [
        "--noconfirm", "--clean", "--name", "gridpad", "--windowed",
        "--add-data", f"{ROOT / 'resources'}{sep}resources",
        # Imported lazily by gridpad.cli, so PyInstaller's analysis would miss them.
        "--collect-submodules", "gridpad",
        "--collect-submodules", "sync",
        "--collect-data", "stdnum",
        "--collect-data", "phonenumbers",
        "--collect-data", "pypinyin",
        "--distpath", str(DIST), "--workpath", str(ROOT / "build"),
    ]
    if server_url:
        defaults = ROOT / "build" / "defaults.json"
        defaults.parent.mkdir(parents=True, exist_ok=True)
        defaults.write_text(json.dumps({"server_url": server_url}), encoding="utf-8")
        args += ["--add-data", f"{defaults}{sep}."]
    return [*args, str(ROOT / "gridpad" / "__main__.py")]


def build_bundle(server_url: str | None) -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", *pyinstaller_args(server_url)], check=True)
    return DIST / "gridpad"


def build_deb(bundle: Path) -> Path:
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    root = ROOT / "build" / "deb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / "gridpad")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "gridpad").symlink_to("/opt/gridpad/gridpad")
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "gridpad.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=GridPad\nName[zh_CN]=网格通\n"
        "Exec=/opt/gridpad/gridpad\nTerminal=false\nCategories=Office;\n", encoding="utf-8")
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: gridpad\nVersion: {__version__}\nArchitecture: {arch}\n"
        "Maintainer: GridPad <it@example.invalid>\n"
        "Depends: libegl1, libgl1, libxkbcommon0, libfontconfig1, libdbus-1-3, libpulse0, libzbar0\n"
        "Description: GridPad field terminal for grid managers\n", encoding="utf-8")
    out = DIST / f"gridpad_{__version__}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", str(root), str(out)], check=True)
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--deb", action="store_true", help="also build a Debian package")
    p.add_argument("--server-url", help="central server URL to preset for enrollment")
    args = p.parse_args()
    bundle = build_bundle(args.server_url)
    print(bundle)
    if args.deb:
        print(build_deb(bundle))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
