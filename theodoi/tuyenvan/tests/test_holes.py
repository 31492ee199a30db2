"""The holes an outside probe found (issue 7), each closed at its root.

- a submission was read, and marked opened, by any member of the recipient unit;
- an attending official saw a commune's scores for months it never attended;
- ids and years out of range answered 500.
"""

import re
from datetime import date
from pathlib import Path

import pytest

from theodoi.core.workflow import moved
from theodoi.testing import make_criteria_set, make_user
from theodoi.tuyenvan.models import MonthlyResult, ResultEvent, ScoreSheet, Submission

from .helpers import MONTH, fill, hold_meeting, send

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
API = "/api/v1/tuyenvan"
FEB = date(2018, 2, 1)
HUGE = "1" * 23


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setenv("THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


# -- submissions: only the recipient's working side opens ----------------------------------


def statuses(client, user, submission):
    """(page status, API status) of one submission for one account."""
    client.force_login(user)
    page = client.get(f"/tuyenvan/submissions/{submission.pk}/").status_code
    api = client.get(f"{API}/submissions/{submission.pk}").status_code
    return page, api


def test_another_member_of_the_district_neither_reads_nor_opens_its_inbox(client, tv):
    report = send(tv.commune1a, Submission.Kind.REPORT, 20)
    # The official is a member of the district, but does not work its inbox.
    assert statuses(client, tv.official, report) == (404, 404)
    client.force_login(tv.official)
    link = f"/tuyenvan/submissions/{report.pk}/"
    assert link not in client.get("/tuyenvan/inbox/").content.decode()
    report.refresh_from_db()
    assert report.opened_at is None
    # Readers on the sender's side and viewers read it without opening it.
    for reader in (tv.viewer, tv.coordinator, tv.commune):
        assert statuses(client, reader, report) == (200, 200)
    report.refresh_from_db()
    assert report.opened_at is None
    # The district's scorer opens it.
    assert statuses(client, tv.district, report) == (200, 200)
    report.refresh_from_db()
    assert report.opened_by == tv.district
    client.force_login(tv.district)
    assert link in client.get("/tuyenvan/inbox/").content.decode()


def test_only_the_ban_tuyen_giaos_coordinators_open_what_it_receives(client, tv):
    clerk = make_user("btg-reporter", "agency_reporter", tv.btg)
    documents = send(tv.commune1a, Submission.Kind.DOCUMENTS, 20, to=tv.btg)
    assert statuses(client, clerk, documents) == (404, 404)
    assert statuses(client, tv.district, documents) == (200, 200)  # its commune's, read only
    documents.refresh_from_db()
    assert documents.opened_at is None
    assert statuses(client, tv.coordinator, documents) == (200, 200)
    documents.refresh_from_db()
    assert documents.opened_by == tv.coordinator
    assert statuses(client, tv.outsider, documents) == (404, 404)


def test_the_submission_list_leaves_out_other_members_of_the_recipient(client, tv):
    send(tv.commune1a, Submission.Kind.REPORT, 20)
    for who, count in [("official", 0), ("district", 1), ("viewer", 1), ("agency", 0)]:
        client.force_login(getattr(tv, who))
        assert client.get(f"{API}/submissions?month=2018-03").json()["count"] == count, who


# -- an official sees only the months it attended ---------------------------------------


def test_an_official_sees_only_the_months_it_attended_in_the_trend(client, tv):
    hold_meeting(tv.commune1a, tv.commune, month=FEB)
    fill(tv.commune1a, S.DISTRICT, tv.district, month=FEB)
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.DISTRICT, tv.district)
    assert MonthlyResult.objects.filter(commune=tv.commune1a).count() == 2
    trend = f"/tuyenvan/trend/{tv.commune1a.pk}/?year=2018"
    client.force_login(tv.official)
    page = client.get(trend).content.decode()
    assert "03/2018" in page and "02/2018" not in page
    # Nor through the results, the month, its history or the rankings.
    assert client.get(f"{API}/results?month=2018-02").json()["count"] == 0
    assert client.get(f"{API}/results?month=2018-03").json()["count"] == 1
    month_url = f"/tuyenvan/communes/{tv.commune1a.pk}/2018-02/"
    assert client.get(month_url).status_code == 404
    assert client.get(month_url + "history/").status_code == 404
    assert (
        client.get(f"/tuyenvan/rankings/?period=2018-02&within={tv.district1.pk}").status_code
        == 404
    )
    # A commune it never attended: no trend at all.
    assert client.get(f"/tuyenvan/trend/{tv.commune1b.pk}/").status_code == 404
    # The district scorer sees both months.
    client.force_login(tv.district)
    page = client.get(trend).content.decode()
    assert "03/2018" in page and "02/2018" in page


# -- bad input is never a 500 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/tuyenvan/?district={HUGE}",
        "/tuyenvan/?district=³",
        "/tuyenvan/?month=0000-01",
        "/tuyenvan/trend/{commune}/?year=0",
        "/tuyenvan/trend/{commune}/?year=99999",
        "/tuyenvan/trend/{commune}/?year=²⁰¹⁸",
        f"/tuyenvan/trend/{HUGE}/",
        f"/tuyenvan/communes/{HUGE}/2018-03/",
        "/tuyenvan/communes/{commune}/0000-01/",
        "/tuyenvan/communes/{commune}/99999-01/",
        f"/tuyenvan/sheets/{HUGE}/",
        f"/tuyenvan/submissions/{HUGE}/",
        f"/tuyenvan/meeting-files/{HUGE}/",
        f"/tuyenvan/score-files/{HUGE}/",
        f"/tuyenvan/criteria/{HUGE}/",
        f"/tuyenvan/criteria/{HUGE}/preview/",
        f"/tuyenvan/districts/{HUGE}/2018-03/section/",
        "/tuyenvan/districts/{district}/0000-01/section/",
        f"/tuyenvan/rankings/?within={HUGE}",
        "/tuyenvan/rankings/?period=0000",
        "/tuyenvan/bulletin/0000-01.docx",
    ],
)
def test_bad_ids_years_and_months_on_pages_are_404(client, tv, url):
    client.force_login(tv.coordinator)
    url = url.format(commune=tv.commune1a.pk, district=tv.district1.pk)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/results?month=2018-03&district={HUGE}",
        "/results?month=0000-01",
        f"/sheets/{HUGE}",
        f"/sheets?month=2018-03&commune={HUGE}",
        f"/criteria-sets/{HUGE}",
        f"/meetings/{HUGE}/files",
        f"/submissions/{HUGE}",
        f"/rankings?period=2018-03&within={HUGE}",
        "/rankings?period=0000",
        "/rankings?period=2018-03&level=province",
        "/sheets?month=2018-03&page=0",
        "/sheets?month=2018-03&page_size=1000",
    ],
)
def test_bad_ids_years_and_months_in_the_api_are_422(client, tv, url):
    client.force_login(tv.coordinator)
    response = client.get(API + url)
    assert response.status_code == 422
    assert set(response.json()) == {"message", "fields"}


@pytest.mark.parametrize(
    "path", [f"/meetings/{HUGE}", "/months/approve", "/districts/accept", "/flags/resolve"]
)
def test_huge_ids_in_bodies_are_field_errors(client, tv, path):
    client.force_login(tv.coordinator)
    body = {"commune": HUGE, "district": HUGE, "month": "2018-03", "criterion": 1, "reason": "x"}
    write = client.put if path.startswith("/meetings") else client.post
    response = write(API + path, body, content_type="application/json")
    assert response.status_code == 422


# -- every list is paged ---------------------------------------------------------------------


def test_lists_are_paged_not_cut(client, tv):
    for commune in (tv.commune1a, tv.commune1b, tv.commune2a):
        fill(commune, S.DISTRICT, tv.district)
    client.force_login(tv.coordinator)
    first = client.get(f"{API}/sheets?month=2018-03&page_size=2").json()
    second = client.get(f"{API}/sheets?month=2018-03&page_size=2&page=2").json()
    assert first["count"] == second["count"] == 3
    ids = [s["id"] for s in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 3


# -- approvals go through the shared workflow ---------------------------------------------


def test_the_months_approval_is_a_workflow_step_with_history(client, tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    steps = []

    def follow(sender, obj, step, by, reason, **kwargs):
        steps.append((step.name, by, reason))

    moved.connect(follow, sender=MonthlyResult)
    try:
        client.force_login(tv.district)
        body = {"commune": tv.commune1a.pk, "month": "2018-03", "close_window": True}
        assert (
            client.post(f"{API}/months/approve", body, content_type="application/json").status_code
            == 200
        )
        refused = client.post(f"{API}/months/return", body, content_type="application/json")
        assert refused.status_code == 422 and "reason" in refused.json()["fields"]
        returned = client.post(
            f"{API}/months/return", {**body, "reason": "Xem lại"}, content_type="application/json"
        )
        assert returned.json()["status"] == "open"
        again = client.post(
            f"{API}/months/return", {**body, "reason": "x"}, content_type="application/json"
        )
        assert again.status_code == 422
    finally:
        moved.disconnect(follow, sender=MonthlyResult)
    assert steps == [("approve", tv.district, ""), ("return", tv.district, "Xem lại")]
    result = MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH)
    assert [e.action for e in ResultEvent.objects.filter(result=result)] == ["approve", "return"]
    last = result.history.order_by("-history_date", "-history_id").first()
    assert (last.history_user, last.history_change_reason, last.status) == (
        tv.district,
        "Xem lại",
        "open",
    )


# -- the pages and the API ask only the access layer -----------------------------------------


def test_views_and_endpoints_build_no_scope_and_check_no_role():
    app = Path(__file__).resolve().parents[1]
    forbidden = re.compile(
        r"\breach\(|\breaches\(|has_role|memberships|TV_READ_ROLES|get_object_or_404|Unit\.objects"
    )
    for source in sorted((app / "views").glob("*.py")) + sorted((app / "api").glob("*.py")):
        found = forbidden.findall(source.read_text())
        assert not found, f"{source.name}: {found}"


# -- one answer per request, page or API -------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["commune", "district", "coordinator", "viewer", "official", "agency", "outsider"]
)
def test_page_and_api_refuse_alike(client, tv, who):
    hold_meeting(tv.commune1a, tv.commune)
    client.force_login(getattr(tv, who))
    page = client.post(f"/tuyenvan/communes/{tv.commune1a.pk}/2018-03/reopen/", {"reason": "x"})
    api = client.post(
        f"{API}/months/reopen",
        {"commune": tv.commune1a.pk, "month": "2018-03", "reason": "x"},
        content_type="application/json",
    )
    refused = {403, 404}
    assert (page.status_code in refused, api.status_code in refused) in (
        (False, False),
        (True, True),
    )
    if page.status_code in refused:
        assert page.status_code == api.status_code
    district = client.post(f"/tuyenvan/districts/{tv.district1.pk}/2018-03/accept/")
    api = client.post(
        f"{API}/districts/accept",
        {"district": tv.district1.pk, "month": "2018-03"},
        content_type="application/json",
    )
    if district.status_code in refused or api.status_code in refused:
        assert district.status_code == api.status_code
