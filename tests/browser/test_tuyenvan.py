"""Tuyên vận's month in Chromium on a phone: the commune records its conference
and self-assessment, the roster's attending official files an observation, the
district scorer scores and resolves the flagged discrepancy, and the ranking
shows the commune with its total and band."""

from datetime import date
from decimal import Decimal

import pytest

from theodoi.documents.party import format_vn_number
from theodoi.testing import PASSWORD, make_criteria_set, make_roster_entry, make_world

from .conftest import ARTIFACTS, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_sheet(page, source: str, **overrides: tuple[Decimal, str]) -> None:
    """Every criterion ``source`` scores at its maximum (bonus and penalty at 0),
    with ``overrides`` by code: (points, reason)."""
    from theodoi.tuyenvan.models import Criterion

    for c in Criterion.objects.all():
        if not c.scorable_by(source):
            continue
        points, reason = overrides.get(c.code, (None, ""))
        if points is None:
            points = 0 if c.kind in (c.Kind.BONUS, c.Kind.PENALTY) else c.max_points
        page.fill(f"input[name=points-{c.pk}]", str(points))
        if reason:
            page.fill(f"input[name=reason-{c.pk}]", reason)


def switch_user(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, base, username, PASSWORD)


def no_sideways_scroll(page) -> None:
    """Nothing on the page is wider than the phone's screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    wide = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.innerText.slice(0, 60))"
    )
    assert not wide, f"tables wider than the screen: {wide}"


def test_a_month_of_tuyen_van_on_a_phone(live_server, page, monkeypatch):
    from theodoi.tuyenvan.models import Meeting, MonthlyResult

    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-03-20")
    world = make_world()
    world.official.first_name, world.official.last_name = "Vàng Seo", "Dình"
    world.official.save()
    make_criteria_set(world)
    make_roster_entry(world.province, world.commune1a, world.official, date(2018, 3, 12))
    base = live_server.url
    month_url = f"{base}/tuyenvan/communes/{world.commune1a.pk}/2018-03/"

    # 1. The commune reporter records the conference: the roster's official is ticked.
    login(page, base, "commune", PASSWORD)
    page.goto(month_url)
    no_sideways_scroll(page)
    page.click("a.button[href$='/meeting/']")
    official_box = page.locator(f"input[name=officials][value='{world.official.pk}']")
    assert official_box.is_checked()
    assert "theo lịch phân công" in page.locator("form.card").inner_text()
    page.fill("input[name=held_on]", "2018-03-12")
    page.fill("input[name=place]", "Hội trường UBND xã")
    page.fill("input[name=chair]", "Bí thư Đảng ủy xã")
    page.fill("textarea[name=topics]", "Hướng dẫn tuyên truyền tháng 3; phòng, chống cháy rừng")
    page.fill("input[name=participants]", "52")
    assert page.locator("input[name=participants]").get_attribute("inputmode") == "numeric"
    no_sideways_scroll(page)
    screenshot(page, "tuyenvan-1-meeting-form")
    page.click("form.card button.primary")
    page.wait_for_url(month_url)
    record = page.locator("section.card", has_text="Hội trường UBND xã")
    assert "Vàng Seo Dình" in record.inner_text()
    meeting = Meeting.objects.get(commune=world.commune1a)
    assert list(meeting.attending_officials.all()) == [world.official]

    # ... and its self-assessment.
    page.click("a.button:text-is('Tự chấm')")
    fill_sheet(page, "self")
    no_sideways_scroll(page)
    screenshot(page, "tuyenvan-2-self-assessment")
    page.click("button[name=submit]")
    page.wait_for_url(month_url)
    screenshot(page, "tuyenvan-3-month-commune")

    # 2. The attending official finds the conference in "my assignments".
    switch_user(page, base, "official")
    page.goto(f"{base}/tuyenvan/people/roster/mine/")
    no_sideways_scroll(page)
    screenshot(page, "tuyenvan-4-my-assignments")
    page.click("text=Chấm phiếu nhận xét")
    fill_sheet(page, "official", **{"2.1": (Decimal(6), "Chưa bám sát hướng dẫn tháng")})
    screenshot(page, "tuyenvan-5-observation")
    page.click("button[name=submit]")
    page.wait_for_url(month_url)

    # 3. The district scorer scores: 2.1 differs between the sources (10 / 6 / 7).
    switch_user(page, base, "district")
    page.goto(month_url)
    page.click("a.button:text-is('Huyện chấm điểm')")
    row = page.locator("#c-2\\.1")
    assert "Vàng Seo Dình" in row.inner_text()
    fill_sheet(page, "district", **{"2.1": (Decimal(7), "Nội dung chưa sát thực tế")})
    no_sideways_scroll(page)
    screenshot(page, "tuyenvan-6-district-sheet")
    row.screenshot(path=str(ARTIFACTS / "tuyenvan-6b-flagged-row.png"))
    page.click("button[name=submit]")
    page.wait_for_url(month_url)
    assert page.locator(".badge.flag").count() == 1
    screenshot(page, "tuyenvan-7-month-flagged")

    # ... sees the flag on the explanation and resolves it with a reason.
    page.click("a.button[href$='/explain/']")
    flagged = page.locator("section.sheet-row.flagged")
    assert flagged.count() == 1
    assert "2.1." in flagged.inner_text()
    flagged.locator("input[name=points]").fill("8")
    flagged.locator("input[name=reason]").fill("Đối chiếu biên bản hội nghị, điều chỉnh 8 điểm")
    no_sideways_scroll(page)
    screenshot(page, "tuyenvan-8-explanation-flag")
    flagged.screenshot(path=str(ARTIFACTS / "tuyenvan-8b-flagged-line.png"))
    flagged.locator("button.primary").click()
    page.wait_for_load_state()
    result = MonthlyResult.objects.get(commune=world.commune1a, month=date(2018, 3, 1))
    assert result.open_flags == 0 and result.total is not None and result.band_label
    page.goto(month_url)
    assert page.locator(".badge.flag").count() == 0
    screenshot(page, "tuyenvan-9-month-resolved")

    # 4. The ranking shows the commune with its total and band.
    page.goto(f"{base}/tuyenvan/rankings/?period=2018-03&level=commune&within={world.district1.pk}")
    ranked = page.locator("tr", has_text="Xã Một A")
    text = ranked.inner_text()
    assert format_vn_number(result.total) in text
    assert result.band_label in text
    no_sideways_scroll(page)
    screenshot(page, "tuyenvan-10-rankings")
