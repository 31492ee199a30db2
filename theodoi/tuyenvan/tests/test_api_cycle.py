"""The API for appeals, flag resolutions and approvals: every role, bad input as 4xx JSON."""

from decimal import Decimal

import pytest

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan.models import (
    Appeal,
    Criterion,
    MonthlyResult,
    Resolution,
    Score,
    ScoreSheet,
)

from .helpers import MONTH, fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
API = "/api/v1/tuyenvan"
ROLES = ["commune", "district", "coordinator", "viewer", "official", "agency", "outsider"]


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def post(client, user, url, body):
    client.force_login(user)
    return client.post(f"{API}{url}", body, content_type="application/json")


@pytest.fixture
def scored(tv):
    """1a's March: conference held, self 10 on 5.1, district 6 on 5.1 (a discrepancy)."""
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.SELF, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district, _5_1=Decimal(6))
    fill(tv.commune1a, S.OFFICIAL, tv.official, official=tv.official)
    return tv


def appeal_body(tv, **extra):
    c51 = Criterion.objects.get(code="5.1")
    return {"commune": tv.commune1a.pk, "month": "2018-03", "criterion": c51.pk,
            "text": "Đã kiểm tra 4 tổ", **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 201), ("district", 403), ("coordinator", 403), ("viewer", 403),
     ("official", 403), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_the_commune_files_an_appeal(client, scored, who, status):
    response = post(client, getattr(scored, who), "/appeals", appeal_body(scored))
    assert response.status_code == status, response.json()
    assert Appeal.objects.count() == (1 if status == 201 else 0)


def test_appeal_outside_the_window_is_refused(client, scored, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-05-30")
    response = post(client, scored.commune, "/appeals", appeal_body(scored))
    assert response.status_code == 422 and "text" in response.json()["fields"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 403), ("district", 200), ("coordinator", 403), ("viewer", 403),
     ("official", 403), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_the_district_answers_an_appeal(client, scored, who, status):
    appeal_id = post(client, scored.commune, "/appeals", appeal_body(scored)).json()["id"]
    response = post(
        client,
        getattr(scored, who),
        f"/appeals/{appeal_id}/answer",
        {"answer": "Có biên bản 4 tổ", "points": "8"},
    )
    assert response.status_code == status, response.json()
    if status == 200:
        assert response.json()["outcome"] == "changed"
        # The answer changed the district's score, with the answer as the reason.
        score = Score.objects.get(sheet__source=S.DISTRICT, criterion__code="5.1")
        assert score.points == Decimal(8)
        assert score.history.first().history_change_reason == "Có biên bản 4 tổ"


def test_appeals_are_listed_within_reach(client, scored):
    post(client, scored.commune, "/appeals", appeal_body(scored))
    for who, count in [("commune", 1), ("district", 1), ("coordinator", 1), ("viewer", 1),
                       ("official", 1), ("agency", 0), ("outsider", 0)]:  # fmt: skip
        client.force_login(getattr(scored, who))
        found = client.get(f"{API}/appeals?month=2018-03").json()["items"]
        assert len(found) == count, who
    client.force_login(scored.district)
    assert client.get(f"{API}/appeals?month=2018-13").status_code == 422


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 403), ("district", 200), ("coordinator", 403), ("viewer", 403),
     ("official", 403), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_the_district_resolves_a_flag(client, scored, who, status):
    c51 = Criterion.objects.get(code="5.1")
    body = {"commune": scored.commune1a.pk, "month": "2018-03", "criterion": c51.pk,
            "reason": "Đối chiếu biên bản"}  # fmt: skip
    response = post(client, getattr(scored, who), "/flags/resolve", body)
    assert response.status_code == status, response.json()
    if status == 200:
        assert response.json()["corrected"] is False  # confirmed: the district's 6 stands
        corrected = post(client, scored.district, "/flags/resolve", body | {"points": "9"})
        assert corrected.json()["corrected"] is True
        assert Resolution.objects.get().points == Decimal(9)
        assert MonthlyResult.objects.get(commune=scored.commune1a).open_flags == 0


def _approvable(client, tv):
    c51 = Criterion.objects.get(code="5.1")
    body = {"commune": tv.commune1a.pk, "month": "2018-03", "criterion": c51.pk, "reason": "ok"}
    assert post(client, tv.district, "/flags/resolve", body).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 403), ("district", 200), ("coordinator", 403), ("viewer", 403),
     ("official", 403), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_the_district_approves_its_communes_month(client, scored, who, status):
    _approvable(client, scored)
    body = {"commune": scored.commune1a.pk, "month": "2018-03", "close_window": True}
    response = post(client, getattr(scored, who), "/months/approve", body)
    assert response.status_code == status, response.json()
    expected = "approved" if status == 200 else "open"
    assert MonthlyResult.objects.get(commune=scored.commune1a).status == expected


def test_approval_acceptance_close_reopen_through_the_api(client, scored):
    one_a = {"commune": scored.commune1a.pk, "month": "2018-03", "close_window": True}
    # Not ready: the flag is open.
    response = post(client, scored.district, "/months/approve", one_a)
    assert response.status_code == 422 and "__all__" in response.json()["fields"]
    _approvable(client, scored)
    assert post(client, scored.district, "/months/approve", one_a).json()["status"] == "approved"
    # Return needs a reason.
    response = post(client, scored.district, "/months/return", one_a)
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    returned = post(client, scored.district, "/months/return", one_a | {"reason": "Xem lại"})
    assert returned.json()["status"] == "open"
    post(client, scored.district, "/months/approve", one_a)
    # BTG accepts the district: 1b is not approved yet.
    district = {"district": scored.district1.pk, "month": "2018-03"}
    for who, status in [("commune", 404), ("district", 403), ("viewer", 403),
                        ("outsider", 404), ("coordinator", 422)]:  # fmt: skip
        response = post(client, getattr(scored, who), "/districts/accept", district)
        assert response.status_code == status, (who, response.json())
    fill(scored.commune1b, S.DISTRICT, scored.district)
    post(
        client,
        scored.district,
        "/months/approve",
        district | {"commune": scored.commune1b.pk, "close_window": True},
    )
    accepted = post(client, scored.coordinator, "/districts/accept", district)
    assert accepted.status_code == 200
    assert {r["status"] for r in accepted.json()} == {"accepted"}
    # Accepted: the district cannot change or return; BTG closes.
    assert (
        post(client, scored.district, "/months/return", one_a | {"reason": "x"}).status_code == 422
    )
    assert post(client, scored.commune, "/months/close", one_a).status_code == 403
    assert post(client, scored.coordinator, "/months/close", one_a).json()["status"] == "closed"
    # Reopen: BTG only, with a reason, recorded.
    assert (
        post(client, scored.district, "/months/reopen", one_a | {"reason": "x"}).status_code == 403
    )
    response = post(client, scored.coordinator, "/months/reopen", one_a)
    assert response.status_code == 422 and "reason" in response.json()["fields"]
    reopened = post(client, scored.coordinator, "/months/reopen", one_a | {"reason": "Sai số liệu"})
    assert reopened.json()["status"] == "open"
    assert [e["action"] for e in reopened.json()["events"]] == [
        "approve", "return", "approve", "accept", "close", "reopen",
    ]  # fmt: skip
    assert reopened.json()["events"][-1]["reason"] == "Sai số liệu"
    # The district closes its communes' months.
    post(client, scored.district, "/months/approve", one_a)
    closed = post(client, scored.district, "/districts/close", district)
    assert closed.status_code == 200 and {r["status"] for r in closed.json()} == {"closed"}


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/appeals", {"criterion": "x"}, "criterion"),
        ("/appeals", {"criterion": 10**30}, "criterion"),
        ("/appeals", {"criterion": 999999}, "criterion"),
        ("/appeals", {"text": "a\x00b"}, "text"),
        ("/appeals", {"text": ""}, "text"),
        ("/appeals", {"text": 12}, "text"),
        ("/appeals", {"month": "2018-3"}, "month"),
        ("/appeals", {"commune": -1}, "commune"),
        ("/flags/resolve", {"points": "1e400"}, "points"),
        ("/flags/resolve", {"points": "NaN"}, "points"),
        ("/flags/resolve", {"points": "Infinity"}, "points"),
        ("/flags/resolve", {"points": "11"}, "points"),
        ("/flags/resolve", {"points": "-1"}, "points"),
        ("/flags/resolve", {"points": "abc"}, "points"),
        ("/flags/resolve", {"points": [1]}, "points"),
        ("/flags/resolve", {"reason": "   "}, "reason"),
        ("/flags/resolve", {"reason": "\x00"}, "reason"),
        ("/flags/resolve", {"criterion": None}, "criterion"),
    ],
)
def test_bad_input_is_a_4xx_with_field_details(client, scored, url, body, field):
    c51 = Criterion.objects.get(code="5.1")
    base = {"commune": scored.commune1a.pk, "month": "2018-03", "criterion": c51.pk,
            "text": "Giải trình", "reason": "Lý do"}  # fmt: skip
    who = scored.commune if url == "/appeals" else scored.district
    response = post(client, who, url, base | body)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"], response.json()


def test_bad_ids_and_bodies_never_500(client, scored):
    client.force_login(scored.district)
    for url, body in [
        ("/appeals/999999/answer", {"answer": "x"}),
        (f"/appeals/{10**30}/answer", {"answer": "x"}),
        ("/months/approve", {"commune": 999999, "month": "2018-03"}),
        ("/months/dance", {"commune": scored.commune1a.pk, "month": "2018-03"}),
        ("/months/approve", {"commune": scored.district1.pk, "month": "2018-03"}),
        ("/districts/accept", {"district": scored.commune1a.pk, "month": "2018-03"}),
        ("/districts/close", {"district": 2**40, "month": "2018-03"}),
        ("/months/approve", "not json"),
        ("/flags/resolve", [1, 2]),
    ]:
        response = client.post(f"{API}{url}", body, content_type="application/json")
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert "message" in response.json()
    for url in [f"/sheets/{10**30}", f"/sheets?month=2018-03&commune={10**30}"]:
        assert 400 <= client.get(f"{API}{url}").status_code < 500, url


def test_system_scored_lines_are_explained_not_rescored(client, scored):
    c62 = Criterion.objects.get(code="6.2")
    body = appeal_body(scored, criterion=c62.pk, text="Đã gửi qua thư điện tử")
    appeal_id = post(client, scored.commune, "/appeals", body).json()["id"]
    url = f"/appeals/{appeal_id}/answer"
    response = post(client, scored.district, url, {"answer": "Giữ nguyên", "points": "2"})
    assert response.status_code == 422 and "points" in response.json()["fields"]
    kept = post(client, scored.district, url, {"answer": "Hệ thống tính theo ngày gửi"})
    assert kept.status_code == 200 and kept.json()["outcome"] == "kept"
    resolve = {"commune": scored.commune1a.pk, "month": "2018-03", "criterion": c62.pk,
               "reason": "x"}  # fmt: skip
    response = post(client, scored.district, "/flags/resolve", resolve)
    assert response.status_code == 422 and "criterion" in response.json()["fields"]


@pytest.mark.parametrize("extra", [1, 5])
def test_appeal_list_uses_a_constant_number_of_queries(
    client, scored, extra, django_assert_max_num_queries
):
    from django.utils import timezone

    c51 = Criterion.objects.get(code="5.1")
    for i in range(extra):
        Appeal.objects.create(commune=scored.commune1a, month=MONTH, criterion=c51,
                              text=f"Giải trình {i}", created_by=scored.commune,
                              created_at=timezone.now())  # fmt: skip
    client.force_login(scored.district)
    with django_assert_max_num_queries(8):
        found = client.get(f"{API}/appeals?month=2018-03").json()["items"]
    assert len(found) == extra


def test_a_long_answer_changes_the_score_with_its_start_as_the_reason(client, scored):
    appeal_id = post(client, scored.commune, "/appeals", appeal_body(scored)).json()["id"]
    answer = "Huyện đã kiểm tra lại biên bản của 4 tổ tuyên vận. " * 6
    response = post(
        client, scored.district, f"/appeals/{appeal_id}/answer", {"answer": answer, "points": "8"}
    )
    assert response.status_code == 200, response.json()
    score = Score.objects.get(sheet__source=S.DISTRICT, criterion__code="5.1")
    reason = score.history.first().history_change_reason
    assert len(reason) == 100
    assert reason.endswith("…")
    assert answer.startswith(reason[:-1])


# Appeals with an attachment -------------------------------------------------------------


def _pdf(name="bien-ban.pdf", body=b"%PDF-1.4\n%%EOF\n"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, "application/pdf")


def post_file(client, user, body, upload):
    client.force_login(user)
    return client.post(f"{API}/appeals/with-file", {**body, "file": upload})


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 201), ("district", 403), ("coordinator", 403), ("viewer", 403),
     ("official", 403), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_the_commune_files_an_appeal_with_an_attachment(client, scored, who, status):
    response = post_file(client, getattr(scored, who), appeal_body(scored), _pdf())
    assert response.status_code == status, response.json()
    assert Appeal.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        body = response.json()
        assert body["text"] == "Đã kiểm tra 4 tổ" and body["code"] == "5.1"
        attached = body["file"]
        assert attached["name"] == "bien-ban.pdf"
        assert attached["content_type"] == "application/pdf" and attached["size"] == 15
        assert attached["url"] == f"{API}/appeals/{body['id']}/file"
        appeal = Appeal.objects.get()
        assert appeal.file_type == "pdf" and appeal.file.name.endswith(".pdf")
        assert "bien-ban" not in appeal.file.name  # the name on disk is generated


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _pdf("x.pdf", b"MZ\x90\x00 not a document"), "PDF"),
        (lambda: _pdf("empty.pdf", b""), "empty"),
    ],
)
def test_an_attachment_the_checks_refuse_is_said_at_the_file(client, scored, upload, message):
    response = post_file(client, scored.commune, appeal_body(scored), upload())
    assert response.status_code == 422, response.json()
    assert "file" in response.json()["fields"]
    assert Appeal.objects.count() == 0


def test_an_attachment_over_the_limit_is_refused(client, scored, settings):
    settings.TUYENVAN_EVIDENCE_MAX_BYTES = 1024
    big = _pdf("lon.pdf", b"%PDF-1.4\n" + b"0" * 2048)
    response = post_file(client, scored.commune, appeal_body(scored), big)
    assert response.status_code == 422
    assert "file" in response.json()["fields"]
    assert Appeal.objects.count() == 0


def test_an_appeal_with_a_file_is_checked_like_one_without(client, scored, monkeypatch):
    """Outside the window, without text, without a file: refused at the field."""
    missing = post_file(client, scored.commune, appeal_body(scored, text=""), _pdf())
    assert missing.status_code == 422 and "text" in missing.json()["fields"]
    client.force_login(scored.commune)
    no_file = client.post(f"{API}/appeals/with-file", appeal_body(scored))
    assert no_file.status_code == 422
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-05-30")
    late = post_file(client, scored.commune, appeal_body(scored), _pdf())
    assert late.status_code == 422 and "text" in late.json()["fields"]
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 200), ("district", 200), ("coordinator", 200), ("viewer", 200),
     ("official", 200), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_the_attachment_is_read_by_those_who_see_the_month(client, scored, who, status):
    appeal_id = post_file(client, scored.commune, appeal_body(scored), _pdf()).json()["id"]
    client.force_login(getattr(scored, who))
    one = client.get(f"{API}/appeals/{appeal_id}")
    assert one.status_code == status
    served = client.get(f"{API}/appeals/{appeal_id}/file")
    assert served.status_code == status
    if status == 200:
        assert one.json()["file"]["name"] == "bien-ban.pdf"
        assert served["Content-Type"] == "application/pdf"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in served["Content-Disposition"]
        # Read to the end (closes the file; see test_offline_forms).
        assert b"".join(served.streaming_content).startswith(b"%PDF")
        listed = client.get(f"{API}/appeals?month=2018-03").json()["items"]
        assert [a["file"]["url"] for a in listed] == [f"{API}/appeals/{appeal_id}/file"]
    else:
        assert one.json()["message"] and served.json()["message"]


def test_an_appeal_without_a_file_has_none(client, scored):
    appeal_id = post(client, scored.commune, "/appeals", appeal_body(scored)).json()["id"]
    assert client.get(f"{API}/appeals/{appeal_id}").json()["file"] is None
    missing = client.get(f"{API}/appeals/{appeal_id}/file")
    assert missing.status_code == 404 and missing.json()["message"]
