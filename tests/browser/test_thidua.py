"""A coordinator reads the 2018 mid-year ranking of the provincial agencies with its
published weights, follows a rank to its components and the data behind one, closes
the year (after a confirmation) and finds that reopening it demands a reason."""

import pytest

from theodoi.core.clock import fixed_today
from theodoi.testing import PASSWORD, make_world
from theodoi.thidua import actions
from theodoi.thidua.models import EmulationYear
from theodoi.thidua.tests.conftest import TODAY, Setup

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _number(text: str) -> str:
    return text.strip().replace(",", ".")


def test_a_coordinator_reads_closes_and_reopens_the_ranking(live_server, page):
    world = make_world()
    with fixed_today(TODAY):
        Setup(world)
        actions.do_save_weights(
            world.province, 2018, "agency",
            {"report_completeness": 20, "report_timeliness": 20, "work_on_time": 40,
             "findings_closed": 20},
            by=world.coordinator, note="Quyết định 99-QĐ/TU về tiêu chí thi đua năm 2018",
        )  # fmt: skip
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    asked: list[str] = []
    page.on("dialog", lambda dialog: asked.append(dialog.message))
    base = live_server.url
    with fixed_today(TODAY):
        page.goto(f"{base}/accounts/login/", timeout=60_000)
        login(page, base, "coordinator", PASSWORD)
        page.goto(f"{base}/thidua/?period=2018-H1&level=agency")
        weights = page.locator("section.card table").first.inner_text()
        assert "40" in weights and "20" in weights
        assert "99-QĐ/TU" in page.content()
        ranking = page.locator("table").nth(1)
        first = ranking.locator("tbody tr").first
        assert first.locator("td").first.inner_text().strip() == "1"
        assert world.bdv.name in first.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "thidua-ranking-2018-h1")

        first.locator("a").first.click()
        page.wait_for_url(f"{base}/thidua/units/{world.bdv.pk}/*")
        explained = page.locator("table").first
        rows = explained.locator("tbody tr")
        assert rows.count() == 4
        work = rows.filter(has_text="1/2")
        assert _number(work.locator("td").nth(3).inner_text()) == "50.00"
        assert work.locator("td").nth(4).inner_text().strip() == "40"
        total = explained.locator("tfoot").inner_text()
        assert "100" in total
        screenshot(page, "thidua-explain-bdv")
        link = work.locator("a")
        href = link.get_attribute("href")
        assert href
        response = page.goto(base + href if href.startswith("/") else href)
        assert response is not None and response.status == 200
        assert "/reporting/" in page.url

        page.goto(f"{base}/thidua/?period=2018-H1&level=agency")
        page.click("form[action$='/close/'] button")
        page.wait_for_load_state()
        assert asked and "2018" in asked[-1]
        year = EmulationYear.objects.get(province=world.province, year=2018)
        assert year.is_closed
        assert page.locator("h1 .badge.s-accepted").count() == 1
        assert "period=2018-H1" in page.url
        screenshot(page, "thidua-closed")

        # Reopening without a reason: the browser asks for it, and the server refuses
        # it when the browser's check is bypassed.
        reopen = page.locator("form[action$='/reopen/']")
        reopen.locator("button").click()
        assert page.evaluate("document.querySelector('#t-reason').validity.valueMissing")
        year.refresh_from_db()
        assert year.is_closed
        page.evaluate("document.querySelector('#t-reason').removeAttribute('required')")
        reopen.locator("button").click()
        page.wait_for_load_state()
        assert page.locator(".messages, [role=alert]").count() >= 1
        year.refresh_from_db()
        assert year.is_closed
        screenshot(page, "thidua-reopen-needs-reason")
        page.fill("#t-reason", "Bổ sung báo cáo của Sở Thông tin và Truyền thông")
        page.locator("form[action$='/reopen/'] button").click()
        page.wait_for_load_state()
        year.refresh_from_db()
        assert not year.is_closed
        assert page.locator("h1 .badge.s-draft").count() == 1
        last = year.history.first()
        assert last.history_change_reason.startswith("Bổ sung báo cáo")
