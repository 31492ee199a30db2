"""The new Tỉnh ủy's administrator hands the Ban Tuyên giáo's open work to the merged ban."""

from datetime import date

import pytest

from theodoi.testing import PASSWORD, make_plan, make_reform, make_user, make_work_item, make_world
from theodoi.units.models import Membership, UnitHandover

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_hands_the_bans_open_work_over(live_server, browser):
    world = make_world()
    reform = make_reform(world)
    make_work_item(make_plan(world, year=2025), lead=world.btg, end=date(2025, 12, 31))
    make_user("admin2025", "admin", reform.province)
    base = live_server.url
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (import the views before the browser waits)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, base, "admin2025", PASSWORD)
    page.goto(f"{base}/units/{world.btg.pk}/handover/", timeout=60_000)
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in page.content()
    screenshot(page, "handover-preview")
    page.fill("textarea[name=reason]", "Quyết định hợp nhất hai ban")
    page.click("button[name=confirm]")
    page.wait_for_url(f"**/units/{world.btg.pk}/")
    screenshot(page, "handover-done")
    assert "Quyết định hợp nhất hai ban" in page.content()
    assert Membership.objects.get(user=world.coordinator).unit == reform.ban
    assert UnitHandover.objects.get().moved["plans"]
    context.close()
