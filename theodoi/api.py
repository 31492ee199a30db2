"""The JSON API: one NinjaAPI mounting each app's router under /api/v1/.

Every endpoint authenticates with a bearer token (POST /api/v1/auth/token) or
the browser session, and asks theodoi.permissions, as the pages do.

Every error is JSON ``{"message": <translated>, "fields": {<field>: <translated>}}``:
400/422 bad input, 401 not signed in, 403 refused, 404 not found or out of reach.
Views raise Django's ValidationError / PermissionDenied / Http404 and the
handlers below turn them into that shape.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from theodoi.core.api import api_auth
from theodoi.core.api import router as auth_router
from theodoi.core.apikit import JSONRenderer  # perf

api = NinjaAPI(
    title="theodoi API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=api_auth,
    renderer=JSONRenderer(),  # perf: UTF-8 as it is, not \u-escaped
)


def error(
    request: HttpRequest, status: int, message: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return api.create_response(request, {"message": message, "fields": fields or {}}, status=status)


def _input_message(problem: dict[str, Any]) -> str:
    """A translated message for one pydantic error (its own text is English)."""
    kind = problem.get("type", "")
    ctx = problem.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith("date"):
        return _("Enter a valid date as YYYY-MM-DD.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind == "string_too_long":
        return _("Enter at most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind == "too_long":
        return _("Send at most %(count)s items.") % {"count": ctx.get("max_length")}
    if kind == "greater_than_equal":
        return _("Enter a value of at least %(limit)s.") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a value of at most %(limit)s.") % {"limit": ctx.get("le")}
    if kind in ("literal_error", "enum"):
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "string_type":
        return _("Enter text.")
    if kind in ("list_type", "set_type", "tuple_type"):
        return _("Enter a list.")
    return _("This value is not valid.")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for problem in exc.errors:
        where = [str(part) for part in problem.get("loc", ())]
        kind = where.pop(0) if where else ""
        if kind == "body" and len(where) > 1:
            where.pop(0)  # the view's parameter name, not a field the client sent
        if kind == "query" and len(where) > 1:
            where.pop(0)  # the filter schema's parameter name
        name = ".".join(where) or "__all__"
        message = _input_message(problem)
        fields[name] = f"{fields[name]} {message}" if name in fields else message
    return error(request, 422, _("The input is not valid."), fields)


@api.exception_handler(DjangoValidationError)
def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {name: " ".join(messages) for name, messages in exc.message_dict.items()}
    else:
        fields = {"__all__": " ".join(exc.messages)}
    return error(request, 422, _("The input is not valid."), fields)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, _("Sign in or send a bearer token."))


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, str(exc) or _("Your role does not allow this."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, _("Not found, or outside what you may see."))


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Bodies beyond the path's limit never get here (BodySizeLimitMiddleware);
    # this is a JSON body beyond DATA_UPLOAD_MAX_MEMORY_SIZE.
    return error(request, 413, _("The request is too large."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    elif exc.status_code == 403 and message.startswith("CSRF"):
        message = _("Send the CSRF token with a signed-in session, or use a bearer token.")
    elif exc.status_code == 429:
        message = _("Too many requests; try again later.")
    return error(request, exc.status_code, message)


# One line per app; a router given by its import path needs no import above.
api.add_router("/v1/", auth_router)
api.add_router("/v1/", "theodoi.units.api.router")
api.add_router("/v1/", "theodoi.plans.api.router")
api.add_router("/v1/", "theodoi.reporting.api.router")
api.add_router("/v1/tuyenvan/", "theodoi.tuyenvan.api.router")
api.add_router("/v1/tuyenvan/", "theodoi.tuyenvan.roster.api.router")
api.add_router("/v1/portal/", "theodoi.portal.api.router")
api.add_router("/v1/", "theodoi.surveys.api.router")
# begin thidua
api.add_router("/v1/thidua/", "theodoi.thidua.api.router")
# end thidua
# begin activities
api.add_router("/v1/", "theodoi.activities.api.router")
# end activities
