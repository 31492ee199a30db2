"""Factories for tests: a small province with one account per role.

``make_world()`` builds::

    Tỉnh ủy Thử nghiệm (province)
    ├── Ban Tuyên giáo (party_agency)      coordinator
    ├── Ban Dân vận (party_agency)         agency reporter
    ├── Sở Thông tin và Truyền thông (state_agency)
    ├── Huyện ủy Một (district)            district scorer, official
    │   ├── Xã Một A (commune)             commune reporter
    │   └── Xã Một B (commune)
    └── Huyện ủy Hai (district)
        └── Xã Hai A (commune)

plus a leadership viewer and an administrator at the province, and
``outsider``: a coordinator of another province.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User

from theodoi.plans.models import Assignment, Field, Plan, Programme, Task, WorkItem
from theodoi.units.models import Membership, Unit

_seq = itertools.count(1)
PASSWORD = "test-password-123"


def make_unit(name: str, kind: str, parent: Unit | None = None, **kwargs: Any) -> Unit:
    n = next(_seq)
    kwargs.setdefault("key", f"test:{n}")
    kwargs.setdefault("code", f"T{n:04d}")
    return Unit.objects.create(name=name, kind=kind, parent=parent, **kwargs)


def make_user(
    username: str, role: str | None = None, unit: Unit | None = None, **kwargs: Any
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **kwargs)
    if role and unit:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class World:
    province: Unit
    btg: Unit
    bdv: Unit
    sotttt: Unit
    district1: Unit
    district2: Unit
    commune1a: Unit
    commune1b: Unit
    commune2a: Unit
    other_province: Unit
    coordinator: User
    agency: User
    district: User
    commune: User
    official: User
    viewer: User
    admin: User
    outsider: User


def make_world() -> World:
    K = Unit.Kind
    R = Membership.Role
    province = make_unit("Tỉnh ủy Thử nghiệm", K.PROVINCE, symbol="TU", place="Thử nghiệm")
    btg = make_unit(
        "Ban Tuyên giáo Tỉnh ủy", K.PARTY_AGENCY, province, short_name="BTG", symbol="BTGTU"
    )
    bdv = make_unit(
        "Ban Dân vận Tỉnh ủy", K.PARTY_AGENCY, province, short_name="BDV", symbol="BDVTU"
    )
    sotttt = make_unit(
        "Sở Thông tin và Truyền thông", K.STATE_AGENCY, province, short_name="Sở TT&TT"
    )
    district1 = make_unit("Huyện ủy Một", K.DISTRICT, province, symbol="HU")
    district2 = make_unit("Huyện ủy Hai", K.DISTRICT, province, symbol="HU")
    commune1a = make_unit("Xã Một A", K.COMMUNE, district1)
    commune1b = make_unit("Xã Một B", K.COMMUNE, district1)
    commune2a = make_unit("Xã Hai A", K.COMMUNE, district2)
    other_province = make_unit("Tỉnh ủy Khác", K.PROVINCE, symbol="TU")
    other_btg = make_unit("Ban Tuyên giáo Tỉnh ủy Khác", K.PARTY_AGENCY, other_province)
    return World(
        province=province,
        btg=btg,
        bdv=bdv,
        sotttt=sotttt,
        district1=district1,
        district2=district2,
        commune1a=commune1a,
        commune1b=commune1b,
        commune2a=commune2a,
        other_province=other_province,
        coordinator=make_user("coordinator", R.COORDINATOR, btg),
        agency=make_user("agency", R.AGENCY_REPORTER, bdv),
        district=make_user("district", R.DISTRICT_SCORER, district1),
        commune=make_user("commune", R.COMMUNE_REPORTER, commune1a),
        official=make_user("official", R.OFFICIAL, district1),
        viewer=make_user("viewer", R.VIEWER, province),
        admin=make_user("admin", R.ADMIN, province),
        outsider=make_user("outsider", R.COORDINATOR, other_btg),
    )


def make_plan(world: World, *, year: int = 2018, number: str | None = None) -> Plan:
    programme, _ = Programme.objects.get_or_create(
        code="17-ĐA/TU",
        defaults={
            "title": "Đề án thử nghiệm",
            "issuer": world.province,
            "start_year": 2016,
            "end_year": 2020,
        },
    )
    return Plan.objects.create(
        programme=programme,
        number=number or f"{next(_seq)}-KH/TU",
        issued_on=date(year, 1, 5),
        year=year,
        title=f"Kế hoạch thực hiện Đề án năm {year}",
        issuer=world.province,
        owner=world.btg,
    )


def make_work_item(
    plan: Plan,
    *,
    lead: list[Unit] | Unit,
    coordinating: list[Unit] | Unit | None = None,
    field: str = "Công tác tuyên truyền",
    task: str = "Nhiệm vụ thử nghiệm",
    title: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> WorkItem:
    field_obj, _ = Field.objects.get_or_create(plan=plan, name=field)
    task_obj, _ = Task.objects.get_or_create(plan=plan, field=field_obj, title=task)
    item = WorkItem.objects.create(
        task=task_obj,
        title=title or f"Nhóm công việc {next(_seq)}",
        start=start or date(plan.year, 1, 15),
        end=end or date(plan.year, 6, 30),
    )
    leads = lead if isinstance(lead, list) else [lead]
    coords = (
        coordinating if isinstance(coordinating, list) else [coordinating] if coordinating else []
    )
    for unit in leads:
        Assignment.objects.create(work_item=item, unit=unit, role=Assignment.Role.LEAD)
    for unit in coords:
        Assignment.objects.create(work_item=item, unit=unit, role=Assignment.Role.COORDINATING)
    return item


# tuyenvan ---------------------------------------------------------------------


def make_criteria_set(world: World, effective_from: date | None = None, **kwargs: Any) -> Any:
    """The demo's 100-point tuyên vận set, published, owned by the test province."""
    from theodoi.tuyenvan.defaults import build_default_set

    return build_default_set(world.province, effective_from or date(2018, 1, 1), **kwargs)


def make_roster_entry(
    province: Unit,
    commune: Unit,
    official: User,
    day: date,
    *,
    kind: str = "district",
    published: bool = True,
) -> Any:
    """One official on the roster of a commune's conference: the month's round
    of ``province`` (created, published unless told otherwise) gets the entry."""
    from theodoi.tuyenvan.roster.models import RosterEntry, RosterRound

    rnd, _created = RosterRound.objects.get_or_create(
        province=province,
        period=RosterRound.Period.MONTH,
        start=day.replace(day=1),
        defaults={
            "status": RosterRound.Status.PUBLISHED if published else RosterRound.Status.DRAFT
        },
    )
    return RosterEntry.objects.create(
        round=rnd,
        official=official,
        commune=commune,
        kind=kind,
        day=day,
        explanation="Cán bộ phụ trách địa bàn",
    )


def run_fresh(code: str, data_dir: Path, **env: str) -> str:
    """Run ``code`` in a fresh interpreter with the app's settings, as a server
    process would start (nothing imported yet; no ``DATABASE_URL`` or
    ``SECRET_KEY`` from this environment; ``data_dir`` as its data folder, plus
    ``env``): its standard output. Fails on a non-zero exit."""
    root = Path(__file__).resolve().parents[1]
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    environ |= {"THEODOI_DATA": str(data_dir), "DJANGO_SETTINGS_MODULE": "theodoi.settings", **env}
    result = subprocess.run(  # noqa: S603 - our own interpreter and app
        [sys.executable, "-c", code],
        cwd=root,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def release(response: Any) -> None:
    """Close the file a streamed response holds, without ``response.close()``.

    ``close()`` also sends Django's end-of-request signal, which closes the
    database connection; inside a test's transaction on PostgreSQL that
    breaks every later query of the test.
    """
    for closer in response._resource_closers:
        closer()
    response._resource_closers.clear()


# Two provinces, each with every role and one object of every kind ------------

TWIN_MONTH = date(2018, 3, 1)
TWIN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Side:
    """One province of the twin world: its units, one account per role and one
    object of every kind the site serves by id (by kind name)."""

    tag: str
    units: dict[str, Unit]
    users: dict[str, User]
    objects: dict[str, Any]


@dataclass
class TwinWorld:
    a: Side
    b: Side

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.a, self.b)


# The accounts of a side: role → (membership role, unit key). ``district_other``
# and ``commune_other`` hold the right role in the wrong district or commune.
TWIN_ACCOUNTS: dict[str, tuple[str, str]] = {
    "coordinator": (Membership.Role.COORDINATOR, "btg"),
    "agency": (Membership.Role.AGENCY_REPORTER, "bdv"),
    "district": (Membership.Role.DISTRICT_SCORER, "district1"),
    "commune": (Membership.Role.COMMUNE_REPORTER, "commune1a"),
    "official": (Membership.Role.OFFICIAL, "district1"),
    "viewer": (Membership.Role.VIEWER, "province"),
    "admin": (Membership.Role.ADMIN, "province"),
    "district_other": (Membership.Role.DISTRICT_SCORER, "district2"),
    "commune_other": (Membership.Role.COMMUNE_REPORTER, "commune1b"),
}


def _twin_side(tag: str) -> Side:
    """A province like ``make_world``'s, every account prefixed with ``tag``.

    Its objects are about commune 1A and March 2018 (``TWIN_MONTH``); the
    official attends commune 1A's February conference only, so every March
    object of the commune is outside its reach.
    """
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from theodoi.plans.models import Indicator, Objective
    from theodoi.reporting import actions as reporting_actions
    from theodoi.reporting.models import (
        ConsolidatedExport,
        ReportingPeriod,
        ReportingSchedule,
    )
    from theodoi.reporting.periods import generate_periods
    from theodoi.tuyenvan import actions as tv_actions
    from theodoi.tuyenvan.defaults import build_default_set
    from theodoi.tuyenvan.models import (
        Appeal,
        Criterion,
        MonthlyResult,
        Resolution,
        Score,
        ScoreFile,
        Submission,
    )
    from theodoi.tuyenvan.roster.models import (
        Board,
        ConferenceDate,
        OfficialProfile,
        RulesDocument,
        Team,
        Unavailability,
    )

    K = Unit.Kind
    T = tag.upper()
    u: dict[str, Unit] = {}
    u["province"] = make_unit(f"Tỉnh ủy {T}", K.PROVINCE, symbol="TU", place=f"Tỉnh {T}")
    u["btg"] = make_unit(
        f"Ban Tuyên giáo Tỉnh ủy {T}", K.PARTY_AGENCY, u["province"], short_name="BTG"
    )
    u["bdv"] = make_unit(
        f"Ban Dân vận Tỉnh ủy {T}", K.PARTY_AGENCY, u["province"], short_name="BDV"
    )
    u["district1"] = make_unit(f"Huyện ủy {T} Một", K.DISTRICT, u["province"], symbol="HU")
    u["district2"] = make_unit(f"Huyện ủy {T} Hai", K.DISTRICT, u["province"], symbol="HU")
    u["commune1a"] = make_unit(f"Xã {T} Một A", K.COMMUNE, u["district1"])
    u["commune1b"] = make_unit(f"Xã {T} Một B", K.COMMUNE, u["district1"])
    u["commune2a"] = make_unit(f"Xã {T} Hai A", K.COMMUNE, u["district2"])
    users = {
        role: make_user(f"{tag}.{role}", member_role, u[unit_key])
        for role, (member_role, unit_key) in TWIN_ACCOUNTS.items()
    }
    coordinator, commune, district, official = (
        users["coordinator"], users["commune"], users["district"], users["official"]
    )  # fmt: skip
    o: dict[str, Any] = {}
    o["unit"] = u["commune1a"]
    o["district_unit"] = u["district1"]
    # begin chain: a cluster of communes (the access test's object; no chain makes it act)
    from theodoi.tuyenvan.models import CommuneCluster

    # (``commune_cluster``: "cluster" is the side's thi đua cluster.)
    o["commune_cluster"] = CommuneCluster.objects.create(
        province=u["province"], name=f"Cụm {T} Một", valid_from=date(2018, 1, 1)
    )
    o["commune_cluster"].communes.set([u["commune1a"], u["commune1b"]])
    # end chain
    o["membership"] = Membership.objects.get(user=commune)

    # plans
    o["programme"] = Programme.objects.create(
        code=f"{T}-ĐA/TU",
        title=f"Đề án {T}",
        issuer=u["province"],
        start_year=2016,
        end_year=2020,
    )
    o["objective"] = Objective.objects.create(programme=o["programme"], text=f"Mục tiêu {T}")
    o["indicator"] = Indicator.objects.create(objective=o["objective"], name=f"Chỉ tiêu {T}")
    o["plan"] = Plan.objects.create(
        programme=o["programme"],
        number=f"{next(_seq)}-KH/TU",
        issued_on=date(2018, 1, 5),
        year=2018,
        title=f"Kế hoạch {T} năm 2018",
        issuer=u["province"],
        owner=u["btg"],
    )
    o["work_item"] = make_work_item(
        o["plan"], lead=u["commune1a"], coordinating=u["bdv"], field=f"Lĩnh vực {T}",
        task=f"Nhiệm vụ {T}", title=f"Công việc {T}", start=date(2018, 2, 1),
        end=date(2018, 5, 31),
    )  # fmt: skip
    o["task"] = o["work_item"].task
    o["field"] = o["task"].field

    # reporting
    ReportingSchedule.objects.create(plan=o["plan"], kind="half", rule="days_after_end", days=10)
    generate_periods(o["plan"])
    o["period"] = ReportingPeriod.objects.get(plan=o["plan"], code="2018-H1")
    o["report"] = reporting_actions.do_start_report(o["period"], u["commune1a"], by=commune)
    o["entry"] = o["report"].entries.first()
    o["evidence"] = reporting_actions.do_add_evidence(
        o["entry"], SimpleUploadedFile("bien-ban.pdf", TWIN_PDF), by=commune
    )
    o["inspection"] = reporting_actions.do_record_inspection(
        o["plan"], unit=u["commune1a"], held_on=date(2018, 4, 20), team=f"Đoàn {T}",
        scope="Kiểm tra", follow_ups=[("Khắc phục", date(2018, 6, 30))], by=coordinator,
    )  # fmt: skip
    o["follow_up"] = o["inspection"].follow_ups.get()
    o["export"] = ConsolidatedExport.objects.create(
        period=o["period"],
        format=ConsolidatedExport.Format.DOCX,
        created_by=coordinator,
        state=ConsolidatedExport.State.DONE,
        progress=100,
        file=ContentFile(b"PK\x03\x04 docx", name="bao-cao.docx"),
    )

    # begin proposals
    # Commune 1A proposes to postpone the work item it leads; the Ban Dân vận
    # (coordinating) is asked. The plan is issued (version 1), so it is locked.
    from theodoi.plans.proposals import do_issue_plan, do_propose

    o["plan_version"] = do_issue_plan(o["plan"], by=coordinator)
    o["proposal"] = do_propose(
        o["plan"], unit=u["commune1a"], by=commune, kind="postpone", reason=f"Lý do {T}",
        effective_from=date(2018, 3, 1), work_item=o["work_item"], values={"end": "2018-06-30"},
    )  # fmt: skip
    o["consultation"] = o["proposal"].consultations.get()
    # end proposals

    # tuyên vận
    o["criteria_set"] = build_default_set(u["province"], date(2018, 1, 1))
    o["draft_set"] = build_default_set(
        u["province"], date(2019, 1, 1), publish=False, version=2
    )
    o["criterion"] = (
        Criterion.objects.filter(group__criteria_set=o["criteria_set"]).order_by("pk").first()
    )
    details = {"place": "Hội trường xã", "chair": "Bí thư", "topics": f"Chủ đề {T}"}
    tv_actions.do_save_meeting(
        u["commune1a"], date(2018, 2, 1),
        {"held_on": date(2018, 2, 10), "participants": 30, **details},
        by=commune, officials=[official],
    )  # fmt: skip
    o["meeting"] = tv_actions.do_save_meeting(
        u["commune1a"], TWIN_MONTH,
        {"held_on": date(2018, 3, 10), "participants": 40, **details},
        by=commune, officials=[],
    )  # fmt: skip
    o["meeting_file"] = tv_actions.do_add_meeting_file(
        o["meeting"], SimpleUploadedFile("bien-ban.pdf", TWIN_PDF), "minutes", by=commune
    )
    for source, by in (("self", commune), ("district", district)):
        sheet = tv_actions.sheet_for(u["commune1a"], TWIN_MONTH, source, None)
        entries = {}
        for c in Criterion.objects.filter(group__criteria_set=sheet.criteria_set):
            if c.scorable_by(source):
                bonus = c.kind in (c.Kind.BONUS, c.Kind.PENALTY)
                entries[c.pk] = tv_actions.ScoreInput(0 if bonus else c.max_points)
        o[f"{source}_sheet"] = tv_actions.do_save_sheet(sheet, entries, by=by, submit=True)
    o["sheet"] = o["self_sheet"]
    score = Score.objects.filter(sheet=o["sheet"]).order_by("pk").first()
    o["score_file"] = ScoreFile.objects.create(
        score=score,
        file=ContentFile(TWIN_PDF, name="diem.pdf"),
        name="diem.pdf",
        content_type="pdf",
        size=len(TWIN_PDF),
        uploaded_by=commune,
        uploaded_at=timezone.now(),
    )
    o["flag"] = Resolution.objects.create(
        commune=u["commune1a"], month=TWIN_MONTH, criterion=o["criterion"],
        points=o["criterion"].max_points, reason="Giữ điểm", resolved_by=district,
        resolved_at=timezone.now(),
    )  # fmt: skip
    o["appeal"] = Appeal.objects.create(
        commune=u["commune1a"], month=TWIN_MONTH, criterion=o["criterion"],
        text=f"Giải trình {T}", created_by=commune, created_at=timezone.now(),
        file=ContentFile(TWIN_PDF, name="giai-trinh.pdf"), file_name="giai-trinh.pdf",
        file_type="pdf",
    )  # fmt: skip
    o["submission"] = Submission.objects.create(
        sender=u["commune1a"], recipient=u["district1"], month=TWIN_MONTH,
        kind=Submission.Kind.values[0], title=f"Báo cáo tháng {T}",
        sent_at=timezone.now(), sent_by=commune,
    )  # fmt: skip
    o["result"] = MonthlyResult.objects.get(commune=u["commune1a"], month=TWIN_MONTH)

    # the roster and the boards
    o["roster_entry"] = make_roster_entry(
        u["province"], u["commune1a"], official, date(2018, 3, 10)
    )
    o["round"] = o["roster_entry"].round
    o["unavailability"] = Unavailability.objects.create(
        user=official, start=date(2018, 3, 20), end=date(2018, 3, 22)
    )
    o["conference_date"] = ConferenceDate.objects.create(
        commune=u["commune1a"], month=TWIN_MONTH, day=date(2018, 3, 10)
    )
    o["official_profile"] = OfficialProfile.objects.create(
        user=official, follows_district=u["district1"]
    )
    o["board"] = Board.objects.create(unit=u["commune1a"], name=f"Ban tuyên vận {T}")
    o["team"] = Team.objects.create(commune=u["commune1a"], village_name=f"Thôn {T}")
    o["rules_document"] = RulesDocument.objects.create(
        board=o["board"], number="01-QC", issued_on=date(2018, 1, 2),
        file=ContentFile(TWIN_PDF, name="quy-che.pdf"),
    )  # fmt: skip
    from theodoi.core.models import ApiToken

    o["token"], _key = ApiToken.issue(coordinator, name="twin")
    _twin_portal(tag, u, o, by=coordinator)
    o.update(_twin_survey(tag, u, coordinator))
    # begin importer
    from theodoi.intake.models import StagedImport

    o["staged_import"] = StagedImport.objects.create(
        plan=o["plan"], filename=f"bang-{tag}.xlsx", file_format="xlsx",
        grid={"rows": [["Nội dung", "Chủ trì", "Thời gian"], [f"Việc {T}", "BTG", "Quý I"]]},
        mapping={"0": "title", "1": "leads", "2": "time"}, header_row=0, created_by=coordinator,
    )  # fmt: skip
    # end importer
    # begin thidua
    o.update(_twin_thidua(tag, u, coordinator))
    # end thidua
    # begin activities
    o.update(_twin_activities(tag, u, o, commune))
    # end activities
    # begin budgets
    o.update(_twin_budgets(tag, u, o, users))
    # end budgets
    for obj in o.values():
        obj.refresh_from_db()
    return Side(tag=tag, units=u, users=users, objects=o)


# portal ---------------------------------------------------------------------------


def _twin_portal(tag: str, u: dict[str, Unit], o: dict[str, Any], *, by: User) -> None:
    """The side's portal, owned by its province: a category, a live article with a
    reader's feedback, a draft, and a plan whose progress page is published (the
    side's ``plan`` keeps an unpublished one)."""
    from datetime import timedelta

    from theodoi.core import clock
    from theodoi.portal.models import Article, Category, Feedback, ProgressPage, RankingPage, Tag

    T = tag.upper()
    o["category"] = Category.objects.create(
        owner=u["province"], name=f"Tin tức {T}", slug=f"tin-tuc-{tag}", position=1
    )
    o["article"] = Article(
        category=o["category"], title=f"Bài đã đăng {T}", body=f"<p>Nội dung {T}.</p>",
        state="published", publish_at=clock.now() - timedelta(days=1), created_by=by,
        tag_names=f"Thẻ {T}",
    )  # fmt: skip
    o["draft_article"] = Article(
        category=o["category"], title=f"Bài nháp {T}", body=f"<p>Nháp {T}.</p>", state="draft",
        created_by=by,
    )  # fmt: skip
    for article in (o["article"], o["draft_article"]):
        article._history_user = by  # its revisions name their author
        article.save()
    o["article_history"] = o["draft_article"].history.order_by("history_id").first()
    o["tag"] = Tag.objects.get(slug=f"the-{tag}")
    # A month's ranking withdrawn (its coordinators' only) and one published (public).
    o["ranking"] = RankingPage.objects.create(
        province=u["province"], month=date(2018, 5, 1), withdrawn_reason="Chờ phúc khảo"
    )
    o["public_ranking"] = RankingPage.objects.create(
        province=u["province"], month=date(2018, 4, 1), published=True
    )
    o["feedback"] = Feedback.objects.create(
        article=o["article"], name=f"Bạn đọc {T}", email=f"ban-doc-{tag}@example.com",
        message=f"Góp ý {T}",
    )  # fmt: skip
    o["public_plan"] = Plan.objects.create(
        programme=o["programme"], number=f"{next(_seq)}-KH/TU", issued_on=date(2018, 1, 6),
        year=2018, title=f"Kế hoạch công khai {T}", issuer=u["province"], owner=u["btg"],
    )  # fmt: skip
    ProgressPage.objects.create(plan=o["public_plan"], published=True)


# surveys ----------------------------------------------------------------------


def _twin_survey(tag: str, u: dict[str, Unit], coordinator: User) -> dict[str, Any]:
    """The side's tourist survey: owned by its Ban Tuyên giáo, open, with a section,
    a question, a collection point and one response."""
    from django.http import QueryDict

    from theodoi.surveys import actions as survey_actions
    from theodoi.surveys.questions import read_answers

    T = tag.upper()
    by = coordinator
    survey = survey_actions.do_create_survey(
        u["btg"],
        by=by,
        title={"vi": f"Khảo sát du khách {T}", "en": f"Tourist survey {T}"},
        opens_on=date(2018, 1, 1),
        closes_on=date(2030, 12, 31),
    )
    section = survey_actions.do_add_section(
        survey, by=by, title={"vi": f"Đánh giá {T}", "en": f"Rating {T}"}
    )
    question = survey_actions.do_add_question(
        survey,
        by=by,
        section=section,
        code="overall",
        spec={
            "kind": "likert",
            "required": True,
            "in_index": True,
            "text": {"vi": "Hài lòng chung?", "en": "Overall satisfaction?"},
        },
    )
    point = survey_actions.do_add_point(survey, by=by, name=f"Điểm thu {T}")
    survey = survey_actions.do_open_survey(survey, by=by)
    question.refresh_from_db()
    data = QueryDict(mutable=True)
    data["q_overall"] = "4"
    versions = [(question.code, question.current)]
    read = read_answers(versions, data)
    assert not read.errors, read.errors
    response = survey_actions.do_submit_response(
        point,
        language="vi",
        values=read.values,
        versions=dict(versions),
        revision=survey.revision,
        seconds=60,
    )
    return {
        "survey": survey,
        "survey_section": section,
        "survey_question": question,
        "survey_point": point,
        "survey_response": response,
    }


# begin thidua -----------------------------------------------------------------------


def _twin_thidua(tag: str, u: dict[str, Unit], coordinator: User) -> dict[str, Any]:
    """The side's thi đua: the 2018 agency weights, the open 2018 emulation year and a
    cluster of its two district committees."""
    from theodoi.thidua import actions as thidua_actions
    from theodoi.thidua.models import Cluster

    T = tag.upper()
    weight_set = thidua_actions.do_save_weights(
        u["province"],
        2018,
        "agency",
        {"report_completeness": 25, "report_timeliness": 25, "work_on_time": 30,
         "findings_closed": 20},
        by=coordinator,
        note=f"Quyết định {T}",
    )  # fmt: skip
    cluster = Cluster.objects.create(
        province=u["province"], name=f"Cụm thi đua {T}", members_kind="district"
    )
    cluster.members.set([u["district1"], u["district2"]])
    return {
        "weight_set": weight_set,
        "emulation_year": thidua_actions.emulation_year(u["province"], 2018),
        "cluster": cluster,
    }


# end thidua -------------------------------------------------------------------------
# begin activities
def _twin_activities(tag: str, u: dict[str, Unit], o: dict[str, Any], by: User) -> dict[str, Any]:
    """The side's records: commune 1A's March dialogue (a follow-up, an evidence file)
    carrying the side's work item, a target scoped to commune 1A, and a network member
    of the commune with the commune's standard."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from theodoi.activities import actions as activity_actions
    from theodoi.activities.models import NetworkMember, NetworkStandard, Target

    T = tag.upper()
    activity = activity_actions.do_create_activity(
        activity_actions.ActivityData(
            kind="dialogue", title=f"Đối thoại {T}", start=date(2018, 3, 12), owner=u["commune1a"],
            units=[u["commune1a"]], work_item=o["work_item"], place=f"Nhà văn hóa {T}",
            details={"leader": f"Bí thư {T}", "issues": [{"issue": "Đường", "answer": "Sửa"}]},
        ),
        by=by,
    )  # fmt: skip
    follow_up = activity_actions.do_add_follow_up(activity, text=f"Sửa đường {T}", by=by)
    file = activity_actions.do_add_activity_file(
        activity, SimpleUploadedFile("bien-ban.pdf", TWIN_PDF), by=by
    )
    target = Target.objects.create(
        name=f"Đối thoại {T}", unit=u["commune1a"], measure="count", kind="dialogue",
        comparison="gte", goal=1, start=date(2018, 1, 1), end=date(2018, 12, 31),
    )  # fmt: skip
    member = NetworkMember.objects.create(
        network="reporter", full_name=f"Báo cáo viên {T}", unit=u["commune1a"], level="commune"
    )
    member.activities.add(activity)
    standard = NetworkStandard.objects.create(network="reporter", unit=u["commune1a"], number=2)
    return {
        "activity": activity,
        "activity_follow_up": follow_up,
        "activity_file": file,
        "target": target,
        "network_member": member,
        "network_standard": standard,
    }


# end activities
# begin budgets --------------------------------------------------------------------


def _twin_budgets(
    tag: str, u: dict[str, Unit], o: dict[str, Any], users: dict[str, User]
) -> dict[str, Any]:
    """Commune 1A's detailed plan (a draft with a line), a matter put to the province's
    Standing Committee with its direction and a follow-up for commune 1A, a numbered
    document of the BTG's register."""
    from theodoi.budgets import actions as budget_actions
    from theodoi.directions import actions as direction_actions
    from theodoi.register.actions import reserve

    T = tag.upper()
    dp = budget_actions.do_open_detailed_plan(
        o["plan"], u["commune1a"], by=users["commune"],
        lines=[budget_actions.LineIn(o["work_item"].pk, f"Hoạt động {T}", 12_500_000)],
    )  # fmt: skip
    matter = direction_actions.do_raise_matter(
        u["province"], raised_by=u["btg"], by=users["coordinator"], title=f"Vấn đề {T}",
        raised_on=date(2018, 3, 1), plan=o["plan"],
    )  # fmt: skip
    matter = direction_actions.do_record_direction(
        matter, by=users["coordinator"], number=f"1-TB/{T}", issued_on=date(2018, 3, 10),
        text=f"Chỉ đạo {T}",
        follow_ups=[direction_actions.FollowUpIn(f"Thực hiện {T}", u["commune1a"])],
    )  # fmt: skip
    return {
        "detailed_plan": dp,
        "budget_line": dp.lines.get(),
        "matter": matter,
        "direction_follow_up": matter.follow_ups.get(),
        "registered_document": reserve(u["btg"], "BC", symbol="BTGTU", key=f"twin-{tag}"),
    }


# end budgets ----------------------------------------------------------------------


def make_twin_world() -> TwinWorld:
    """Two provinces ``a`` and ``b``, each with one account per role (plus a
    district scorer and a commune reporter of another district and commune)
    and one object of every kind the site serves by id, for the access test.

    Set ``THEODOI_TODAY`` to 2018-04-02 (or later) before building it.
    """
    return TwinWorld(a=_twin_side("a"), b=_twin_side("b"))


# begin reform (issue 13) -------------------------------------------------------------


@dataclass
class Reform:
    """The test province after 1 July 2025: a new Tỉnh ủy that succeeds
    ``world.province``, the merged ban that succeeds both bans, and one
    commune formed from Xã Một A and Xã Một B (no district tier)."""

    province: Unit
    ban: Unit
    commune: Unit
    ban_staff: User
    commune_reporter: User


def make_reform(world: World) -> Reform:
    from theodoi.units.models import UnitLineage

    K = Unit.Kind
    R = Membership.Role
    day, eve = date(2025, 7, 1), date(2025, 6, 30)
    Unit.objects.filter(
        pk__in=[world.province.pk, world.btg.pk, world.bdv.pk, world.district1.pk,
                world.district2.pk, world.commune1a.pk, world.commune1b.pk, world.commune2a.pk]
    ).update(active_to=eve)  # fmt: skip
    province = make_unit(
        "Tỉnh ủy Thử nghiệm", K.PROVINCE, symbol="TU", place="Thử nghiệm", active_from=day
    )
    ban = make_unit(
        "Ban Tuyên giáo và Dân vận Tỉnh ủy", K.PARTY_AGENCY, province,
        short_name="BTGDV", symbol="BTGDVTU", active_from=day,
    )  # fmt: skip
    commune = make_unit("Xã Một Mới", K.COMMUNE, province, active_from=day)
    M = UnitLineage.Event.MERGED
    for before, after in (
        (world.province, province), (world.btg, ban), (world.bdv, ban),
        (world.commune1a, commune), (world.commune1b, commune),
    ):  # fmt: skip
        UnitLineage.objects.create(predecessor=before, successor=after, event=M, effective=day)
    for unit in (world.province, world.btg, world.bdv, world.commune1a, world.commune1b):
        unit.refresh_from_db()
    return Reform(
        province=province,
        ban=ban,
        commune=commune,
        ban_staff=make_user("ban_staff", R.COORDINATOR, ban),
        commune_reporter=make_user("commune_2025", R.COMMUNE_REPORTER, commune),
    )


# end reform ---------------------------------------------------------------------------


# begin handover ---------------------------------------------------------------------
# A ceased body's open work handed to its successor (theodoi.units.handover): the
# checks every app's test_handover.py makes on its own step.

HANDOVER_REASON = "Quyết định 01-QĐ/TU hợp nhất Ban Tuyên giáo và Ban Dân vận Tỉnh ủy"


def make_handover_admin(reform: Reform) -> User:
    """An administrator of the new Tỉnh ủy: the only kind of account that hands over."""
    existing = User.objects.filter(username="admin_2025").first()
    return existing or make_user("admin_2025", Membership.Role.ADMIN, reform.province)


def handover_preview_and_run(predecessor: Unit, successor: Unit, by: User) -> tuple[Any, Any]:
    """The preview, then the handover itself: the two must say the same."""
    from theodoi.units.handover import hand_over

    preview = hand_over(predecessor, successor, reason=HANDOVER_REASON, by=by, dry_run=True)
    done = hand_over(predecessor, successor, reason=HANDOVER_REASON, by=by)
    assert (preview.moved, preview.kept, preview.notes) == (done.moved, done.kept, done.notes)
    return preview, done


def handover_failing_at_the_end(monkeypatch: Any) -> None:
    """Register a last step that fails: the whole handover must then move nothing."""
    from theodoi.units import handover

    def fail(result: Any) -> None:
        raise RuntimeError("the last step failed")

    monkeypatch.setitem(
        handover._STEPS, "zz_fails", handover.Registered("zz_fails", fail, {}, 10_000)
    )


def handover_refusals(world: World, reform: Reform) -> None:
    """Neither the old province's administrator, nor a coordinator of the successor,
    nor another province's administrator may hand over to the merged ban."""
    from theodoi.units.handover import HandoverError, hand_over

    outsider_admin = make_user("admin_other", Membership.Role.ADMIN, world.other_province)
    for who in (world.admin, reform.ban_staff, outsider_admin):
        try:
            hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=who)
        except HandoverError:
            continue
        raise AssertionError(f"{who} handed over")


# end handover -----------------------------------------------------------------------
