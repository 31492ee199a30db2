# ruff: noqa: E501  (the table reads best one criterion per line)
"""The demo's monthly tuyên vận scorecard (domain-vn.md §2.3, a [D] assumption).

90 points self-scored and reviewed, 10 reserved for the upper level, plus
bonus and penalty points; two criteria are scored by the system.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from theodoi.units.models import Unit

from .models import CriteriaSet, Criterion, CriterionGroup

N = Criterion.Kind
S = Criterion.SystemRule

# (group code, group name, [(code, text, min, max, kind, evidence, sources, system rule)])
# sources: a string of the letters s (self), d (district), o (officials).
TABLE = [
    ("I", "Hội nghị tuyên vận", [
        ("1.1", "Tổ chức hội nghị tuyên vận cấp xã trong tháng", 0, 5, N.NORMAL, False, "", S.MEETING),
        ("1.2", "Hội nghị tuyên vận ở các thôn, bản: đủ thành phần, tỷ lệ người dự", 0, 15, N.NORMAL, True, "sdo", S.NONE),
    ]),
    ("II", "Nội dung tuyên truyền", [
        ("2.1", "Nội dung theo Hướng dẫn tuyên truyền tháng của Ban Tuyên giáo", 0, 10, N.NORMAL, False, "sdo", S.NONE),
        ("2.2", "Tài liệu phù hợp địa phương, bản dịch tiếng dân tộc thiểu số", 0, 5, N.NORMAL, False, "sdo", S.NONE),
    ]),
    ("III", "Nắm bắt tư tưởng, dư luận xã hội", [
        ("3.1", "Nắm bắt, tổng hợp ý kiến, kiến nghị của Nhân dân", 0, 8, N.NORMAL, False, "sdo", S.NONE),
        ("3.2", "Chuyển và theo dõi giải quyết kiến nghị", 0, 7, N.NORMAL, True, "sd", S.NONE),
    ]),
    ("IV", "Mục tiêu tuyên vận", [
        ("4.1", "Tiến độ các mục tiêu tuyên vận đã giao (nông thôn mới, an ninh trật tự)", 0, 15, N.NORMAL, True, "sd", S.NONE),
    ]),
    ("V", "Kiểm tra, giám sát", [
        ("5.1", "Kiểm tra, giám sát hoạt động của các tổ tuyên vận", 0, 10, N.NORMAL, False, "sd", S.NONE),
    ]),
    ("VI", "Chế độ thông tin, báo cáo", [
        ("6.1", "Báo cáo đầy đủ nội dung, số liệu", 0, 8, N.NORMAL, False, "sd", S.NONE),
        ("6.2", "Gửi báo cáo và tài liệu đúng hạn (thiếu trừ 1 điểm, chậm trừ 0,5 điểm)", 0, 2, N.NORMAL, False, "", S.SUBMISSIONS),
    ]),
    ("VII", "Mô hình \"Dân vận khéo\"", [
        ("7.1", "Mô hình \"Dân vận khéo\", cách làm hay được nhân rộng", 0, 5, N.NORMAL, False, "sdo", S.NONE),
    ]),
    ("VIII", "Điểm cấp trên", [
        ("8.1", "Đánh giá của Ban Tuyên giáo huyện ủy", 0, 10, N.RESERVE, False, "d", S.NONE),
    ]),
    ("IX", "Điểm thưởng, điểm trừ", [
        ("9.1", "Điểm thưởng: sáng kiến, được cấp trên biểu dương", 0, 3, N.BONUS, False, "sd", S.NONE),
        ("9.2", "Điểm trừ: để xảy ra điểm nóng, khiếu kiện đông người", -5, 0, N.PENALTY, True, "do", S.NONE),
    ]),
]  # fmt: skip


def build_default_set(
    owner: Unit, effective_from: date = date(2018, 1, 1), *, publish: bool = True, version: int = 1
) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.create(
        owner=owner,
        name="Tiêu chí chấm điểm công tác tuyên vận cấp xã",
        version=version,
        effective_from=effective_from,
        status=CriteriaSet.Status.PUBLISHED if publish else CriteriaSet.Status.DRAFT,
    )
    criteria = []
    for g_pos, (g_code, g_name, rows) in enumerate(TABLE):
        group = CriterionGroup.objects.create(
            criteria_set=criteria_set, code=g_code, name=g_name, position=g_pos
        )
        for pos, (code, text, lo, hi, kind, evidence, sources, rule) in enumerate(rows):
            criteria.append(
                Criterion(
                    group=group,
                    code=code,
                    text=text,
                    min_points=Decimal(lo),
                    max_points=Decimal(hi),
                    kind=kind,
                    evidence_required=evidence,
                    by_self="s" in sources,
                    by_district="d" in sources,
                    by_official="o" in sources,
                    system_rule=rule,
                    position=pos,
                )
            )
    Criterion.objects.bulk_create(criteria)
    return criteria_set
