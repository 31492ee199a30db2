"""Demo data: the 2018 thi đua of Lào Cai at mid-year (15/07/2018).

The weights of 2018 for the three levels, the province's emulation clusters
(khối of provincial agencies, cụm of district committees) and the open 2018
emulation year, so the mid-year ranking of the agencies and of the nine district
committees is a draft (tạm tính) computed from the demo's own 2018-H1 reports and
six months of tuyên vận results.
"""

from __future__ import annotations

from theodoi.demo.context import DemoContext
from theodoi.units.models import Membership, Unit

from . import actions
from .models import Cluster, Level
from .ranking import compute, parse_period

WEIGHTS = {
    Level.AGENCY: {
        "report_completeness": 20,
        "report_timeliness": 20,
        "work_on_time": 40,
        "findings_closed": 20,
    },
    Level.DISTRICT: {
        "report_completeness": 15,
        "report_timeliness": 15,
        "work_on_time": 25,
        "tuyenvan": 30,
        "findings_closed": 15,
    },
    Level.CLUSTER: {
        "report_completeness": 15,
        "report_timeliness": 15,
        "work_on_time": 30,
        "tuyenvan": 25,
        "findings_closed": 15,
    },
}
NOTE = (
    "Trọng số thi đua năm 2018 do Ban Tuyên giáo Tỉnh ủy đề xuất, gắn với việc thực hiện "
    "Kế hoạch 112-KH/TU: chế độ thông tin báo cáo, tiến độ nhóm công việc, kết quả tuyên vận "
    "ở cơ sở và việc khắc phục sau kiểm tra."
)

AGENCY_CLUSTERS = [
    ("Khối các cơ quan tuyên giáo", ["BTG", "STTTT", "SVHTTDL", "BLC", "PTTH", "TCT", "HVHNT"]),
    (
        "Khối dân vận, Mặt trận và các đoàn thể",
        ["BDV", "MTTQ", "TD", "HLHPN", "HND", "HCCB", "LDLD"],
    ),
    ("Khối tham mưu, tổng hợp", ["BTC", "VPTU", "DUKCQ", "DUKDN", "SKHDT", "STC", "SGDDT"]),
]
DISTRICT_CLUSTERS = [
    ("Cụm thi đua các huyện vùng cao", ["Bát Xát", "Mường Khương", "Si Ma Cai", "Bắc Hà", "Sa Pa"]),
    (
        "Cụm thi đua thành phố và các huyện vùng thấp",
        ["Lào Cai", "Bảo Thắng", "Bảo Yên", "Văn Bàn"],
    ),
]


def _coordinator(ctx: DemoContext) -> object:
    membership = (
        Membership.objects.filter(unit__key="lc2018:agency:BTG", role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def load(ctx: DemoContext) -> None:
    province = ctx.province
    by = _coordinator(ctx)
    for level, weights in WEIGHTS.items():
        actions.do_save_weights(
            province, 2018, level, weights, by=by, note=NOTE, reason="Trọng số năm 2018"
        )
    position = 0
    for name, shorts in AGENCY_CLUSTERS:
        units = Unit.objects.filter(key__in=[f"lc2018:agency:{s}" for s in shorts])
        position += 1
        cluster = Cluster.objects.create(
            province=province, name=name, members_kind=Cluster.Members.AGENCY, position=position
        )
        cluster.members.set(units)
    districts = ctx.districts()
    for name, places in DISTRICT_CLUSTERS:
        members = [d for d in districts if any(d.name.endswith(f" {p}") for p in places)]
        position += 1
        cluster = Cluster.objects.create(
            province=province, name=name, members_kind=Cluster.Members.DISTRICT, position=position
        )
        cluster.members.set(members)
    actions.emulation_year(province, 2018)
    h1 = parse_period("2018-H1")
    agencies = compute(province, h1, Level.AGENCY, today=ctx.today)
    committees = compute(province, h1, Level.DISTRICT, today=ctx.today)
    ctx.stdout.write(
        "Thi đua: mid-year 2018 draft ranking of {a} agencies ({ar} ranked, first: {af}) and "
        "{d} district committees (first: {df}); {c} clusters.\n".format(
            a=len(agencies.rows),
            ar=len(agencies.ranked),
            af=agencies.ranked[0].name if agencies.ranked else "—",
            d=len(committees.rows),
            df=committees.ranked[0].name if committees.ranked else "—",
            c=Cluster.objects.filter(province=province).count(),
        )
    )
