"""Refresh the translation sources and compile them.

    python tools/update_translations.py          lupdate (keeps existing translations) + lrelease
    python tools/update_translations.py --check  fail if a string lacks a Chinese translation or a
                                                 .qm file is out of date (used by the tests)
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "resources" / "i18n"
SOURCE_DIRS = [ROOT / "console", ROOT / "widgets", ROOT / "video"]
TARGETS = {"zh_CN": [], "en": ["-pluralonly"]}


def _tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"pyside6-{name} not found; install PySide6-Essentials")
    return found


def sources() -> list[str]:
    files = []
    for directory in SOURCE_DIRS:
        for path in sorted(directory.rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "tr(" in text or "translate(" in text:
                files.append(str(path.relative_to(ROOT)))
    return files


def lupdate(ts_dir: Path) -> None:
    for lang, extra in TARGETS.items():
        ts = ts_dir / f"gridwatch_{lang}.ts"
        subprocess.run([_tool("lupdate"), *extra, "-no-obsolete", "-locations", "none", "-source-language", "en",
                        "-target-language", lang, *sources(), "-ts", str(ts)],
                       cwd=ROOT, check=True, capture_output=True)


def lrelease(ts_dir: Path, qm_dir: Path) -> None:
    for lang in TARGETS:
        subprocess.run([_tool("lrelease"), "-silent", str(ts_dir / f"gridwatch_{lang}.ts"),
                        "-qm", str(qm_dir / f"gridwatch_{lang}.qm")], check=True, capture_output=True)


def unfinished(ts: Path) -> list[str]:
    """Source strings in ``ts`` that have no finished translation."""
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        numerus = translation.findall("numerusform") if translation is not None else []
        empty = translation is None or (not (translation.text or "").strip() and
                                        not any((n.text or "").strip() for n in numerus))
        if empty or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            missing.append(message.findtext("source"))
    return missing


def check() -> list[str]:
    """Problems with the shipped translations (empty when they are complete and compiled)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for lang in TARGETS:
            shutil.copy(I18N / f"gridwatch_{lang}.ts", tmp / f"gridwatch_{lang}.ts")
        lupdate(tmp)
        for lang in TARGETS:
            for source in unfinished(tmp / f"gridwatch_{lang}.ts"):
                problems.append(f"{lang}: no translation for {source!r}")
        lrelease(tmp, tmp)
        for lang in TARGETS:
            if not filecmp.cmp(tmp / f"gridwatch_{lang}.qm", I18N / f"gridwatch_{lang}.qm", shallow=False):
                problems.append(f"{lang}: gridwatch_{lang}.qm is out of date; run tools/update_translations.py")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "translations complete")
        return 1 if problems else 0
    lupdate(I18N)
    lrelease(I18N, I18N)
    for lang in TARGETS:
        left = unfinished(I18N / f"gridwatch_{lang}.ts")
        print(f"{lang}: {len(left)} unfinished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
