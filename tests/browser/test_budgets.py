"""An agency files its detailed plan with a budget estimate, the coordinator returns it
with a comment, the agency fixes and resubmits it, the coordinator approves it."""

import pytest

from theodoi.budgets.models import DetailedPlan
from theodoi.budgets.tests.conftest import Setup
from theodoi.testing import PASSWORD, make_world

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, base, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, base, username, PASSWORD)
    return context, page


def _step(page, step, comment=None):
    form = page.locator(f"form[action$='/step/{step}/']")
    if comment is not None:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_an_agency_files_its_budget_it_is_returned_fixed_and_approved(live_server, browser):
    setup = Setup(make_world())
    base = live_server.url
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (import the views before the browser waits)
    agency_ctx, agency = _page(browser, base, "agency")
    agency.goto(f"{base}/budgets/plans/{setup.plan.pk}/", timeout=60_000)
    agency.locator("form.card button.primary").click()
    agency.wait_for_url("**/budgets/*/")
    dp = DetailedPlan.objects.get()
    add = agency.locator(f"form[action$='/budgets/{dp.pk}/lines/']")
    add.locator("select[name=work_item]").select_option(str(setup.item1.pk))
    add.locator("input[name=activity]").fill("In tờ rơi tuyên truyền Đề án")
    add.locator("input[name=timing]").fill("Quý II")
    add.locator("input[name=amount]").fill("12.500.000")
    add.locator("select[name=source]").select_option("provincial")
    add.locator("button[type=submit]").click()
    agency.wait_for_load_state()
    assert agency.inner_text("#budget-total") == "12.500.000 ₫"
    _step(agency, "submit")
    assert agency.get_attribute("[data-state]", "data-state") == "submitted"

    coord_ctx, coordinator = _page(browser, base, "coordinator")
    coordinator.goto(f"{base}/budgets/{dp.pk}/")
    _step(coordinator, "return", "Bổ sung dự toán hội nghị báo cáo viên")
    assert coordinator.get_attribute("[data-state]", "data-state") == "returned"

    agency.goto(f"{base}/budgets/{dp.pk}/")
    assert "Bổ sung dự toán hội nghị báo cáo viên" in agency.inner_text("main")
    add = agency.locator(f"form[action$='/budgets/{dp.pk}/lines/']")
    add.locator("select[name=work_item]").select_option(str(setup.item2.pk))
    add.locator("input[name=activity]").fill("Hội nghị báo cáo viên")
    add.locator("input[name=amount]").fill("20.000.000")
    add.locator("button[type=submit]").click()
    agency.wait_for_load_state()
    assert agency.inner_text("#budget-total") == "32.500.000 ₫"
    _step(agency, "submit")

    coordinator.goto(f"{base}/budgets/{dp.pk}/")
    _step(coordinator, "approve")
    assert coordinator.get_attribute("[data-state]", "data-state") == "approved"
    screenshot(coordinator, "budget-approved")
    # Approved: locked for the agency, changed only by a new revision.
    agency.goto(f"{base}/budgets/{dp.pk}/")
    assert agency.locator(f"form[action$='/budgets/{dp.pk}/lines/']").count() == 0
    assert agency.locator("form[action$='/step/revise/']").count() == 1
    dp.refresh_from_db()
    assert dp.state == "approved" and dp.lines.count() == 2
    agency_ctx.close()
    coord_ctx.close()
