import pytest

from theodoi.budgets.actions import LineIn
from theodoi.budgets.models import DetailedPlan

pytestmark = pytest.mark.django_db


def test_open_add_a_line_with_a_vietnamese_amount_and_submit(client, setup):
    w = setup.world
    client.force_login(w.agency)
    url = f"/budgets/plans/{setup.plan.pk}/"
    page = client.get(url).content.decode()
    assert "Ban Dân vận Tỉnh ủy" in page and "Dự toán đang áp dụng" not in page  # no summary
    response = client.post(url, {"unit": w.bdv.pk})
    dp = DetailedPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/budgets/{dp.pk}/"
    bad = client.post(f"/budgets/{dp.pk}/lines/", {
        "version": dp.version, "work_item": setup.item1.pk, "activity": "In",
        "amount": "12,5", "source": "provincial"})  # fmt: skip
    assert bad.status_code == 400 and "amount" in bad.content.decode()
    client.post(f"/budgets/{dp.pk}/lines/", {
        "version": dp.version, "work_item": setup.item1.pk, "activity": "In tờ rơi",
        "amount": "12.500.000", "source": "provincial"})  # fmt: skip
    assert dp.lines.get().amount == 12_500_000
    dp.refresh_from_db()
    client.post(f"/budgets/{dp.pk}/step/submit/", {"version": dp.version})
    dp.refresh_from_db()
    assert dp.state == "submitted"
    # The agency cannot approve its own plan.
    response = client.post(f"/budgets/{dp.pk}/step/approve/", {"version": dp.version})
    assert response.status_code == 403


def test_stale_step_is_refused_on_the_page(client, setup):
    w = setup.world
    from theodoi.budgets import actions

    dp = actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency, lines=setup.bdv_lines())
    client.force_login(w.agency)
    response = client.post(f"/budgets/{dp.pk}/step/submit/", {"version": dp.version - 1},
                           follow=True)  # fmt: skip
    assert "Someone else saved" in response.content.decode() or "Người khác" in (
        response.content.decode()
    )
    dp.refresh_from_db()
    assert dp.state == "draft"


def test_plan_page_and_xlsx_for_the_coordinator(client, setup, django_assert_max_num_queries):
    w = setup.world
    setup.approved(w.bdv, setup.bdv_lines())
    client.force_login(w.coordinator)
    url = f"/budgets/plans/{setup.plan.pk}/"
    with django_assert_max_num_queries(30):
        first = client.get(url)
    setup.approved(w.commune1a, [LineIn(setup.item3.pk, "Tuyên truyền", 5_000_000)])
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert first.status_code == 200 and "37.500.000" in page
    response = client.get(f"/budgets/plans/{setup.plan.pk}/budgets.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    client.force_login(w.agency)
    assert client.get(f"/budgets/plans/{setup.plan.pk}/budgets.xlsx").status_code == 403


def test_the_coordinator_chooses_the_finance_reviewer(client, setup):
    w = setup.world
    client.force_login(w.agency)
    url = f"/budgets/plans/{setup.plan.pk}/finance/"
    assert client.post(url, {"finance_unit": w.sotttt.pk}).status_code == 403
    client.force_login(w.coordinator)
    assert client.post(url, {"finance_unit": w.sotttt.pk}).status_code == 302
    from theodoi.budgets.actions import finance_unit

    assert finance_unit(setup.plan) == w.sotttt
    client.post(url, {"finance_unit": ""})
    assert finance_unit(setup.plan) is None
    client.force_login(w.outsider)
    assert client.post(url, {"finance_unit": ""}).status_code == 404
