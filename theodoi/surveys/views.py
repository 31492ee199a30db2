"""Staff pages of the survey: access → validate → change → respond."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core.files import sniff
from theodoi.core.workflow import Stale
from theodoi.permissions import surveys as access

from . import actions, analysis, exports, xlsform
from .forms import (
    CodesForm,
    ImportForm,
    PointForm,
    QuestionForm,
    SectionForm,
    SettingsForm,
    StepForm,
    SurveyForm,
)
from .models import FLAG_FIELDS, Answer, Flag, Question, Response, Survey, tr
from .report import report_docx
from .texts import frequent_terms


def _lang() -> str:
    return get_language() or "vi"


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


# The list and a new survey ------------------------------------------------------


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    owner = access.default_owner(request.user)
    may_add = owner is not None and request.user.has_perm("surveys.add_survey", owner)
    form = SurveyForm()
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        form = SurveyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = actions.do_create_survey(
                    owner,
                    by=request.user,
                    title=form.texts("title"),
                    intro=form.texts("intro"),
                    privacy=form.texts("privacy"),
                    languages=["vi", "en", *data["other_languages"]],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Survey created."))
                return redirect("surveys:detail", survey.pk)
    surveys = access.visible_surveys(request.user, Survey.objects.select_related("owner"))
    counts = {
        row["survey_id"]: row["n"]
        for row in Response.objects.filter(survey__in=surveys)
        .values("survey_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = [(s, s.title_in(_lang()), counts.get(s.pk, 0)) for s in surveys]
    return render(request, "surveys/list.html", {"rows": rows, "form": form if may_add else None})


# One survey ---------------------------------------------------------------------


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "view")
    may_change = request.user.has_perm("surveys.change_survey", survey)
    settings_form = SettingsForm.for_survey(survey)
    if request.method == "POST":
        survey = access.access_survey(request.user, pk, "change")
        settings_form = SettingsForm.for_survey(survey, request.POST)
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                actions.do_update_settings(
                    survey,
                    by=request.user,
                    version=data["version"],
                    excluded_flags=data["excluded_flags"],
                    min_n=data["min_n"],
                    min_seconds=data["min_seconds"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    languages=data["languages"],
                    quotas=data["quotas"],
                    public_texts=data["public_texts"],
                )
            except Stale:
                settings_form.add_error(None, _("Someone else saved this in the meantime."))
            except ValidationError as error:
                _form_errors(settings_form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("surveys:detail", survey.pk)
    questionnaire = analysis.Questionnaire.load(survey)
    data = analysis.totals(survey, analysis.Filters())
    answered = set(analysis.answered(data))
    points = list(survey.points.all())
    counts = analysis.by_point(survey, data)
    language = _lang()
    sections = []
    for section in survey.sections.all():
        questions = [
            {
                "question": q,
                "text": tr(q.current.text, language) if q.current else "",
                "kind": q.current.get_kind_display() if q.current else "",
                "versions": [
                    (v.number, v.pk in answered) for v in questionnaire.by_question.get(q.pk, [])
                ],
                "show_if": q.current.show_if if q.current else {},
                "required": q.current.required if q.current else False,
            }
            for q in questionnaire.questions
            if q.section_id == section.pk
        ]
        sections.append(
            {"section": section, "title": tr(section.title, language), "questions": questions}
        )
    context = {
        "survey": survey,
        "title": survey.title_in(language),
        "sections": sections,
        "points": [(p, counts.get(p.pk, {"total": 0, "counted": 0})) for p in points],
        "may_change": may_change,
        "may_read_responses": request.user.has_perm("surveys.view_responses", survey),
        "steps": actions.WORKFLOW.allowed(survey) if may_change else [],
        "settings_form": settings_form if may_change else None,
        "section_form": SectionForm(),
        "point_form": PointForm(),
        "collecting": actions.collecting(survey),
        "excluded": analysis.flag_labels(survey),
        "quotas": analysis.quota_progress(survey, language, data),
    }
    return render(request, "surveys/detail.html", context)


STEP_ACTIONS = {
    "open": actions.do_open_survey,
    "close": actions.do_close_survey,
    "publish": actions.do_publish_results,
}


@login_required
@require_POST
def survey_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "run")
    if step not in (*STEP_ACTIONS, "reopen"):
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request is not valid; reload the page."))
        return redirect("surveys:detail", survey.pk)
    version = form.cleaned_data["version"]
    try:
        if step == "reopen":
            actions.do_reopen_survey(
                survey, by=request.user, reason=form.cleaned_data["reason"], version=version
            )
        else:
            STEP_ACTIONS[step](survey, by=request.user, version=version)
    except Stale:
        messages.error(request, _("Someone else saved this in the meantime."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def add_section(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "change")
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_section(
                survey,
                by=request.user,
                title={"vi": form.cleaned_data["title_vi"], "en": form.cleaned_data["title_en"]},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Give the section a title."))
    return redirect("surveys:detail", survey.pk)


@login_required
@require_POST
def add_point(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "change")
    form = PointForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_point(survey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("surveys:detail", survey.pk)


@login_required
def point_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """The point's one-time codes: make more; a printable list."""
    point = access.access_point(request.user, pk, "view")
    form = CodesForm()
    if request.method == "POST":
        point = access.access_point(request.user, pk, "change")
        form = CodesForm(request.POST)
        if form.is_valid():
            try:
                actions.do_make_codes(point, by=request.user, count=form.cleaned_data["count"])
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect("surveys:codes", point.pk)
    codes = list(point.codes.order_by("used_at", "code"))
    return render(
        request,
        "surveys/codes.html",
        {
            "point": point,
            "codes": codes,
            "form": form,
            "may_change": request.user.has_perm("surveys.change_survey", point),
            "link": exports.point_link(point),
            "qr": exports.qr_svg(exports.point_link(point)),
        },
    )


# Questions ----------------------------------------------------------------------


def _earlier_codes(survey: Survey, before: Question | None = None) -> list[str]:
    return list(actions._earlier(survey, before).keys())


@login_required
def add_question(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "change")
    form = QuestionForm(survey=survey, earlier=_earlier_codes(survey))
    if request.method == "POST":
        form = QuestionForm(request.POST, survey=survey, earlier=_earlier_codes(survey))
        if form.is_valid():
            try:
                actions.do_add_question(
                    survey,
                    by=request.user,
                    section=form.cleaned_data["section"],
                    code=form.cleaned_data["code"],
                    spec=form.spec(),
                )
            except ValidationError as error:
                form.add_errors_from(error)
            else:
                messages.success(request, _("Question added."))
                return redirect("surveys:detail", survey.pk)
    return render(
        request,
        "surveys/question_form.html",
        {"survey": survey, "title": survey.title_in(_lang()), "form": form, "question": None},
    )


@login_required
def edit_question(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.access_question(request.user, pk, "change")
    survey = question.survey
    earlier = _earlier_codes(survey, question)
    form = QuestionForm(survey=survey, earlier=earlier, editing=question.current)
    answered = Answer.objects.filter(version=question.current).exists()
    if request.method == "POST":
        form = QuestionForm(request.POST, survey=survey, earlier=earlier, editing=question.current)
        if form.is_valid():
            try:
                version = actions.do_edit_question(
                    question,
                    by=request.user,
                    spec=form.spec(),
                    expected=form.cleaned_data.get("expected"),
                )
            except Stale:
                form.add_error(None, _("Someone else saved this in the meantime."))
            except ValidationError as error:
                form.add_errors_from(error)
            else:
                messages.success(
                    request, _("Saved as version %(number)s.") % {"number": version.number}
                )
                return redirect("surveys:detail", survey.pk)
    return render(
        request,
        "surveys/question_form.html",
        {
            "survey": survey,
            "title": survey.title_in(_lang()),
            "form": form,
            "question": question,
            "answered": answered,
        },
    )


# Results and responses ------------------------------------------------------------


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else None


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "results")
    language = _lang()
    points = list(survey.points.all())
    point_id = _id(request.GET.get("point"))
    if point_id not in {p.pk for p in points}:
        point_id = None
    filters = analysis.Filters(
        point_id, _date(request.GET.get("from")), _date(request.GET.get("to"))
    )
    questionnaire = analysis.Questionnaire.load(survey)
    a = analysis.Filters(point_id, _date(request.GET.get("a_from")), _date(request.GET.get("a_to")))
    b = analysis.Filters(point_id, _date(request.GET.get("b_from")), _date(request.GET.get("b_to")))
    comparing = bool((a.start or a.end) and (b.start or b.end))
    # Comparing periods: the point's every day read once, each period cut from it.
    every_day = analysis.totals(survey, analysis.Filters(point_id)) if comparing else None
    data = (
        every_day.within(filters.start, filters.end)
        if every_day
        else analysis.totals(survey, filters)
    )
    dimensions, overall = analysis.indices(survey, questionnaire, filters, language, data)
    by = request.GET.get("by", "")
    split = (
        analysis.breakdown(survey, questionnaire, filters, by, language, points, data)
        if by
        else None
    )
    compare = (
        analysis.compare(survey, questionnaire, a, b, language, every_day) if comparing else None
    )
    split_options = [("point", _("Collection point")), ("language", _("Language"))] + [
        (f"q:{q.code}", tr(q.current.text, language))
        for q in questionnaire.questions
        if q.current and q.current.kind == "single"
    ]
    split_rows = []
    if split:
        split_rows = [(d, [split.cells[(d.key, g)] for g, _l in split.groups]) for d in dimensions]
    context = {
        "survey": survey,
        "title": survey.title_in(language),
        "points": points,
        "filters": filters,
        "counts": analysis.response_counts(survey, filters, data),
        "flags": [(f, Flag(f).label) for f in FLAG_FIELDS],
        "excluded": analysis.flag_labels(survey),
        "dimensions": dimensions,
        "overall": overall,
        "distributions": analysis.distributions(survey, questionnaire, filters, language, data),
        "days": analysis.by_day(survey, filters, data),
        "split": split,
        "split_rows": split_rows,
        "split_overall": [split.overall[g] for g, _l in split.groups] if split else [],
        "split_options": split_options,
        "by": by,
        "compare": compare,
        "query": request.GET,
    }
    return render(request, "surveys/results.html", context)


@login_required
def responses(request: HttpRequest, pk: int) -> HttpResponse:
    survey = access.access_survey(request.user, pk, "responses")
    queryset = access.visible_responses(
        request.user, survey, Response.objects.select_related("point")
    )
    flag = request.GET.get("flag", "")
    if flag in FLAG_FIELDS:
        queryset = queryset.filter(**{FLAG_FIELDS[Flag(flag)]: True})
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/responses.html",
        {
            "survey": survey,
            "title": survey.title_in(_lang()),
            "page": page,
            "flag": flag,
            "flags": [(str(f), Flag(f).label) for f in FLAG_FIELDS],
        },
    )


# Files --------------------------------------------------------------------------


@login_required
def point_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The point's A4 poster with its QR code (DOCX)."""
    point = access.access_point(request.user, pk, "view")
    response = HttpResponse(exports.poster_docx(point), content_type=exports.MIME_DOCX)
    response["Content-Disposition"] = f'attachment; filename="poster-{point.pk}.docx"'
    return response


@login_required
def export_answers(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Raw answers, one row per response (the survey's staff only)."""
    survey = access.access_survey(request.user, pk, "responses")
    if kind not in ("csv", "xlsx"):
        raise Http404
    if kind == "xlsx":
        response = HttpResponse(exports.raw_xlsx(survey, _lang()), content_type=exports.MIME_XLSX)
    else:
        response = HttpResponse(exports.raw_csv(survey, _lang()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-answers.{kind}"'
    return response


@login_required
def results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The aggregated tables: counts, and shares and indices as Excel formulas over them."""
    survey = access.access_survey(request.user, pk, "results")
    point_id = _id(request.GET.get("point"))
    if point_id not in set(survey.points.values_list("pk", flat=True)):
        point_id = None
    filters = analysis.Filters(
        point_id, _date(request.GET.get("from")), _date(request.GET.get("to"))
    )
    response = HttpResponse(
        exports.aggregated_xlsx(survey, filters, _lang()), content_type=exports.MIME_XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-results.xlsx"'
    return response


@login_required
def questionnaire_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire as an XLSForm-shaped workbook."""
    survey = access.access_survey(request.user, pk, "view")
    response = HttpResponse(xlsform.export_xlsx(survey), content_type=exports.MIME_XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-xlsform.xlsx"'
    return response


MAX_IMPORT_BYTES = 2 * 1024 * 1024


@login_required
def import_questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill a draft survey from an XLSForm workbook: all rows or none."""
    survey = access.access_survey(request.user, pk, "change")
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_IMPORT_BYTES or sniff(upload) != "xlsx":
                form.add_error("file", _("Send an XLSX file of at most 2 MB."))
            else:
                try:
                    count = xlsform.do_import_questionnaire(
                        survey, by=request.user, content=upload.read()
                    )
                except ValidationError as error:
                    _form_errors(form, error)
                else:
                    messages.success(request, _("%(count)s questions imported.") % {"count": count})
                    return redirect("surveys:detail", survey.pk)
    return render(
        request,
        "surveys/import.html",
        {"survey": survey, "title": survey.title_in(_lang()), "form": form},
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as a DOCX report in the Party's format."""
    survey = access.access_survey(request.user, pk, "results")
    response = HttpResponse(report_docx(survey), content_type=exports.MIME_DOCX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-report.docx"'
    return response


@login_required
def free_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """Free-text answers, searchable, with their most frequent terms (staff only)."""
    survey = access.access_survey(request.user, pk, "responses")
    responses = access.visible_responses(request.user, survey)
    answers = (
        Answer.objects.filter(response__in=responses)
        .exclude(text="")
        .select_related("question", "response__point")
        .order_by("-response__submitted_at", "-pk")
    )
    codes = list(
        Question.objects.filter(survey=survey).order_by("pk").values_list("code", flat=True)
    )
    question = request.GET.get("question", "")
    if question in codes:
        answers = answers.filter(question__code=question)
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if search:
        answers = answers.filter(text__icontains=search)
    recent = list(answers.values_list("text", flat=True)[:5000])
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/texts.html",
        {
            "survey": survey,
            "title": survey.title_in(_lang()),
            "page": page,
            "terms": frequent_terms(recent),
            "codes": codes,
            "question": question,
            "search": search,
        },
    )
