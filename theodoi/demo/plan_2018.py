"""The demo's data: Kế hoạch 112-KH/TU (2018) implementing Đề án 17-ĐA/TU of Lào Cai.

Written from the Ban Tuyên giáo's 2018 article (shared/seed/source-article.vi.txt).
The article gives the plan's shape and counts; the individual titles below are
drawn from its wording, and where it names only an area of work the titles are
realistic wording for that area. Vietnamese strings here are data, not UI text.

The assignment reproduces the article's counts (checked by the demo tests):
- Ban Tuyên giáo (BTG) leads 7 tasks made of 20 work items in three fields;
- Ban Dân vận (BDV) leads the 5 work items the article lists;
- each of the 9 district committees (the city and 8 districts) leads the same 6
  work items: one work item each, with the nine as lead units;
- the other agencies carry 8 task groups: 8 tasks, each led by one of them.

Unit references: an agency's short key ("BTG", "STTTT" …, see AGENCIES),
"DISTRICTS" for the nine district committees, or "lc2018:<code>" for one unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from theodoi.units.models import Unit

K = Unit.Kind
YEAR = 2018
TODAY = date(2018, 7, 15)
DISTRICTS = "DISTRICTS"


def d(day_month: str) -> date:
    """'15/01' -> date(2018, 1, 15)."""
    day, month = day_month.split("/")
    return date(YEAR, int(month), int(day))


@dataclass(frozen=True)
class Agency:
    short: str  # the key suffix: lc2018:agency:<short>
    name: str
    kind: str
    symbol: str
    short_name: str


AGENCIES: list[Agency] = [
    Agency("BTG", "Ban Tuyên giáo Tỉnh ủy", K.PARTY_AGENCY, "BTGTU", "BTG Tỉnh ủy"),
    Agency("BDV", "Ban Dân vận Tỉnh ủy", K.PARTY_AGENCY, "BDVTU", "BDV Tỉnh ủy"),
    Agency("BTC", "Ban Tổ chức Tỉnh ủy", K.PARTY_AGENCY, "BTCTU", "BTC Tỉnh ủy"),
    Agency("VPTU", "Văn phòng Tỉnh ủy", K.PARTY_AGENCY, "VPTU", "VP Tỉnh ủy"),
    Agency("DUKCQ", "Đảng ủy Khối các cơ quan tỉnh", K.PARTY_COMMITTEE, "ĐUK", "ĐUK Các cơ quan"),
    Agency("DUKDN", "Đảng ủy Khối doanh nghiệp tỉnh", K.PARTY_COMMITTEE, "ĐUK", "ĐUK Doanh nghiệp"),
    Agency("STTTT", "Sở Thông tin và Truyền thông", K.STATE_AGENCY, "STTTT", "Sở TT&TT"),
    Agency("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", K.STATE_AGENCY, "SVHTTDL", "Sở VH-TT&DL"),
    Agency("SKHDT", "Sở Kế hoạch và Đầu tư", K.STATE_AGENCY, "SKHĐT", "Sở KH&ĐT"),
    Agency("STC", "Sở Tài chính", K.STATE_AGENCY, "STC", "Sở Tài chính"),
    Agency("SGDDT", "Sở Giáo dục và Đào tạo", K.STATE_AGENCY, "SGDĐT", "Sở GD&ĐT"),
    Agency("HVHNT", "Hội Văn học Nghệ thuật tỉnh", K.MASS_ORGANISATION, "HVHNT", "Hội VHNT"),
    Agency("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", K.MASS_ORGANISATION, "MTTQ", "MTTQ tỉnh"),
    Agency("TD", "Tỉnh đoàn", K.MASS_ORGANISATION, "TĐTN", "Tỉnh đoàn"),
    Agency("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", K.MASS_ORGANISATION, "HLHPN", "Hội LHPN"),
    Agency("HND", "Hội Nông dân tỉnh", K.MASS_ORGANISATION, "HND", "Hội Nông dân"),
    Agency("HCCB", "Hội Cựu chiến binh tỉnh", K.MASS_ORGANISATION, "HCCB", "Hội CCB"),
    Agency("LDLD", "Liên đoàn Lao động tỉnh", K.MASS_ORGANISATION, "LĐLĐ", "LĐLĐ tỉnh"),
    Agency("BLC", "Báo Lào Cai", K.OTHER, "BLC", "Báo Lào Cai"),
    Agency("PTTH", "Đài Phát thanh - Truyền hình tỉnh", K.OTHER, "PTTH", "Đài PT-TH"),
    Agency("TCT", "Trường Chính trị tỉnh", K.OTHER, "TCT", "Trường Chính trị"),
]

# The agencies of item 4 of the article ("the other bodies … 8 task groups").
OTHER_AGENCIES = [
    "BTC",
    "STTTT",
    "SVHTTDL",
    "HVHNT",
    "SKHDT",
    "STC",
    "MTTQ",
    "TD",
]

DISTRICT_GROUP = "Các huyện ủy, thành ủy"
DISTRICT_AND_DIRECT_GROUP = "Các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"
DIRECT_COMMITTEES = ["DUKCQ", "DUKDN"]

# Document dates and numbers, as the article gives them.
PROGRAMME_CODE = "17-ĐA/TU"
PROGRAMME_TITLE = (
    "Tiếp tục đổi mới công tác tư tưởng chính trị, tuyên truyền vận động "
    "tỉnh Lào Cai giai đoạn 2016 – 2020"
)
PROGRAMME_SUMMARY = (
    "Đề án số 17-ĐA/TU của Ban Chấp hành Đảng bộ tỉnh khóa XV, một trong 19 đề án của "
    "Ban Chấp hành Đảng bộ tỉnh nhiệm kỳ 2015 – 2020. Hai năm đầu (2016, 2017) đã được "
    "rà soát mục tiêu, nhiệm vụ, kết quả, hạn chế và nguyên nhân; mục tiêu không thay đổi, "
    "nhiệm vụ, giải pháp có thể đề nghị bổ sung, cập nhật cho phù hợp với thực tiễn."
)
PROGRAMME_ISSUED = date(2016, 1, 20)

# (objective, [(indicator, measure, target, baseline)])
OBJECTIVES: list[tuple[str, list[tuple[str, str, float | None, float | None]]]] = [
    (
        "Nâng cao chất lượng, hiệu quả công tác tư tưởng chính trị, tạo sự thống nhất cao "
        "trong Đảng, đồng thuận trong xã hội.",
        [
            ("Cán bộ, đảng viên được học tập, quán triệt nghị quyết của Đảng", "%", 95, 90),
            (
                "Hội thi giảng viên lý luận chính trị giỏi cấp huyện được tổ chức",
                "huyện",
                9,
                None,
            ),
        ],
    ),
    (
        "Đổi mới nội dung, phương thức công tác tuyên truyền, vận động; đẩy mạnh ứng dụng "
        "công nghệ thông tin.",
        [
            (
                "Hội nghị báo cáo viên cấp tỉnh hằng tháng tổ chức theo hình thức trực tuyến",
                "%",
                50,
                25,
            ),
            (
                "Báo cáo công tác tuyên vận hằng tháng truyền tải qua Cổng thông tin điện tử "
                "Tỉnh ủy",
                "%",
                100,
                None,
            ),
        ],
    ),
    (
        "Công tác tuyên vận trở thành nhiệm vụ thường xuyên của các huyện ủy, thành ủy và "
        "đảng ủy xã, phường, thị trấn theo Quy định số 11-QĐ/TU.",
        [
            ("Xã, phường, thị trấn có ban tuyên vận được kiện toàn", "%", 100, None),
            ("Xã, phường, thị trấn được chấm điểm công tác tuyên vận hằng tháng", "%", 100, None),
        ],
    ),
    (
        "Nâng cao hiệu quả công tác dân vận, xây dựng mối quan hệ mật thiết giữa Đảng, "
        "chính quyền với nhân dân.",
        [
            ("Mô hình “Dân vận khéo” được xây dựng mới trong năm", "mô hình", 30, None),
        ],
    ),
]

LEGAL_DOCUMENTS = [
    # (number, date, title)
    (
        "25-KH/TU",
        date(2016, 5, 9),
        "Kế hoạch triển khai thực hiện Đề án số 17-ĐA/TU",
    ),
    (
        "11-QĐ/TU",
        date(2016, 10, 26),
        "Quy định về công tác tuyên vận ở xã, phường, thị trấn",
    ),
]

PLAN_NUMBER = "112-KH/TU"
PLAN_ISSUED = date(2018, 1, 5)
PLAN_TITLE = (
    "Kế hoạch thực hiện Đề án 17-ĐA/TU “Tiếp tục đổi mới công tác tư tưởng chính trị, "
    "tuyên truyền vận động tỉnh Lào Cai giai đoạn 2016 – 2020” năm 2018"
)
PLAN_SUMMARY = (
    "Cụ thể hóa Kế hoạch số 25-KH/TU ngày 09/5/2016 của Tỉnh ủy và kết luận của Thường "
    "trực Tỉnh ủy thành các mục tiêu, nhiệm vụ chi tiết năm 2018; phân công cơ quan chủ trì, "
    "cơ quan phối hợp, thời gian và cơ chế phối hợp thực hiện. Bảo đảm sát thực tiễn, khả "
    "thi, đồng bộ, hiệu quả, bố trí đủ nguồn lực; thực hiện nghiêm túc việc đôn đốc, kiểm "
    "tra, giám sát, báo cáo, đánh giá tiến độ, chất lượng. Báo cáo, kiểm tra định kỳ 06 "
    "tháng, 01 năm."
)

FIELDS = [
    "Đổi mới công tác tư tưởng, chính trị",
    "Công tác tuyên truyền, vận động",
    "Công tác tổng hợp, báo cáo",
    "Bảo đảm nguồn lực thực hiện Đề án",
]
F_IDEOLOGY, F_PROPAGANDA, F_REPORTING, F_RESOURCES = range(4)


@dataclass(frozen=True)
class Item:
    title: str
    start: date
    end: date
    output: str
    coordinating: tuple[str, ...] = ()
    note: str = ""
    # The demo's progress on 15/07/2018: "on_time" (done by the end date),
    # "late" (done after it), "overdue" (past due, not done), or "" (by date).
    progress: str = ""


@dataclass(frozen=True)
class TaskData:
    field: int
    lead: str
    title: str
    items: list[Item] = field(default_factory=list)


def I(  # noqa: E743 - a short constructor keeps the table below readable.
    title: str,
    start: str,
    end: str,
    output: str,
    coordinating: str = "",
    note: str = "",
    progress: str = "",
) -> Item:
    return Item(
        title=title,
        start=d(start),
        end=d(end),
        output=output,
        coordinating=tuple(coordinating.split()) if coordinating else (),
        note=note,
        progress=progress,
    )


TASKS: list[TaskData] = [
    # --- Ban Tuyên giáo: 7 tasks, 20 work items -------------------------------
    TaskData(
        F_IDEOLOGY,
        "BTG",
        "Nâng cao chất lượng học tập, quán triệt, triển khai thực hiện nghị quyết, chỉ thị "
        "của Đảng",
        [
            I(
                "Tổ chức hội nghị học tập, quán triệt, triển khai Nghị quyết Hội nghị lần thứ "
                "sáu, lần thứ bảy Ban Chấp hành Trung ương Đảng khóa XII",
                "08/01",
                "31/07",
                "Hội nghị",
                "BTC TCT DUKCQ DUKDN",
                "BTC phối hợp triệu tập thành phần; Trường Chính trị tỉnh bố trí giảng viên; "
                "các đảng ủy khối tổ chức hội nghị ở cơ sở.",
            ),
            I(
                "Triển khai chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ "
                "Chí Minh năm 2018 “Xây dựng phong cách, tác phong công tác của người đứng "
                "đầu, của cán bộ, đảng viên”",
                "15/01",
                "31/03",
                "Kế hoạch",
                "BDV VPTU DUKCQ",
                "Điều chỉnh nội dung, thời gian triển khai chuyên đề phù hợp thực tiễn.",
                progress="late",
            ),
            I(
                "Sưu tầm, biên soạn, xuất bản lịch sử Đảng bộ các cơ quan, đơn vị, địa phương",
                "01/02",
                "31/12",
                "Ấn phẩm",
                "HVHNT DISTRICTS",
                "Các huyện ủy, thành ủy cung cấp tư liệu; Hội VHNT hỗ trợ biên tập.",
            ),
        ],
    ),
    TaskData(
        F_IDEOLOGY,
        "BTG",
        "Nâng cao chất lượng đội ngũ báo cáo viên, tuyên truyền viên, giảng viên lý luận chính trị",
        [
            I(
                "Tổ chức hội nghị báo cáo viên cấp tỉnh hằng tháng theo hình thức trực tuyến "
                "(trên 50% hội nghị/năm)",
                "15/01",
                "31/12",
                "Hội nghị",
                "STTTT VPTU",
                "Sở TT&TT bảo đảm đường truyền đến các điểm cầu huyện, thành phố.",
            ),
            I(
                "Điều chỉnh thời gian, nội dung, quy mô tổ chức hội thi giảng viên lý luận "
                "chính trị giỏi cấp huyện",
                "01/03",
                "30/09",
                "Hướng dẫn",
                "TCT BTC",
                "Trao đổi, thống nhất với các huyện ủy, thành ủy trước khi ban hành hướng dẫn.",
            ),
            I(
                "Bồi dưỡng nghiệp vụ, cung cấp thông tin định hướng cho đội ngũ báo cáo viên, "
                "tuyên truyền viên cơ sở",
                "01/03",
                "30/11",
                "Tài liệu",
                "TCT",
            ),
        ],
    ),
    TaskData(
        F_IDEOLOGY,
        "BTG",
        "Nắm bắt, định hướng tình hình tư tưởng, dư luận xã hội",
        [
            I(
                "Tổ chức cuộc điều tra dư luận xã hội về sự hài lòng của du khách với du lịch "
                "Lào Cai, bảo đảm phù hợp với thực trạng hạ tầng phục vụ du lịch tại Sa Pa",
                "01/04",
                "30/09",
                "Báo cáo",
                "SVHTTDL lc2018:088",
                "Sở VH-TT&DL cung cấp số liệu, bố trí điểm khảo sát; Huyện ủy Sa Pa chỉ đạo "
                "các xã, thị trấn phối hợp.",
            ),
            I(
                "Duy trì mạng lưới cộng tác viên dư luận xã hội; báo cáo tình hình tư tưởng, "
                "dư luận xã hội hằng tháng",
                "01/01",
                "31/12",
                "Báo cáo",
                "MTTQ TD",
            ),
            I(
                "Chủ động cung cấp thông tin, đấu tranh phản bác các quan điểm sai trái, thù "
                "địch, thông tin xấu độc trên Internet, mạng xã hội",
                "01/01",
                "31/12",
                "Báo cáo",
                "STTTT TD",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "BTG",
        "Đổi mới nội dung, hình thức công tác tuyên truyền",
        [
            I(
                "Hướng dẫn tuyên truyền các ngày lễ lớn, sự kiện chính trị quan trọng của đất "
                "nước và của tỉnh năm 2018",
                "05/01",
                "31/12",
                "Hướng dẫn",
                "BLC PTTH STTTT",
            ),
            I(
                "Định hướng thông tin báo chí; tổ chức giao ban báo chí hằng tháng",
                "15/01",
                "31/12",
                "Hội nghị",
                "STTTT BLC PTTH",
            ),
            I(
                "Tuyên truyền về công tác đối ngoại, biên giới, cửa khẩu và hợp tác với các "
                "tỉnh của Trung Quốc",
                "01/03",
                "30/11",
                "Kế hoạch",
                "BLC PTTH",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "BTG",
        "Chỉ đạo, hướng dẫn công tác tuyên vận theo Quy định số 11-QĐ/TU",
        [
            I(
                "Phân công cán bộ các cơ quan cấp tỉnh dự hội nghị tuyên vận cấp xã theo quy chế",
                "08/01",
                "31/01",
                "Quyết định",
                "BDV BTC",
                "Ban Tuyên giáo thống nhất phân công; thông báo đến các huyện ủy, thành ủy.",
                progress="on_time",
            ),
            I(
                "Tiếp nhận, tổng hợp, theo dõi tài liệu tuyên vận của đảng ủy xã, phường, thị "
                "trấn gửi hằng tháng qua Cổng thông tin điện tử Tỉnh ủy",
                "01/02",
                "31/12",
                "Báo cáo",
                "VPTU",
                "Văn phòng Tỉnh ủy cấp tài khoản và hỗ trợ kỹ thuật trên Cổng TTĐT Tỉnh ủy.",
            ),
            I(
                "Tổng hợp, báo cáo xin ý kiến chỉ đạo của Thường trực, Ban Thường vụ Tỉnh ủy về "
                "tiêu chí chấm điểm công tác tuyên vận",
                "01/02",
                "30/06",
                "Báo cáo",
                "BDV",
                progress="overdue",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "BTG",
        "Phát huy vai trò của báo chí, văn học nghệ thuật trong công tác tuyên truyền",
        [
            I(
                "Xét chọn, trao giải báo chí về xây dựng Đảng và hệ thống chính trị tỉnh Lào "
                "Cai năm 2018",
                "01/03",
                "31/10",
                "Quyết định",
                "BLC PTTH HVHNT",
            ),
            I(
                "Thẩm định, xét duyệt nội dung ấn phẩm tuyên truyền, tài liệu sinh hoạt chi bộ "
                "hằng tháng",
                "01/01",
                "31/12",
                "Ấn phẩm",
                "VPTU",
            ),
        ],
    ),
    TaskData(
        F_REPORTING,
        "BTG",
        "Theo dõi, đôn đốc, tổng hợp, báo cáo kết quả thực hiện Đề án",
        [
            I(
                "Xây dựng, trình Ban Thường vụ Tỉnh ủy ban hành Kế hoạch thực hiện Đề án năm "
                "2018; tổ chức hội nghị triển khai nhiệm vụ, bàn giải pháp thực hiện",
                "02/01",
                "31/01",
                "Kế hoạch",
                "BDV VPTU",
                "Hội nghị với lãnh đạo các sở, ban, ngành, thường trực các huyện ủy, thành ủy, "
                "đảng ủy trực thuộc Tỉnh ủy.",
                progress="on_time",
            ),
            I(
                "Kiểm tra, tổng hợp, báo cáo sơ kết 6 tháng đầu năm 2018 thực hiện Đề án",
                "01/05",
                "30/06",
                "Báo cáo",
                "BDV VPTU",
                "Các cơ quan, địa phương gửi báo cáo về Ban Tuyên giáo trước ngày 15/6.",
                progress="on_time",
            ),
            I(
                "Kiểm tra, tổng hợp, báo cáo kết quả thực hiện Đề án năm 2018 với Thường trực, "
                "Ban Thường vụ Tỉnh ủy",
                "01/10",
                "20/12",
                "Báo cáo",
                "BDV VPTU",
            ),
        ],
    ),
    # --- Ban Dân vận: 5 work items ------------------------------------------------
    TaskData(
        F_PROPAGANDA,
        "BDV",
        "Bồi dưỡng cán bộ làm công tác tư tưởng chính trị, tuyên truyền vận động",
        [
            I(
                "Mở lớp bồi dưỡng nghiệp vụ cho cán bộ làm công tác tư tưởng chính trị, "
                "tuyên truyền vận động cấp huyện",
                "01/03",
                "30/06",
                "Lớp bồi dưỡng",
                "BTG TCT",
                progress="on_time",
            ),
            I(
                "Bồi dưỡng kỹ năng vận động quần chúng cho trưởng ban, phó trưởng ban tuyên "
                "vận xã, phường, thị trấn",
                "01/07",
                "31/10",
                "Lớp bồi dưỡng",
                "BTG DISTRICTS",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "BDV",
        "Nâng cao hiệu quả công tác dân vận",
        [
            I(
                "Duy trì và nâng cao chất lượng các cuộc tiếp xúc, đối thoại trực tiếp giữa "
                "người đứng đầu cấp ủy, chính quyền với nhân dân",
                "01/02",
                "31/12",
                "Báo cáo",
                "MTTQ VPTU",
            ),
            I(
                "Xây dựng, nhân rộng mô hình “Dân vận khéo”",
                "01/03",
                "30/11",
                "Mô hình",
                "MTTQ HLHPN HND",
            ),
            I(
                "Nâng cao hiệu quả công tác dân vận của chính quyền các cấp",
                "01/02",
                "31/12",
                "Báo cáo",
                "BTC",
            ),
        ],
    ),
    # --- The nine district committees: 6 work items, each led by all nine ---------
    TaskData(
        F_IDEOLOGY,
        DISTRICTS,
        "Đổi mới công tác tư tưởng, chính trị ở cơ sở",
        [
            I(
                "Nắm bắt, định hướng tình hình tư tưởng, dư luận xã hội ở cơ sở; báo cáo hằng "
                "tháng",
                "01/01",
                "31/12",
                "Báo cáo",
                "BTG",
            ),
            I(
                "Tổ chức học tập chuyên đề năm 2018 về học tập và làm theo tư tưởng, đạo đức, "
                "phong cách Hồ Chí Minh trong cán bộ, đảng viên",
                "01/02",
                "30/06",
                "Hội nghị",
                "BTG",
                progress="on_time",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        DISTRICTS,
        "Thực hiện công tác tuyên vận theo Quy định số 11-QĐ/TU",
        [
            I(
                "Rà soát, kiện toàn ban tuyên vận, tổ tuyên vận, nhất là Phó trưởng ban tuyên "
                "vận chuyên trách; bổ sung quy chế làm việc, kế hoạch, chương trình công tác "
                "tuyên vận năm 2018",
                "02/01",
                "31/03",
                "Quyết định",
                "BTG BDV",
                progress="on_time",
            ),
            I(
                "Cử cán bộ cấp huyện dự hội nghị tuyên vận hằng tháng của xã; khảo sát, kiểm "
                "tra hoạt động của ban tuyên vận, tổ tuyên vận",
                "01/01",
                "31/12",
                "Báo cáo",
                "BTG",
            ),
            I(
                "Chấm điểm công tác tuyên vận hằng tháng dựa trên nhiều nguồn thông tin, bảo "
                "đảm trung thực, khách quan",
                "01/01",
                "31/12",
                "Bảng điểm",
                "BTG BDV",
            ),
            I(
                "Thể hiện công tác tuyên vận thành một mục trong báo cáo của cấp ủy; chỉ đạo "
                "đảng ủy xã gửi tài liệu về Ban Tuyên giáo Tỉnh ủy qua Cổng thông tin điện tử "
                "Tỉnh ủy",
                "01/01",
                "31/12",
                "Báo cáo",
                "BTG VPTU",
            ),
        ],
    ),
    # --- The other agencies: 8 task groups ---------------------------------------
    TaskData(
        F_IDEOLOGY,
        "BTC",
        "Đào tạo lý luận chính trị, kiện toàn đội ngũ cán bộ làm công tác tư tưởng",
        [
            I(
                "Mở lớp trung cấp lý luận chính trị đối với một số huyện có điều kiện khó khăn",
                "01/03",
                "31/12",
                "Lớp học",
                "TCT BTG",
                "Trao đổi, thống nhất với các huyện ủy về chỉ tiêu và địa điểm mở lớp.",
            ),
            I(
                "Nghiên cứu, đề xuất mô hình một cán bộ kiêm hai chức danh ở cấp huyện",
                "01/04",
                "30/09",
                "Đề án",
                "BTG BDV",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "STTTT",
        "Quản lý báo chí, xuất bản, thông tin cơ sở; bảo đảm hạ tầng thông tin",
        [
            I(
                "Bảo đảm hạ tầng kỹ thuật hội nghị trực tuyến cấp tỉnh đến các huyện, thành phố",
                "15/01",
                "31/12",
                "Hệ thống",
                "VPTU",
            ),
            I(
                "Quản lý hoạt động báo chí, xuất bản, thông tin trên mạng; xử lý thông tin sai "
                "sự thật",
                "01/01",
                "31/12",
                "Báo cáo",
                "BTG",
            ),
            I(
                "Nâng cao hiệu quả hệ thống đài truyền thanh cơ sở",
                "01/03",
                "30/11",
                "Kế hoạch",
                "PTTH",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "SVHTTDL",
        "Nâng cao chất lượng dịch vụ du lịch, tuyên truyền văn minh du lịch",
        [
            I(
                "Rà soát thực trạng hạ tầng, dịch vụ du lịch tại Sa Pa; cung cấp số liệu phục "
                "vụ điều tra dư luận xã hội về sự hài lòng của du khách",
                "01/03",
                "30/06",
                "Báo cáo",
                "BTG lc2018:088",
                progress="late",
            ),
            I(
                "Tuyên truyền, quảng bá hình ảnh du lịch Lào Cai; xây dựng nếp sống văn minh "
                "du lịch",
                "01/02",
                "31/12",
                "Kế hoạch",
                "BTG BLC PTTH",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "HVHNT",
        "Sáng tác, quảng bá tác phẩm văn học nghệ thuật",
        [
            I(
                "Tổ chức trại sáng tác văn học nghệ thuật về đề tài học tập và làm theo tư "
                "tưởng, đạo đức, phong cách Hồ Chí Minh",
                "01/04",
                "31/08",
                "Tác phẩm",
                "BTG SVHTTDL",
            ),
            I(
                "Xuất bản, giới thiệu tác phẩm văn học nghệ thuật về quê hương, con người Lào Cai",
                "01/03",
                "30/11",
                "Ấn phẩm",
                "BTG",
            ),
        ],
    ),
    TaskData(
        F_RESOURCES,
        "SKHDT",
        "Bố trí nguồn vốn đầu tư cho công tác tư tưởng, tuyên truyền",
        [
            I(
                "Tham mưu bố trí vốn đầu tư trang thiết bị hội nghị trực tuyến, hạ tầng thông "
                "tin cơ sở năm 2018",
                "15/01",
                "30/06",
                "Quyết định",
                "STC STTTT",
                progress="on_time",
            ),
        ],
    ),
    TaskData(
        F_RESOURCES,
        "STC",
        "Bảo đảm kinh phí thực hiện Đề án năm 2018",
        [
            I(
                "Thẩm định dự toán kinh phí gắn với kế hoạch chi tiết của các sở, ngành, địa "
                "phương",
                "15/01",
                "31/03",
                "Dự toán",
                "BTG SKHDT",
                "Các cơ quan, địa phương gửi kế hoạch chi tiết gắn với dự toán trước 28/02.",
                progress="on_time",
            ),
            I(
                "Bố trí, cấp phát kinh phí thực hiện Đề án; hướng dẫn thanh quyết toán",
                "01/03",
                "31/12",
                "Quyết định",
                "BTG",
            ),
        ],
    ),
    TaskData(
        F_IDEOLOGY,
        "MTTQ",
        "Tập hợp ý kiến, kiến nghị của nhân dân; giám sát, phản biện xã hội",
        [
            I(
                "Tổng hợp ý kiến, kiến nghị của cử tri và nhân dân; phối hợp nắm bắt dư luận xã "
                "hội",
                "01/01",
                "31/12",
                "Báo cáo",
                "BTG HND HCCB",
            ),
            I(
                "Vận động nhân dân hưởng ứng Cuộc vận động “Toàn dân đoàn kết xây dựng nông "
                "thôn mới, đô thị văn minh”",
                "01/02",
                "31/12",
                "Báo cáo",
                "BDV HLHPN HND",
            ),
        ],
    ),
    TaskData(
        F_PROPAGANDA,
        "TD",
        "Giáo dục lý tưởng cách mạng, đạo đức, lối sống cho đoàn viên, hội viên",
        [
            I(
                "Tuyên truyền, giáo dục lý tưởng cách mạng, đạo đức, lối sống văn hóa cho "
                "đoàn viên, thanh niên",
                "01/02",
                "31/12",
                "Kế hoạch",
                "BTG SGDDT",
            ),
            I(
                "Phát huy đội ngũ đoàn viên, hội viên tham gia tuyên truyền trên mạng xã hội",
                "01/03",
                "31/12",
                "Báo cáo",
                "HLHPN LDLD",
            ),
        ],
    ),
]
