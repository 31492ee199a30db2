"""Demo: the three questions the 2018 plan's implementation put to the Standing Committee.

The seed's article: "Tổng hợp, báo cáo xin ý kiến chỉ đạo của Thường trực, Ban Thường
vụ Tỉnh ủy chỉ đạo một số nội dung liên quan đến tiêu chí chấm điểm tuyên vận; mở lớp
trung cấp LLCT đối với một số huyện có điều kiện khó khăn; mô hình một cán bộ kiêm hai
chức danh ở cấp huyện". The directions' numbers, dates and texts are illustrative;
the third is still awaited on 15/07/2018.
"""

from __future__ import annotations

from datetime import date

from theodoi.demo.context import DemoContext
from theodoi.units.models import Membership

from . import actions
from .actions import FollowUpIn
from .models import Matter


def load(ctx: DemoContext) -> None:
    plan = ctx.plan
    province = ctx.province
    btg = plan.owner
    by = (
        Membership.objects.filter(unit=btg, role=Membership.Role.COORDINATOR)
        .select_related("user").first().user  # type: ignore[union-attr]
    )  # fmt: skip
    districts = ctx.districts()
    by_name = {d.name: d for d in districts}
    criteria = actions.do_raise_matter(
        province, raised_by=btg, by=by, plan=plan, raised_on=date(2018, 3, 20),
        body=Matter.Body.STANDING,
        title="Sửa đổi, bổ sung tiêu chí chấm điểm công tác tuyên vận hằng tháng",
        content="Một số tiêu chí của Quy định số 11-QĐ/TU chưa phù hợp thực tế cơ sở; "
        "đề nghị cho chủ trương rà soát, sửa đổi bộ tiêu chí.",
    )  # fmt: skip
    actions.do_record_direction(
        criteria, by=by, number="1250-CV/TU", issued_on=date(2018, 4, 10),
        text="Giao Ban Tuyên giáo Tỉnh ủy chủ trì, phối hợp Ban Dân vận Tỉnh ủy rà soát, "
        "sửa đổi tiêu chí chấm điểm, trình Ban Thường vụ Tỉnh ủy trong quý III năm 2018.",
        follow_ups=[
            FollowUpIn("Dự thảo bộ tiêu chí sửa đổi, trình Ban Thường vụ Tỉnh ủy", btg,
                       date(2018, 9, 30)),
            FollowUpIn("Góp ý dự thảo tiêu chí", ctx.unit("lc2018:agency:BDV"),
                       date(2018, 8, 31)),
        ],
    )  # fmt: skip
    classes = actions.do_raise_matter(
        province, raised_by=btg, by=by, plan=plan, raised_on=date(2018, 4, 16),
        body=Matter.Body.BOARD,
        title="Mở lớp trung cấp lý luận chính trị đối với một số huyện có điều kiện khó khăn",
        content="Đề nghị mở lớp trung cấp lý luận chính trị - hành chính tại huyện cho cán bộ "
        "cơ sở không có điều kiện học tập trung tại Trường Chính trị tỉnh.",
    )  # fmt: skip
    host = next((d for n, d in by_name.items() if "Si Ma Cai" in n), districts[0])
    matter = actions.do_record_direction(
        classes, by=by, number="268-TB/TU", issued_on=date(2018, 5, 8),
        text="Đồng ý chủ trương mở lớp trung cấp lý luận chính trị - hành chính tại huyện "
        "Si Ma Cai năm 2018; giao Ban Tổ chức Tỉnh ủy phối hợp Trường Chính trị tỉnh tổ chức.",
        follow_ups=[
            FollowUpIn("Xây dựng kế hoạch mở lớp, chiêu sinh", ctx.unit("lc2018:agency:BTC"),
                       date(2018, 6, 30)),
            FollowUpIn("Bố trí địa điểm, cử học viên", host, date(2018, 8, 31)),
        ],
    )  # fmt: skip
    first = matter.follow_ups.order_by("pk").first()
    actions.do_close_follow_up(
        first, by=by, closed_on=date(2018, 6, 25),
        note="Kế hoạch mở lớp đã ban hành; chiêu sinh 60 học viên.",
    )  # fmt: skip
    actions.do_raise_matter(
        province, raised_by=btg, by=by, plan=plan, raised_on=date(2018, 6, 28),
        body=Matter.Body.STANDING,
        title="Mô hình một cán bộ kiêm hai chức danh ở cấp huyện",
        content="Xin ý kiến chỉ đạo về việc thí điểm bố trí một cán bộ kiêm nhiệm trưởng ban "
        "tuyên giáo và trưởng ban dân vận ở một số huyện ủy.",
    )  # fmt: skip
