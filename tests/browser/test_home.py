"""The role homes in Chromium, on the demo (15/07/2018): at 360 px for the commune and
the coordinator (each line leads to its action), screenshots of every role's home on
a phone and a desktop, and axe-core on the 15 main pages (no serious or critical
finding).

axe-core is vendored (tests/browser/vendor/axe-4.14.1.min.js, MPL-2.0, from the npm
package ``axe-core``): the browser tests run offline.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import ARTIFACTS, CHROMIUM, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-browser-password"
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
ROLES = ["commune", "coordinator", "district", "agency", "official", "viewer", "admin"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(live_server, monkeypatch, settings, tmp_path):
    settings.THEODOI_DEMO = True
    settings.DATA_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
    call_command("load_demo", stdout=StringIO())
    return live_server.url


def _context(browser, viewport):
    import shutil

    assert shutil.which(CHROMIUM) or Path(CHROMIUM).exists()
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    context.set_default_timeout(15_000)
    return context


def _no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide on a {width}px screen"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_commune_and_coordinator_homes_on_a_360px_phone(demo, browser):
    context = _context(browser, PHONE)
    page = context.new_page()
    # The commune: its month first in the menu, its steps linking to the forms.
    login(page, demo, "tv.xa", PASSWORD)
    _no_sideways_scroll(page, 360)
    header = page.locator("header.top").bounding_box()
    assert header["height"] <= 740 / 5, f"the header takes {header['height']}px of 740"
    first = page.locator("nav.menu a").first
    assert first.inner_text() == "Tháng của xã"
    lines = page.locator("#role-commune .todo-line")
    assert lines.count() >= 4
    window = page.locator("#role-commune a", has_text="giải trình")
    assert "thời hạn giải trình đang mở đến hết ngày" in page.locator("#role-commune").inner_text()
    window.first.click()
    page.wait_for_load_state()
    assert "/explain/" in page.url and page.locator("h1").count() == 1
    page.go_back()
    page.locator("#role-commune a", has_text="tự chấm").first.click()
    page.wait_for_load_state()
    assert "/sheet/self/" in page.url
    assert page.locator("input[name^=points-]").count() > 0
    # The coordinator: the ten reports waiting, each a link to its decision.
    context.clear_cookies()
    login(page, demo, "coordinator", PASSWORD)
    _no_sideways_scroll(page, 360)
    waiting = page.locator("#role-coordinator details", has_text="Báo cáo chờ bạn quyết định: 10")
    if waiting.get_attribute("open") is None:
        waiting.locator("summary").click()
    links = waiting.locator(".todo-children a")
    assert links.count() == 10
    links.first.click()
    page.wait_for_load_state()
    assert "/reporting/reports/" in page.url
    assert page.locator("form[action$='/accept/']").count() == 1
    context.close()


def test_screenshots_of_every_roles_home(demo, browser):
    """Phone and desktop screenshots of each role's home (test-artifacts/home-*.png)."""
    for viewport, kind in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context = _context(browser, viewport)
        page = context.new_page()
        for username in ROLES:
            context.clear_cookies()
            login(page, demo, username, PASSWORD)
            assert page.locator(".card.todo").count() >= 1
            _no_sideways_scroll(page, viewport["width"])
            _shot(page, f"home-{username}-{kind}")
        context.close()


def _main_pages(base: str) -> list[tuple[str, str]]:
    """(account, path) of the 15 main pages."""
    from theodoi.plans.models import Plan
    from theodoi.reporting.models import ProgressReport
    from theodoi.tuyenvan.models import MonthlyResult
    from theodoi.tuyenvan.roster.models import RosterRound
    from theodoi.units.models import Unit

    plan = Plan.objects.order_by("pk").first()
    report = ProgressReport.objects.filter(state="submitted").order_by("pk").first()
    result = (
        MonthlyResult.objects.filter(month="2018-06-01", district__name="Huyện ủy Bát Xát")
        .order_by("pk")
        .first()
    )
    roster = RosterRound.objects.order_by("pk").first()
    commune = Unit.objects.get(name="Xã Phú Nhuận")
    return [
        ("coordinator", "/"),
        ("commune", "/"),
        ("coordinator", "/plans/"),
        ("coordinator", f"/plans/{plan.pk}/"),
        ("coordinator", f"/plans/{plan.pk}/matrix/"),
        ("coordinator", f"/reporting/plans/{plan.pk}/"),
        ("coordinator", f"/reporting/reports/{report.pk}/"),
        ("agency", "/reporting/"),
        ("coordinator", "/tuyenvan/?month=2018-06"),
        ("district", f"/tuyenvan/communes/{result.commune_id}/2018-06/"),
        ("tv.xa", f"/tuyenvan/communes/{commune.pk}/2018-06/explain/"),
        ("coordinator", "/tuyenvan/rankings/?period=2018-06"),
        ("coordinator", f"/tuyenvan/people/roster/{roster.pk}/"),
        ("coordinator", "/reporting/notifications/"),
        ("coordinator", "/units/"),
    ]


def test_axe_finds_nothing_serious_on_the_main_pages(demo, browser):
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for viewport in (PHONE, DESKTOP):
        context = _context(browser, viewport)
        page = context.new_page()
        who = None
        for username, path in _main_pages(demo):
            if username != who:
                context.clear_cookies()
                login(page, demo, username, PASSWORD)
                who = username
            response = page.goto(demo + path)
            assert response.status == 200, path
            page.add_script_tag(content=source)
            result = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
                " where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
            )
            if result:
                found[f"{viewport['width']}px {username} {path}"] = result
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-main-pages.json").write_text(
        json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
