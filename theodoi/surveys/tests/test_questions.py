"""Every question type read and checked, the skip logic, and question definitions."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from theodoi.surveys.questions import clean_spec, read_answers, shows

from .factories import GOOD, make_survey


def _versions(survey):
    return [(q.code, q.current) for q in survey.questions.select_related("current")]


def _form(values):
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


@pytest.fixture
def survey(world):
    return make_survey(world)


def test_a_good_form_reads_every_type(survey):
    read = read_answers(_versions(survey), _form(GOOD))
    assert read.errors == {}
    assert read.values == {
        "origin": {"choice": "abroad"},
        "visit": {"choice": "first"},
        "overall": 4,
        "services": {"hotel": 5, "prices": 2},
        "nights": 3.0,
        "uses": {"choices": ["bus", "other"], "other": "Motorbike"},
        "comment": "Nice",
    }


@pytest.mark.parametrize(
    ("change", "question", "message"),
    [
        ({"q_origin": ""}, "origin", "Please answer this question."),
        ({"q_origin": "mars"}, "origin", "Choose one of the options."),
        ({"q_origin": "other", "q_origin_other": ""}, "origin", "Say what “other” is."),
        ({"q_overall": "6"}, "overall", "Choose a point from 1 to 5."),
        ({"q_overall": "abc"}, "overall", "Choose a point from 1 to 5."),
        ({"q_services__prices": ""}, "services", "Rate every line (or choose “not used”)."),
        ({"q_services__prices": "9"}, "services", "Choose a point from 1 to 5 on each line."),
        ({"q_nights": "many"}, "nights", "Enter a number."),
        ({"q_nights": "-1"}, "nights", "Enter a number of at least 0."),
        ({"q_nights": "61"}, "nights", "Enter a number of at most 60."),
        ({"q_nights": "inf"}, "nights", "Enter a number."),
        ({"q_uses": ["bus", "plane"]}, "uses", "Choose among the options."),
        ({"q_uses": ["other"], "q_uses_other": ""}, "uses", "Say what “other” is."),
        ({"q_comment": "x" * 201}, "comment", "Write at most 200 characters."),
        ({"q_visit": "repeat"}, "repeat_reason", "Please answer this question."),
        (
            {"q_visit": "repeat", "q_repeat_reason": "y" * 2001},
            "repeat_reason",
            "Write at most 2000 characters.",
        ),
    ],
)
def test_each_type_says_what_is_wrong_at_the_question(survey, change, question, message):
    with translation.override("en"):
        read = read_answers(_versions(survey), _form({**GOOD, **change}))
    assert read.errors == {question: message}
    assert question not in read.values


def test_messages_are_translated_for_the_respondent(survey):
    with translation.override("vi"):
        read = read_answers(_versions(survey), _form({**GOOD, "q_overall": ""}))
    assert read.errors["overall"] == "Vui lòng trả lời câu hỏi này."


def test_optional_questions_may_stay_empty_and_grid_items_may_be_not_used(survey):
    values = {**GOOD, "q_nights": "", "q_uses": [], "q_comment": "", "q_services__hotel": "na"}
    read = read_answers(_versions(survey), _form(values))
    assert read.errors == {}
    assert read.values["services"] == {"hotel": None, "prices": 2}
    assert "nights" not in read.values and "comment" not in read.values


def test_a_number_accepts_a_decimal_comma(survey):
    read = read_answers(_versions(survey), _form({**GOOD, "q_nights": "2,5"}))
    assert read.values["nights"] == 2.5


def test_skip_logic_hides_and_shows(survey):
    versions = _versions(survey)
    first = read_answers(versions, _form({**GOOD, "q_repeat_reason": "ignored"}))
    assert "repeat_reason" not in first.shown
    assert "repeat_reason" not in first.values  # a hidden question's answer is not kept
    again = read_answers(versions, _form({**GOOD, "q_visit": "repeat", "q_repeat_reason": "Đẹp"}))
    assert again.values["repeat_reason"] == "Đẹp"


class V:
    def __init__(self, kind="single", show_if=None, choices=(), allow_other=False):
        self.kind = kind
        self.show_if = show_if or {}
        self.choices = list(choices)
        self.allow_other = allow_other


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        ({"op": "eq", "value": "a"}, {"choice": "a"}, True),
        ({"op": "ne", "value": "a"}, {"choice": "a"}, False),
        ({"op": "eq", "value": "b"}, {"choices": ["a", "b"]}, True),
        ({"op": "ne", "value": "b"}, {"choices": ["a"]}, True),
        ({"op": "gte", "value": "4"}, 4, True),
        ({"op": "gte", "value": "4"}, 3, False),
        ({"op": "lte", "value": "2"}, 2.0, True),
        ({"op": "eq", "value": "3"}, 3.0, True),
        ({"op": "eq", "value": "yes"}, "yes", True),
    ],
)
def test_skip_rules(rule, answer, expected):
    version = V(show_if={"question": "x", **rule})
    assert shows(version, {"x": answer}, {"x"}) is expected
    # An unanswered or hidden earlier question hides the dependent one.
    assert shows(version, {}, {"x"}) is False
    assert shows(version, {"x": answer}, set()) is False


def test_a_question_definition_is_checked(survey):
    earlier = {q.code: q.current for q in survey.questions.select_related("current")}
    langs = survey.languages

    def error(spec):
        with pytest.raises(ValidationError) as caught:
            clean_spec(spec, langs, earlier)
        return caught.value.message_dict

    text = {"vi": "Câu hỏi", "en": "Question"}
    assert "kind" in error({"kind": "essay", "text": text})
    assert "text" in error({"kind": "likert", "text": {"en": "Only English"}})
    assert "choices" in error({"kind": "single", "text": text, "choices": []})
    assert "choices" in error(
        {
            "kind": "single",
            "text": text,
            "choices": [{"code": "a", "label": {"vi": "A"}}, {"code": "a", "label": {"vi": "B"}}],
        }
    )
    assert "choices" in error(
        {
            "kind": "single",
            "text": text,
            "choices": [
                {"code": "Bad code", "label": {"vi": "A"}},
                {"code": "b", "label": {"vi": "B"}},
            ],
        }
    )
    assert "items" in error({"kind": "grid", "text": text, "items": []})
    assert "maximum" in error({"kind": "number", "text": text, "minimum": 5, "maximum": 1})
    assert "show_if" in error(
        {"kind": "likert", "text": text, "show_if": {"question": "later", "value": "1"}}
    )
    assert "show_if" in error(
        {"kind": "likert", "text": text, "show_if": {"question": "visit", "value": "never"}}
    )
    assert "show_if" in error(
        {
            "kind": "likert",
            "text": text,
            "show_if": {"question": "origin", "op": "gte", "value": "1"},
        }
    )
    good = clean_spec(
        {
            "kind": "likert",
            "text": text,
            "in_index": True,
            "show_if": {"question": "overall", "op": "lte", "value": "2"},
        },
        langs,
        earlier,
    )
    assert good["show_if"] == {"question": "overall", "op": "lte", "value": "2"}
    assert good["in_index"] is True
    # Only scales count in the index.
    assert (
        clean_spec({"kind": "short_text", "text": text, "in_index": True}, langs, earlier)[
            "in_index"
        ]
        is False
    )
