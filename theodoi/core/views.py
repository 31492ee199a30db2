from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.plans.models import Plan

from .api import own_tokens
from .models import ApiToken


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = permissions.plans.visible_plans(request.user, Plan.objects.select_related("programme"))
    units = [m.unit for m in permissions.memberships(request.user)]
    return render(
        request,
        "core/home.html",
        {
            "plans": plans.with_counts()[:20],
            "memberships": permissions.memberships(request.user),
            "units": units,
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Account: API tokens ---------------------------------------------------------


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The account's API tokens: who signed in with what, until when; revoke any."""
    return render(
        request,
        "core/tokens.html",
        {"tokens": own_tokens(request.user)[:200], "days": settings.API_TOKEN_DAYS},
    )


@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = permissions.accounts.access_api_token(request.user, pk)
    if request.method != "POST":  # a revocation is a form's; a link shows the list
        return redirect("core:tokens")
    token.delete()
    messages.success(request, _("The token is revoked: clients using it must sign in again."))
    return redirect("core:tokens")


@login_required
def revoke_all(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("core:tokens")
    count, _by_model = ApiToken.objects.filter(user=request.user).delete()
    messages.success(request, _("All your API tokens are revoked (%(count)d).") % {"count": count})
    return redirect("core:tokens")


# Account: password reset, throttled -------------------------------------------

# Reset requests: per address and per client address, within the window.
RESET_PER_EMAIL = 3
RESET_PER_IP = 10
RESET_WINDOW = 60 * 60


def _over_limit(key: str, limit: int) -> bool:
    """Count one more hit on ``key`` in the window; True when it is over ``limit``."""
    cache.add(key, 0, RESET_WINDOW)
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW)
        hits = 1
    return hits > limit


def _hashed(value: str) -> str:
    return hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, throttled: a few requests per address and per client an
    hour. The answer is the same whether or not an account has that address,
    and whether or not the address's quota is spent (no enumeration); only a
    client sending too many requests is told so."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ip = request.META.get("REMOTE_ADDR", "")
        if _over_limit(f"pwreset:ip:{_hashed(ip)}", RESET_PER_IP):
            return render(request, "429.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        if _over_limit(f"pwreset:email:{_hashed(email)}", RESET_PER_EMAIL):
            return redirect(self.get_success_url())
        site = urlsplit(settings.SITE_URL)
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context={"site_url": settings.SITE_URL},
        )
        return redirect(self.get_success_url())


# Lock-out and error pages ----------------------------------------------------


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in: JSON under /api/, a page elsewhere."""
    cooloff = int(settings.AXES_COOLOFF_TIME * 3600)
    message = _(
        "This account is locked for 15 minutes after several failed sign-ins. "
        "Try again later or ask your administrator."
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"message": message, "fields": {}}, status=429)
    else:
        response = render(request, "registration/locked_out.html", status=429)
    response["Retry-After"] = str(cooloff)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error_page(request, 500)


ERROR_MESSAGES = {
    400: lambda: _("The request is not valid."),
    403: lambda: _("Your role does not allow this."),
    404: lambda: _("Not found, or outside what you may see."),
    413: lambda: _("The request is too large."),
    500: lambda: _("Something went wrong; the administrators have been told."),
}


def _error_page(request: HttpRequest, status: int) -> HttpResponse:
    """An error as a page of the app, or as the API's error body under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": ERROR_MESSAGES[status](), "fields": {}}, status=status)
    if status != 500:
        return render(request, f"{status}.html", status=status)
    # Whatever failed may fail again: no context processors, no database.
    try:
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    except Exception:  # the error page must not fail in turn
        return HttpResponse(ERROR_MESSAGES[500](), status=500, content_type="text/plain")


# begin offline
# The installable web app: its service worker (served from the root so that its
# scope is the whole site), its manifest, and the page shown offline.


def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "core/sw.js",
        {"offline_url": reverse("core:offline"), "static_url": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def web_manifest(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        {
            "name": _("theodoi — follow-up of the programme's plans"),
            "short_name": "theodoi",
            "start_url": "/",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#a4161a",
            "icons": [
                {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page that was never read on this device."""
    return render(request, "core/offline.html")


# end offline
