"""Demo: Đề án 17-ĐA/TU over its years — the indicators' values for 2016, 2017 and 2018.

The plan of 2018 was built on the review of the programme's first two years
(2016, 2017); their year-end figures are recorded from that review, and 2018's
from the 6-month review, so the roll-up reads two full years and the current one.
Figures are realistic, not the seed's (the article gives none): 2017 below 2018.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User

from theodoi.demo.context import DemoContext
from theodoi.plans.models import Programme
from theodoi.plans.programme import do_record_values, programme_indicators

REVIEW = "Báo cáo sơ kết 2 năm thực hiện Đề án 17-ĐA/TU (2016 – 2017)"
HALF_YEAR = "Báo cáo sơ kết 6 tháng đầu năm 2018 thực hiện Kế hoạch 112-KH/TU"

# Per indicator, in the order of plan_2018.OBJECTIVES: (2016, 2017, 2018 so far).
VALUES: list[tuple[float | None, float | None, float | None]] = [
    (91, 92.5, 94),  # cán bộ, đảng viên học tập, quán triệt nghị quyết (%)
    (3, 5, 7),  # hội thi giảng viên lý luận chính trị giỏi cấp huyện (huyện)
    (25, 33, 42),  # hội nghị báo cáo viên trực tuyến (%)
    (None, 40, 86),  # báo cáo tuyên vận qua Cổng thông tin điện tử (%)
    (60, 78, 95),  # ban tuyên vận xã được kiện toàn (%)
    (None, None, 100),  # xã được chấm điểm tuyên vận hằng tháng: from 2018 (11-QĐ/TU)
    (18, 22, 26),  # mô hình "Dân vận khéo" mới (mô hình)
]


def build_programme_years(ctx: DemoContext) -> None:
    programme = Programme.objects.get(code="17-ĐA/TU", issuer=ctx.province)
    coordinator = User.objects.get(username="coordinator")
    indicators = programme_indicators(programme)
    for column, (year, source) in enumerate(((2016, REVIEW), (2017, REVIEW), (2018, HALF_YEAR))):
        values = {
            indicator.pk: Decimal(str(row[column]))
            for indicator, row in zip(indicators, VALUES, strict=False)
            if row[column] is not None
        }
        do_record_values(
            programme, year=year, values=values, source=source, by=coordinator,
            reason="Số liệu từ báo cáo sơ kết",
        )  # fmt: skip
