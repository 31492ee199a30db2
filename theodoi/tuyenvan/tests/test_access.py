"""The access layer of the tuyên vận app, helper by helper and role by role.

Each ``access_*`` helper returns the object to those who reach it, raises
Http404 for those who do not (outsiders, other roles, other communes) and
PermissionDenied for those who read it but may not do the action.
"""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from theodoi.permissions import tuyenvan as access
from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import actions
from theodoi.tuyenvan.models import (
    Appeal,
    CriteriaSet,
    Criterion,
    MonthlyResult,
    ScoreFile,
    ScoreSheet,
    Submission,
)

from .helpers import MONTH, fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
OK, HIDDEN, REFUSED = "ok", "404", "403"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ROLES = ("commune", "district", "coordinator", "viewer", "official", "agency", "admin", "outsider")


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setenv("THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def outcome(call, *args, **kwargs):
    try:
        found = call(*args, **kwargs)
    except Http404:
        return HIDDEN
    except PermissionDenied:
        return REFUSED
    assert found is not None
    return OK


def check(tv, expected, call, *args, **kwargs):
    """``expected``: role → outcome; roles left out are expected hidden (404)."""
    got = {who: outcome(call, getattr(tv, who), *args, **kwargs) for who in ROLES}
    assert got == {who: expected.get(who, HIDDEN) for who in ROLES}


READERS = {"commune": OK, "district": OK, "coordinator": OK, "viewer": OK}


def test_access_commune_month(tv):
    key = "2018-03"
    check(tv, READERS, access.access_commune_month, tv.commune1a.pk, key)
    check(
        tv,
        {"commune": OK, "district": REFUSED, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_commune_month,
        tv.commune1a.pk,
        key,
        "change_meeting",
    )
    check(
        tv,
        {"commune": REFUSED, "district": OK, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_commune_month,
        tv.commune1a.pk,
        key,
        "approve_month",
    )
    # Another district's commune: its scorer and the commune reporter do not reach it.
    check(
        tv,
        {"coordinator": OK, "viewer": OK},
        access.access_commune_month,
        tv.commune2a.pk,
        key,
    )


def test_an_attending_official_reaches_only_the_month_it_attended(tv):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    assert access.access_commune_month(tv.official, tv.commune1a.pk, "2018-03").month == MONTH
    with pytest.raises(Http404):
        access.access_commune_month(tv.official, tv.commune1a.pk, "2018-02")
    with pytest.raises(PermissionDenied):
        access.access_commune_month(tv.official, tv.commune1a.pk, "2018-03", "change_meeting")


@pytest.mark.parametrize(
    ("commune", "month"),
    [
        ("abc", "2018-03"),
        ("³", "2018-03"),
        (10**22, "2018-03"),
        ("-1", "2018-03"),
        (0, "2018-03"),
        ("{commune}", "2018-13"),
        ("{commune}", "0000-01"),
        ("{commune}", "99999-01"),
        ("{commune}", "2018-3"),
        ("{district}", "2018-03"),  # a district is not a commune
    ],
)
def test_access_commune_month_refuses_what_is_not_one(tv, commune, month):
    commune = str(commune).format(commune=tv.commune1a.pk, district=tv.district1.pk)
    with pytest.raises(Http404):
        access.access_commune_month(tv.coordinator, commune, month)


def test_access_district(tv):
    check(
        tv,
        {"district": OK, "coordinator": OK, "viewer": OK},
        access.access_district,
        tv.district1.pk,
    )
    check(
        tv,
        {"district": REFUSED, "coordinator": OK, "viewer": REFUSED},
        access.access_district,
        tv.district1.pk,
        "accept_district",
    )
    check(
        tv,
        {"district": OK, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_district,
        tv.district1.pk,
        "send_district_section",
    )
    with pytest.raises(Http404):
        access.access_district(tv.coordinator, tv.commune1a.pk)


def test_access_commune(tv):
    check(tv, READERS, access.access_commune, tv.commune1a.pk)
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    assert access.access_commune(tv.official, tv.commune1a.pk) == tv.commune1a
    with pytest.raises(Http404):
        access.access_commune(tv.official, tv.commune1b.pk)


def test_access_meeting_and_its_files(tv):
    meeting = hold_meeting(tv.commune1a, tv.commune)
    attached = actions.do_add_meeting_file(
        meeting, SimpleUploadedFile("anh.png", PNG), "photo", by=tv.commune
    )
    for call, pk in (
        (access.access_meeting, meeting.pk),
        (access.access_meeting_file, attached.pk),
    ):
        check(tv, READERS, call, pk)
        check(
            tv,
            {"commune": OK, "district": REFUSED, "coordinator": REFUSED, "viewer": REFUSED},
            call,
            pk,
            "change_meeting_files",
        )
        with pytest.raises(Http404):
            call(tv.coordinator, pk + 1000)


def test_access_sheet_and_its_files(tv):
    sheet = actions.sheet_for(tv.commune1a, MONTH, S.SELF)
    criterion = Criterion.objects.get(code="2.1")
    entries = {
        **{
            c.pk: actions.ScoreInput(c.max_points if c.kind == "normal" else Decimal(0))
            for c in Criterion.objects.filter(group__criteria_set=sheet.criteria_set)
            if c.scorable_by(S.SELF)
        },
        criterion.pk: actions.ScoreInput(
            criterion.max_points - 1, "thiếu", "", [SimpleUploadedFile("bb.png", PNG)]
        ),
    }
    sheet = actions.do_save_sheet(sheet, entries, by=tv.commune)
    attached = ScoreFile.objects.get()
    check(tv, READERS, access.access_sheet, sheet.pk)
    check(
        tv,
        {"commune": OK, "district": REFUSED, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_sheet,
        sheet.pk,
        "change_sheet",
    )
    check(tv, READERS, access.access_score_file, attached.pk)
    Path(attached.file.path).unlink(missing_ok=True)


def test_access_result_and_appeal(tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    result = MonthlyResult.objects.get(commune=tv.commune1a, month=MONTH)
    check(tv, READERS, access.access_result, result.pk)
    check(
        tv,
        {"commune": REFUSED, "district": OK, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_result,
        result.pk,
        "approve_month",
    )
    appeal = Appeal.objects.create(
        commune=tv.commune1a,
        month=MONTH,
        criterion=Criterion.objects.get(code="2.1"),
        text="Giải trình",
        created_by=tv.commune,
        created_at=timezone.now(),
    )
    check(
        tv,
        {"commune": REFUSED, "district": OK, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_appeal,
        appeal.pk,
        "answer_appeal",
    )


def test_access_flag(tv):
    criterion = Criterion.objects.get(code="2.1")
    check(
        tv,
        {"commune": REFUSED, "district": OK, "coordinator": REFUSED, "viewer": REFUSED},
        access.access_flag,
        tv.commune1a.pk,
        "2018-03",
        criterion.pk,
        "resolve_flag",
    )
    other = actions.do_copy_set(
        CriteriaSet.objects.get(), effective_from=date(2019, 1, 1), by=tv.coordinator
    )
    foreign = Criterion.objects.filter(group__criteria_set=other).first()
    with pytest.raises(Http404):
        access.access_flag(tv.district, tv.commune1a.pk, "2018-03", foreign.pk, "resolve_flag")


def _submission(tv, kind, sender, recipient):
    return Submission.objects.create(
        sender=sender,
        recipient=recipient,
        month=MONTH,
        kind=kind,
        title="Báo cáo",
        sent_at=timezone.make_aware(datetime(2018, 3, 20, 9)),
    )


def test_access_submission_the_recipients_side_opens(tv):
    report = _submission(tv, Submission.Kind.REPORT, tv.commune1a, tv.district1)
    readers = {"commune": OK, "district": OK, "coordinator": OK, "viewer": OK}
    check(tv, readers, access.access_submission, report.pk)
    opens = {"commune": REFUSED, "district": OK, "coordinator": REFUSED, "viewer": REFUSED}
    check(tv, opens, access.access_submission, report.pk, "open_submission")
    documents = _submission(tv, Submission.Kind.DOCUMENTS, tv.commune1a, tv.btg)
    check(tv, readers, access.access_submission, documents.pk)
    opens = {"commune": REFUSED, "district": REFUSED, "coordinator": OK, "viewer": REFUSED}
    check(tv, opens, access.access_submission, documents.pk, "open_submission")


def test_access_criteria_set(tv):
    published = CriteriaSet.objects.get()
    everyone = dict.fromkeys(ROLES, OK)
    check(tv, everyone, access.access_criteria_set, published.pk)
    change = dict.fromkeys(ROLES, REFUSED) | {"coordinator": OK}
    check(tv, change, access.access_criteria_set, published.pk, "change_criteriaset")
    draft = actions.do_copy_set(published, effective_from=date(2019, 1, 1), by=tv.coordinator)
    check(tv, {"coordinator": OK}, access.access_criteria_set, draft.pk)
    check(tv, {"coordinator": OK}, access.access_criteria_set, draft.pk, "preview_criteriaset")


def test_access_ranking_one_scope_for_page_and_api(tv):
    assert access.access_ranking(tv.coordinator) == tv.province
    assert access.access_ranking(tv.viewer) == tv.province
    assert access.access_ranking(tv.district) == tv.district1
    assert access.access_ranking(tv.commune) == tv.district1
    assert access.access_ranking(tv.outsider) == tv.other_province
    for who in ("official", "agency", "admin"):
        with pytest.raises(Http404):
            access.access_ranking(getattr(tv, who))
    check(tv, READERS, access.access_ranking, tv.district1.pk)
    district_level = {"district": OK, "coordinator": OK, "viewer": OK}
    check(tv, district_level, access.access_ranking, tv.district1.pk, "district")
    check(tv, {"coordinator": OK, "viewer": OK}, access.access_ranking, tv.province.pk)
    # A commune is no ranking scope, even the reporter's own.
    check(tv, {}, access.access_ranking, tv.commune1a.pk)
    check(tv, {}, access.access_ranking, 10**22)
    # Each coordinator its own province.
    check(tv, {"coordinator": OK, "viewer": OK, "outsider": OK}, access.access_bulletin)
