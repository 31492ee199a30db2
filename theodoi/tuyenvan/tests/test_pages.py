"""Pages through HTTP: every role allowed or refused, the month's cycle end to end."""

from datetime import date
from decimal import Decimal

import pytest

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan.models import (
    Appeal,
    Criterion,
    Meeting,
    MonthlyResult,
    ScoreSheet,
    Submission,
)

from .helpers import MONTH, fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def login(client, user):
    client.force_login(user)
    return client


def month_url(world, commune=None, suffix=""):
    commune = commune or world.commune1a
    return f"/tuyenvan/communes/{commune.pk}/2018-03/{suffix}"


def sheet_post(sheet_source_user_scores, **extra):
    return {**sheet_source_user_scores, **extra}


def full_form(source, **overrides):
    data = {}
    for c in Criterion.objects.all():
        if not c.scorable_by(source):
            continue
        points, reason, evidence = overrides.get(c.code, (None, "", ""))
        if points is None:
            points = 0 if c.kind in (c.Kind.BONUS, c.Kind.PENALTY) else c.max_points
        data[f"points-{c.pk}"] = str(points)
        data[f"reason-{c.pk}"] = reason
        data[f"evidence-{c.pk}"] = evidence
    return data


# -- reach -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("commune", 200),
        ("district", 200),
        ("coordinator", 200),
        ("viewer", 200),
        ("official", 404),  # not listed on the conference
        ("agency", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_a_communes_month(client, tv, who, status):
    login(client, getattr(tv, who))
    assert client.get(month_url(tv)).status_code == status


def test_a_commune_reporter_reaches_only_its_commune(client, tv):
    login(client, tv.commune)
    assert client.get(month_url(tv, tv.commune1b)).status_code == 404
    assert (
        client.get(f"/tuyenvan/communes/{tv.commune1b.pk}/2018-03/sheet/self/").status_code == 404
    )


def test_a_district_scorer_reaches_only_its_districts_communes(client, tv):
    login(client, tv.district)
    assert client.get(month_url(tv, tv.commune1b)).status_code == 200
    assert client.get(month_url(tv, tv.commune2a)).status_code == 404


def test_an_official_reaches_only_the_conferences_it_attends(client, tv):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    login(client, tv.official)
    assert client.get(month_url(tv)).status_code == 200
    assert client.get(month_url(tv, tv.commune1b)).status_code == 404
    assert client.get(f"/tuyenvan/communes/{tv.commune1a.pk}/2018-02/").status_code == 404
    assert client.get(month_url(tv, suffix="sheet/official/")).status_code == 200
    assert client.get(month_url(tv, suffix="sheet/self/")).status_code == 403
    assert client.get(month_url(tv, suffix="sheet/district/")).status_code == 403


def test_the_rankings_button_is_shown_to_those_who_may_open_them(client, tv):
    """An attending official has no ranking to open (404): no button leads there."""
    for who, shown in [("official", False), ("district", True), ("coordinator", True)]:
        login(client, getattr(tv, who))
        html = client.get("/tuyenvan/").content.decode()
        assert ('href="/tuyenvan/rankings/' in html) is shown, who
        if shown:
            assert client.get("/tuyenvan/rankings/").status_code == 200, who
    login(client, tv.official)
    assert client.get("/tuyenvan/rankings/").status_code == 404


@pytest.mark.parametrize(
    ("who", "source", "status"),
    [
        ("commune", "self", 200),
        ("commune", "district", 403),
        ("district", "district", 200),
        ("district", "self", 403),
        ("coordinator", "self", 403),
        ("coordinator", "district", 403),
        ("viewer", "self", 403),
        ("viewer", "district", 403),
        ("commune", "official", 403),
    ],
)
def test_only_owners_write_their_sheet(client, tv, who, source, status):
    login(client, getattr(tv, who))
    assert client.get(month_url(tv, suffix=f"sheet/{source}/")).status_code == status


def test_viewer_cannot_record_a_conference_or_send(client, tv):
    login(client, tv.viewer)
    assert client.get(month_url(tv, suffix="meeting/")).status_code == 403
    assert (
        client.post(month_url(tv, suffix="send/"), {"kind": "report", "title": "x"}).status_code
        == 403
    )
    assert client.post(month_url(tv, suffix="approve/")).status_code == 403


def test_bad_month_is_404(client, tv):
    login(client, tv.coordinator)
    assert client.get(f"/tuyenvan/communes/{tv.commune1a.pk}/2018-13/").status_code == 404
    assert client.get(f"/tuyenvan/communes/{tv.district1.pk}/2018-03/").status_code == 404


# -- the scenario ----------------------------------------------------------------


def test_the_months_cycle_through_http(client, tv):
    # The commune reporter records the conference with the attending official.
    login(client, tv.commune)
    response = client.post(
        month_url(tv, suffix="meeting/"),
        {
            "held_on": "2018-03-12",
            "place": "Hội trường UBND xã",
            "chair": "Đ/c Bí thư Đảng ủy",
            "topics": "Tuyên truyền Nghị quyết; phòng chống cháy rừng",
            "participants": "52",
            "officials": [tv.official.pk],
            "issues_raised": "Đường vào thôn xuống cấp",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(commune=tv.commune1a, month=MONTH)
    assert list(meeting.attending_officials.all()) == [tv.official]
    # ... and its self-assessment; a deduction without a reason is refused next to the row.
    c21 = Criterion.objects.get(code="2.1")
    bad = full_form(S.SELF, **{"2.1": (Decimal(7), "", "")})
    response = client.post(month_url(tv, suffix="sheet/self/"), {**bad, "submit": ""})
    assert response.status_code == 400
    assert "Nêu lý do" in response.content.decode() or "reason" in response.content.decode()
    good = full_form(S.SELF, **{"2.1": (Decimal(10), "", "")})
    assert (
        client.post(month_url(tv, suffix="sheet/self/"), {**good, "submit": ""}).status_code == 302
    )
    # ... and sends its report to the district.
    response = client.post(
        month_url(tv, suffix="send/"), {"kind": "report", "title": "Báo cáo tháng 3"}
    )
    assert response.status_code == 302
    assert Submission.objects.get().recipient == tv.district1

    # The attending official files an observation.
    client.logout()
    login(client, tv.official)
    obs = full_form(S.OFFICIAL, **{"2.1": (Decimal(6), "Chưa bám sát hướng dẫn", "")})
    assert (
        client.post(month_url(tv, suffix="sheet/official/"), {**obs, "submit": ""}).status_code
        == 302
    )

    # The district scorer scores; 2.1 is flagged (10 / 6 / 7).
    client.logout()
    login(client, tv.district)
    page = client.get(month_url(tv, suffix="sheet/district/")).content.decode()
    assert "Chưa bám sát" not in page  # reasons are on the explanation, points side by side here
    dist = full_form(S.DISTRICT, **{"2.1": (Decimal(7), "Nội dung chưa đủ", "")})
    assert (
        client.post(month_url(tv, suffix="sheet/district/"), {**dist, "submit": ""}).status_code
        == 302
    )
    result = MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH)
    assert result.open_flags == 1
    # Approval is refused while the flag is open.
    client.post(month_url(tv, suffix="approve/"))
    assert MonthlyResult.objects.get(pk=result.pk).status == "open"
    # Opening the report marks it opened.
    sub = Submission.objects.get()
    assert client.get(f"/tuyenvan/submissions/{sub.pk}/").status_code == 200
    assert Submission.objects.get().opened_at is not None
    # Resolve the flag with a reason.
    response = client.post(
        month_url(tv, suffix=f"flags/{c21.pk}/resolve/"),
        {"points": "8", "reason": "Đối chiếu biên bản hội nghị"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.open_flags == 0
    assert result.district_total == Decimal(94) - 2 - 1  # 93 max people points, 8/10 on 2.1...

    # The ranking shows the commune.
    page = client.get(f"/tuyenvan/rankings/?period=2018-03&level=commune&within={tv.district1.pk}")
    assert page.status_code == 200
    assert "Xã Một A" in page.content.decode()


def test_explanation_appeal_answer_approve_accept_close_reopen(client, tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.SELF, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district, _5_1=Decimal(6))
    c51 = Criterion.objects.get(code="5.1")
    login(client, tv.commune)
    page = client.get(month_url(tv, suffix="explain/")).content.decode()
    assert "lý do" in page and "5.1" in page
    assert (
        client.post(
            month_url(tv, suffix=f"appeal/{c51.pk}/"), {"text": "Đã kiểm tra 4 tổ"}
        ).status_code
        == 302
    )
    appeal = Appeal.objects.get()
    # A commune cannot answer; the district can.
    assert client.post(f"/tuyenvan/appeals/{appeal.pk}/answer/", {"answer": "x"}).status_code == 403
    client.logout()
    login(client, tv.district)
    client.post(month_url(tv, suffix="approve/"))
    assert MonthlyResult.objects.get(commune=tv.commune1a).status == "open"  # unanswered appeal
    client.post(
        f"/tuyenvan/appeals/{appeal.pk}/answer/", {"answer": "Có biên bản 4 tổ", "points": "8"}
    )
    appeal.refresh_from_db()
    assert appeal.outcome == "changed"
    # The explanation window is still open: approving says it closes it.
    client.post(month_url(tv, suffix="approve/"))
    assert MonthlyResult.objects.get(commune=tv.commune1a).status == "open"
    client.post(month_url(tv, suffix="approve/"), {"close_window": "1"})
    assert MonthlyResult.objects.get(commune=tv.commune1a).status == "approved"
    # Approved: locked for the commune.
    client.logout()
    login(client, tv.commune)
    assert client.get(month_url(tv, suffix="sheet/self/")).status_code == 403
    assert client.get(month_url(tv, suffix="meeting/")).status_code == 403
    # BTG accepts the district (1b was never approved: refused until it is).
    client.logout()
    login(client, tv.coordinator)
    client.post(f"/tuyenvan/districts/{tv.district1.pk}/2018-03/accept/")
    assert MonthlyResult.objects.get(commune=tv.commune1a).status == "approved"
    # Close 1a alone, then reopen with a reason.
    client.post(month_url(tv, suffix="close/"))
    result = MonthlyResult.objects.get(commune=tv.commune1a)
    assert result.status == "closed"
    client.logout()
    login(client, tv.district)
    assert client.get(month_url(tv, suffix="sheet/district/")).status_code == 403
    assert client.post(month_url(tv, suffix="reopen/"), {"reason": "x"}).status_code == 403
    client.logout()
    login(client, tv.coordinator)
    client.post(month_url(tv, suffix="reopen/"), {"reason": ""})
    assert MonthlyResult.objects.get(commune=tv.commune1a).status == "closed"
    client.post(month_url(tv, suffix="reopen/"), {"reason": "Sai sót số liệu"})
    result.refresh_from_db()
    assert result.status == "open"
    page = client.get(month_url(tv, suffix="history/")).content.decode()
    assert "Sai sót số liệu" in page and "Có biên bản 4 tổ" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_renders_for_the_coordinator(client, tv, language):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.DISTRICT, tv.district)
    client.cookies["django_language"] = language
    login(client, tv.coordinator)
    set_pk = Criterion.objects.first().group.criteria_set_id
    for url in [
        "/tuyenvan/",
        "/tuyenvan/?month=2018-03",
        month_url(tv),
        month_url(tv, suffix="explain/"),
        month_url(tv, suffix="history/"),
        "/tuyenvan/inbox/",
        "/tuyenvan/criteria/",
        f"/tuyenvan/criteria/{set_pk}/",
        "/tuyenvan/rankings/?period=2018-03",
        "/tuyenvan/rankings/?period=2018-Q1&level=district",
        "/tuyenvan/rankings/?period=2018",
        f"/tuyenvan/trend/{tv.commune1a.pk}/",
        f"/tuyenvan/districts/{tv.district1.pk}/2018-03/section/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.decode().count("<h1") == 1, url
    for url in [
        "/tuyenvan/rankings.xlsx?period=2018-03",
        "/tuyenvan/bulletin/2018-03.docx",
        f"/tuyenvan/districts/{tv.district1.pk}/2018-03/section/?format=docx",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content[:2] == b"PK"


def test_rankings_refused_outside_reach(client, tv):
    login(client, tv.district)
    assert client.get(f"/tuyenvan/rankings/?within={tv.district2.pk}").status_code == 404
    assert client.get(f"/tuyenvan/rankings/?within={tv.district1.pk}").status_code == 200
    assert client.get("/tuyenvan/rankings/?period=2018-X").status_code == 404
    login(client, tv.outsider)
    assert client.get(f"/tuyenvan/rankings/?within={tv.province.pk}").status_code == 404


def test_criteria_set_draft_preview_publish(client, tv):
    login(client, tv.coordinator)
    v1 = Criterion.objects.first().group.criteria_set
    response = client.post(
        f"/tuyenvan/criteria/{v1.pk}/new-version/", {"effective_from": "2018-07-01"}
    )
    assert response.status_code == 302
    draft = v1.__class__.objects.get(version=2)
    assert draft.is_draft
    assert client.get(f"/tuyenvan/criteria/{draft.pk}/edit/").status_code == 200
    assert client.get(f"/tuyenvan/criteria/{draft.pk}/").status_code == 200
    client.post(f"/tuyenvan/criteria/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert not draft.is_draft
    # Others cannot.
    login(client, tv.district)
    assert (
        client.post(
            f"/tuyenvan/criteria/{v1.pk}/new-version/", {"effective_from": "2018-08-01"}
        ).status_code
        == 403
    )
    assert client.get(f"/tuyenvan/criteria/{draft.pk}/edit/").status_code == 403


def test_board_lists_only_communes_in_reach(client, tv):
    login(client, tv.commune)
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    assert "Xã Một A" in page and "Xã Một B" not in page and "Xã Hai A" not in page
    login(client, tv.district)
    page = client.get("/tuyenvan/?month=2018-03").content.decode()
    assert "Xã Một B" in page and "Xã Hai A" not in page


def test_the_board_uses_a_constant_number_of_queries(client, tv, django_assert_max_num_queries):
    login(client, tv.coordinator)
    client.get("/tuyenvan/?month=2018-03")
    # 13 with the communes the user scores under the month's chain (one query).
    with django_assert_max_num_queries(13):
        client.get("/tuyenvan/?month=2018-03")


def _formset_data(response):
    """The criteria editor's POST data as rendered (initial values)."""
    form, formset = response.context["form"], response.context["formset"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "bands":
            value = field.prepare_value(value)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
    for f in formset.forms:
        for name, field in f.fields.items():
            value = f.initial.get(name, field.initial)
            if name == "id" and value is not None and hasattr(value, "pk"):
                value = value.pk
            if isinstance(value, bool):
                if value:
                    data[f.add_prefix(name)] = "on"
                continue
            data[f.add_prefix(name)] = "" if value is None else str(value)
    return data


def test_criteria_editor_adds_changes_and_deletes_criteria(client, tv):
    v1 = Criterion.objects.first().group.criteria_set
    login(client, tv.coordinator)
    client.post(f"/tuyenvan/criteria/{v1.pk}/new-version/", {"effective_from": "2018-07-01"})
    draft = v1.__class__.objects.get(version=2)
    url = f"/tuyenvan/criteria/{draft.pk}/edit/"
    data = _formset_data(client.get(url))
    total = int(data["c-TOTAL_FORMS"])
    new = total - 1
    group = draft.groups.get(code="V")
    added = {"group": str(group.pk), "code": "5.2", "text": "Tiêu chí mới", "kind": "normal",
             "min_points": "0", "max_points": "3", "by_district": "on"}  # fmt: skip
    data.update({f"c-{new}-{k}": v for k, v in added.items()})
    data["c-0-DELETE"] = "on"
    data["discrepancy_threshold"] = "3"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    draft.refresh_from_db()
    assert draft.discrepancy_threshold == 3
    codes = set(Criterion.objects.filter(group__criteria_set=draft).values_list("code", flat=True))
    assert "5.2" in codes and "1.1" not in codes
    # max below min is refused next to the field, nothing saved.
    data = _formset_data(client.get(url))
    data["c-0-max_points"] = "-1"
    assert client.post(url, data).status_code == 400
    # v1 is untouched.
    assert Criterion.objects.filter(group__criteria_set=v1, code="1.1").exists()


@pytest.mark.parametrize("extra", [0, 6])
def test_rankings_and_results_use_a_constant_number_of_queries(
    client, tv, extra, django_assert_max_num_queries
):
    from theodoi.testing import make_unit
    from theodoi.units.models import Unit

    for i in range(extra):
        commune = make_unit(f"Xã Thêm {i}", Unit.Kind.COMMUNE, tv.district1)
        hold_meeting(commune, tv.commune)
        fill(commune, S.DISTRICT, tv.district)
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    login(client, tv.coordinator)
    # 16: the menu also counts unread notifications (reporting); 17: whether the
    # period has months not closed yet (the provisional mark); 18: which levels the
    # scope has (districts, clusters of communes, former districts).
    with django_assert_max_num_queries(18):
        assert client.get("/tuyenvan/rankings/?period=2018-03").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/tuyenvan/results?month=2018-03").status_code == 200
    # 13: the board asks the access layer once which communes the user scores that month
    # under the chain in force (district or cluster of communes).
    with django_assert_max_num_queries(13):
        assert client.get("/tuyenvan/?month=2018-03").status_code == 200


def test_an_official_sees_on_the_board_only_the_months_it_attended(client, tv):
    hold_meeting(tv.commune1a, tv.commune, month=date(2018, 2, 1), officials=[tv.official])
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    login(client, tv.official)
    march = f"/tuyenvan/communes/{tv.commune1a.pk}/2018-03/"
    february = f"/tuyenvan/communes/{tv.commune1a.pk}/2018-02/"
    assert march not in client.get("/tuyenvan/?month=2018-03").content.decode()
    assert february in client.get("/tuyenvan/?month=2018-02").content.decode()
    assert client.get("/api/v1/tuyenvan/results?month=2018-03").json()["items"] == []


def test_pages_require_sign_in(client, tv):
    for url in ["/tuyenvan/", month_url(tv), "/tuyenvan/rankings/", "/tuyenvan/criteria/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_without_a_criteria_set_in_force(client, world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    login(client, world.commune)
    assert client.get(month_url(world)).status_code == 200
    response = client.get(month_url(world, suffix="sheet/self/"))
    assert response.status_code == 302
    body = {"commune": world.commune1a.pk, "month": "2018-03", "source": "self", "scores": []}
    api = client.post("/api/v1/tuyenvan/sheets", body, content_type="application/json")
    assert api.status_code == 409 and "message" in api.json()
    assert client.get(month_url(world, suffix="explain/")).status_code == 200


def test_a_future_month_creates_no_result(client, tv):
    login(client, tv.commune)
    assert client.get(f"/tuyenvan/communes/{tv.commune1a.pk}/2018-09/").status_code == 200
    assert not MonthlyResult.objects.filter(month=date(2018, 9, 1)).exists()
    client.get(month_url(tv))
    assert MonthlyResult.objects.filter(month=MONTH).exists()
