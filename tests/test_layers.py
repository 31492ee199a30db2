"""The house reads as the README says: one access layer, apps that do not reach into each other.

Read from the source, so a new page or endpoint that fetches an object or
checks a role by itself fails here before it is ever served.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "theodoi"


def _channel_modules() -> list[Path]:
    """Every module that answers requests: views and API, files or packages."""
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = path.stem
        if name.startswith(("views", "api")) or any(p in ("views", "api") for p in parts[:-1]):
            found.append(path)
    return sorted(found)


# What only the access layer (theodoi/permissions/) may do.
# (A scope the layer gave, narrowed by get_object_or_404, is fine: a model is not.)
FORBIDDEN = {
    r"\bget_object_or_404\(\s*[A-Z]": "fetch through permissions.<app>.access_<thing>()",
    r"\.objects\.get\(": "fetch through permissions.<app>.access_<thing>()",
    r"\breach\(": "ask a visible_*() scope or an access_*() helper",
    r"\bhas_role\(": "ask a rule through the access layer",
}


@pytest.mark.parametrize("path", _channel_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_and_api_decide_access_only_through_the_layer(path):
    text = path.read_text(encoding="utf-8")
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}: {hint}"
        for pattern, hint in FORBIDDEN.items()
        for m in re.finditer(pattern, text)
    ]
    assert not found, "\n".join(found)


def _app_of(module: str) -> str:
    """``theodoi.tuyenvan.roster.views`` → ``tuyenvan.roster``; ``theodoi.plans.x`` → ``plans``."""
    parts = module.split(".")[1:]
    if len(parts) >= 2 and parts[0] == "tuyenvan" and parts[1] == "roster":
        return "tuyenvan.roster"
    return parts[0] if parts else ""


def test_no_app_imports_another_apps_views():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT.parent)
        if "tests" in relative.parts or relative.parent == Path("theodoi"):
            continue  # the project's urls.py mounts every app's views
        module = ".".join(relative.with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                # core is the base every app stands on (layout, API kit, home).
                if not target.startswith("theodoi.") or target.startswith("theodoi.core"):
                    continue
                if not re.search(r"\.(views|views_\w+|api)(\.|$)", target):
                    continue
                if _app_of(target) != _app_of(module):
                    offenders.append(f"{module} imports {target}")
    assert not offenders, "\n".join(sorted(set(offenders)))


# begin handover
def test_units_imports_no_other_app():
    """The units app is the base the others stand on: the handover registry in it
    imports no app; each app registers its own step (``theodoi/<app>/handover.py``)."""
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} - {"units", "core"}
    offenders = []
    for path in (ROOT / "units").rglob("*.py"):
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "theodoi" and len(parts) > 1 and parts[1] in apps:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_every_app_with_a_handover_step_registers_it():
    from theodoi.units.handover import steps

    registered = {step.name for step in steps()}
    with_step = {p.parent.name for p in ROOT.glob("*/handover.py")}
    assert with_step <= registered, with_step - registered


# end handover
