"""The demo's survey: tourists' satisfaction with Lào Cai tourism, fitted to Sa Pa (2018).

Work item 1.3.1 of Kế hoạch 112-KH/TU. The Ban Tuyên giáo's public-opinion
staff run it in Vietnamese and English at five collection points; ~600
generated answers (seeded, so every load is the same) rate twelve dimensions
with a realistic spread: infrastructure and prices low, sights, local
culture and the attitude of service staff high. Some answers are caught:
the same device twice, bots (too fast, the honeypot filled), bursts over a
point's hourly limit, a one-time code used twice. Halfway through, the
overall question was reworded: answers before keep version 1, those after
answer version 2 (revision 2).
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from . import actions
from .models import Answer, OneTimeCode, Question, Response, Survey

SEED = 2018
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
START, SPLIT, END = date(2018, 5, 1), date(2018, 6, 15), date(2018, 7, 14)


def _l(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def _o(code: str, vi: str, en: str) -> dict[str, Any]:
    return {"code": code, "label": _l(vi, en)}


# (code, vi, en, mean on 1…5, share who did not use it)
DIMENSIONS = [
    ("accommodation", "Cơ sở lưu trú", "Accommodation", 3.7, 0.12),
    ("transport", "Giao thông, đi lại", "Transport and getting around", 3.1, 0.0),
    (
        "infrastructure",
        "Hạ tầng (đường, điện, nước, mạng)",
        "Infrastructure (roads, power, water, network)",
        2.6,
        0.0,
    ),
    ("prices", "Giá cả dịch vụ", "Prices", 2.5, 0.0),
    ("hygiene", "Vệ sinh môi trường", "Cleanliness and hygiene", 3.0, 0.0),
    ("safety", "An ninh, an toàn", "Safety and security", 3.9, 0.0),
    ("attitude", "Thái độ phục vụ", "Attitude of service staff", 4.2, 0.0),
    ("information", "Thông tin, biển chỉ dẫn", "Information and signage", 3.1, 0.05),
    ("cuisine", "Ẩm thực", "Cuisine", 3.9, 0.03),
    ("sights", "Cảnh quan, điểm tham quan", "Scenery and sights", 4.6, 0.0),
    ("culture", "Văn hoá bản địa", "Local culture", 4.3, 0.05),
    ("shopping", "Mua sắm, chợ", "Shopping and markets", 3.3, 0.15),
]

# (name, answers, share of foreign visitors, effect on every rating, requires codes)
POINTS = [
    ("Thị trấn Sa Pa", 200, 0.55, 0.0, False),
    ("Cáp treo Fansipan", 140, 0.45, 0.15, False),
    ("Chợ phiên Bắc Hà", 90, 0.35, 0.05, False),
    ("Cửa khẩu quốc tế Lào Cai", 90, 0.6, -0.2, False),
    ("Ga Lào Cai", 80, 0.5, -0.1, True),
]


def build_questionnaire(survey: Survey, by: Any) -> None:
    about = actions.do_add_section(survey, by=by, title=_l("Về chuyến đi", "About your visit"))
    ratings = actions.do_add_section(survey, by=by, title=_l("Đánh giá", "Your ratings"))
    ideas = actions.do_add_section(survey, by=by, title=_l("Góp ý", "Your suggestions"))
    add = actions.do_add_question
    add(
        survey,
        by=by,
        section=about,
        code="visitor",
        spec={
            "kind": "single",
            "required": True,
            "text": _l("Quý khách là", "You are"),
            "choices": [
                _o("domestic", "Khách trong nước", "A visitor from Viet Nam"),
                _o("foreign", "Khách quốc tế", "A visitor from abroad"),
            ],
        },
    )
    add(
        survey,
        by=by,
        section=about,
        code="region",
        spec={
            "kind": "single",
            "required": True,
            "allow_other": True,
            "text": _l("Quý khách đến từ", "You come from"),
            "choices": [
                _o("china", "Trung Quốc", "China"),
                _o("asia", "Châu Á khác", "Elsewhere in Asia"),
                _o("europe", "Châu Âu", "Europe"),
                _o("americas", "Châu Mỹ", "The Americas"),
                _o("oceania", "Châu Đại Dương", "Oceania"),
            ],
            "show_if": {"question": "visitor", "op": "eq", "value": "foreign"},
        },
    )
    add(
        survey,
        by=by,
        section=about,
        code="visit",
        spec={
            "kind": "single",
            "required": True,
            "text": _l(
                "Đây là lần thứ mấy quý khách đến Lào Cai?", "Is this your first visit to Lào Cai?"
            ),
            "choices": [
                _o("first", "Lần đầu", "First visit"),
                _o("repeat", "Đã từng đến", "I have been before"),
            ],
        },
    )
    add(
        survey,
        by=by,
        section=about,
        code="purpose",
        spec={
            "kind": "multiple",
            "allow_other": True,
            "text": _l("Mục đích chuyến đi", "Purpose of your trip"),
            "choices": [
                _o("sightseeing", "Tham quan", "Sightseeing"),
                _o("trekking", "Leo núi, đi bộ", "Trekking"),
                _o("culture", "Tìm hiểu văn hoá", "Culture"),
                _o("business", "Công việc", "Business"),
                _o("family", "Thăm người thân", "Visiting family"),
            ],
        },
    )
    add(
        survey,
        by=by,
        section=about,
        code="nights",
        spec={
            "kind": "number",
            "minimum": 0,
            "maximum": 60,
            "text": _l("Số đêm lưu trú tại Lào Cai", "Nights spent in Lào Cai"),
        },
    )
    add(
        survey,
        by=by,
        section=ratings,
        code="services",
        spec={
            "kind": "grid",
            "required": True,
            "in_index": True,
            "text": _l("Quý khách hài lòng thế nào với…", "How satisfied are you with…"),
            "items": [_o(code, vi, en) for code, vi, en, _m, _na in DIMENSIONS],
        },
    )
    add(
        survey,
        by=by,
        section=ratings,
        code="overall",
        spec={
            "kind": "likert",
            "required": True,
            "text": _l(
                "Nhìn chung, quý khách hài lòng với chuyến đi?",
                "Overall, are you satisfied with your trip?",
            ),
        },
    )
    add(
        survey,
        by=by,
        section=ratings,
        code="recommend",
        spec={
            "kind": "single",
            "text": _l(
                "Quý khách có giới thiệu Sa Pa cho người quen?",
                "Would you recommend Sa Pa to friends?",
            ),
            "choices": [
                _o("yes", "Có", "Yes"),
                _o("maybe", "Có thể", "Maybe"),
                _o("no", "Không", "No"),
            ],
        },
    )
    add(
        survey,
        by=by,
        section=ideas,
        code="unhappy",
        spec={
            "kind": "long_text",
            "text": _l("Điều gì khiến quý khách chưa hài lòng?", "What disappointed you?"),
            "show_if": {"question": "overall", "op": "lte", "value": "2"},
        },
    )
    add(
        survey,
        by=by,
        section=ideas,
        code="suggestion",
        spec={
            "kind": "long_text",
            "text": _l(
                "Góp ý để du lịch Lào Cai tốt hơn", "Your suggestions for tourism in Lào Cai"
            ),
        },
    )


SUGGESTIONS = [
    ("Cần sửa đường lên Sa Pa, nhiều ổ gà.", "The road up to Sa Pa needs repair."),
    ("Giá phòng dịp cuối tuần quá cao.", "Hotel prices at weekends are too high."),
    ("Thêm biển chỉ dẫn bằng tiếng Anh.", "More signs in English, please."),
    ("Thùng rác ở chợ còn ít.", "Too few rubbish bins at the market."),
    ("Người dân rất thân thiện.", "Local people are very friendly."),
    ("Cảnh đẹp, sẽ quay lại.", "Beautiful scenery, I will come back."),
    ("Taxi nên bật đồng hồ tính tiền.", "Taxis should use their meters."),
]


def _clamp(value: float) -> int:
    return max(1, min(5, round(value)))


def _moment(rng: random.Random) -> datetime:
    days = (END - START).days
    # More visitors as summer comes: a triangular draw leaning to the end.
    day = START + timedelta(days=int(rng.triangular(0, days, days * 0.8)))
    return datetime(
        day.year, day.month, day.day, rng.randint(7, 19), rng.randint(0, 59), tzinfo=ZONE
    )


def _device(rng: random.Random) -> str:
    return hashlib.sha256(f"demo-device-{rng.random()}".encode()).hexdigest()


def load(ctx: Any) -> Survey:
    """Build the 2018 Sa Pa survey with its points and answers (deterministic)."""
    rng = random.Random(SEED)
    by = User.objects.get(username="coordinator")
    survey = actions.do_create_survey(
        ctx.unit("lc2018:agency:BTG"),
        by=by,
        title=_l(
            "Khảo sát mức độ hài lòng của du khách về du lịch Lào Cai (Sa Pa) năm 2018",
            "Visitor satisfaction with tourism in Lào Cai (Sa Pa), 2018",
        ),
        intro=_l(
            "Ban Tuyên giáo Tỉnh ủy Lào Cai mong nhận ý kiến của quý khách về hạ tầng và dịch vụ "
            "du lịch. Phiếu mất khoảng 3 phút.",
            "The Propaganda Department of the Lào Cai Party Committee would like your opinion "
            "of tourism infrastructure and services. It takes about 3 minutes.",
        ),
        opens_on=START,
        closes_on=date(2018, 8, 31),
    )
    build_questionnaire(survey, by)
    points = [
        actions.do_add_point(survey, by=by, name=name, requires_code=codes, hourly_limit=40)
        for name, _n, _f, _e, codes in POINTS
    ]
    Survey.objects.filter(pk=survey.pk).update(
        quotas={"visitor": {"domestic": 300, "foreign": 300}, "visit": {"repeat": 150}}
    )
    survey = actions.do_open_survey(survey, by=by)
    questions = {
        q.code: q for q in Question.objects.filter(survey=survey).select_related("current")
    }
    station_codes = OneTimeCode.objects.bulk_create(
        OneTimeCode(point=points[-1], code=f"LC{n:04d}") for n in range(1, 121)
    )

    plan: list[dict[str, Any]] = []
    for point, (_name, count, foreign_share, effect, _codes) in zip(points, POINTS, strict=True):
        for n in range(count):
            plan.append(
                {
                    "point": point,
                    "effect": effect,
                    "foreign": rng.random() < foreign_share,
                    "at": _moment(rng),
                    "code": station_codes[n] if _codes else None,
                }
            )
    plan.sort(key=lambda p: p["at"])
    # Caught: the same device again, bots, a burst over a point's limit, a code reused.
    for person in rng.sample(plan, 24):
        later = person["at"] + timedelta(minutes=rng.randint(2, 90))
        plan.append({**person, "duplicate": True, "origin": person, "at": later})
    for _ in range(14):
        plan.append(
            {
                "point": rng.choice(points),
                "bot": True,
                "at": _moment(rng),
                "effect": 0.0,
                "foreign": rng.random() < 0.5,
                "code": None,
            }
        )
    burst_at = datetime(2018, 7, 7, 20, 5, tzinfo=ZONE)
    for minute in range(6):
        plan.append(
            {
                "point": points[0],
                "effect": 0.0,
                "foreign": False,
                "rate": True,
                "at": burst_at + timedelta(minutes=minute),
                "code": None,
            }
        )
    carded = next(p for p in plan if p.get("code") and not p.get("duplicate"))
    plan.append({**carded, "reused": True, "at": carded["at"] + timedelta(hours=3)})
    plan.sort(key=lambda p: p["at"])

    first_half = [p for p in plan if p["at"].date() < SPLIT]
    second_half = [p for p in plan if p["at"].date() >= SPLIT]
    devices: dict[int, str] = {}
    _store(survey, questions, first_half, rng, devices)
    overall = questions["overall"]
    spec = {
        **overall.current.meaning(),
        "text": _l(
            "Nhìn chung, quý khách hài lòng với chuyến đi tới Lào Cai ở mức nào?",
            "Overall, how satisfied are you with your trip to Lào Cai?",
        ),
    }
    actions.do_edit_question(overall, by=by, spec=spec)
    survey.refresh_from_db()
    questions = {
        q.code: q for q in Question.objects.filter(survey=survey).select_related("current")
    }
    _store(survey, questions, second_half, rng, devices)
    return survey


def _store(
    survey: Survey,
    questions: dict[str, Question],
    plan: list[dict[str, Any]],
    rng: random.Random,
    devices: dict[int, str],
) -> None:
    responses: list[Response] = []
    answers: list[list[Answer]] = []
    for person in plan:
        bot = person.get("bot", False)
        duplicate = person.get("duplicate", False)
        key = id(person.get("origin", person))
        device = devices.get(key) if duplicate else None
        device = device or _device(rng)
        response = Response(
            survey=survey,
            point=person["point"],
            language="en" if person["foreign"] else "vi",
            revision=survey.revision,
            submitted_at=person["at"],
            seconds=rng.randint(1, 4) if bot else rng.randint(70, 420),
            device=device,
            code=person.get("code"),
            flag_duplicate=duplicate,
            flag_too_fast=bot,
            flag_honeypot=bot and rng.random() < 0.6,
            flag_rate=person.get("rate", False),
            flag_reused_code=person.get("reused", False),
        )
        devices[id(person)] = device
        responses.append(response)
        answers.append(_answers(questions, person, rng))
    Response.objects.bulk_create(responses)
    rows = []
    for response, own in zip(responses, answers, strict=True):
        for answer in own:
            answer.response = response
            rows.append(answer)
    Answer.objects.bulk_create(rows, batch_size=2000)
    used = [r.code_id for r in responses if r.code_id]
    OneTimeCode.objects.filter(pk__in=used).update(used_at=datetime(2018, 7, 14, tzinfo=ZONE))


def _answers(
    questions: dict[str, Question], person: dict[str, Any], rng: random.Random
) -> list[Answer]:
    def row(code: str, **values: Any) -> Answer:
        q = questions[code]
        return Answer(question=q, version=q.current, **values)

    bot = person.get("bot", False)
    foreign = person["foreign"]
    rows = [row("visitor", choice="foreign" if foreign else "domestic")]
    if foreign:
        region = rng.choices(
            ["china", "asia", "europe", "americas", "oceania", "other"], [30, 20, 30, 10, 7, 3]
        )[0]
        rows.append(row("region", choice=region, text="Africa" if region == "other" else ""))
    rows.append(
        row("visit", choice="repeat" if rng.random() < (0.2 if foreign else 0.45) else "first")
    )
    for purpose in rng.sample(
        ["sightseeing", "trekking", "culture", "business", "family"], rng.randint(1, 2)
    ):
        rows.append(row("purpose", choice=purpose))
    rows.append(row("nights", number=float(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7]))))
    bias = rng.gauss(0.0, 0.45) + person["effect"]
    scores = []
    for code, _vi, _en, mean, not_used in DIMENSIONS:
        if bot:
            value = 5 if rng.random() < 0.7 else rng.randint(1, 5)
        elif rng.random() < not_used:
            continue
        else:
            value = _clamp(rng.gauss(mean + bias, 0.75))
        scores.append(value)
        rows.append(row("services", item=code, number=float(value)))
    overall = 5 if bot else _clamp(sum(scores) / len(scores) + rng.gauss(0.2, 0.5))
    rows.append(row("overall", number=float(overall)))
    rows.append(
        row("recommend", choice="yes" if overall >= 4 else "maybe" if overall == 3 else "no")
    )
    if overall <= 2 and not bot:
        rows.append(row("unhappy", text=rng.choice(SUGGESTIONS[:4])[1 if foreign else 0]))
    if rng.random() < 0.3 and not bot:
        rows.append(row("suggestion", text=rng.choice(SUGGESTIONS)[1 if foreign else 0]))
    return rows
