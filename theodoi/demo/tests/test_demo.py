"""The demo: the seed's counts in the matrix, its safety refusals, accounts, re-runs."""

from __future__ import annotations

import re
import time
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from theodoi.demo import loader
from theodoi.plans.matrix import build_matrix
from theodoi.plans.models import Plan, Task
from theodoi.testing import make_user
from theodoi.units.models import Membership, Unit, UnitGroup

pytestmark = pytest.mark.django_db

PASSWORD = "demo-test-password"


@pytest.fixture
def demo_settings(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path / "data"
    settings.THEODOI_DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    monkeypatch.setenv("THEODOI_TODAY", "2018-07-15")
    return settings


@pytest.fixture
def demo(demo_settings):
    out = StringIO()
    started = time.monotonic()
    call_command("load_demo", stdout=out)
    assert time.monotonic() - started < 10
    return out.getvalue()


def _rows(plan: Plan) -> dict[str, object]:
    return {row.unit.key: row for row in build_matrix(plan).rows}


def test_matrix_reproduces_the_seed_counts(demo):
    plan = Plan.objects.get(number="112-KH/TU")
    rows = _rows(plan)
    btg = rows["lc2018:agency:BTG"]
    assert (btg.tasks_led, btg.work_items_led) == (7, 20)
    assert rows["lc2018:agency:BDV"].work_items_led == 5
    districts = Unit.objects.filter(key__startswith="lc2018:", kind="district")
    assert districts.count() == 9
    for district in districts:
        assert rows[district.key].work_items_led == 6, district.name
    # BTG's work items lie in the three fields the seed names.
    btg_fields = set(
        Task.objects.filter(
            plan=plan,
            work_items__assignments__unit__key="lc2018:agency:BTG",
            work_items__assignments__role="lead",
        ).values_list("field__name", flat=True)
    )
    assert btg_fields == {
        "Đổi mới công tác tư tưởng, chính trị",
        "Công tác tuyên truyền, vận động",
        "Công tác tổng hợp, báo cáo",
    }


def test_the_other_agencies_carry_eight_task_groups(demo):
    plan = Plan.objects.get(number="112-KH/TU")
    excluded = {"lc2018:agency:BTG", "lc2018:agency:BDV"}
    other_tasks = []
    for task in plan.tasks.prefetch_related("work_items__assignments__unit"):
        leads = {
            a.unit
            for item in task.work_items.all()
            for a in item.assignments.all()
            if a.role == "lead"
        }
        assert len({u.kind == "district" for u in leads}) == 1, task.title
        if all(u.key not in excluded and u.kind != "district" for u in leads):
            assert len(leads) == 1, task.title
            assert 1 <= task.work_items.count() <= 3
            other_tasks.append(next(iter(leads)).code)
    assert len(other_tasks) == 8
    assert {"BTC", "STTTT", "SVHTTDL", "HVHNT", "SKHDT", "STC", "MTTQ"} <= set(other_tasks)


def test_no_unit_both_leads_and_coordinates_and_dates_in_2018(demo):
    plan = Plan.objects.get(number="112-KH/TU")
    for task in plan.tasks.prefetch_related("work_items__assignments"):
        for item in task.work_items.all():
            item.full_clean()
            assert item.start.year == item.end.year == 2018
            assert item.expected_output
            units = [a.unit_id for a in item.assignments.all()]
            assert len(units) == len(set(units))
    assert {str(d.number) for d in plan.legal_bases.all()} == {"25-KH/TU", "11-QĐ/TU"}
    assert plan.issuer.key == "lc2018:10" and plan.owner.key == "lc2018:agency:BTG"
    assert plan.programme.code == "17-ĐA/TU"
    assert 3 <= plan.programme.objectives.count() <= 5


def test_units_and_groups(demo):
    province = Unit.objects.get(key="lc2018:10")
    assert province.children.filter(kind="district").count() == 9
    communes = Unit.objects.filter(parent__kind="district", parent__parent=province)
    assert communes.count() == 151
    btg = Unit.objects.get(key="lc2018:agency:BTG")
    assert (btg.name, btg.kind, btg.symbol, btg.parent_id) == (
        "Ban Tuyên giáo Tỉnh ủy",
        "party_agency",
        "BTGTU",
        province.pk,
    )
    assert Unit.objects.get(key="lc2018:agency:DUKDN").kind == "party_committee"
    assert UnitGroup.objects.get(name="Các huyện ủy, thành ủy").units.count() == 9
    wider = UnitGroup.objects.get(name="Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy")
    assert wider.units.count() == 11


def test_one_account_per_role_with_the_demo_password(demo):
    expected = {
        "coordinator": ("coordinator", "lc2018:agency:BTG"),
        "agency": ("agency", "lc2018:agency:BDV"),
        "district": ("district", "lc2018:082"),
        "commune": ("commune", "lc2018:02734"),
        "official": ("official", "lc2018:082"),
        "viewer": ("viewer", "lc2018:10"),
        "admin": ("admin", "lc2018:10"),
    }
    for username, (role, key) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD), username
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.unit.key) == (role, key)
        assert user.get_full_name()
        assert username in demo
    assert User.objects.get(username="admin").is_staff
    assert Membership.objects.filter(is_head=True).count() >= 3
    assert PASSWORD in demo
    assert "http://127.0.0.1:" in demo
    assert all(u.email.endswith("@demo.theodoi.invalid") for u in User.objects.all())


def test_rerun_reloads_cleanly(demo, demo_settings):
    plan_pk = Plan.objects.get().pk
    counts = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert Plan.objects.get().pk != plan_pk
    assert User.objects.get(username="coordinator").check_password(PASSWORD)


def test_keep_leaves_a_loaded_demo_alone(demo, demo_settings):
    plan_pk = Plan.objects.get().pk
    out = StringIO()
    call_command("load_demo", "--keep", stdout=out)
    assert Plan.objects.get().pk == plan_pk
    assert "coordinator" in out.getvalue()


def test_generated_password_is_kept(demo_settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD")
    first = loader.demo_password()
    assert first and first == loader.demo_password()
    assert (demo_settings.DATA_DIR / "demo-password").read_text() == first


def test_refused_without_theodoi_demo(demo_settings):
    demo_settings.THEODOI_DEMO = False
    with pytest.raises(CommandError, match="THEODOI_DEMO"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_refused_on_a_database_with_real_data(demo_settings):
    make_user("real-person", email="someone@laocai.gov.vn")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("load_demo", stdout=StringIO())
    assert not Unit.objects.exists()
    assert User.objects.get().username == "real-person"


def test_refused_on_units_the_demo_did_not_create(demo_settings):
    Unit.objects.create(key="vn2025:15", name="Tỉnh Lào Cai", kind="province")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("load_demo", stdout=StringIO())


def test_refused_after_a_real_account_joins_the_demo(demo, demo_settings):
    make_user("real-person", email="someone@laocai.gov.vn")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("load_demo", stdout=StringIO())
    assert User.objects.filter(username="real-person").exists()


def test_refused_on_a_demo_of_another_database(demo, demo_settings):
    (demo_settings.DATA_DIR / "demo-database").write_text("some-other-database")
    with pytest.raises(CommandError, match="already holds data"):
        call_command("load_demo", stdout=StringIO())


def test_app_hooks_are_called_in_order(demo_settings, monkeypatch):
    calls = []

    def fake_hooks(ctx):
        calls.append(ctx.plan.number)
        return []

    monkeypatch.setattr(loader, "run_app_hooks", fake_hooks)
    call_command("load_demo", stdout=StringIO())
    assert calls == ["112-KH/TU"]


def test_matrix_page_as_coordinator(demo, client):
    plan = Plan.objects.get()
    response = client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(f"/plans/{plan.pk}/matrix/")
    assert response.status_code == 200
    html = response.content.decode()
    row = re.search(r"Ban Tuyên giáo Tỉnh ủy.*?</tr>", html, re.S)
    assert row, "BTG row missing"
    numbers = re.findall(r'<td class="num">(\d+)</td>', row.group(0))
    assert numbers[:2] == ["7", "20"]


def test_progress_on_the_demo_day_is_varied(demo):
    from theodoi.plans.models import Assignment, WorkItem

    leads = Assignment.objects.filter(role="lead")
    statuses = set(leads.values_list("status", flat=True))
    assert {"done", "in_progress", "not_started"} <= statuses
    overdue = WorkItem.objects.overdue()
    assert overdue.exists()
    # Done work has a completion date no later than the demo's day.
    for a in leads.filter(status="done"):
        assert a.completed_on is not None and a.completed_on.isoformat() <= "2018-07-15"
