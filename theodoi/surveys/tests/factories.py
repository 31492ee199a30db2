"""A small survey with every question type, built through the actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from theodoi.surveys import actions
from theodoi.surveys.models import CollectionPoint, Survey


def label(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def option(code: str, vi: str, en: str) -> dict[str, Any]:
    return {"code": code, "label": label(vi, en)}


def make_survey(world: Any, *, state: str = "open", requires_code: bool = False) -> Survey:
    """Questions: origin (single+other), visit (single), repeat_reason (long text, only
    for repeat visitors), overall (Likert, index), services (grid, index), nights
    (number 0–60), uses (multiple+other), comment (short text)."""
    by = world.coordinator
    survey = actions.do_create_survey(
        world.btg,
        by=by,
        title=label("Khảo sát thử", "Test survey"),
        opens_on=date(2018, 1, 1),
        closes_on=date(2030, 12, 31),
    )
    survey.min_seconds = 0
    survey.min_n = 2
    survey.save(update_fields=["min_seconds", "min_n"])
    about = actions.do_add_section(survey, by=by, title=label("Về bạn", "About you"))
    rating = actions.do_add_section(survey, by=by, title=label("Đánh giá", "Rating"))
    add = actions.do_add_question
    add(
        survey,
        by=by,
        section=about,
        code="origin",
        spec={
            "kind": "single",
            "required": True,
            "allow_other": True,
            "text": label("Bạn đến từ đâu?", "Where are you from?"),
            "choices": [
                option("vn", "Việt Nam", "Viet Nam"),
                option("abroad", "Nước ngoài", "Abroad"),
            ],
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
            "text": label("Lần đầu đến?", "First visit?"),
            "choices": [
                option("first", "Lần đầu", "First"),
                option("repeat", "Quay lại", "Repeat"),
            ],
        },
    )
    add(
        survey,
        by=by,
        section=about,
        code="repeat_reason",
        spec={
            "kind": "long_text",
            "required": True,
            "text": label("Vì sao quay lại?", "Why did you come back?"),
            "show_if": {"question": "visit", "op": "eq", "value": "repeat"},
        },
    )
    add(
        survey,
        by=by,
        section=rating,
        code="overall",
        spec={
            "kind": "likert",
            "required": True,
            "in_index": True,
            "text": label("Hài lòng chung?", "Overall satisfaction?"),
        },
    )
    add(
        survey,
        by=by,
        section=rating,
        code="services",
        spec={
            "kind": "grid",
            "required": True,
            "in_index": True,
            "text": label("Đánh giá dịch vụ", "Rate the services"),
            "items": [
                option("hotel", "Lưu trú", "Accommodation"),
                option("prices", "Giá cả", "Prices"),
            ],
        },
    )
    add(
        survey,
        by=by,
        section=rating,
        code="nights",
        spec={
            "kind": "number",
            "minimum": 0,
            "maximum": 60,
            "text": label("Số đêm lưu trú", "Nights stayed"),
        },
    )
    add(
        survey,
        by=by,
        section=rating,
        code="uses",
        spec={
            "kind": "multiple",
            "allow_other": True,
            "text": label("Bạn đã dùng gì?", "What did you use?"),
            "choices": [option("bus", "Xe buýt", "Bus"), option("taxi", "Taxi", "Taxi")],
        },
    )
    add(
        survey,
        by=by,
        section=rating,
        code="comment",
        spec={
            "kind": "short_text",
            "text": label("Góp ý", "Comment"),
        },
    )
    actions.do_add_point(survey, by=by, name="Thị trấn Sa Pa", requires_code=requires_code)
    if state != "draft":
        survey = actions.do_open_survey(survey, by=by)
    if state in ("closed", "published"):
        survey = actions.do_close_survey(survey, by=by)
    if state == "published":
        survey = actions.do_publish_results(survey, by=by)
    return survey


def point_of(survey: Survey) -> CollectionPoint:
    return survey.points.order_by("pk").first()


GOOD = {
    "q_origin": "abroad",
    "q_visit": "first",
    "q_overall": "4",
    "q_services__hotel": "5",
    "q_services__prices": "2",
    "q_nights": "3",
    "q_uses": ["bus", "other"],
    "q_uses_other": "Motorbike",
    "q_comment": "Nice",
}


def submit(survey: Survey, values: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A response stored through the action, from form-like values."""
    from django.http import QueryDict

    from theodoi.surveys.questions import read_answers

    data = QueryDict(mutable=True)
    for key, value in (values or GOOD).items():
        data.setlist(key, value if isinstance(value, list) else [value])
    versions = [(q.code, q.current) for q in survey.questions.select_related("current")]
    read = read_answers(versions, data)
    assert not read.errors, read.errors
    return actions.do_submit_response(
        point_of(survey),
        language=kwargs.pop("language", "vi"),
        values=read.values,
        versions=dict(versions),
        revision=survey.revision,
        seconds=60,
        **kwargs,
    )
