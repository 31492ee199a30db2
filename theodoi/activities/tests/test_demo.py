"""The demo's records: the 2018 log true to the seed, the targets computed from it."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from theodoi.activities.models import Activity, NetworkMember, Target
from theodoi.activities.networks import gaps
from theodoi.activities.targets import evaluate, indicator_actuals

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    data = tmp_path_factory.mktemp("demo-data")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DATA_DIR=data,
            THEODOI_DEMO=True,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setenv("DEMO_PASSWORD", "demo-test-password")
        patch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_the_conference_log_and_its_online_share(loaded, settings):
    log = Activity.objects.filter(kind="reporters_conference").order_by("start")
    assert [a.start.month for a in log] == [1, 2, 3, 4, 5, 6, 7]
    online = [a for a in log if a.mode == "online"]
    assert len(online) == 4
    target = Target.objects.get(kind="reporters_conference")
    result = evaluate([target])[target.pk]
    assert (result.numerator, result.denominator) == (4, 7) and result.status == "green"
    assert target.indicator is not None
    assert indicator_actuals([target.indicator_id])[target.indicator_id].value == result.value


def test_every_kind_is_there(loaded):
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert kinds == {"reporters_conference", "conference", "class", "contest", "publication",
                     "study", "dialogue", "model"}  # fmt: skip
    assert Activity.objects.filter(kind="model").count() == 10
    assert Activity.objects.filter(kind="dialogue", follow_ups__closed_on__isnull=True).exists()
    stages = Activity.objects.filter(kind="publication").values_list("details__stage", flat=True)
    assert set(stages) == {"collecting", "compiling", "published"}


def test_the_networks_have_a_few_gaps(loaded):
    from theodoi.activities.models import NetworkStandard

    for network in ("reporter", "propagandist", "opinion"):
        assert NetworkMember.objects.filter(network=network).exists()
        rows = gaps(network, NetworkMember.objects.all(), NetworkStandard.objects.all(),
                    __import__("datetime").date(2018, 7, 15))  # fmt: skip
        missing = [r for r in rows if r.gap]
        assert 1 <= len(missing) < len(rows)


@pytest.mark.parametrize("persona", ["coordinator", "agency", "district", "commune", "viewer"])
def test_the_pages_render_for_each_role(loaded, client, persona):
    client.force_login(User.objects.get(username=persona))
    assert client.get("/activities/").status_code == 200
    assert client.get("/activities/targets/").status_code == 200
    assert client.get("/activities/networks/reporter/").status_code == 200
    for target in Target.objects.all()[:3]:
        assert client.get(f"/activities/targets/{target.pk}/").status_code in (200, 404)
    for activity in Activity.objects.all()[:40]:
        assert client.get(f"/activities/{activity.pk}/").status_code in (200, 404)
