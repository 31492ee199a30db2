"""The demo: the seed's counts in the matrix, its safety refusals, accounts, re-runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from theodoi.demo import loader
from theodoi.plans.models import Plan
from theodoi.testing import make_user
from theodoi.units.models import Membership, Unit

pytestmark = pytest.mark.django_db

PASSWORD = "demo-test-password"


@pytest.fixture
def demo_settings(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path / "data"
    settings.THEODOI_DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
    return settings


@pytest.fixture
def demo(demo_settings, monkeypatch):
    # The safety tests are about the loader; the apps' own demo data is
    # loaded (once) by test_demo_content.py.
    monkeypatch.setattr(loader, "run_app_hooks", lambda ctx: [])
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_rerun_reloads_cleanly(demo, demo_settings):
    plan_pk = Plan.objects.get(number="112-KH/TU").pk
    counts = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert Plan.objects.get(number="112-KH/TU").pk != plan_pk
    assert User.objects.get(username="coordinator").check_password(PASSWORD)


def test_keep_leaves_a_loaded_demo_alone(demo, demo_settings):
    plan_pk = Plan.objects.get(number="112-KH/TU").pk
    out = StringIO()
    call_command("load_demo", "--keep", stdout=out)
    assert Plan.objects.get(number="112-KH/TU").pk == plan_pk
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


def test_the_demo_is_an_app_of_its_own():
    """`theodoi demo` runs `load_demo`, which the demo app holds (not units)."""
    from django.core.management import get_commands

    assert get_commands()["load_demo"] == "theodoi.demo"
