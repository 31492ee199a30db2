"""The portal API under /api/v1/portal/: articles to read (anonymous callers too),
and the editors' create, update and publish.

Reading asks ``permissions.portal`` like the pages: an anonymous caller gets
live articles only; a draft outside the caller's view is 404; a change the
caller's role does not allow is 403. Readers' feedback is a page form, not an
API (no open endpoint that stores or sends anything for anonymous callers).
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from theodoi import permissions
from theodoi.core.api import TokenAuth
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    Pagination,
    Reason,
    ShortText,
    StaleOut,
    Text,
    paginate,
)
from theodoi.core.workflow import Stale

from . import actions
from .models import Article, Category
from .search import matching

router = Router(tags=["portal"])
access = permissions.portal


class _Anonymous:
    """Lets a request through without credentials; the access layer decides what it sees."""

    def __call__(self, request: HttpRequest) -> Any:
        return True


# Token or session when sent (their user is used), else anonymous reading.
READ_AUTH = [TokenAuth(), SessionAuth(), _Anonymous()]


class PortalCategoryOut(Schema):
    id: int
    name: str
    slug: str


class PortalArticleOut(Schema):
    id: int
    title: str
    lead: str
    author: str
    tags: list[str] = Field(alias="tag_list")
    category: PortalCategoryOut
    state: str
    publish_at: datetime | None
    featured: bool
    url: str = Field(alias="get_absolute_url")
    version: int


class PortalArticleDetailOut(PortalArticleOut):
    body: str = Field(alias="safe_body")


class PortalArticleFilter(Schema):
    category: ShortText | None = None
    tag: ShortText | None = None
    q: ShortText | None = None


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("null_character", "Null characters are not allowed")
    return value


# An article's body: HTML, longer than the kit's Text (the seed article is ~10,000 characters).
ArticleBody = Annotated[str, AfterValidator(_no_nul), Field(max_length=200_000)]


class PortalArticleIn(Schema):
    category: Id
    title: ShortText
    lead: Text = ""
    body: ArticleBody = ""
    author: ShortText = ""
    tags: ShortText = Field("", description="Separated by commas.")
    publish_at: datetime | None = None


class PortalArticlePatch(PortalArticleIn):
    version: int | None = None
    reason: Reason = ""


class PortalStepIn(Schema):
    version: int | None = None
    reason: Reason = ""


def _category(user: Any, pk: int) -> Category:
    section = access.access_category(user, pk, "change")
    return section


def _data(payload: PortalArticleIn, section: Category) -> actions.ArticleData:
    return actions.ArticleData(
        category=section,
        title=payload.title,
        lead=payload.lead,
        body=payload.body,
        author=payload.author,
        tags=payload.tags,
        publish_at=_aware(payload.publish_at),
    )


def _aware(moment: datetime | None) -> datetime | None:
    """A time without a zone is the site's local time (Asia/Ho_Chi_Minh)."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


@router.get(
    "/articles",
    auth=READ_AUTH,
    response={200: list[PortalArticleOut], **LIST_ERRORS},
    summary="Articles (live only for anonymous callers)",
)
@paginate(Pagination)
def list_articles(request: HttpRequest, filters: Query[PortalArticleFilter]) -> Any:
    items = access.visible_articles(request.user).select_related("category").defer("body")
    if filters.category:
        items = items.filter(category__slug=filters.category)
    if filters.tag:
        items = items.filter(tags__slug=filters.tag)
    if filters.q:
        items = matching(items, filters.q.replace("\x00", ""))
    return items.order_by("-publish_at", "-pk")


@router.get(
    "/articles/{article_id}",
    auth=READ_AUTH,
    response={200: PortalArticleDetailOut, **ERRORS},
    summary="One article",
)
def get_article(request: HttpRequest, article_id: Id) -> Article:
    return access.access_article(request.user, article_id)


@router.post(
    "/articles", response={201: PortalArticleDetailOut, **WRITE_ERRORS}, summary="Write a draft"
)
def create_article(request: HttpRequest, payload: PortalArticleIn) -> Status:
    permissions.require(request.user, "portal.edit_portal")
    section = _category(request.user, payload.category)
    return Status(201, actions.do_create_article(_data(payload, section), by=request.user))


@router.put(
    "/articles/{article_id}",
    response={200: PortalArticleDetailOut, **WRITE_ERRORS},
    summary="Change an article's text",
)
def update_article(request: HttpRequest, article_id: Id, payload: PortalArticlePatch) -> Any:
    item = access.access_article(request.user, article_id, "change")
    section = _category(request.user, payload.category)
    try:
        return actions.do_update_article(
            item,
            _data(payload, section),
            by=request.user,
            version=payload.version,
            reason=payload.reason,
        )
    except Stale as stale:
        return Status(409, StaleOut(message=str(stale), current={"version": stale.current.version}))


@router.post(
    "/articles/{article_id}/{step}",
    response={200: PortalArticleDetailOut, **WRITE_ERRORS},
    summary="A workflow step: submit, return, publish, unpublish, redraft",
)
def move_article(request: HttpRequest, article_id: Id, step: str, payload: PortalStepIn) -> Any:
    from django.http import Http404

    from .models import ARTICLE_FLOW
    from .views_editor import STEP_ACTION

    if step not in ARTICLE_FLOW.steps:
        raise Http404
    item = access.access_article(request.user, article_id, STEP_ACTION[step])
    try:
        return actions.do_move_article(
            item, step, by=request.user, reason=payload.reason, version=payload.version
        )
    except Stale as stale:
        return Status(409, StaleOut(message=str(stale), current={"version": stale.current.version}))
