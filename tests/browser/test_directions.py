"""On a phone, the coordinator puts a matter to the Standing Committee, records the
direction with its follow-up (confirming first), and the assigned unit closes it."""

import re

import pytest

from theodoi.directions.models import Matter
from theodoi.testing import PASSWORD, make_world

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, base, username):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    login(page, base, username, PASSWORD)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation asked first
    return context, page


def test_a_matter_is_directed_followed_up_and_closed_on_a_phone(live_server, browser):
    world = make_world()
    base = live_server.url
    coord_ctx, page = _phone(browser, base, "coordinator")
    page.goto(f"{base}/directions/new/", timeout=60_000)
    page.fill("input[name=title]", "Mở lớp trung cấp lý luận chính trị tại huyện")
    page.select_option("select[name=raised_by]", str(world.district1.pk))
    page.fill("input[name=raised_on]", "2018-05-10")
    page.locator("form.card button.primary").click()
    page.wait_for_url(re.compile(r".*/directions/\d+/$"))
    matter = Matter.objects.get()
    form = page.locator("#record-direction form")
    form.locator("input[name=number]").fill("270-TB/TU")
    form.locator("input[name=issued_on]").fill("2018-06-05")
    form.locator("textarea[name=text]").fill("Đồng ý mở lớp tại huyện.")
    form.locator("textarea[name=follow_up]").fill("Mở lớp, báo cáo kết quả")
    form.locator("select[name=unit]").select_option(str(world.district1.pk))
    form.locator("input[name=deadline]").fill("2018-09-30")
    with page.expect_navigation():
        form.locator("button.primary").click()
    assert page.get_attribute("[data-state]", "data-state") == "directed"
    screenshot(page, "directions-phone")
    coord_ctx.close()

    district_ctx, page = _phone(browser, base, "district")
    page.goto(f"{base}/directions/{matter.pk}/")
    page.locator("#follow-ups summary").click()
    item = matter.follow_ups.get()
    page.fill(f"textarea[name=f{item.pk}-note]", "Đã khai giảng lớp ngày 15/9")
    with page.expect_navigation():
        page.locator("#follow-ups button.primary").click()
    assert page.get_attribute("[data-state]", "data-state") == "done"
    district_ctx.close()
