"""The demo hook on a small world."""

import io
from datetime import date

import pytest

from theodoi.demo.context import DemoContext
from theodoi.testing import make_unit
from theodoi.tuyenvan import actions, demo
from theodoi.tuyenvan.models import Meeting, MeetingOfficial, MonthlyResult, ScoreSheet
from theodoi.tuyenvan.roster import demo as people_demo
from theodoi.units.models import Unit

pytestmark = pytest.mark.django_db


class SmallContext(DemoContext):
    def __init__(self, province):
        super().__init__(password="demo-password", today=date(2018, 7, 15), stdout=io.StringIO())
        self._province = province

    @property
    def province(self):
        return self._province


def test_demo_loads_six_months(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", None)
    for i in range(12):
        make_unit(f"Xã Thêm {i}", Unit.Kind.COMMUNE, world.district2)
    ctx = SmallContext(world.province)
    people_demo.load(ctx)  # INSTALLED_APPS: the roster comes first
    demo.load(ctx)
    communes = 15
    results = MonthlyResult.objects.all()
    assert results.count() == communes * 6
    closed = results.filter(month__lt=date(2018, 6, 1))
    assert set(closed.values_list("status", flat=True)) == {"closed"}
    assert not closed.filter(open_flags__gt=0).exists()
    assert not closed.filter(total__isnull=True).exists()
    june = results.filter(month=date(2018, 6, 1))
    assert set(june.values_list("status", flat=True)) == {"open"}
    assert Meeting.objects.count() > communes * 4
    assert ScoreSheet.objects.filter(source="official").exists()
    totals = [r.total for r in closed]
    assert min(totals) < max(totals)  # realistic variation
    # The demo accounts exist with their roles.
    from django.contrib.auth.models import User

    assert User.objects.filter(username__in=["tv.btg", "tv.huyen", "tv.xa"]).count() == 3
    # A giải trình waits for the district, and one change is in the history.
    from theodoi.tuyenvan.models import Appeal, Score

    assert Appeal.objects.filter(answered_at__isnull=True).count() == 1
    assert (
        Score.history.exclude(history_change_reason=None).exclude(history_change_reason="").exists()
    )
    # June has open discrepancies or missing sources to work on.
    assert june.exclude(missing_sources=[]).exists() or june.filter(open_flags__gt=0).exists()
    # Every district's conferences have the published roster's officials, and
    # each attending official's observation is in (June may miss a few).
    meetings = list(Meeting.objects.prefetch_related("official_links"))
    for meeting in meetings:
        expected = [u.pk for u in actions.roster_officials(meeting.commune, meeting.month)]
        assert expected, meeting
        assert sorted(link.user_id for link in meeting.official_links.all()) == sorted(expected)
    assert {m.commune.parent_id for m in meetings} == {world.district1.pk, world.district2.pk}
    observed = set(
        ScoreSheet.objects.filter(source="official").values_list("commune", "month", "official")
    )
    attended = {
        (link.meeting.commune_id, link.meeting.month, link.user_id)
        for link in MeetingOfficial.objects.select_related("meeting")
    }
    assert observed <= attended
    closed_links = {a for a in attended if a[1] < date(2018, 6, 1)}
    assert closed_links <= observed
    # The officials who attended the demo commune's June conference are listed.
    assert any(row[2] == "Xã Một A" for row in ctx.accounts)
    # One published criteria set, owned by the province.
    assert demo.CriteriaSet.objects.count() == 1
