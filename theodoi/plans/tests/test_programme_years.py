"""The programme over its years: each year's plans and the indicators' yearly values."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from theodoi.plans.models import Indicator, IndicatorValue, Objective
from theodoi.plans.programme import do_record_values
from theodoi.testing import make_plan

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
