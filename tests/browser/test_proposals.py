"""A unit proposes a change, the coordinating unit agrees, the coordinator approves,
and the plan shows its new version."""

from datetime import date

import pytest

from theodoi.testing import PASSWORD, make_plan, make_work_item

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(browser, live_server, username):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)  # a shared machine under load
    login(page, live_server.url, username, PASSWORD)
    return context, page


def test_a_proposal_goes_from_the_unit_through_consultation_to_a_new_version(
    live_server, browser, settings
):
    from theodoi.plans.proposals import do_issue_plan
    from theodoi.testing import make_world

    settings.THEODOI_TODAY = "2018-04-02"
    world = make_world()
    plan = make_plan(world, number="112-KH/TU")
    item = make_work_item(
        plan,
        lead=world.commune1a,
        coordinating=world.bdv,
        title="Tuyên truyền trên loa truyền thanh xã",
        start=date(2018, 2, 1),
        end=date(2018, 5, 31),
    )
    do_issue_plan(plan, by=world.coordinator)

    # The commune, which leads the work item, proposes to postpone it.
    context, page = _as(browser, live_server, "commune")
    page.goto(f"{live_server.url}/plans/work-items/{item.pk}/")
    page.click("text=Lập đề xuất điều chỉnh")
    page.select_option("select[name=kind]", "postpone")
    page.fill("input[name=end]", "2018-08-31")  # the date picker takes ISO
    page.fill("textarea[name=reason]", "Chờ bố trí kinh phí")
    page.fill("input[name=effective_from]", "2018-04-01")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#proposal-state")
    assert page.locator("#proposal-state").inner_text() == "Đang xin ý kiến đơn vị liên quan"
    proposal_url = page.url
    screenshot(page, "proposal-consulting-vi")
    context.close()

    # The Ban Dân vận, which coordinates it, agrees.
    context, page = _as(browser, live_server, "agency")
    page.goto(proposal_url)
    page.check("input[name=answer][value=agree]")
    page.fill("textarea[name=comment]", "Nhất trí")
    page.click("text=Gửi ý kiến của đơn vị")
    page.wait_for_selector("#proposal-state")
    assert page.locator("#proposal-state").inner_text() == "Chờ quyết định"
    context.close()

    # The coordinator sees the diff and approves with a reason.
    context, page = _as(browser, live_server, "coordinator")
    page.goto(proposal_url)
    assert page.locator("ins", has_text="31/08/2018").count() == 1
    page.fill("textarea[name=reason]", "Hợp lý, mục tiêu giữ nguyên")
    page.click("button[name=decision][value=approve]")
    page.wait_for_selector("#proposal-state")
    assert page.locator("#proposal-state").inner_text() == "Đã phê duyệt"
    screenshot(page, "proposal-approved-vi")

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    versions = page.locator("#plan-versions tbody tr")
    assert versions.count() == 2
    assert "Chờ bố trí kinh phí" not in versions.nth(0).inner_text()
    assert versions.nth(0).locator("td").nth(0).inner_text() == "2"
    assert "Xã Một A" in versions.nth(0).inner_text()
    screenshot(page, "plan-versions-vi")
    context.close()
