"""The questionnaire as an XLSForm workbook: a faithful round trip; imports all or nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from theodoi.surveys import actions, xlsform
from theodoi.surveys.models import Question, Section

from .factories import label, make_survey

pytestmark = pytest.mark.django_db


def _draft(world):
    return actions.do_create_survey(world.btg, by=world.coordinator, title=label("Nháp", "Draft"))


def _meanings(survey):
    return [
        (q.code, q.section.title, q.current.meaning())
        for q in Question.objects.filter(survey=survey).select_related("current", "section")
    ]


def test_export_then_import_gives_the_same_questionnaire(world):
    source = make_survey(world)
    content = xlsform.export_xlsx(source)
    sheet = load_workbook(io.BytesIO(content))["survey"]
    types = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "select_one origin or_other" in types and "begin_group" in types
    target = _draft(world)
    count = xlsform.do_import_questionnaire(target, by=world.coordinator, content=content)
    assert count == 8
    assert _meanings(target) == _meanings(source)


def _workbook(rows, choices=()):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    sheet.append(
        [
            "type",
            "name",
            "label::Vietnamese (vi)",
            "label::English (en)",
            "required",
            "relevant",
            "constraint",
        ]
    )
    for row in rows:
        sheet.append(row)
    sheet2 = workbook.create_sheet("choices")
    sheet2.append(["list_name", "name", "label::Vietnamese (vi)", "label::English (en)"])
    for row in choices:
        sheet2.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_every_bad_row_is_named_and_nothing_is_written(world):
    target = _draft(world)
    content = _workbook(
        [
            ["begin_group", "a", "Phần A", "Part A"],
            ["select_one yn", "visit", "Lần đầu?", "First time?", "yes"],
            ["select_one nolist", "x", "X", "X"],
            ["decimal", "nights", "Số đêm", "Nights", "", "", ". >= 5 and . <= 1"],
            ["text", "why", "Vì sao?", "Why?", "", "${later} = 'x'"],
            ["text", "visit", "Trùng", "Duplicate"],
            ["geopoint", "where", "Ở đâu", "Where"],
            ["text", "ok", "Được", "Fine", "", "${visit} = 'no'"],
            ["end_group"],
        ],
        choices=[["yn", "yes", "Có", "Yes"], ["yn", "no", "Không", "No"]],
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        xlsform.do_import_questionnaire(target, by=world.coordinator, content=content)
    messages = caught.value.message_dict["file"]
    assert [m.split(":")[0] for m in messages] == [
        "survey, row 4",
        "survey, row 5",
        "survey, row 6",
        "survey, row 7",
        "survey, row 8",
    ]
    assert Section.objects.filter(survey=target).count() == 0
    assert Question.objects.filter(survey=target).count() == 0


def test_the_import_page(client, world):
    target = _draft(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.coordinator)
    junk = SimpleUploadedFile("q.xlsx", b"not a workbook")
    response = client.post(f"/surveys/{target.pk}/import/", {"file": junk})
    assert "Send an XLSX file" in response.content.decode()
    good = SimpleUploadedFile("q.xlsx", xlsform.export_xlsx(make_survey(world)))
    response = client.post(f"/surveys/{target.pk}/import/", {"file": good})
    assert response.status_code == 302
    assert Question.objects.filter(survey=target).count() == 8
    assert client.get(f"/surveys/{target.pk}/questionnaire.xlsx").status_code == 200
    again = SimpleUploadedFile("q.xlsx", xlsform.export_xlsx(target))
    refused = client.post(f"/surveys/{target.pk}/import/", {"file": again})
    assert "Only a draft survey without questions" in refused.content.decode()
    client.force_login(world.viewer)
    assert client.get(f"/surveys/{target.pk}/import/").status_code == 403
