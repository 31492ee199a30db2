"""The 2018 records of Lào Cai: what the Ban Tuyên giáo and the Ban Dân vận did, Jan–Jul.

The monthly provincial reporters' conference log (four of seven held online, so the
"more than 50% online" target of Kế hoạch 112-KH/TU stands at 57.1%), the kick-off
conference, the classes and their trainees, the district contest of good
political-theory lecturers, the Party-history volumes in progress, the thematic study
of Hồ Chí Minh's thought, ethics and style, the leaders' dialogues with their
follow-ups, ten "Dân vận khéo" models across the districts, the three networks with a
few gaps, and the targets computed from all of it (two of them giving the programme's
indicators their actual).
"""

# ruff: noqa: E501  (the demo's data: names and titles kept on one line each)
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from theodoi.plans.models import Indicator, WorkItem
from theodoi.units.models import Unit

from . import actions
from .models import Activity, NetworkMember, NetworkStandard, Target

CONFERENCES = [
    # (day, mode, topic, presenter)
    (date(2018, 1, 18), "in_person", "Tình hình thời sự trong nước, quốc tế nổi bật tháng 12/2017; "
     "kết quả Hội nghị Trung ương 6 (khóa XII)", "Trưởng Ban Tuyên giáo Tỉnh ủy"),
    (date(2018, 2, 8), "online", "Những vấn đề cần định hướng dư luận dịp Tết Nguyên đán Mậu Tuất",
     "Phó Trưởng Ban Tuyên giáo Tỉnh ủy"),
    (date(2018, 3, 15), "in_person", "Kết quả thực hiện nhiệm vụ kinh tế - xã hội quý I/2018",
     "Phó Chủ tịch UBND tỉnh"),
    (date(2018, 4, 19), "online", "Tình hình biển Đông và công tác bảo vệ chủ quyền biên giới",
     "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
    (date(2018, 5, 17), "online", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh "
     "năm 2018", "Phó Trưởng Ban Tuyên giáo Tỉnh ủy"),
    (date(2018, 6, 14), "in_person", "Kết quả Hội nghị Trung ương 7 (khóa XII)",
     "Trưởng Ban Tuyên giáo Tỉnh ủy"),
    (date(2018, 7, 12), "online", "Du lịch Sa Pa và sự hài lòng của du khách; định hướng dư luận "
     "về dự thảo Luật Đơn vị hành chính - kinh tế đặc biệt", "Sở Văn hóa, Thể thao và Du lịch"),
]  # fmt: skip

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Lù", "Vàng", "Giàng", "Lò", "Sùng"]
GIVEN = ["Văn Hùng", "Thị Lan", "Văn Minh", "Thị Hoa", "Văn Sơn", "Thị Mai", "Văn Tuấn",
         "Thị Hằng", "A Sử", "Seo Lử", "Thị Dung", "Văn Chiến", "Thị Thu", "Văn Pao"]  # fmt: skip

MODELS = [
    # (district code, commune key or None, level, field, title, year)
    ("082", "lc2018:02686", "commune", "Kinh tế", "Phát triển cây quế gắn với giảm nghèo", 2018),
    ("083", "lc2018:02752", "commune", "Văn hóa - xã hội", "Bản không có người nghiện ma túy", 2017),
    ("084", "lc2018:02800", "commune", "Quốc phòng - an ninh", "Dòng họ tự quản an ninh trật tự", 2018),
    ("085", "lc2018:02842", "commune", "Kinh tế", "Hợp tác xã mận Tam hoa", 2018),
    ("086", "lc2018:02905", "district", "Xây dựng hệ thống chính trị",
     "Dân vận khéo trong giải phóng mặt bằng cao tốc", 2017),
    ("087", "lc2018:02953", "commune", "Văn hóa - xã hội", "Giữ gìn bản sắc văn hóa dân tộc Tày", 2018),
    ("088", "lc2018:03001", "commune", "Kinh tế", "Du lịch cộng đồng gắn với giữ gìn bản sắc", 2018),
    ("089", "lc2018:03061", "commune", "Kinh tế", "Chuyển đổi cơ cấu cây trồng trên đất dốc", 2018),
    ("080", "lc2018:02635", "commune", "Xây dựng hệ thống chính trị", "Tổ dân phố văn minh", 2017),
    ("080", None, "province", "Dân vận chính quyền", "Một cửa liên thông hiện đại phục vụ nhân dân",
     2018),
]  # fmt: skip


def _work_item(fragment: str) -> WorkItem | None:
    return WorkItem.objects.filter(
        task__plan__number="112-KH/TU", title__icontains=fragment
    ).first()


def _record(owner: Unit, kind: str, day: date, title: str, by: User, **kwargs: Any) -> Activity:
    return actions.do_create_activity(
        actions.ActivityData(kind=kind, title=title, start=day, owner=owner, **kwargs), by=by
    )


def _name(n: int) -> str:
    return f"{FAMILY[n % len(FAMILY)]} {GIVEN[(n * 5) % len(GIVEN)]}"


def load(ctx: Any) -> None:
    province = ctx.province
    btg = ctx.unit("lc2018:agency:BTG")
    bdv = ctx.unit("lc2018:agency:BDV")
    districts = ctx.districts()
    by_code = {d.key.split(":")[1]: d for d in districts}
    coordinator = User.objects.get(username="coordinator")
    agency = User.objects.get(username="agency")
    plan = ctx.plan

    # The monthly reporters' conferences, Jan–Jul -------------------------------------
    conference_item = _work_item("hội nghị báo cáo viên cấp tỉnh")
    conferences = []
    for n, (day, mode, topic, presenter) in enumerate(CONFERENCES):
        points = [{"name": "Hội trường Tỉnh ủy", "attendance": 140 + 5 * n}]
        if mode == "online":
            points += [
                {"name": f"Điểm cầu {d.name}", "attendance": 40 + (i * 7 + n * 3) % 30}
                for i, d in enumerate(districts)
            ]
        conferences.append(
            _record(
                btg,
                "reporters_conference",
                day,
                f"Hội nghị báo cáo viên cấp tỉnh tháng {day.month}/2018",
                coordinator,
                mode=mode,
                place="Hội trường Tỉnh ủy",
                work_item=conference_item,
                details={
                    "topic": topic,
                    "presenter": presenter,
                    "points": points,
                    "materials": "Tài liệu sinh hoạt chi bộ; đề cương tuyên truyền",
                },
            )
        )

    # The plan's own conferences ---------------------------------------------------------
    _record(
        province, "conference", date(2018, 1, 12),
        "Hội nghị triển khai Kế hoạch 112-KH/TU thực hiện Đề án 17-ĐA/TU năm 2018", coordinator,
        mode="in_person", place="Hội trường Tỉnh ủy", units=[province, btg, bdv],
        work_item=_work_item("hội nghị triển khai"),
        details={"purpose": "kick_off", "chair": "Phó Bí thư Thường trực Tỉnh ủy",
                 "points": [{"name": "Hội trường Tỉnh ủy", "attendance": 180}]},
    )  # fmt: skip
    _record(
        province, "conference", date(2018, 7, 10),
        "Hội nghị sơ kết 6 tháng đầu năm thực hiện Đề án 17-ĐA/TU", coordinator,
        mode="online", place="Hội trường Tỉnh ủy", units=[province, btg, bdv],
        details={"purpose": "review", "chair": "Phó Bí thư Thường trực Tỉnh ủy",
                 "points": [{"name": "Hội trường Tỉnh ủy", "attendance": 120}]
                 + [{"name": f"Điểm cầu {d.name}", "attendance": 35} for d in districts]},
    )  # fmt: skip

    # Classes and trainees ------------------------------------------------------------------
    class_item = _work_item("Mở lớp bồi dưỡng nghiệp vụ")
    _record(
        btg, "class", date(2018, 4, 9),
        "Lớp bồi dưỡng nghiệp vụ công tác tư tưởng chính trị, tuyên truyền vận động cấp huyện",
        coordinator, end=date(2018, 4, 13), place="Trường Chính trị tỉnh", level="district",
        units=[btg, bdv], work_item=class_item,
        details={"course": "Nghiệp vụ công tác tuyên giáo, dân vận",
                 "trainees": [{"unit": d.pk, "count": 12 + i % 4, "completed": 12 + i % 4}
                              for i, d in enumerate(districts)]},
    )  # fmt: skip
    for code in ("083", "084"):
        district = by_code[code]
        _record(
            district, "class", date(2018, 3, 5),
            f"Lớp trung cấp lý luận chính trị - hành chính tại {district.name}", coordinator,
            end=date(2019, 6, 30), place=f"Trung tâm Bồi dưỡng chính trị {district.place or ''}",
            level="district", units=[district], work_item=_work_item("trung cấp lý luận"),
            details={"course": "Trung cấp lý luận chính trị - hành chính (hệ không tập trung)",
                     "trainees": [{"unit": district.pk, "count": 68 if code == "083" else 55}]},
        )  # fmt: skip

    # The district contest of good political-theory lecturers -----------------------------
    contest_item = _work_item("hội thi giảng viên")
    for code, day in (("086", date(2018, 5, 24)), ("082", date(2018, 6, 21))):
        district = by_code[code]
        communes = ctx.communes(district)[:4]
        _record(
            district, "contest", day, f"Hội thi giảng viên lý luận chính trị giỏi {district.name}",
            coordinator, place=f"Trung tâm Bồi dưỡng chính trị {district.name}",
            units=[district], work_item=contest_item,
            details={
                "rounds": [{"name": "Thi viết giáo án", "date": f"{day.day - 7:02d}/{day.month:02d}/2018"},
                           {"name": "Thi giảng", "date": day.strftime("%d/%m/%Y")}],
                "entrants": [{"name": _name(i + int(code)), "unit": c.pk,
                              "result": ["Giải Nhất", "Giải Nhì", "Giải Ba", "Khuyến khích"][i]}
                             for i, c in enumerate(communes)],
            },
        )  # fmt: skip

    # Party-history volumes in progress --------------------------------------------------
    history_item = _work_item("lịch sử Đảng bộ")
    for owner, day, volume, stage, copies in (
        (by_code["082"], date(2018, 3, 20), "Lịch sử Đảng bộ huyện Bát Xát (1947–2015)",
         "compiling", 0),
        (by_code["087"], date(2018, 5, 8), "Lịch sử Đảng bộ huyện Bảo Yên (1930–2015)",
         "published", 800),
        (btg, date(2018, 6, 5), "Lịch sử Đảng bộ Khối các cơ quan tỉnh (1991–2015)",
         "collecting", 0),
    ):  # fmt: skip
        _record(
            owner, "publication", day, volume, coordinator, work_item=history_item,
            details={"stage": stage, "volume": volume, "copies": copies},
        )  # fmt: skip

    # The 2018 thematic study --------------------------------------------------------------
    _record(
        btg, "study", date(2018, 3, 28),
        "Học tập chuyên đề năm 2018 “Xây dựng phong cách, tác phong công tác của người đứng "
        "đầu, của cán bộ, đảng viên theo tư tưởng, đạo đức, phong cách Hồ Chí Minh”",
        coordinator, mode="", units=[province], work_item=_work_item("học tập chuyên đề"),
        details={"topic": "Chuyên đề năm 2018", "sessions": 3,
                 "participants": [{"unit": d.pk, "count": 900 + 53 * i}
                                  for i, d in enumerate(districts)]},
    )  # fmt: skip

    # Dialogues and their follow-ups --------------------------------------------------------
    dialogue_item = _work_item("đối thoại trực tiếp")
    dialogues = [
        (by_code["088"], date(2018, 3, 22), "Bí thư Huyện ủy Sa Pa", "Phường Sa Pa",
         [("Quản lý người bán hàng rong đeo bám du khách", "Huyện giao phường lập tổ tự quản"),
          ("Vệ sinh môi trường khu du lịch", "Bố trí thêm điểm thu gom rác")],
         [("Thành lập tổ tự quản bán hàng rong", date(2018, 4, 30), date(2018, 4, 25)),
          ("Bổ sung 20 điểm thu gom rác", date(2018, 6, 30), date(2018, 6, 20))]),
        (by_code["084"], date(2018, 4, 18), "Chủ tịch UBND huyện Si Ma Cai", "Xã Nàn Sán",
         [("Nước sinh hoạt mùa khô", "Sửa chữa công trình nước tự chảy")],
         [("Sửa chữa công trình nước tự chảy thôn Nàn Sán", date(2018, 8, 31), None)]),
        (bdv, date(2018, 5, 30), "Bí thư Tỉnh ủy", "Huyện Bảo Thắng",
         [("Bồi thường giải phóng mặt bằng khu công nghiệp Tằng Loỏng",
           "Giao UBND huyện rà soát, trả lời từng hộ"),
          ("Việc làm cho thanh niên sau giải phóng mặt bằng", "Ưu tiên tuyển dụng tại khu công nghiệp")],
         [("Rà soát, trả lời từng hộ về bồi thường", date(2018, 7, 31), None),
          ("Mở lớp dạy nghề cho thanh niên", date(2018, 9, 30), None)]),
        (by_code["082"], date(2018, 6, 26), "Bí thư Huyện ủy Bát Xát", "Xã A Mú Sung",
         [("Đường liên thôn bị sạt lở", "Khắc phục ngay bằng nguồn dự phòng")],
         [("Khắc phục đường liên thôn", date(2018, 7, 15), date(2018, 7, 10))]),
    ]  # fmt: skip
    for owner, day, leader, place, issues, follow_ups in dialogues:
        record = _record(
            owner, "dialogue", day, f"Đối thoại trực tiếp của {leader} với nhân dân {place}",
            agency if owner == bdv else coordinator, place=place, work_item=dialogue_item,
            details={"leader": leader,
                     "issues": [{"issue": i, "answer": a} for i, a in issues]},
        )  # fmt: skip
        for text, deadline, closed in follow_ups:
            item = actions.do_add_follow_up(
                record, text=text, deadline=deadline, responsible=leader, by=agency
            )
            if closed:
                actions.do_close_follow_up(item, closed_on=closed, note="Đã hoàn thành", by=agency)

    # Ten "Dân vận khéo" models ---------------------------------------------------------------
    model_item = _work_item("Dân vận khéo")
    for code, commune_key, level, field, title, year in MODELS:
        unit = ctx.unit(commune_key) if commune_key else bdv
        owner = unit if commune_key else bdv
        _record(
            owner, "model", date(year, 5 if year == 2018 else 11, 15), f"Mô hình “{title}”",
            agency, level=level, units=[unit], work_item=model_item if year == 2018 else None,
            details={"field": field, "year_recognised": year,
                     "description": f"{title} ({by_code[code].name})",
                     "results": "Được công nhận mô hình “Dân vận khéo”, nhân rộng trong huyện"},
        )  # fmt: skip

    # The three networks, with a few gaps ----------------------------------------------------
    n = 0
    NetworkStandard.objects.create(
        network="reporter", unit=btg, number=25, basis="Quy chế hoạt động báo cáo viên tỉnh"
    )
    for i in range(23):
        member = NetworkMember.objects.create(
            network="reporter", full_name=_name(n), unit=btg, level="province",
            position="Báo cáo viên Tỉnh ủy", term_start=date(2016, 1, 1), term_end=date(2020, 12, 31),
            training="Bồi dưỡng báo cáo viên năm 2017",
        )  # fmt: skip
        member.activities.add(*conferences[i % 3 :: 2])
        n += 1
    for i, district in enumerate(districts):
        NetworkStandard.objects.create(
            network="reporter", unit=district, number=6, basis="Hướng dẫn 01-HD/BTGTW"
        )
        for _k in range(6 if i % 4 else 4):
            member = NetworkMember.objects.create(
                network="reporter", full_name=_name(n), unit=district, level="district",
                position="Báo cáo viên huyện", term_start=date(2016, 1, 1),
                term_end=date(2020, 12, 31), training="Lớp bồi dưỡng nghiệp vụ 04/2018",
            )  # fmt: skip
            if conferences[n % 7].mode == "online":
                member.activities.add(conferences[n % 7])
            n += 1
        communes = ctx.communes(district)[:2]
        for j, commune in enumerate(communes):
            NetworkStandard.objects.create(network="propagandist", unit=commune, number=3)
            for _k in range(3 if (i + j) % 3 else 2):
                NetworkMember.objects.create(
                    network="propagandist", full_name=_name(n), unit=commune, level="commune",
                    position="Tuyên truyền viên thôn", term_start=date(2016, 1, 1),
                )  # fmt: skip
                n += 1
    NetworkStandard.objects.create(
        network="opinion", unit=btg, number=12, basis="Quy chế cộng tác viên dư luận xã hội"
    )
    for i in range(10):
        NetworkMember.objects.create(
            network="opinion", full_name=_name(n), unit=btg if i < 6 else districts[i - 6],
            level="province" if i < 6 else "district", position="Cộng tác viên dư luận xã hội",
            term_start=date(2017, 1, 1), training="Tập huấn nắm bắt dư luận 2017",
        )  # fmt: skip
        n += 1

    # Targets computed from the records ------------------------------------------------------
    online_indicator = Indicator.objects.filter(
        objective__programme__code="17-ĐA/TU", name__icontains="báo cáo viên cấp tỉnh"
    ).first()
    model_indicator = Indicator.objects.filter(
        objective__programme__code="17-ĐA/TU", name__icontains="Dân vận khéo"
    ).first()
    contest_indicator = Indicator.objects.filter(
        objective__programme__code="17-ĐA/TU", name__icontains="Hội thi giảng viên"
    ).first()
    year = {"start": date(2018, 1, 1), "end": date(2018, 12, 31), "unit": province, "plan": plan}
    targets = [
        Target(name="Hội nghị báo cáo viên cấp tỉnh tổ chức trực tuyến trên 50% năm 2018",
               measure="share", kind="reporters_conference", share_mode="online",
               comparison="gt", goal=Decimal(50), indicator=online_indicator, **year),
        Target(name="Mô hình “Dân vận khéo” được công nhận mới trong năm 2018", measure="count",
               kind="model", comparison="gte", goal=Decimal(30), indicator=model_indicator,
               **{**year, "start": date(2018, 1, 1)}),
        Target(name="Xã, phường, thị trấn có ít nhất một mô hình “Dân vận khéo”",
               measure="distinct_units", kind="model", unit_kind="commune", comparison="gte",
               goal=Decimal(8), **{**year, "start": date(2017, 1, 1)}),
        Target(name="Học viên các lớp bồi dưỡng, trung cấp lý luận chính trị năm 2018",
               measure="sum", kind="class", sum_of="participants", comparison="gte",
               goal=Decimal(200), **year),
        Target(name="Lớp bồi dưỡng, trung cấp lý luận chính trị được mở", measure="count",
               kind="class", comparison="gte", goal=Decimal(3), **year),
        Target(name="Đối thoại trực tiếp có các việc sau đối thoại đã giải quyết xong",
               measure="share", kind="dialogue", share_follow_ups="closed", comparison="gte",
               goal=Decimal(80), **year),
        Target(name="Huyện, thành phố tổ chức hội thi giảng viên lý luận chính trị giỏi",
               measure="distinct_units", kind="contest", unit_kind="district", comparison="gte",
               goal=Decimal(9), indicator=contest_indicator, **year),
    ]  # fmt: skip
    for target in targets:
        actions.do_save_target(target, version=None, by=coordinator, reason="Dữ liệu mẫu")
