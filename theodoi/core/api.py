"""API authentication: bearer tokens and the browser's session."""

from datetime import timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken

LAST_USED_PRECISION = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = ApiToken.objects.matching(token).select_related("user").first()
        if found is None:
            return None
        # Record use at most every few minutes: a read must not take the
        # database's write lock (SQLite has one for the whole file).
        now = timezone.now()
        if found.last_used is None or now - found.last_used > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        return found.user


# Every endpoint takes either; routers inherit this from the NinjaAPI.
api_auth = [TokenAuth(), SessionAuth()]

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"


@router.post("/auth/token", auth=None, response={201: TokenOut}, summary="Get a bearer token")
def issue_token(request: HttpRequest, credentials: Credentials) -> Status:
    """Exchange a username and password for a bearer token (login throttling applies)."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, _("Wrong username or password."))
    _token, key = ApiToken.issue(user)
    return Status(201, TokenOut(token=key))


class RoleOut(Schema):
    role: str
    unit: int


class WhoAmI(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get("/auth/whoami", response=WhoAmI, summary="The signed-in account and its roles")
def whoami(request: HttpRequest) -> WhoAmI:
    from theodoi import permissions

    user = request.auth
    return WhoAmI(
        username=user.username,
        full_name=user.get_full_name(),
        roles=[RoleOut(role=m.role, unit=m.unit_id) for m in permissions.memberships(user)],
    )
