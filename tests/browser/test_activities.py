"""An official of the Ban Tuyên giáo records an online reporters' conference from a
360 px phone; the online-share target changes and drills down to the new record."""

from datetime import date

import pytest

from theodoi.activities.tests.factories import conference, target
from theodoi.testing import PASSWORD, make_world

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _number(text: str) -> str:
    """The value as shown, whatever the page's decimal separator."""
    return text.strip().replace(",", ".")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_official_records_an_online_conference_from_a_phone(live_server, phone):
    world = make_world()
    conference(world.btg, date(2018, 1, 18), "in_person", ("Hội trường Tỉnh ủy", 150))
    share = target(
        world.province, "share", "50", "gt", kind="reporters_conference", share_mode="online",
        name="Online reporters' conferences above 50%",
    )  # fmt: skip
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    base = live_server.url
    phone.goto(f"{base}/accounts/login/", timeout=60_000)
    login(phone, base, "coordinator", PASSWORD)
    phone.goto(f"{base}/activities/targets/")
    row = phone.locator(f"tr[data-target='{share.pk}']")
    assert _number(row.locator(".value").inner_text()) == "0.0%"

    phone.goto(f"{base}/activities/")
    phone.click("details.new-record summary")
    phone.click("a[data-kind=reporters_conference]")
    phone.fill("input[name=title]", "Hội nghị báo cáo viên tháng 2/2018")
    phone.fill("input[name=start]", "2018-02-08")
    phone.check("input[name=mode][value=online]")
    phone.fill("input[name=topic]", "Định hướng dư luận dịp Tết Mậu Tuất")
    phone.fill("textarea[name=points]", "Hội trường Tỉnh ủy; 120\nHuyện ủy Một; 45")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "activities-new-conference")
    phone.click("button[type=submit].primary")
    phone.wait_for_url(f"{base}/activities/*/")
    assert "Huyện ủy Một" in phone.content()

    phone.goto(f"{base}/activities/targets/")
    assert _number(row.locator(".value").inner_text()) == "50.0%"
    row.locator("a").click()
    records = phone.locator("table.records")
    assert "Hội nghị báo cáo viên tháng 2/2018" in records.inner_text()
    counted = records.locator("tr", has_text="tháng 2/2018")
    assert "✓" in counted.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "activities-target-drill-down")
