"""A visitor answers the survey in English on a 360 px phone from a point's QR link;
the skip logic shows the follow-up question, a partly filled form survives a reload,
an error is shown at its question, and the answer appears in the staff's results."""

import pytest

from theodoi.surveys.models import Answer, Response
from theodoi.surveys.tests.factories import make_survey, point_of
from theodoi.testing import PASSWORD, make_world

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_visitor_answers_in_english_on_a_phone(live_server, phone, browser):
    world = make_world()
    survey = make_survey(world)
    base = live_server.url
    # Import every view here first: on a busy machine the server thread's first
    # import of the URLconf can outlast the browser's timeout.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    phone.goto(f"{base}/surveys/a/{point_of(survey).token}/", timeout=60_000)
    # The phone's language picks English; nothing is wider than the screen.
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.check("input[name=q_origin][value=abroad]")
    phone.check("input[name=q_visit][value=repeat]")
    # The follow-up question appears only for repeat visitors.
    assert phone.locator("#q-repeat_reason").is_visible()
    phone.fill("textarea[name=q_repeat_reason]", "The rice terraces")
    phone.check("input[name=q_overall][value='4']")
    # A reload keeps what was filled (on the device).
    phone.reload()
    assert phone.locator("input[name=q_visit][value=repeat]").is_checked()
    assert phone.input_value("textarea[name=q_repeat_reason]") == "The rice terraces"
    phone.check("input[name=q_visit][value=first]")
    assert not phone.locator("#q-repeat_reason").is_visible()
    # The grid is not rated: the error is shown at the question.
    phone.click("button[type=submit]")
    assert "Rate every line" in phone.inner_text("#q-services")
    phone.check("input[name=q_services__hotel][value='5']")
    phone.check("input[name=q_services__prices][value='2']")
    phone.fill("input[name=q_nights]", "3")
    screenshot(phone, "survey-phone-filled")
    phone.click("button[type=submit]")
    phone.wait_for_url("**/thanks/?lang=en")
    assert "Thank you" in phone.inner_text("h1")
    stored = Response.objects.get()
    assert stored.language == "en" and stored.flags == []
    # The staff's results count it.
    staff = browser.new_page()
    login(staff, base, world.coordinator.username, PASSWORD)
    staff.goto(f"{base}/surveys/{survey.pk}/results/")
    text = staff.inner_text("main")
    assert "1 phiếu, 1 phiếu được tính vào chỉ số." in text
    staff.close()


def test_an_interviewer_fills_questionnaires_offline_and_they_arrive_once(live_server, browser):
    world = make_world()
    survey = make_survey(world)
    base = live_server.url
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    context = browser.new_context(viewport={"width": 800, "height": 1000}, locale="en-GB")
    tablet = context.new_page()
    tablet.set_default_timeout(15_000)
    login(tablet, base, world.coordinator.username, PASSWORD)
    tablet.goto(f"{base}/surveys/points/{point_of(survey).pk}/interview/?lang=en")
    context.set_offline(True)  # the link drops at the site
    for overall in ("4", "2"):
        tablet.check("input[name=q_origin][value=abroad]")
        tablet.check("input[name=q_visit][value=first]")
        tablet.check(f"input[name=q_overall][value='{overall}']")
        tablet.check("input[name=q_services__hotel][value='5']")
        tablet.check("input[name=q_services__prices][value='3']")
        tablet.click("button[type=submit]")
        assert not tablet.is_checked("input[name=q_origin][value=abroad]")  # a blank form again
    assert "Waiting on this device: 2 interview(s)" in tablet.inner_text("#queue")
    assert tablet.locator("#queue").is_visible()  # above the form, where the page returns
    screenshot(tablet, "survey-interviewer-offline")
    assert Response.objects.count() == 0
    context.set_offline(False)  # the link returns: the queue empties itself
    tablet.wait_for_selector("#queue", state="hidden")
    overall = Answer.objects.filter(question__code="overall").values_list("number", flat=True)
    assert sorted(overall) == [2.0, 4.0]
    assert set(Response.objects.values_list("interviewer_id", flat=True)) == {world.coordinator.pk}
    # Each queued form had its own key; sending the page's again never adds one.
    assert Response.objects.exclude(client_key="").count() == 2
    context.close()
