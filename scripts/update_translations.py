"""Refresh resources/i18n/*.ts from the UI sources, keeping every translation already made.

    .venv/bin/python scripts/update_translations.py

Runs ``pyside6-lupdate`` over gridpad/ui. Module-level helpers written as
``def tr(text): return QCoreApplication.translate("Ctx", text)`` reach lupdate without a context,
so their messages are moved to the context the helper uses at run time ("Ctx"); helpers that
translate in the empty context ("") keep lupdate's empty context. Translations are
carried over by (context, source), so re-running never loses work. Then fill in the empty
``<translation type="unfinished">`` entries (Qt Linguist, or by hand) and run scripts/setup.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "gridpad" / "ui"
TS_FILES = sorted((ROOT / "resources" / "i18n").glob("*.ts"))
_HELPER = re.compile(r"def (\w+)\(text[^)]*\)[^:]*:\s*\n\s*return QCoreApplication\.translate\(\"(\w+)\"")

Key = tuple[str, str, str]  # context, source, comment


def _helper_contexts() -> dict[str, str]:
    """file name -> context used by its module-level tr() helper."""
    out = {}
    for path in UI.glob("*.py"):
        m = _HELPER.search(path.read_text(encoding="utf-8"))
        if m:
            out[path.name] = m.group(2)
    return out


def _key(context: str, message: ET.Element) -> Key:
    comment = message.find("comment")
    return context, message.findtext("source") or "", "" if comment is None else comment.text or ""


def _translations(ts: Path) -> dict[Key, ET.Element]:
    if not ts.exists():
        return {}
    kept = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for message in ctx.iter("message"):
            translation = message.find("translation")
            unfinished = ("unfinished", "vanished", "obsolete")
            if translation is not None and translation.get("type") not in unfinished:
                kept[_key(name, message)] = translation
    return kept


def update(ts: Path) -> tuple[int, int]:
    previous = _translations(ts)
    sources = [str(p.relative_to(ROOT)) for p in sorted(UI.glob("*.py"))]
    subprocess.run([str(Path(sys.executable).parent / "pyside6-lupdate"), "-silent", "-no-obsolete",
                    *sources, "-ts", str(ts)], cwd=ROOT, check=True)
    tree = ET.parse(ts)
    root = tree.getroot()
    helpers = _helper_contexts()
    contexts = {c.findtext("name") or "": c for c in root.iter("context")}
    orphans = contexts.get("")
    if orphans is None:
        orphans = next((c for c in root.findall("context") if c.findtext("name") in (None, "None")), None)
    if orphans is not None:
        for message in orphans.findall("message"):
            # lupdate merges equal texts from several files into one message with several locations.
            files = [Path(loc.get("filename", "")).name for loc in message.findall("location")]
            named = {helpers[f] for f in files if helpers.get(f)}
            if len(named) == len(files):  # used only by named helpers: move it
                orphans.remove(message)
            for target_name in sorted(named):
                target = contexts.get(target_name)
                if target is None:
                    target = ET.SubElement(root, "context")
                    ET.SubElement(target, "name").text = target_name
                    contexts[target_name] = target
                key = _key(target_name, message)
                if not any(_key(target_name, m) == key for m in target.findall("message")):
                    target.append(copy.deepcopy(message))
    if orphans is not None and not orphans.findall("message"):
        root.remove(orphans)
    done = todo = 0
    for name, ctx in contexts.items():
        for message in ctx.findall("message"):
            old = previous.get(_key(name, message))
            translation = message.find("translation")
            if old is not None and translation is not None:
                message.remove(translation)
                message.append(old)
                translation = old
            if translation is not None and translation.get("type") == "unfinished":
                todo += 1
            else:
                done += 1
    ET.indent(tree)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return done, todo


def main() -> int:
    for ts in TS_FILES or [ROOT / "resources" / "i18n" / "gridpad_zh_CN.ts"]:
        done, todo = update(ts)
        print(f"{ts.name}: {done} translated, {todo} to translate")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
