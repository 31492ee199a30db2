"""The public answer page: no sign-in, light, in the respondent's language.

It reaches a collection point by its link token and nothing else
(``permissions.surveys.answerable_point``). The checks that hold better than
a cookie, each marking (never dropping) what it suspects:

- a device token cookie (stored only as a keyed hash): a second response from
  the same device to the same survey is marked ``duplicate``;
- a signed form token with the time the page was served: a form sent sooner
  than the survey's ``min_seconds`` is marked ``too_fast``; a form without a
  valid token did not come from the page and is shown again to be sent;
- a honeypot field hidden from people: filled, the response is ``honeypot``;
- a per-point, per-address hourly counter in the cache: past the point's
  limit responses are marked ``rate``; past a hard per-minute ceiling the page
  answers 429 (the form stays on the device);
- optional one-time codes per point: unknown codes are refused at the field,
  a code used before marks the response ``reused_code``.
"""

from __future__ import annotations

import secrets
import time
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from theodoi.permissions.surveys import access_point, answerable_point

from . import actions, compiled
from .models import CONTENT_LANGUAGES, CollectionPoint, Flag, Question, Survey, tr
from .questions import NOT_APPLICABLE, OTHER, read_answers

DEVICE_COOKIE = "tdsv_device"
FORM_SALT = "theodoi.surveys.form"
FORM_MAX_AGE = 2 * 24 * 3600
PER_MINUTE_CEILING = 20
UI_LANGUAGES = ("vi", "en")


def _language(request: HttpRequest, survey: Survey) -> str:
    wanted = request.POST.get("lang") or request.GET.get("lang") or ""
    if wanted in survey.languages:
        return wanted
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in survey.languages:
            return code
    return survey.languages[0]


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _questions(survey: Survey) -> tuple[Question, ...]:
    return compiled.questionnaire(survey).questions


# The blank page, rendered once per questionnaire state, point and language; the
# per-visitor parts are put in its place on each request.
CSRF_SLOT = "tdsvCSRFslot7e1f"
FORM_TOKEN_SLOT = "tdsvFORMslot7e1f"
SUBMISSION_SLOT = "tdsvSUBMslot7e1f"
POINT_SLOT = "tdsvPOINTslot7e1f"


def _labels(texts: list[dict[str, Any]], language: str) -> list[dict[str, str]]:
    return [{"code": o["code"], "label": tr(o["label"], language)} for o in texts]


def _render_form(
    request: HttpRequest,
    point: CollectionPoint,
    language: str,
    *,
    values: Any = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
    interviewer: Any = None,
) -> HttpResponse:
    blank = (
        values is None
        and not errors
        and not notice
        and status == 200
        and interviewer is None
        and not (request.method == "GET" and request.GET.get("saved") == "1")
    )
    if blank:
        return _blank_page(request, point, language)
    return _render_page(
        request,
        point,
        language,
        values=values,
        errors=errors,
        notice=notice,
        status=status,
        interviewer=interviewer,
    )


def _with_device(request: HttpRequest, response: HttpResponse, interviewer: Any) -> HttpResponse:
    if interviewer is None and not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(24),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _form_token(point: CollectionPoint) -> str:
    return signing.dumps({"p": point.pk, "t": int(time.time())}, salt=FORM_SALT)


def _blank_page(request: HttpRequest, point: CollectionPoint, language: str) -> HttpResponse:
    """A respondent's blank form: the page of this state and language, with this visit's tokens.

    The key holds everything the page shows that can change (the questionnaire's
    state, the survey's settings version and time, whether the point asks for a
    code, both languages); the point's token, the CSRF token, form token and
    submission key are put in for each request.
    """
    survey = point.survey
    key = (
        compiled.state_key(survey),
        survey.version,
        point.requires_code,
        language,
        translation.get_language(),
    )
    html = compiled.PAGES.get(key)
    if html is None:
        page = _render_page(request, point, language, slots=True)
        html = page.content.decode()
        compiled.keep_page(key, html)
    html = (
        html.replace(POINT_SLOT, point.token, 1)
        .replace(CSRF_SLOT, get_token(request), 1)
        .replace(FORM_TOKEN_SLOT, _form_token(point), 1)
        .replace(SUBMISSION_SLOT, secrets.token_hex(16), 1)
    )
    return _with_device(request, HttpResponse(html), None)


def _render_page(
    request: HttpRequest,
    point: CollectionPoint,
    language: str,
    *,
    values: Any = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
    interviewer: Any = None,
    slots: bool = False,
) -> HttpResponse:
    survey = point.survey
    errors = errors or {}
    sections: list[dict[str, Any]] = []
    for question in _questions(survey):
        version = question.current
        if not sections or sections[-1]["id"] != question.section_id:
            sections.append(
                {
                    "id": question.section_id,
                    "title": tr(question.section.title, language),
                    "questions": [],
                }
            )
        name = f"q_{question.code}"
        given: Any = ""
        if values is not None:
            given = values.getlist(name) if version.kind == "multiple" else values.get(name, "")
        items = []
        for item in _labels(version.items, language):
            item["name"] = f"{name}__{item['code']}"
            item["value"] = values.get(item["name"], "") if values is not None else ""
            items.append(item)
        sections[-1]["questions"].append(
            {
                "code": question.code,
                "name": name,
                "kind": version.kind,
                "text": tr(version.text, language),
                "help": tr(version.help, language),
                "required": version.required,
                "choices": _labels(version.choices, language),
                "allow_other": version.allow_other,
                "other": values.get(f"{name}_other", "") if values is not None else "",
                "items": items,
                "minimum": version.minimum,
                "maximum": version.maximum,
                "show_if": version.show_if or None,
                "value": given,
                "error": errors.get(question.code, ""),
            }
        )
    context = {
        "point": point,
        "survey": survey,
        "language": language,
        "title": survey.title_in(language),
        "intro": tr(survey.intro, language) if survey.intro else "",
        "privacy": tr(survey.privacy, language) if survey.privacy else "",
        "languages": [(c, CONTENT_LANGUAGES.get(c, c)) for c in survey.languages],
        "sections": sections,
        "form_token": FORM_TOKEN_SLOT if slots else _form_token(point),
        # Kept when the page shows the form again (errors): a resend stays one response.
        "submission": (
            SUBMISSION_SLOT if slots else _submission_key(values) or secrets.token_hex(16)
        ),
        "errors": errors,
        "error_count": len(errors) + bool(notice),
        "notice": notice,
        "code_error": errors.get("__code__", ""),
        "contact_error": errors.get("__contact__", ""),
        "values": values,
        "scale": (1, 2, 3, 4, 5),
        "na": NOT_APPLICABLE,
        "other": OTHER,
        "interviewer": interviewer,
        "saved": request.method == "GET" and request.GET.get("saved") == "1",
    }
    if slots:  # rendered once for many visitors: no request, the tokens left as slots
        context["csrf_token"] = CSRF_SLOT
        context["point"] = SimpleNamespace(token=POINT_SLOT, requires_code=point.requires_code)
        return HttpResponse(render_to_string("surveys/answer.html", context))
    response = render(request, "surveys/answer.html", context, status=status)
    return _with_device(request, response, interviewer)


def _submission_key(values: Any) -> str:
    """The form's own key as sent (32 hex digits), or ""."""
    key = str(values.get("submission", "")) if values is not None else ""
    return key if len(key) == 32 and all(c in "0123456789abcdef" for c in key) else ""


def _closed(request: HttpRequest, point: CollectionPoint, language: str) -> HttpResponse:
    return render(
        request,
        "surveys/answer_closed.html",
        {"title": point.survey.title_in(language), "language": language},
    )


def _rate_flag(point: CollectionPoint, address: str) -> tuple[bool, bool]:
    """(refuse now, mark as over the hourly limit) for one more answer from ``address``."""
    minute_key = f"surveys:min:{point.pk}:{address}:{int(time.time() // 60)}"
    cache.add(minute_key, 0, 120)
    per_minute = cache.incr(minute_key)
    if per_minute > PER_MINUTE_CEILING:
        return True, True
    hour_key = f"surveys:hour:{point.pk}:{address}:{int(time.time() // 3600)}"
    cache.add(hour_key, 0, 3700)
    per_hour = cache.incr(hour_key)
    return False, per_hour > point.hourly_limit


@never_cache
@csrf_protect
def answer(request: HttpRequest, token: str) -> HttpResponse:
    point = answerable_point(token)
    return _answer(request, point, _language(request, point.survey))


def _answer(
    request: HttpRequest, point: CollectionPoint, language: str, interviewer: Any = None
) -> HttpResponse:
    """The form and its submission, for a respondent or (``interviewer``) for staff."""
    survey = point.survey
    extra = {"interviewer": interviewer}
    with translation.override(language if language in UI_LANGUAGES else "en"):
        if not actions.collecting(survey):
            return _closed(request, point, language)
        if request.method != "POST":
            return _render_form(request, point, language, **extra)
        over_hour = False
        if interviewer is None:
            refuse, over_hour = _rate_flag(point, _address(request))
            if refuse:
                return render(
                    request,
                    "surveys/answer_closed.html",
                    {
                        "title": survey.title_in(language),
                        "language": language,
                        "message": _(
                            "Too many answers from your network just now. Wait a minute and "
                            "send again: your answers are kept on this device."
                        ),
                    },
                    status=429,
                )
        try:
            stamp = signing.loads(
                request.POST.get("form_token", ""), salt=FORM_SALT, max_age=FORM_MAX_AGE
            )
            if stamp.get("p") != point.pk:
                raise signing.BadSignature
        except (signing.BadSignature, AttributeError):
            return _render_form(
                request,
                point,
                language,
                values=request.POST,
                notice=_("This form was open too long or came from elsewhere. Send it again."),
                status=400,
                **extra,
            )
        versions = [(q.code, q.current) for q in _questions(survey)]
        read = read_answers(versions, request.POST)
        errors = dict(read.errors)
        code = None
        if point.requires_code:
            code = actions.find_code(point, request.POST.get("code", ""))
            if code is None:
                errors["__code__"] = _("Enter the code printed on the card you were given.")
        contact = " ".join(request.POST.get("contact", "").split())[:200]
        if contact and not request.POST.get("consent"):
            errors["__contact__"] = _(
                "Tick the box to agree that we may contact you, or leave the contact empty."
            )
        if errors:
            return _render_form(
                request, point, language, values=request.POST, errors=errors, **extra
            )
        flags: set[str] = set()
        seconds = max(0, int(time.time()) - int(stamp.get("t", 0)))
        if interviewer is None:
            if request.POST.get("website"):
                flags.add(Flag.HONEYPOT)
            if seconds < survey.min_seconds:
                flags.add(Flag.TOO_FAST)
            if over_hour:
                flags.add(Flag.RATE)
        actions.do_submit_response(
            point,
            language=language,
            values=read.values,
            versions=dict(versions),
            revision=survey.revision,
            seconds=seconds,
            device=(
                "" if interviewer else actions.device_hash(request.COOKIES.get(DEVICE_COOKIE, ""))
            ),
            flags=flags,
            code=code,
            contact=contact,
            interviewer=interviewer,
            client_key=_submission_key(request.POST),
        )
        if interviewer is not None:
            return redirect(f"{request.path}?lang={language}&saved=1")
        return redirect(f"{request.path}thanks/?lang={language}")


@never_cache
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    point = answerable_point(token)
    language = _language(request, point.survey)
    with translation.override(language if language in UI_LANGUAGES else "en"):
        return render(
            request,
            "surveys/answer_thanks.html",
            {"title": point.survey.title_in(language), "language": language, "point": point},
        )


@never_cache
@csrf_protect
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    """Interviewer mode: a coordinator enters one respondent's answers (paper or tablet).

    Recorded with the interviewer and the point; the respondent-side checks
    (device, timing, honeypot, rate) do not apply to a signed-in interviewer.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    point = access_point(request.user, pk, "interview")
    return _answer(request, point, _language(request, point.survey), interviewer=request.user)
