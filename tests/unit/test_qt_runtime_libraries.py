"""Every Qt platform and multimedia plugin finds all its libraries (what ``scripts/setup`` installs).

A missing system library does not fail an offscreen test run: Qt silently skips the xcb plugin or
the FFmpeg backend, and the real window or the camera then fails only on a user's machine.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import PySide6
import pytest

PLUGINS = Path(PySide6.__file__).parent / "Qt" / "plugins"
#: platforms: the real window (xcb), wayland, offscreen…; xcbglintegrations: loaded by xcb;
#: multimedia: the camera (FFmpeg backend).
KINDS = ("platforms", "xcbglintegrations", "multimedia")


def _plugins(kind: str) -> list[Path]:
    return sorted((PLUGINS / kind).glob("*.so"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_plugin_finds_its_libraries(kind: str) -> None:
    ldd = shutil.which("ldd")
    assert ldd, "ldd (libc-bin) is missing"
    plugins = _plugins(kind)
    assert plugins, f"no Qt {kind} plugins under {PLUGINS}"
    missing: dict[str, set[str]] = {}
    for plugin in plugins:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=True).stdout
        lost = {line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line}
        if lost:
            missing[plugin.name] = lost
    assert not missing, f"libraries not found (add their Debian packages to scripts/setup): {missing}"


def test_the_plugins_the_app_relies_on_are_there() -> None:
    names = {p.name for kind in KINDS for p in _plugins(kind)}
    assert {"libqxcb.so", "libqoffscreen.so", "libffmpegmediaplugin.so"} <= names
