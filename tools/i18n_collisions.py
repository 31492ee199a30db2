"""List msgids whose Vietnamese translation differs between the catalogs Django merges.

At run time Django merges every catalog of a language into one: the project's LOCALE_PATHS
win, then INSTALLED_APPS in order (earlier apps win), then Django's own conf/locale. The same
(msgctxt, msgid) translated differently in two catalogs therefore shows only one translation
everywhere. Run from the repository root:

    /work/main/.venv/bin/python tools/i18n_collisions.py [--django]

With --django, also compare with the installed Django / third-party Vietnamese catalogs.
"""

import sys
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
# Precedence order at run time, highest first.
THEODOI = [
    "theodoi/locale",
    "theodoi/units/locale",
    "theodoi/plans/locale",
    "theodoi/reporting/locale",
    "theodoi/tuyenvan/roster/locale",
    "theodoi/tuyenvan/locale",
]


def third_party() -> list[Path]:
    import django

    base = Path(django.__file__).parent
    site = base.parent
    apps = ("admin", "auth", "contenttypes", "sessions", "humanize")
    paths = [base / "contrib" / app / "locale" for app in apps]
    paths += [site / "axes" / "locale", site / "simple_history" / "locale"]
    paths.append(base / "conf" / "locale")
    return paths


def load(locale_dir: Path) -> dict:
    po = locale_dir / "vi" / "LC_MESSAGES" / "django.po"
    if not po.exists():
        return {}
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id): m.string for m in catalog if m.id and m.string and not m.fuzzy}


def collisions(dirs: list[Path]) -> dict:
    seen: dict = defaultdict(dict)
    for directory in dirs:
        for key, text in load(directory).items():
            inside = ROOT in directory.parents
            name = directory.relative_to(ROOT if inside else directory.parents[3])
            seen[key][str(name)] = text
    return {key: found for key, found in seen.items() if len(set(map(str, found.values()))) > 1}


def main() -> None:
    dirs = [ROOT / d for d in THEODOI]
    if "--django" in sys.argv:
        dirs = dirs[:1] + third_party()[:-1] + dirs[1:] + third_party()[-1:]
    found = collisions(dirs)
    for (context, msgid), texts in sorted(found.items(), key=lambda i: str(i[0][1])):
        label = f"{context}|{msgid}" if context else msgid
        print(repr(label))
        for where, text in texts.items():
            print(f"    {where}: {text!r}")
    print(f"{len(found)} collision(s); the first catalog listed wins at run time.")


if __name__ == "__main__":
    main()
