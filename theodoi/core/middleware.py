import hashlib
import hmac
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import _unmask_cipher_token
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.functional import empty
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Vietnamese unless the user chose otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's
    Accept-Language: theodoi is Vietnamese first, and English is a choice made
    with the language switch (kept in the language cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class BodySizeLimitMiddleware:
    """Refuse a request whose body is larger than its path allows, before
    anything reads it (413: a page of the app, or the API's error body).

    The limit is the first of ``settings.THEODOI_BODY_LIMITS`` (pattern, bytes)
    whose pattern matches the path, else ``THEODOI_MAX_BODY_BYTES``. A body
    sent without a length (chunked) is refused with 411 where it could be
    larger than that: Django would otherwise read it whole.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limits = [
            (re.compile(pattern), int(limit)) for pattern, limit in settings.THEODOI_BODY_LIMITS
        ]
        self.default = int(settings.THEODOI_MAX_BODY_BYTES)

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.limits:
            if pattern.match(path):
                return limit
        return self.default

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        limit = self.limit_for(request.path_info)
        if length:
            if not length.isascii() or not length.isdigit():
                return refuse(request, 400, limit)
            if int(length) > limit:
                return refuse(request, 413, limit)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return refuse(request, 411, limit)
        return self.get_response(request)


def refuse(request: HttpRequest, status: int, limit: int) -> HttpResponse:
    """The answer to a body refused unread: JSON under /api/, a page elsewhere."""
    messages = {
        400: _("The request's Content-Length is not a number."),
        411: _("Send the request with its Content-Length."),
        413: _("The request is too large: at most %(size)s here.")
        % {"size": filesizeformat(limit)},
    }
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"message": str(messages[status]), "fields": {}}, status=status
        )
    else:
        response = render(
            request,
            "413.html",
            {"limit": limit, "message": messages[status]},
            status=status,
        )
    # No "Connection: close": a WSGI application may not send hop-by-hop headers
    # (PEP 3333; Django's and wsgiref's servers answer 500 instead, gunicorn drops
    # it). The server itself discards or closes on the unread body.
    return response


# begin perf
# A CSRF token as Django writes it in a page: 64 letters and digits (a mask and
# the masked secret), wherever a template put it (form field, hx-headers, meta).
CSRF_TOKEN_IN_PAGE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


class PrivateRevalidateMiddleware:
    """What a repeat visit may reuse: every answer is the caller's own.

    ``ConditionalGetMiddleware`` (below this one in MIDDLEWARE) gives GET
    answers an ETag of their content and answers 304 when the client's copy is
    the same, so a phone on a weak link re-downloads a list or page only when it
    changed. This marks answers ``Cache-Control: private, no-cache`` (a browser
    keeps its copy but asks first; no shared cache stores it) and varies them on
    the caller (``Authorization`` for bearer tokens; Django adds ``Cookie`` when
    the session is read), unless the view set its own caching.

    An HTML page carries a CSRF token masked anew on every request, so its bytes
    never repeat: its ETag (:func:`page_etag`) is a keyed hash of the page with
    the tokens taken out, the CSRF secret they mask (a new secret, after a
    sign-in, makes the old copy's forms invalid, so it is a new ETag), the user
    and the language. A page that showed messages (a flash shown once) gets no
    ETag and is not stored (``no-store``): a 304 never stands for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith("/api/"):
            patch_vary_headers(response, ("Authorization",))
        if request.method not in ("GET", "HEAD") or "Cache-Control" in response.headers:
            return response
        if _showed_messages(request):
            response.headers["Cache-Control"] = "private, no-store"
            return response
        response.headers["Cache-Control"] = "private, no-cache"
        if _is_page(response) and not response.has_header("ETag"):
            etag = page_etag(request, response.content)
            response.headers["ETag"] = etag
            # (ConditionalGetMiddleware answers a GET's 304 too; a HEAD's only here.)
            return get_conditional_response(request, etag=etag, response=response)
        return response


def _is_page(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
    )


def _showed_messages(request: HttpRequest) -> bool:
    """Whether this request displayed Django messages (they are gone after it)."""
    storage = getattr(request, "_messages", None)
    if storage is None or not getattr(storage, "used", False):
        return False
    return bool(getattr(storage, "_loaded_data", None))


def page_etag(request: HttpRequest, content: bytes) -> str:
    """The ETag of a page: what the page says, not the CSRF tokens' masks."""
    secret = request.META.get("CSRF_COOKIE") or ""

    def token_out(match: re.Match[bytes]) -> bytes:
        token = match.group(0).decode("ascii")
        return b"<csrf>" if secret and _unmask_cipher_token(token) == secret else match.group(0)

    # The user as far as the request already knows it (no query for a page
    # that never looked: then the page does not depend on who it is).
    user = getattr(request, "user", None)
    user_id = "" if getattr(user, "_wrapped", None) is empty else getattr(user, "pk", "")
    digest = hmac.new(settings.SECRET_KEY.encode(), digestmod=hashlib.sha256)
    for part in (str(user_id), getattr(request, "LANGUAGE_CODE", ""), secret):
        digest.update(part.encode() + b"\0")
    digest.update(CSRF_TOKEN_IN_PAGE.sub(token_out, content))
    return f'"{digest.hexdigest()[:32]}"'


# end perf


# begin offline
SEND_ID = re.compile(r"^[A-Za-z0-9-]{16,64}$")
SEND_KEPT = timedelta(days=1)
# A send still being done when its retry comes: the retry waits for it this long.
SEND_WAIT = 15.0


class SendMiddleware:
    """A form sent by offline.js (header ``X-Theodoi-Send``) gets 204 with
    ``X-Theodoi-Location`` instead of a redirect: the script then tells a
    success (go there) from a page with errors (show it), and an answer from a
    dropped link (keep the form on the device and send it again later).

    The header carries the send's id (one per press of the button, kept with a
    queued send): a send that arrives again under the same id — a retry after a
    drop that cut only the answer — is answered with where the first one led
    and is not done twice (a file stored once, a report submitted once)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        send_id = request.headers.get("X-Theodoi-Send", "")
        claim = None
        if request.method == "POST" and SEND_ID.match(send_id):
            claim, done = _claim_send(request, send_id)
            if done is not None:
                return done
        try:
            response = self.get_response(request)
        except BaseException:
            if claim is not None:
                claim.delete()
            raise
        if send_id and response.status_code in (301, 302, 303, 307):
            if claim is not None:
                claim.location = response["Location"]
                claim.save(update_fields=["location"])
            sent = HttpResponse(status=204)
            sent["X-Theodoi-Location"] = response["Location"]
            for cookie in response.cookies.values():
                sent.cookies[cookie.key] = cookie
            return sent
        if claim is not None:
            claim.delete()  # not done (errors, refused): sending again does it
        return response


def _sent(location: str) -> HttpResponse:
    sent = HttpResponse(status=204)
    sent["X-Theodoi-Location"] = location
    return sent


def _claim_send(request: HttpRequest, send_id: str) -> tuple[Any, HttpResponse | None]:
    """This send's claim, or the answer when the same send was already done."""
    from django.contrib.auth import SESSION_KEY
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from .models import SentForm

    user_key = str(request.session.get(SESSION_KEY, "")) if hasattr(request, "session") else ""
    if not user_key:
        return None, None  # signed out: the view sends to the sign-in page
    now = timezone.now()
    SentForm.objects.filter(at__lt=now - SEND_KEPT).delete()
    waited = 0.0
    for _attempt in range(int(SEND_WAIT / 0.5) + 4):
        try:
            with transaction.atomic():
                return SentForm.objects.create(user_key=user_key, send_id=send_id, at=now), None
        except IntegrityError:
            pass
        first = SentForm.objects.filter(user_key=user_key, send_id=send_id).first()
        if first is None:
            continue  # the first one failed and let go: do it now
        if first.location:
            return None, _sent(first.location)
        if waited >= SEND_WAIT:
            # The first is taking too long (or its process died): this one does it.
            SentForm.objects.filter(pk=first.pk, location="").delete()
            continue
        time.sleep(0.5)
        waited += 0.5
    return None, None


# end offline
