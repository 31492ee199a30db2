"""API authentication: bearer tokens and the browser's session; one's own tokens.

A token is issued by signing in (``POST /auth/token``, naming the client so a
person can tell their sign-ins apart), lives ``API_TOKEN_DAYS`` days, and is
listed and revoked by its owner (``GET /auth/tokens``, ``DELETE
/auth/tokens/{id}``, or the "API tokens" page of the account menu). A password
change or reset revokes all of an account's tokens, as does an administrator.
"""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from .apikit import ERRORS, LIST_ERRORS, ErrorOut, Id, Pagination, ShortText, paginate
from .models import ApiToken, _digest
from .prepared import Prepared, slot

LAST_USED_PRECISION = timedelta(minutes=5)


# The token's fields, read beside each membership row of its account.
_TOKEN_FIELDS = [f.attname for f in ApiToken._meta.concrete_fields]


def _token_rows() -> Any:
    """The live token of a key (slot ``digest``, ``now``) beside each membership of its
    account, with the account and the unit: every row's fields as one tuple."""
    from django.contrib.auth import get_user_model
    from django.db.models import F

    from theodoi.units.models import Membership, Unit

    user_fields = [f.attname for f in get_user_model()._meta.concrete_fields]
    unit_fields = [f.attname for f in Unit._meta.concrete_fields]
    membership_fields = [f.attname for f in Membership._meta.concrete_fields]
    return (
        # The same conditions as ApiToken.objects.matching(key), in one filter() so
        # that they and the annotations below share one join of the tokens.
        Membership.objects.filter(
            user__api_tokens__digest=slot("digest", str),
            user__api_tokens__expires__gt=slot("now", datetime),
            user__is_active=True,
        )
        .annotate(**{f"token_{name}": F(f"user__api_tokens__{name}") for name in _TOKEN_FIELDS})
        .values_list(
            *membership_fields,
            *(f"user__{name}" for name in user_fields),
            *(f"unit__{name}" for name in unit_fields),
            *(f"token_{name}" for name in _TOKEN_FIELDS),
        )
    )


_TOKEN_LOOKUP = Prepared(_token_rows, model=ApiToken)


def _token_with_memberships(key: str) -> ApiToken | None:
    """The live token of ``key`` with its account and the account's memberships and
    their units, in one prepared query (perf: the token, then the memberships, were
    two round trips before every API request, and building the query through the
    ORM cost more than running it); a second query only for an account with no
    membership."""
    from django.contrib.auth import get_user_model

    from theodoi import permissions
    from theodoi.units.models import Membership, Unit

    rows = _TOKEN_LOOKUP.rows(digest=_digest(key), now=timezone.now())
    if not rows:
        return ApiToken.objects.matching(key).select_related("user").first()
    db = ApiToken.objects.db
    User = get_user_model()
    cuts = [
        ("membership", Membership, [f.attname for f in Membership._meta.concrete_fields]),
        ("user", User, [f.attname for f in User._meta.concrete_fields]),
        ("unit", Unit, [f.attname for f in Unit._meta.concrete_fields]),
        ("token", ApiToken, _TOKEN_FIELDS),
    ]
    user = found = None
    kept: list[Membership] = []
    for row in rows:
        made: dict[str, Any] = {}
        at = 0
        for name, model, fields in cuts:
            made[name] = model.from_db(db, fields, row[at : at + len(fields)])
            at += len(fields)
        if user is None:
            user, found = made["user"], made["token"]
        membership = made["membership"]
        Membership.unit.field.set_cached_value(membership, made["unit"])
        kept.append(membership)
    ApiToken.user.field.set_cached_value(found, user)
    permissions.remember_memberships(user, kept)
    return found


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = _token_with_memberships(token)
        if found is None:
            return None
        # Record use at most every few minutes: a read must not take the
        # database's write lock (SQLite has one for the whole file).
        now = timezone.now()
        if found.last_used is None or now - found.last_used > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        request.api_token = found
        return found.user


# Every endpoint takes either; routers inherit this from the NinjaAPI.
api_auth = [TokenAuth(), SessionAuth()]

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: ShortText = Field(
        "",
        description="Which client signs in (e.g. 'báo cáo tự động'); shown in the token list.",
    )


class TokenOut(Schema):
    token: str
    token_type: str = "bearer"
    id: int
    name: str
    expires: datetime


def _client_name(request: HttpRequest, given: str) -> str:
    """The name the client gave, or its User-Agent, so sign-ins can be told apart."""
    name = " ".join(given.split()) or " ".join(request.headers.get("User-Agent", "").split())
    return name[:100]


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Get a bearer token",
)
def issue_token(request: HttpRequest, credentials: Credentials) -> Status:
    """Exchange a username and password for a bearer token (login throttling applies).

    The token lives ``API_TOKEN_DAYS`` days (``expires``); ``name`` labels it in
    the owner's token list (the client's User-Agent when not given).
    """
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise HttpError(401, _("Wrong username or password."))
    token, key = ApiToken.issue(user, name=_client_name(request, credentials.name))
    return Status(201, TokenOut(token=key, id=token.pk, name=token.name, expires=token.expires))


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The key's first characters; the key itself is never shown")
    created: datetime
    expires: datetime
    last_used: datetime | None
    current: bool = Field(False, description="The token this request was sent with")

    @staticmethod
    def resolve_current(obj: ApiToken, context: dict[str, Any]) -> bool:
        token = getattr(context["request"], "api_token", None)
        return token is not None and token.pk == obj.pk


def own_tokens(user: Any) -> QuerySet[ApiToken]:
    """The live tokens of ``user``, newest first."""
    from theodoi import permissions

    return permissions.accounts.visible_api_tokens(user)


@router.get(
    "/auth/tokens",
    response={200: list[ApiTokenOut], **LIST_ERRORS},
    summary="My API tokens",
)
@paginate(Pagination)
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    """The signed-in account's live tokens (never their keys)."""
    return own_tokens(request.auth)


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, **ERRORS},
    summary="Revoke one of my API tokens",
)
def revoke_token(request: HttpRequest, token_id: Id) -> Status:
    """Revoke one of the signed-in account's tokens (404 for anyone else's)."""
    from theodoi import permissions

    permissions.accounts.access_api_token(request.auth, token_id).delete()
    return Status(204, None)


class RoleOut(Schema):
    role: str
    unit: int


class WhoAmI(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


@router.get(
    "/auth/whoami",
    response={200: WhoAmI, **LIST_ERRORS},
    summary="The signed-in account and its roles",
)
def whoami(request: HttpRequest) -> WhoAmI:
    from theodoi import permissions

    user = request.auth
    return WhoAmI(
        username=user.username,
        full_name=user.get_full_name(),
        roles=[RoleOut(role=m.role, unit=m.unit_id) for m in permissions.memberships(user)],
    )
