"""The JSON API: one NinjaAPI mounting each app's router under /api/v1/.

Every endpoint authenticates with a bearer token (POST /api/v1/auth/token) or
the browser session, and asks theodoi.permissions, as the pages do.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from theodoi.core.api import api_auth
from theodoi.core.api import router as auth_router

api = NinjaAPI(
    title="theodoi API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=api_auth,
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        where = [str(part) for part in error.get("loc", ())]
        kind = where.pop(0) if where else ""
        if kind == "body" and len(where) > 1:
            where.pop(0)  # the view's parameter name, not a field the client sent
        fields[".".join(where) or "__all__"] = error.get("msg", "")
    return api.create_response(
        request, {"message": _("The input is not valid."), "fields": fields}, status=422
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"message": _("Sign in or send a bearer token.")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"message": str(exc)}, status=exc.status_code)


api.add_router("/v1/", auth_router)
api.add_router("/v1/tuyenvan/", "theodoi.tuyenvan.api.router")
