"""A coordinator opens the plan, the matrix and a work item, then switches language."""

import pytest

from theodoi.testing import PASSWORD, make_plan, make_work_item

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_browses_the_plan_and_switches_language(live_server, page):
    from theodoi.testing import make_world

    world = make_world()
    plan = make_plan(world, number="112-KH/TU")
    make_work_item(
        plan,
        lead=world.btg,
        coordinating=[world.sotttt],
        task="Đổi mới công tác tuyên truyền miệng",
        title="Hội nghị báo cáo viên cấp tỉnh trực tuyến",
    )
    make_work_item(plan, lead=[world.district1, world.district2], task="Công tác tuyên vận")

    login(page, live_server.url, "coordinator", PASSWORD)
    # The coordinator's home lists what to do; the plans are under "Kế hoạch".
    page.click("nav.menu >> text=Kế hoạch")
    page.click("text=112-KH/TU")
    assert page.locator("h1").inner_text() == "Kế hoạch 112-KH/TU"

    page.click("text=Ma trận phân công")
    assert page.locator("h1").inner_text() == "Ma trận phân công"
    row = page.locator("tr", has_text="Ban Tuyên giáo Tỉnh ủy")
    assert row.locator("td").nth(0).inner_text() == "1"  # tasks led
    assert row.locator("td").nth(1).inner_text() == "1"  # work items led
    screenshot(page, "plans-matrix-vi")

    page.go_back()
    page.click("text=Hội nghị báo cáo viên cấp tỉnh trực tuyến")
    assert "Hội nghị báo cáo viên" in page.locator("h1").inner_text()
    assert page.locator("text=Sở Thông tin và Truyền thông").count() >= 1

    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("text=Time frame").count() == 1
    screenshot(page, "plans-work-item-en")

    page.click("button[name=language][value=vi]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
