"""The programme over its years: each year's plans and the indicators' yearly values."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from theodoi.plans.models import Indicator, IndicatorValue, Objective
from theodoi.plans.programme import do_record_values
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    return make_plan(world, number="112-KH/TU")


@pytest.fixture
def indicator(plan):
    objective = Objective.objects.create(programme=plan.programme, text="Nâng cao nhận thức")
    return Indicator.objects.create(
        objective=objective, name="Đảng viên được quán triệt", measure="%", target=95, baseline=90
    )


def test_the_coordinator_records_a_years_values_once_and_the_page_rolls_them_up(
    client, world, plan, indicator
):
    client.force_login(world.coordinator)
    url = f"/plans/programmes/{plan.programme_id}/results/"
    for year, value in (("2017", "92.5"), ("2018", "94")):
        data = {"year": year, "source": "Báo cáo sơ kết", f"i{indicator.pk}": value}
        assert client.post(url, data).status_code == 302
    # Recording the year again corrects its one value: never two figures for a year.
    client.post(url, {"year": "2018", "source": "Báo cáo 6 tháng", f"i{indicator.pk}": "94.5"})
    values = IndicatorValue.objects.filter(indicator=indicator).order_by("year")
    assert [(v.year, v.value) for v in values] == [(2017, Decimal("92.5")), (2018, Decimal("94.5"))]
    assert values[1].history.count() == 2
    body = client.get(f"/plans/programmes/{plan.programme_id}/").content.decode()
    section = body[body.index('id="programme-years"') :]
    assert "92,50" in section and "94,50" in section
    assert "112-KH/TU" in section  # the plan of 2018 in its year's column


def test_only_the_programmes_coordinators_record_and_only_within_its_term(
    client, world, plan, indicator
):
    client.force_login(world.viewer)
    url = f"/plans/programmes/{plan.programme_id}/results/"
    assert client.get(url).status_code == 403
    with pytest.raises(ValidationError):
        do_record_values(
            plan.programme,
            year=2021,
            values={indicator.pk: Decimal(1)},
            source="",
            by=world.coordinator,
        )


def test_a_year_with_records_takes_its_value_from_them_and_is_never_typed(
    client, world, plan, indicator, monkeypatch
):
    """The indicator linked to the online-share target measured from 2017: 2017 and 2018
    computed from each year's conferences (the target's period moved to the year); 2016,
    before the records, typed once with its source."""
    from theodoi.activities.tests.factories import conference, target
    from theodoi.plans.models import Task

    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-31")
    target(world.province, "share", "50", "gt", kind="reporters_conference",
           share_mode="online", indicator=indicator, start=date(2017, 1, 1))  # fmt: skip
    for day, mode in ((date(2017, 3, 9), "online"), (date(2017, 6, 8), "in_person"),
                      (date(2017, 9, 7), "in_person"), (date(2018, 2, 8), "online"),
                      (date(2018, 4, 19), "online"), (date(2018, 5, 17), "in_person")):  # fmt: skip
        conference(world.btg, day, mode, ("Hội trường", 100))
    client.force_login(world.coordinator)
    url = f"/plans/programmes/{plan.programme_id}/results/"
    # 2018's value comes from the records: its field is shown, not typed; a value sent is
    # ignored.
    client.post(url, {"year": "2018", "source": "Báo cáo", f"i{indicator.pk}": "40"})
    assert not IndicatorValue.objects.exists()
    form = client.get(f"{url}?year=2018").context["form"]
    assert form.fields[f"i{indicator.pk}"].disabled
    # 2016 has no record: typed once, with its source.
    data = {"year": "2016", "source": "Báo cáo sơ kết 2 năm", f"i{indicator.pk}": "25,5"}
    assert client.post(url, data).status_code == 302
    assert IndicatorValue.objects.get().value == Decimal("25.5")
    with pytest.raises(ValidationError) as error:
        do_record_values(plan.programme, year=2017, values={indicator.pk: Decimal(1)},
                         source="", by=world.coordinator)  # fmt: skip
    assert f"i{indicator.pk}" in error.value.message_dict
    body = client.get(f"/plans/programmes/{plan.programme_id}/").content.decode()
    section = body[body.index('id="programme-years"') :]
    cells = section[section.index(indicator.name) :].split("</tr>")[0]
    # 2016 typed [1]; 2017: 1 online of 3 = 33.3 %; 2018: 2 of 3 = 66.7 %.
    assert "25,50" in cells or "25,5" in cells
    assert "33,3" in cells and "66,7" in cells
    assert cells.count("data-from-records") == 2 and cells.count("data-typed") == 1
    assert "Báo cáo sơ kết 2 năm" in section
    # Each year's plan with its work items done.
    make_work_item(plan, lead=world.btg)
    assert Task.objects.filter(plan=plan).exists()
    body = client.get(f"/plans/programmes/{plan.programme_id}/").content.decode()
    assert 'data-plan-progress="2018">0/1' in body


def test_the_review_of_the_first_years_and_the_plan_built_on_it(client, world, plan):
    from theodoi.plans.models import ProgrammeReview

    url = f"/plans/programmes/{plan.programme_id}/review/"
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403
    client.force_login(world.coordinator)
    data = {
        "title": "Báo cáo sơ kết 2 năm thực hiện Đề án",
        "number": "310-BC/TU",
        "issued_on": "15/12/2017",
        "first_year": "2016",
        "last_year": "2017",
        "results": "Đạt nhiều kết quả",
        "shortcomings": "Còn chậm",
        "causes": "Thiếu cán bộ",
    }
    bad = client.post(url, {**data, "first_year": "2018", "results": ""})
    assert bad.status_code == 400
    assert {"last_year", "results"} <= set(bad.context["form"].errors)
    assert client.post(url, data).status_code == 302
    review = ProgrammeReview.objects.get()
    page = client.get(f"/plans/programmes/{plan.programme_id}/").content.decode()
    section = page[page.index('id="programme-reviews"') :]
    assert "310-BC/TU" in section and "Thiếu cán bộ" in section
    assert plan.number in section  # the 2018 plan was built on the review of 2016–2017
    edit = f"{url}?id={review.pk}"
    assert client.post(edit, {**data, "version": 1, "causes": "Sửa"}).status_code == 302
    stale = client.post(edit, {**data, "version": 1, "causes": "Của người khác"})
    assert stale.status_code == 409
    review.refresh_from_db()
    assert (review.causes, review.version, review.history.count()) == ("Sửa", 2, 2)
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_years_before_the_targets_period_are_typed_not_computed(world, plan, indicator):
    """Records of a year before the target's first year are incomplete: not a value."""
    from theodoi.activities.tests.factories import conference, target
    from theodoi.plans.programme import record_values

    target(world.province, "count", "5", "gte", kind="reporters_conference", indicator=indicator)
    conference(world.btg, date(2017, 6, 8), "online", ("Hội trường", 100))
    conference(world.btg, date(2018, 2, 8), "online", ("Hội trường", 100))
    found = record_values(plan.programme, [2016, 2017, 2018])
    assert set(found) == {(indicator.pk, 2018)} and found[(indicator.pk, 2018)].value == 1
    do_record_values(plan.programme, year=2017, values={indicator.pk: Decimal(4)},
                     source="Báo cáo sơ kết", by=world.coordinator)  # fmt: skip
    assert IndicatorValue.objects.get().year == 2017
