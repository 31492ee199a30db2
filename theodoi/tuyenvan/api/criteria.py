"""Criteria sets: the versioned scoring tables."""

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema

from theodoi.core.apikit import ERRORS, LIST_ERRORS, Id, Pagination, paginate
from theodoi.permissions import tuyenvan as access

from ..models import CriteriaSet, Criterion, month_key

router = Router(tags=["tuyenvan"])


class TvCriterionOut(Schema):
    id: int
    group: str
    code: str
    text: str
    guidance: str
    kind: str
    min_points: Decimal
    max_points: Decimal
    evidence_required: bool
    sources: list[str]
    system_rule: str

    @staticmethod
    def resolve_group(obj: Criterion) -> str:
        return obj.group.code

    @staticmethod
    def resolve_sources(obj: Criterion) -> list[str]:
        return [src for src in ("self", "district", "official") if obj.scorable_by(src)]


class TvCriteriaSetOut(Schema):
    id: int
    owner: int
    name: str
    version: int
    effective_from: str
    status: str
    discrepancy_threshold: Decimal
    explanation_days: int
    report_due_day: int
    bands: list[dict[str, Any]]
    ineligible_without_meeting: bool

    @staticmethod
    def resolve_owner(obj: CriteriaSet) -> int:
        return obj.owner_id

    @staticmethod
    def resolve_effective_from(obj: CriteriaSet) -> str:
        return month_key(obj.effective_from)


class TvCriteriaSetDetail(TvCriteriaSetOut):
    criteria: list[TvCriterionOut]

    @staticmethod
    def resolve_criteria(obj: CriteriaSet) -> list[Criterion]:
        return [c for group in obj.groups.all() for c in group.criteria.all()]


@router.get(
    "/criteria-sets",
    response={200: list[TvCriteriaSetOut], **LIST_ERRORS},
    summary="Criteria sets",
)
@paginate(Pagination)
def list_sets(request: HttpRequest) -> Any:
    return access.visible_criteria_sets(request.user).order_by("-effective_from", "-version", "pk")


@router.get(
    "/criteria-sets/{set_id}",
    response={200: TvCriteriaSetDetail, **ERRORS},
    summary="A set with its criteria",
)
def get_set(request: HttpRequest, set_id: Id) -> Any:
    criteria_set = access.access_criteria_set(request.user, set_id)
    criteria = Criterion.objects.select_related("group")
    return (
        CriteriaSet.objects.filter(pk=criteria_set.pk)
        .prefetch_related(Prefetch("groups__criteria", queryset=criteria))
        .get()
    )
