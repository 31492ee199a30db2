"""The API: reach per role, owners only, bad input as 4xx JSON with fields."""

from datetime import date
from decimal import Decimal

import pytest

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan.models import Criterion, ScoreSheet

from .helpers import fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
API = "/api/v1/tuyenvan"
MONTH_JULY = date(2018, 7, 1)


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def as_(client, user):
    client.force_login(user)
    return client


def scores(source, **overrides):
    out = []
    for c in Criterion.objects.all():
        if c.scorable_by(source):
            points = c.max_points if c.kind not in ("bonus", "penalty") else Decimal(0)
            out.append({"criterion": c.pk, "points": str(overrides.get(c.code, points)),
                        "reason": "lý do" if c.code in overrides else "",
                        "evidence": "biên bản" if c.code in overrides else ""})  # fmt: skip
    return out


def meeting_payload(world, **extra):
    return {
        "commune": world.commune1a.pk,
        "month": "2018-03",
        "held_on": "2018-03-11",
        "place": "Hội trường xã",
        "chair": "Bí thư",
        "topics": "Hướng dẫn tuyên truyền tháng 3",
        "participants": 45,
        **extra,
    }


def test_criteria_sets_are_readable(client, tv):
    as_(client, tv.viewer)
    sets = client.get(f"{API}/criteria-sets").json()["items"]
    assert sets[0]["bands"][0]["label"] == "Tốt"
    detail = client.get(f"{API}/criteria-sets/{sets[0]['id']}").json()
    codes = {c["code"]: c for c in detail["criteria"]}
    assert codes["6.2"]["system_rule"] == "submissions" and codes["6.2"]["sources"] == []
    assert client.get(f"{API}/criteria-sets/999999").status_code == 404


def test_anonymous_is_refused(client, tv):
    assert client.get(f"{API}/criteria-sets").status_code == 401


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 201), ("district", 403), ("coordinator", 403), ("viewer", 403), ("official", 404)],
)
def test_only_the_commune_records_its_conference(client, tv, who, status):
    as_(client, getattr(tv, who))
    response = client.post(f"{API}/meetings", meeting_payload(tv), content_type="application/json")
    assert response.status_code == status, response.json()


def test_meeting_bad_input_has_field_details(client, tv):
    as_(client, tv.commune)
    response = client.post(
        f"{API}/meetings",
        meeting_payload(tv, held_on="2018-04-01", participants=-1),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "participants" in response.json()["fields"]
    response = client.post(
        f"{API}/meetings",
        meeting_payload(tv, held_on="2018-04-01"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "held_on" in response.json()["fields"]
    response = client.post(
        f"{API}/meetings",
        meeting_payload(tv, officials=[tv.viewer.pk]),
        content_type="application/json",
    )
    assert response.status_code == 422 and "officials" in response.json()["fields"]


def test_meeting_update_and_list(client, tv):
    as_(client, tv.commune)
    created = client.post(
        f"{API}/meetings",
        meeting_payload(tv, officials=[tv.official.pk]),
        content_type="application/json",
    ).json()
    updated = client.put(
        f"{API}/meetings/{created['id']}",
        meeting_payload(tv, participants=60, officials=[tv.official.pk]),
        content_type="application/json",
    )
    assert updated.json()["participants"] == 60
    assert [m["id"] for m in client.get(f"{API}/meetings?month=2018-03").json()["items"]] == [
        created["id"]
    ]
    as_(client, tv.official)
    assert len(client.get(f"{API}/meetings?month=2018-03").json()["items"]) == 1
    as_(client, tv.district)
    response = client.put(
        f"{API}/meetings/{created['id']}", meeting_payload(tv), content_type="application/json"
    )
    assert response.status_code == 403


def test_sheets_by_their_owners_only(client, tv):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    body = {
        "commune": tv.commune1a.pk,
        "month": "2018-03",
        "source": "self",
        "scores": scores(S.SELF),
    }
    as_(client, tv.district)
    assert client.post(f"{API}/sheets", body, content_type="application/json").status_code == 403
    as_(client, tv.commune)
    created = client.post(f"{API}/sheets", body, content_type="application/json")
    assert created.status_code == 201
    sheet = created.json()
    assert sheet["state"] == "draft"
    submitted = client.post(f"{API}/sheets/{sheet['id']}/submit")
    assert submitted.json()["state"] == "submitted"
    # The district reads it but cannot change it.
    as_(client, tv.district)
    assert client.get(f"{API}/sheets/{sheet['id']}").status_code == 200
    update = {"scores": scores(S.SELF), "change_reason": "x"}
    assert (
        client.put(
            f"{API}/sheets/{sheet['id']}", update, content_type="application/json"
        ).status_code
        == 403
    )
    # Another commune's reporter does not even see it.
    as_(client, tv.outsider)
    assert client.get(f"{API}/sheets/{sheet['id']}").status_code == 404
    # The attending official files its own observation; not another source.
    as_(client, tv.official)
    obs = {**body, "source": "official", "scores": scores(S.OFFICIAL), "submit": True}
    assert client.post(f"{API}/sheets", obs, content_type="application/json").status_code == 201
    assert (
        client.post(
            f"{API}/sheets", {**body, "source": "district"}, content_type="application/json"
        ).status_code
        == 403
    )
    listed = client.get(f"{API}/sheets?month=2018-03").json()["items"]
    assert {s["source"] for s in listed} == {"self", "official"}
    # An official not on the conference reaches nothing.
    from theodoi.testing import make_user

    other = make_user("official2", "official", tv.district1)
    as_(client, other)
    assert client.post(f"{API}/sheets", obs, content_type="application/json").status_code == 404
    assert client.get(f"{API}/sheets?month=2018-03").json()["items"] == []


def test_sheet_bad_input_names_the_criterion(client, tv):
    as_(client, tv.district)
    body = {
        "commune": tv.commune1a.pk,
        "month": "2018-03",
        "source": "district",
        "scores": scores(S.DISTRICT),
        "submit": True,
    }
    c21 = Criterion.objects.get(code="2.1")
    for line in body["scores"]:
        if line["criterion"] == c21.pk:
            line["points"] = "12"
    response = client.post(
        f"{API}/sheets", body, content_type="application/json", headers={"Accept-Language": "vi"}
    )
    assert response.status_code == 422
    assert response.json()["fields"]["2.1"] == "Điểm phải từ 0 đến 10."
    response = client.post(
        f"{API}/sheets", {**body, "source": "boss"}, content_type="application/json"
    )
    assert response.status_code == 422 and "source" in response.json()["fields"]
    response = client.post(
        f"{API}/sheets", {**body, "month": "2018-3"}, content_type="application/json"
    )
    assert response.status_code == 422 and "month" in response.json()["fields"]


def test_results_and_rankings(client, tv):
    for commune, d in (
        (tv.commune1a, Decimal(8)),
        (tv.commune1b, Decimal(10)),
        (tv.commune2a, Decimal(10)),
    ):
        hold_meeting(commune, tv.commune)
        fill(commune, S.SELF, tv.commune)
        fill(commune, S.DISTRICT, tv.district, _2_1=d)
    as_(client, tv.coordinator)
    rows = client.get(f"{API}/results?month=2018-03&district={tv.district1.pk}").json()["items"]
    assert [r["commune_name"] for r in rows] == ["Xã Một A", "Xã Một B"]
    assert rows[0]["sources_missing"] == ["official"] or rows[0]["sources_missing"] == []
    assert rows[0]["band"] == "tot"
    ranking = client.get(
        f"{API}/rankings?period=2018-03&level=commune&within={tv.province.pk}"
    ).json()
    ranks = [(r["name"], r["rank"]) for r in ranking["ranking"]]
    # Xã Hai A and Xã Một B tie on score and deductions: same rank, by name.
    assert ranks == [("Xã Hai A", 1), ("Xã Một B", 1), ("Xã Một A", 3)]
    assert "tie" in ranking["rule"].lower()
    districts = client.get(f"{API}/rankings?period=2018-Q1&level=district").json()["ranking"]
    assert [d["name"] for d in districts] == ["Huyện ủy Hai", "Huyện ủy Một"]
    assert client.get(f"{API}/rankings?period=2018-Q5").status_code == 422
    assert client.get(f"{API}/rankings?period=2018&level=village").status_code == 422
    assert client.get(f"{API}/results?month=March").status_code == 422
    # The commune reporter sees only its own result; the district scorer its district.
    as_(client, tv.commune)
    assert [
        r["commune_name"] for r in client.get(f"{API}/results?month=2018-03").json()["items"]
    ] == ["Xã Một A"]
    # ... and, as aggregates, the commune ranking of its own district (not another's).
    assert client.get(f"{API}/rankings?period=2018-03&within={tv.district1.pk}").status_code == 200
    assert client.get(f"{API}/rankings?period=2018-03&within={tv.district2.pk}").status_code == 404
    as_(client, tv.district)
    assert len(client.get(f"{API}/results?month=2018-03").json()["items"]) == 2
    assert client.get(f"{API}/rankings?period=2018-03&within={tv.district2.pk}").status_code == 404


def test_submissions(client, tv):
    as_(client, tv.commune)
    body = {
        "commune": tv.commune1a.pk,
        "month": "2018-03",
        "kind": "documents",
        "title": "Tài liệu",
    }
    created = client.post(f"{API}/submissions", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["recipient"] == tv.btg.pk
    assert (
        client.post(
            f"{API}/submissions", {**body, "kind": "x"}, content_type="application/json"
        ).status_code
        == 422
    )
    as_(client, tv.district)
    assert (
        client.post(f"{API}/submissions", body, content_type="application/json").status_code == 403
    )
    assert len(client.get(f"{API}/submissions?month=2018-03").json()["items"]) == 1
    as_(client, tv.outsider)
    assert client.get(f"{API}/submissions?month=2018-03").json()["items"] == []


def test_drafts_are_seen_only_by_their_coordinators(client, tv):
    from theodoi.tuyenvan import actions
    from theodoi.tuyenvan.models import CriteriaSet

    draft = actions.do_copy_set(
        CriteriaSet.objects.get(), effective_from=MONTH_JULY, by=tv.coordinator
    )
    as_(client, tv.coordinator)
    assert len(client.get(f"{API}/criteria-sets").json()["items"]) == 2
    assert client.get(f"/tuyenvan/criteria/{draft.pk}/").status_code == 200
    for who in (tv.district, tv.outsider):
        as_(client, who)
        assert len(client.get(f"{API}/criteria-sets").json()["items"]) == 1
        assert client.get(f"{API}/criteria-sets/{draft.pk}").status_code == 404
        assert client.get(f"/tuyenvan/criteria/{draft.pk}/").status_code == 404


def test_listing_sheets_uses_a_constant_number_of_queries(
    client, tv, django_assert_max_num_queries
):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.SELF, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    fill(tv.commune1b, S.DISTRICT, tv.district)
    as_(client, tv.coordinator)
    with django_assert_max_num_queries(7):
        assert len(client.get(f"{API}/sheets?month=2018-03").json()["items"]) == 3
    fill(tv.commune2a, S.DISTRICT, tv.district)
    fill(tv.commune1b, S.SELF, tv.commune)
    with django_assert_max_num_queries(7):
        assert len(client.get(f"{API}/sheets?month=2018-03").json()["items"]) == 5
