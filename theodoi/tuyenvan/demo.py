"""Demo data: six months (01–06/2018) of tuyên vận scoring for every commune.

Months 1–5 are closed (approved by the district, accepted by BTG, flags
resolved); month 6 is open with missing sheets, late or missing reports and
open discrepancies to resolve. Everything is bulk-written.

Each conference's attending officials are the published roster's
(theodoi.tuyenvan.roster loads its demo first), and each files an observation
(a few are still missing in June).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from theodoi.demo.context import DemoContext
from theodoi.units.models import Membership, Unit

from . import scoring
from .actions import btg_of, roster_officials_by_month
from .defaults import build_default_set
from .models import (
    Appeal,
    CriteriaSet,
    Criterion,
    Meeting,
    MeetingOfficial,
    MonthlyResult,
    Resolution,
    ResultEvent,
    Score,
    ScoreSheet,
    Submission,
)

R = Membership.Role
S = ScoreSheet.Source
MONTHS = [date(2018, m, 1) for m in range(1, 7)]
OPEN_MONTH = MONTHS[-1]
HALF = Decimal("0.5")

TOPICS = {
    1: "Kỷ niệm 88 năm Ngày thành lập Đảng (03/02); vui Xuân đón Tết Mậu Tuất an toàn, tiết kiệm",
    2: "Tết Nguyên đán Mậu Tuất; phòng, chống cháy rừng mùa khô; Lễ hội Xuân",
    3: "Kỷ niệm 87 năm Ngày thành lập Đoàn (26/3); phòng, chống mua bán người; "
    "xây dựng nông thôn mới",
    4: "Kỷ niệm 43 năm Ngày giải phóng miền Nam (30/4); an toàn giao thông; tiêm chủng mở rộng",
    5: "Kỷ niệm 128 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5); phòng, chống thiên tai mùa mưa lũ",
    6: "Sơ kết 6 tháng; phòng, chống ma túy (26/6); giữ gìn an ninh trật tự vùng biên giới",
}
ISSUES = [
    "Đường liên thôn xuống cấp mùa mưa, đề nghị hỗ trợ sửa chữa.",
    "Giá phân bón tăng, đề nghị hướng dẫn liên kết tiêu thụ nông sản.",
    "Một số hộ chưa nhận được hỗ trợ gạo theo chính sách.",
    "Đề nghị tăng cường kiểm tra tình trạng khai thác cát trái phép.",
    "Nhân dân phản ánh tình trạng tảo hôn ở một số thôn vùng cao.",
    "",
    "",
]
REASONS = {
    "1.2": "Một số thôn chưa tổ chức hội nghị, tỷ lệ người dự thấp",
    "2.1": "Chưa bám sát Hướng dẫn tuyên truyền tháng của Ban Tuyên giáo",
    "2.2": "Chưa có tài liệu tiếng dân tộc cho thôn vùng cao",
    "3.1": "Tổng hợp ý kiến Nhân dân chưa đầy đủ",
    "3.2": "Kiến nghị chưa được theo dõi đến khi giải quyết",
    "4.1": "Chậm tiến độ tiêu chí nông thôn mới đã đăng ký",
    "5.1": "Chưa kiểm tra đủ các tổ tuyên vận theo kế hoạch",
    "6.1": "Báo cáo thiếu số liệu hội nghị thôn",
    "7.1": "Chưa có mô hình mới trong tháng",
    "8.1": "Cấp huyện đánh giá chất lượng hoạt động ở mức trung bình",
    "9.2": "Để xảy ra tụ tập đông người khiếu kiện",
}


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _step(value: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """Round to half points within bounds."""
    value = (value / HALF).quantize(Decimal(1)) * HALF
    return min(hi, max(lo, value))


def _btg(ctx: DemoContext, districts: list[Unit]) -> Unit | None:
    """The province's Ban Tuyên giáo: the demo's key, else found by name."""
    try:
        return ctx.unit("lc2018:agency:BTG")
    except Unit.DoesNotExist:
        return btg_of(districts[0])


def _accounts(ctx: DemoContext, districts: list[Unit]) -> dict[str, object]:
    province = ctx.province
    btg = _btg(ctx, districts) or province
    home = next((d for d in districts if "Bảo Thắng" in d.name), districts[0])
    communes = ctx.communes(home)
    commune = next((c for c in communes if "Phú Nhuận" in c.name), communes[0])
    return {
        "coordinator": ctx.account("tv.btg", R.COORDINATOR, btg, full_name="Nguyễn Thị Thu Hà"),
        "district": ctx.account("tv.huyen", R.DISTRICT_SCORER, home, full_name="Lý Văn Sơn"),
        "commune": ctx.account("tv.xa", R.COMMUNE_REPORTER, commune, full_name="Hoàng Thị Mai"),
        "viewer": ctx.account("tv.lanhdao", R.VIEWER, province, full_name="Đỗ Văn Hùng"),
        "home": home,
        "home_commune": commune,
    }


def load(ctx: DemoContext) -> None:
    rng = random.Random(2018)
    districts = ctx.districts()
    if not districts:
        return
    people = _accounts(ctx, districts)
    province = ctx.province
    criteria_set = CriteriaSet.objects.filter(owner=province).first() or build_default_set(
        province, MONTHS[0]
    )
    criteria = list(Criterion.objects.filter(group__criteria_set=criteria_set))
    by_source = {s: [c for c in criteria if c.scorable_by(s)] for s in S.values}
    threshold = criteria_set.discrepancy_threshold
    btg = _btg(ctx, districts)
    communes = [(d, c) for d in districts for c in ctx.communes(d)]
    # A latent quality per commune, some improving over the half-year.
    quality = {c.pk: rng.uniform(0.55, 0.97) for _d, c in communes}
    slope = {c.pk: rng.choice([0, 0, 0, 0.015, 0.03, -0.01]) for _d, c in communes}
    roster = roster_officials_by_month([c for _d, c in communes], MONTHS[0], OPEN_MONTH)

    meetings: list[Meeting] = []
    sheets: list[ScoreSheet] = []
    submissions: list[Submission] = []
    plan: list[tuple[ScoreSheet, dict[int, Decimal]]] = []
    officials_at: list[tuple[int, int]] = []
    flags: list[tuple[Unit, date, Criterion, Decimal]] = []
    for month in MONTHS:
        is_open = month == OPEN_MONTH
        for district, commune in communes:
            q = quality[commune.pk] + slope[commune.pk] * (month.month - 1)
            showcase = commune.pk == people["home_commune"].pk  # complete, with an appeal
            held = showcase or rng.random() < (0.93 if q > 0.65 else 0.82)
            if held:
                meetings.append(
                    Meeting(
                        commune=commune,
                        month=month,
                        held_on=month.replace(day=rng.randint(5, 20)),
                        place=rng.choice(
                            ["Hội trường UBND xã", "Nhà văn hóa xã", "Hội trường Đảng ủy"]
                        ),
                        chair=rng.choice(["Bí thư Đảng ủy xã", "Phó Bí thư Thường trực Đảng ủy"]),
                        topics=TOPICS[month.month],
                        participants=rng.randint(28, 120),
                        issues_raised=rng.choice(ISSUES),
                        proposals=rng.choice(
                            ["", "", "Đề nghị cấp tài liệu tuyên truyền song ngữ."]
                        ),
                        minutes="Biên bản hội nghị tuyên vận tháng " + str(month.month),
                    )
                )
            # Submissions: report to the district, documents to BTG.
            for kind, recipient in (
                (Submission.Kind.REPORT, district),
                (Submission.Kind.DOCUMENTS, btg),
            ):
                if recipient is None:
                    continue
                roll = rng.random()
                if roll < 0.04:
                    continue  # missing
                day = rng.randint(26, 28) if roll < 0.12 else rng.randint(14, 25)
                sent = _aware(month.replace(day=day), rng.randint(7, 16))
                submissions.append(
                    Submission(
                        sender=commune,
                        recipient=recipient,
                        month=month,
                        kind=kind,
                        title=f"Báo cáo tháng {month.month}/2018 - {commune.name}"
                        if kind == Submission.Kind.REPORT
                        else f"Tài liệu tháng {month.month}/2018 - {commune.name}",
                        sent_at=sent,
                        opened_at=sent + timedelta(days=rng.randint(0, 3))
                        if rng.random() < 0.9
                        else None,
                    )
                )
            # The district's scores, then self (usually higher) and officials.
            district_points = {}
            for c in by_source[S.DISTRICT]:
                if c.kind == Criterion.Kind.BONUS:
                    value = c.max_points if rng.random() < 0.06 else Decimal(0)
                elif c.kind == Criterion.Kind.PENALTY:
                    value = Decimal(-rng.choice([1, 2, 3])) if rng.random() < 0.03 else Decimal(0)
                else:
                    ratio = Decimal(str(min(1.0, max(0.2, q + rng.gauss(0, 0.08)))))
                    value = _step(c.max_points * ratio, c.min_points, c.max_points)
                district_points[c.pk] = value
            self_points = {}
            for c in by_source[S.SELF]:
                bias = Decimal(
                    str(rng.choice([0, 0, 0.5, 1, 1, 1.5]) + (3 if rng.random() < 0.05 else 0))
                )
                base = district_points.get(c.pk, c.max_points)
                self_points[c.pk] = _step(base + bias, c.min_points, c.max_points)
            self_missing = is_open and not showcase and rng.random() < 0.2
            district_missing = is_open and not showcase and rng.random() < 0.3
            submitted_on = (
                _aware(month.replace(day=28))
                if not is_open
                else _aware(date(2018, 7, 12 if showcase else rng.randint(8, 13)))
            )
            if not self_missing:
                sheet = ScoreSheet(
                    commune=commune, month=month, source=S.SELF, criteria_set=criteria_set,
                    state=ScoreSheet.State.SUBMITTED, version=1,
                    submitted_at=submitted_on - timedelta(days=3),
                )  # fmt: skip
                sheets.append(sheet)
                plan.append((sheet, self_points))
            if not district_missing:
                sheet = ScoreSheet(
                    commune=commune, month=month, source=S.DISTRICT, criteria_set=criteria_set,
                    state=ScoreSheet.State.SUBMITTED, version=1, submitted_at=submitted_on,
                )  # fmt: skip
                sheets.append(sheet)
                plan.append((sheet, district_points))
            # The roster's officials attend; each files an observation.
            observations: list[dict[int, Decimal]] = []
            for who in roster.get((commune.pk, month), []) if held else []:
                officials_at.append((len(meetings) - 1, who))
                if is_open and not showcase and rng.random() < 0.3:
                    continue  # not filed yet
                official_points: dict[int, Decimal] = {}
                for c in by_source[S.OFFICIAL]:
                    base = district_points.get(c.pk, c.max_points)
                    noise = Decimal(str(rng.choice([-1, -0.5, 0, 0, 0.5])))
                    official_points[c.pk] = _step(base + noise, c.min_points, c.max_points)
                sheet = ScoreSheet(
                    commune=commune, month=month, source=S.OFFICIAL, official_id=who,
                    criteria_set=criteria_set, state=ScoreSheet.State.SUBMITTED, version=1,
                    submitted_at=submitted_on - timedelta(days=1),
                )  # fmt: skip
                sheets.append(sheet)
                plan.append((sheet, official_points))
                observations.append(official_points)
            # Discrepancies: resolved in closed months, left open in June.
            if not district_missing:
                for c in criteria:
                    values = [
                        p[c.pk] for p in (self_points if not self_missing else {}, district_points,
                                          *observations) if c.pk in p
                    ]  # fmt: skip
                    flagged = len(values) > 1 and max(values) - min(values) > threshold
                    if flagged and (not is_open or rng.random() < 0.3):
                        flags.append((commune, month, c, district_points[c.pk]))
    Meeting.objects.bulk_create(meetings, batch_size=500)
    MeetingOfficial.objects.bulk_create(
        [MeetingOfficial(meeting=meetings[i], user_id=who) for i, who in officials_at],
        batch_size=1000,
    )
    ScoreSheet.objects.bulk_create(sheets, batch_size=500)
    scores = []
    by_pk = {c.pk: c for c in criteria}
    for sheet, points in plan:
        for pk, value in points.items():
            criterion = by_pk[pk]
            deducted = criterion.kind != Criterion.Kind.BONUS and value < criterion.max_points
            scores.append(
                Score(
                    sheet=sheet,
                    criterion_id=pk,
                    points=value,
                    reason=REASONS.get(criterion.code, "Chưa đạt yêu cầu") if deducted else "",
                    evidence=f"Biên bản tháng {sheet.month.month}"
                    if deducted and criterion.evidence_required
                    else "",
                )
            )
    Score.objects.bulk_create(scores, batch_size=2000)
    Submission.objects.bulk_create(submissions, batch_size=1000)
    Resolution.objects.bulk_create(
        [
            Resolution(
                commune=commune,
                month=month,
                criterion=criterion,
                points=points,
                reason="Đối chiếu biên bản hội nghị và báo cáo, giữ điểm của huyện",
                resolved_by=people["district"],
                resolved_at=_aware(month.replace(day=28), 15),
            )
            for commune, month, criterion, points in flags
        ],
        ignore_conflicts=True,
    )
    with _today(ctx.today):
        for month in MONTHS:
            scoring.compute_month(province, month)
    _close(people, criteria_set)
    _appeal(people)
    _announce(ctx, people)
    with _today(ctx.today):
        _correction(people)


def _announce(ctx: DemoContext, people: dict[str, object]) -> None:
    """Name the roster officials who attended the demo commune's June conference."""
    meeting = Meeting.objects.filter(commune=people["home_commune"], month=OPEN_MONTH).first()
    if meeting is None:
        return
    label = str(Membership.Role.OFFICIAL.label)
    for user in meeting.attending_officials.order_by("username"):
        ctx.accounts.append((user.username, label, str(people["home_commune"])))


class _today:
    """Compute as of the demo's today (missing reports count once due)."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __enter__(self) -> None:
        from theodoi.core.clock import fixed_today

        self.fixed = fixed_today(self.day)
        self.fixed.__enter__()

    def __exit__(self, *exc: object) -> None:
        self.fixed.__exit__(*exc)


def _close(people: dict[str, object], criteria_set: CriteriaSet) -> None:
    """Months 1–5: approved, accepted, closed, as recorded events."""
    closed = list(MonthlyResult.objects.filter(month__lt=OPEN_MONTH))
    events = []
    for result in closed:
        result.status = MonthlyResult.Status.CLOSED
        base = _aware(result.month.replace(day=28), 10) + timedelta(days=5)
        A = ResultEvent.Action
        events += [
            ResultEvent(result=result, action=A.APPROVE, by=people["district"], at=base),
            ResultEvent(result=result, action=A.ACCEPT, by=people["coordinator"],
                        at=base + timedelta(days=2)),
            ResultEvent(result=result, action=A.CLOSE, by=people["coordinator"],
                        at=base + timedelta(days=3)),
        ]  # fmt: skip
    MonthlyResult.objects.bulk_update(closed, ["status"], batch_size=1000)
    ResultEvent.objects.bulk_create(events, batch_size=2000)


def _appeal(people: dict[str, object]) -> None:
    """One giải trình in June from the demo commune, waiting for the district."""
    commune = people["home_commune"]
    score = (
        Score.objects.filter(
            sheet__commune=commune, sheet__month=OPEN_MONTH, sheet__source=S.DISTRICT
        )
        .exclude(reason="")
        .select_related("criterion")
        .first()
    )
    if score is None:
        return
    Appeal.objects.create(
        commune=commune,
        month=OPEN_MONTH,
        criterion=score.criterion,
        text="Xã đã tổ chức đủ các nội dung, có biên bản kèm theo; đề nghị huyện xem xét lại.",
        created_by=people["commune"],
        created_at=_aware(date(2018, 7, 14), 10),
    )


def _correction(people: dict[str, object]) -> None:
    """One recorded change of a submitted district sheet, with its reason."""
    from .actions import ScoreInput, do_save_sheet

    sheet = ScoreSheet.objects.filter(
        commune=people["home_commune"], month=OPEN_MONTH, source=S.DISTRICT
    ).first()
    if sheet is None:
        return
    entries = {
        s.criterion_id: ScoreInput(s.points, s.reason, s.evidence) for s in sheet.scores.all()
    }
    target = sheet.scores.select_related("criterion").get(criterion__code="5.1")
    entries[target.criterion_id] = ScoreInput(
        max(Decimal(0), target.points - HALF),
        "Chưa kiểm tra tổ tuyên vận thôn Phú Hải, Phú Xuân",
        target.evidence,
    )
    do_save_sheet(
        sheet,
        entries,
        by=people["district"],
        change_reason="Đối chiếu biên bản kiểm tra của Ban Tuyên giáo huyện",
    )
