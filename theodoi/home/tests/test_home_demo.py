"""Each role's home on the demo (15/07/2018): the real pending work, each line a link
to the action, counts that match the lines, and a bounded number of queries."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from theodoi.home import todo
from theodoi.reporting.models import ProgressReport

pytestmark = pytest.mark.django_db

# The most queries a home may take (the page, the menu and the session included).
MAX_QUERIES = 30


def _home(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return user, response.content.decode(), len(queries)


def _links(html: str) -> list[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return re.findall(r'<a href="(/[^"]*)"', main)


def _follow(client, html):
    """Every link of the home opens for its user (200), never a 404 or 403."""
    for url in dict.fromkeys(_links(html)):
        if url.startswith("/admin/"):
            continue
        assert client.get(unescape(url)).status_code == 200, url


ROLES = ["coordinator", "agency", "district", "commune", "official", "viewer", "admin"]


@pytest.mark.parametrize("username", [*ROLES, "tv.xa", "tv.huyen", "tv.btg"])
def test_every_role_has_its_home_in_bounded_queries(demo, client, username):
    _user, html, queries = _home(client, username)
    assert queries <= MAX_QUERIES, queries
    assert 'class="card todo"' in html
    _follow(client, html)


def test_the_coordinator_sees_the_ten_reports_waiting(demo, client):
    user, html, _ = _home(client, "coordinator")
    waiting = ProgressReport.objects.filter(state="submitted")
    assert waiting.count() == 10
    assert "Báo cáo chờ bạn quyết định: 10" in html
    for report in waiting:
        assert f'href="/reporting/reports/{report.pk}/"' in html
    # Each leads to the decision: the report's page offers accept and return.
    page = client.get(f"/reporting/reports/{waiting.first().pk}/").content.decode()
    assert f"/reporting/reports/{waiting.first().pk}/accept/" in page
    with translation.override("en"):
        section = next(s for s in todo.sections(user) if s.role == "coordinator")
    line = next(li for li in section.lines if li.text.startswith("Reports waiting"))
    assert line.count == len(line.children) == 10


def test_the_coordinators_overdue_reports_are_the_ones_not_submitted(demo, client):
    _user, html, _ = _home(client, "coordinator")
    returned = ProgressReport.objects.get(state="returned")
    assert f'href="/reporting/reports/{returned.pk}/"' in html
    match = re.search(r"Báo cáo quá hạn chưa gửi: (\d+)", html)
    assert match and int(match.group(1)) >= 1 + ProgressReport.objects.filter(state="draft").count()


def test_the_district_sees_its_communes_to_score_resolve_and_approve(demo, client):
    user, html, _ = _home(client, "tv.huyen")
    assert "Trả lời giải trình của xã: 1" in html  # the Phú Nhuận appeal of the seed
    assert "Xã Phú Nhuận · 06/2018 · 1.2" in html
    section = next(s for s in todo.sections(user) if s.role == "district")
    for line in section.lines:
        if line.children:
            assert line.count == len(line.children)
            assert str(line.count) in line.text
    approve = next((li for li in section.lines if li.url.startswith("/tuyenvan/approve/")), None)
    if approve is not None:
        page = client.get(approve.url).content.decode()
        for child in approve.children:
            assert child.text.split(" · ")[0] in page


def test_the_commune_sees_its_month_steps_and_the_window(demo, client):
    _user, html, _ = _home(client, "tv.xa")
    assert "thời hạn giải trình đang mở đến hết ngày" in html
    assert "/tuyenvan/communes/" in html and "/explain/" in html
    # Its July steps: the conference, the report and documents, the self-assessment.
    assert "Ghi biên bản hội nghị tuyên vận tháng 07/2018" in html
    assert "Gửi bảng xã tự chấm tháng 07/2018" in html
    assert "/sheet/self/" in html


def test_the_official_sees_its_next_visits(demo, client):
    _user, html, _ = _home(client, "official")
    assert "Dự hội nghị của" in html
    assert "/tuyenvan/people/roster/mine/" in html


def test_menus_follow_the_role(demo, client):
    _user, html, _ = _home(client, "commune")
    menu = html[html.index('<nav class="menu"') : html.index("</nav>")]
    labels = re.findall(r">([^<]+)</a>", menu)
    assert labels[0] == "Tháng của xã"
    assert "Báo cáo" not in labels and "Ban tuyên vận" not in labels
    _user, html, _ = _home(client, "coordinator")
    menu = html[html.index('<nav class="menu"') : html.index("</nav>")]
    labels = re.findall(r">([^<]+)</a>", menu)
    assert labels[:3] == ["Báo cáo", "Kế hoạch", "Tuyên vận"]


def test_the_viewer_and_the_coordinator_count_the_same_overdue_reports(demo, client):
    _user, coordinator, _ = _home(client, "coordinator")
    _user, viewer, _ = _home(client, "viewer")
    overdue = re.search(r"Báo cáo quá hạn chưa gửi: (\d+)", coordinator).group(1)
    assert f"{overdue} báo cáo quá hạn" in viewer


def test_the_appeal_line_leads_to_its_row(demo, client):
    user, _html, _ = _home(client, "tv.huyen")
    section = next(s for s in todo.sections(user) if s.role == "district")
    appeal = next(c for li in section.lines for c in li.children if c.text.endswith(" · 1.2"))
    path, fragment = appeal.url.split("#")
    assert f'id="{fragment}"' in client.get(path).content.decode()


@pytest.mark.parametrize("username", ["district", "tv.huyen"])
def test_the_districts_home_names_the_flags_the_board_shows(demo, client, username):
    """Every commune with a flag on the board has it said on the home (under
    "resolve", or beside its sheet still to score), and no other."""
    user, _html, _ = _home(client, username)
    section = next(s for s in todo.sections(user) if s.role == "district")
    on_home = {
        child.text.split(" · ")[0]
        for line in section.lines
        for child in line.children
        if "chênh lệch" in child.detail and child.text.endswith("06/2018")
    }
    board = client.get("/tuyenvan/?month=2018-06").content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", board, re.S)
    flagged = {
        re.search(r">([^<]+)</a>", row).group(1) for row in rows if 'class="badge flag"' in row
    }
    assert flagged and on_home == flagged


def test_the_demo_tells_each_account_what_happened(demo, client):
    """The demo's events (written past the signals) are in "Thông báo": the
    commune heard of its closed month and of the district's June scores, the
    district of the June reports received and not opened; no e-mail."""
    from django.core import mail

    from theodoi.reporting.models import Notification
    from theodoi.tuyenvan.models import Submission

    assert not mail.outbox
    for username in ("commune", "tv.xa"):
        texts = list(
            Notification.objects.filter(user__username=username).values_list("text", "url")
        )
        scored = [t for t in texts if t[0].startswith("Huyện đã chấm điểm tháng 06/2018")]
        assert len(scored) == 1 and scored[0][1].endswith("/2018-06/explain/"), texts
        assert any("05/2018" in t and "đã khóa sổ" in t for t, _url in texts), texts
    user, _html, _ = _home(client, "district")
    unopened = [
        s for s in Submission.objects.filter(month="2018-06-01", opened_at__isnull=True)
        if user.has_perm("tuyenvan.open_submission", s)
    ]  # fmt: skip
    told = Notification.objects.filter(user=user, text__startswith="Đã nhận từ")
    assert unopened and told.count() == len(unopened)
    page = client.get("/reporting/notifications/").content.decode()
    assert "Đã nhận từ" in page and "2018" in page
