"""The month board, a commune's month, its conference record, history and approvals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core import clock
from theodoi.core.apikit import Month
from theodoi.core.offline import fingerprint, is_stale
from theodoi.permissions import parse_id
from theodoi.permissions import tuyenvan as access

from .. import actions, results, scoring
from ..forms import MeetingForm, ReasonForm, SubmissionForm
from ..models import (
    Appeal,
    ClusterMonth,
    CommuneMonth,
    Meeting,
    MonthlyResult,
    ResultEvent,
    Score,
    ScoreSheet,
    Submission,
    month_key,
)
from ..wording import BY_DISTRICT, Wording, wording_for
from .common import default_month, month_url, query_value, show_errors

Source = ScoreSheet.Source

# The page's action → the rule that allows it (the same names as the API's).
MONTH_ACTIONS = {
    "approve": "approve_month",
    "return": "approve_month",
    "close": "close_month",
    "reopen": "reopen_month",
}
DISTRICT_ACTIONS = {"accept": "accept_district", "close": "close_month"}
# A cluster's month (cluster chain): its scorers approve, the consolidating body accepts.
CLUSTER_ACTIONS = {"approve": "approve_cluster", "accept": "accept_cluster", "close": "close_month"}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    month = query_value(Month, request.GET["month"]) if request.GET.get("month") else None
    month = month or default_month()
    # The communes that existed that month (a 2018 commune is not on a 2026 board).
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)
    communes = (
        access.visible_tuyenvan_communes(user, month)
        .active_between(month, month_end)
        .select_related("parent")
    )
    district_id = request.GET.get("district") or ""
    if district_id:
        communes = communes.filter(parent_id=parse_id(district_id))
    # Without a district tier the province's clusters of communes group the board.
    clusters = (
        list(access.visible_clusters(user, month).prefetch_related("scorers"))
        if access.by_cluster_in(user, month)
        else []
    )
    cluster_id = request.GET.get("cluster")
    if cluster_id is None and not district_id:
        # A cluster scorer opens the board on its own cluster ("All" shows every commune).
        own = access.scores_by_cluster(user, month)
        cluster_id = str(own[0].pk) if own else ""
    if cluster_id:
        communes = communes.filter(tuyenvan_clusters=parse_id(cluster_id))
    communes = list(communes.order_by("parent__position", "parent__name", "position", "name"))
    found = MonthlyResult.objects.filter(month=month, commune__in=[c.pk for c in communes])
    by_commune = {r.commune_id: r for r in found}
    rows = [(c, by_commune.get(c.pk)) for c in communes]
    # begin home: name what is missing or late (point 7), not "report not sent" for both
    sent_kinds = _sent_kinds([c.pk for c in communes], month)
    can = access.board_actions(user, month, by_commune, [c.pk for c in communes])
    waiting = _waiting_appeals(user, [c.pk for c in communes], month)
    rows = [
        (c, r, _unsent(sent_kinds.get(c.pk, {}), r), can[c.pk], waiting.get(c.pk, 0))
        for c, r in rows
    ]
    # end home
    districts = sorted(
        {c.parent for c in communes if c.parent and c.parent.kind == c.parent.Kind.DISTRICT},
        key=lambda d: d.name,
    )
    attending = Meeting.objects.filter(official_links__user=user).select_related("commune")[:24]
    months = [date(month.year, m, 1) for m in range(1, 13)]
    return render(
        request,
        "tuyenvan/index.html",
        {
            "month": month,
            "months": months,
            "rows": rows,
            "districts": districts,
            "district_id": district_id,
            "attending": attending,
            "can_criteria": user.has_perm("tuyenvan.add_criteriaset"),
            # An attending official reads its conferences, not a ranking (404 there).
            "can_rank": access.may_open_rankings(user),
            "district_actions": [
                (d, can_accept, can_close)
                for d in districts
                for can_accept, can_close in [
                    (
                        user.has_perm("tuyenvan.accept_district", d),
                        user.has_perm("tuyenvan.close_month", d),
                    )
                ]
                if can_accept or can_close
            ],
            "clusters": clusters,
            "cluster_id": cluster_id,
            # The board speaks of the chain in force for its communes that month.
            "words": wording_for(communes[0], month, user) if communes else BY_DISTRICT,
            "cluster_actions": [
                (
                    c,
                    [
                        a
                        for a, rule in CLUSTER_ACTIONS.items()
                        if user.has_perm(f"tuyenvan.{rule}", cm)
                    ],
                )
                for c in clusters
                for cm in [ClusterMonth(c, month)]
            ],
        },
    )


@login_required
def month_page(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    user = request.user
    cm = access.access_commune_month(user, commune_id, month)
    meeting = (
        Meeting.objects.filter(commune=cm.commune, month=cm.month)
        .prefetch_related("attending_officials")
        .first()
    )
    sheets = list(
        access.visible_tuyenvan_sheets(
            user, ScoreSheet.objects.filter(commune=cm.commune, month=cm.month)
        ).select_related("official")
    )
    # Missing and late reports change with the date alone: refresh the result
    # of a month that has begun; never create results for future months.
    if cm.month <= clock.today():
        result = scoring.recompute(cm.commune, cm.month)
    else:
        result = MonthlyResult.objects.filter(commune=cm.commune, month=cm.month).first()
    submissions = access.visible_tuyenvan_submissions(
        user, Submission.objects.filter(sender=cm.commune, month=cm.month)
    ).select_related("recipient", "sent_by")
    own_sources = [
        source
        for source in (Source.SELF, Source.DISTRICT)
        if user.has_perm("tuyenvan.change_sheet", _probe(cm, source))
    ]
    is_attending = meeting is not None and any(
        u.pk == user.pk for u in meeting.attending_officials.all()
    )
    if is_attending and user.has_perm("tuyenvan.change_sheet", _probe(cm, Source.OFFICIAL, user)):
        own_sources.append(Source.OFFICIAL)
    words = wording_for(cm.commune, cm.month, user)
    rank = None
    if result and result.total is not None and cm.commune.parent:
        ranking = results.rank_communes(cm.commune.parent, results.month_period(cm.month))
        rank = next(((r.rank, len(ranking)) for r in ranking if r.unit_id == cm.commune.pk), None)
    return render(
        request,
        "tuyenvan/month.html",
        {
            "cm": cm,
            "words": words,
            "in_province": bool(cm.commune.parent)
            and cm.commune.parent.kind == cm.commune.parent.Kind.PROVINCE,
            "commune": cm.commune,
            "meeting": meeting,
            "sheets": sheets,
            "result": result,
            "submissions": submissions,
            "own_sources": own_sources,
            "rank": rank,
            "events": result.events.select_related("by") if result else [],
            # begin home: each expected submission, sent or not (point 7)
            "expected": _expected(cm, result),
            "waiting_appeals": _waiting_appeals(user, [cm.commune.pk], cm.month).get(
                cm.commune.pk, 0
            ),
            "can_answer": user.has_perm("tuyenvan.answer_appeal", cm),
            # end home
            "can_meeting": user.has_perm("tuyenvan.change_meeting", cm),
            "can_files": user.has_perm("tuyenvan.change_meeting_files", cm),
            "can_send": user.has_perm("tuyenvan.send_submission", cm),
            "moves": _moves(user, cm, result),
            # begin home: approving inside the explanation window closes it (point 10)
            "window_closes": actions.window_open_until(cm.commune, cm.month),
            # end home
            "submission_form": SubmissionForm(words=words),
            "reason_form": ReasonForm(),
        },
    )


# begin home
def _sent_kinds(commune_ids: list[int], month: date) -> dict[int, dict[str, Any]]:
    """Each commune's first sending of each expected kind in the month (one query)."""
    found: dict[int, dict[str, Any]] = {}
    for sender_id, kind, first in (
        Submission.objects.filter(
            sender_id__in=commune_ids, month=month, kind__in=scoring.EXPECTED_SUBMISSIONS
        )
        .values("sender_id", "kind")
        .annotate(first=Min("sent_at"))
        .order_by()
        .values_list("sender_id", "kind", "first")
    ):
        found.setdefault(sender_id, {})[kind] = first
    return found


def _waiting_appeals(user: Any, commune_ids: list[int], month: date) -> dict[int, int]:
    """Appeals not yet answered, per commune of the month (one query)."""
    found = access.visible_tuyenvan_appeals(
        user,
        Appeal.objects.filter(commune_id__in=commune_ids, month=month, answered_at__isnull=True),
    )
    return {
        row["commune_id"]: row["n"]
        for row in found.values("commune_id").annotate(n=Count("pk")).order_by()
    }


def _unsent(sent: dict[str, Any], result: MonthlyResult | None) -> list[str]:
    """Labels of the expected submissions counted missing in the result."""
    if result is None or not result.reports_missing:
        return []
    labels = dict(Submission.Kind.choices)
    return [str(labels[k]) for k in scoring.EXPECTED_SUBMISSIONS if k not in sent]


def _expected(cm: CommuneMonth, result: MonthlyResult | None) -> list[dict[str, Any]]:
    """The month's expected submissions, each with its first sending, its due date
    and whether it is missing or late: what the counts of the result are made of."""
    criteria_set = result.criteria_set if result else scoring.set_in_force(cm.commune, cm.month)
    if criteria_set is None:
        return []
    due = scoring.due_date(criteria_set, cm.month)
    sent = _sent_kinds([cm.commune.pk], cm.month).get(cm.commune.pk, {})
    today = clock.today()
    labels = dict(Submission.Kind.choices)
    rows = []
    for kind in scoring.EXPECTED_SUBMISSIONS:
        first = sent.get(kind)
        day = timezone.localdate(first) if first else None
        rows.append(
            {
                "label": labels[kind],
                "sent": first,
                "due": due,
                "missing": first is None and today > due,
                "late": day is not None and day > due,
            }
        )
    return rows


# end home


def _moves(user: Any, cm: CommuneMonth, result: MonthlyResult | None) -> dict[str, bool]:
    """Which approval buttons apply to the month in its current status."""
    allowed = actions.MONTH_FLOW.allowed(result or MonthlyResult(status=MonthlyResult.Status.OPEN))
    moves = {
        name: name in allowed and user.has_perm(f"tuyenvan.{MONTH_ACTIONS[name]}", cm)
        for name in MONTH_ACTIONS
    }
    moves["any"] = any(moves.values())
    return moves


def _probe(cm: CommuneMonth, source: str, official: Any = None) -> ScoreSheet:
    """An unsaved sheet to ask the permission module about."""
    return ScoreSheet(
        commune=cm.commune,
        month=cm.month,
        source=source,
        official=official if source == Source.OFFICIAL else None,
    )


@login_required
def meeting_edit(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = access.access_commune_month(request.user, commune_id, month, "change_meeting")
    meeting = Meeting.objects.filter(commune=cm.commune, month=cm.month).first() or Meeting(
        commune=cm.commune, month=cm.month
    )
    version = meeting_version(meeting)
    stale = request.method == "POST" and is_stale(request.POST.get("version"), version)
    saved = _meeting_values(meeting) if stale else {}
    form = MeetingForm(
        request.POST or None, request.FILES or None, instance=meeting, commune=cm.commune
    )
    if request.method == "POST" and not stale and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "officials"}
        actions.do_save_meeting(
            cm.commune,
            cm.month,
            data,
            by=request.user,
            officials=list(form.cleaned_data["officials"]),
        )
        messages.success(request, _("The conference record is saved."))
        return redirect(month_url(cm))
    newer = []
    if stale:
        # Both versions: the typed one stays in the form, the saved one beside it.
        form.is_valid()
        for name, value in saved.items():
            if name == "officials":
                posted = set(form.data.getlist("officials"))
                kept = {str(pk) for pk in meeting.attending_officials.values_list("pk", flat=True)}
                if posted != kept:
                    newer.append((form.fields[name].label, value))
            elif name in form.fields and str(form.data.get(name, "")).strip() != value:
                newer.append((form.fields[name].label, value))
    return render(
        request,
        "tuyenvan/meeting_form.html",
        {"cm": cm, "form": form, "version": version, "stale": stale, "newer": newer},
        status=409 if stale else 200,
    )


def _meeting_values(meeting: Meeting) -> dict[str, str]:
    if meeting.pk is None:
        return {}
    values = {
        name: "" if getattr(meeting, name) is None else str(getattr(meeting, name))
        for name in ("held_on", "place", "chair", "topics", "participants", "issues_raised",
                     "proposals", "minutes")
    }  # fmt: skip
    values["officials"] = ", ".join(
        u.get_full_name() or u.username for u in meeting.attending_officials.all()
    )
    return values


def meeting_version(meeting: Meeting) -> str:
    """The saved state of a conference record a form was opened on (see core.offline)."""
    if meeting.pk is None:
        return fingerprint("new")
    return fingerprint(sorted(_meeting_values(meeting).items()))


@login_required
def history(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = access.access_commune_month(request.user, commune_id, month)
    sheets = access.visible_tuyenvan_sheets(
        request.user, ScoreSheet.objects.filter(commune=cm.commune, month=cm.month)
    )
    records = (
        Score.history.filter(sheet_id__in=sheets.values("pk"))
        .select_related("history_user", "criterion", "sheet__official")
        .order_by("-history_date")
    )
    changes = []
    for record in records:
        previous = record.prev_record
        changes.append(
            {
                "record": record,
                "old": previous.points if previous else None,
                "new": record.points,
                "source": record.sheet.get_source_display() if record.sheet else "",
            }
        )
    events = ResultEvent.objects.filter(
        result__commune=cm.commune, result__month=cm.month
    ).select_related("by")
    return render(
        request, "tuyenvan/history.html", {"cm": cm, "changes": changes, "events": events}
    )


@login_required
@require_POST
def month_action(request: HttpRequest, commune_id: int, month: str, action: str) -> HttpResponse:
    rule = MONTH_ACTIONS.get(action)
    if rule is None:
        raise Http404
    cm = access.access_commune_month(request.user, commune_id, month, rule)
    try:
        actions.do_month_step(
            cm.commune,
            cm.month,
            action,
            reason=request.POST.get("reason", ""),
            by=request.user,
            close_window=request.POST.get("close_window") == "1",
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        words = wording_for(cm.commune, cm.month, request.user)
        messages.success(request, month_done_message(action, words))
    return redirect(month_url(cm) + "#approval")


def month_done_message(action: str, words: Wording | None = None) -> str:
    """What a month's step did, said plainly (not one "Done." for all), in the
    words of the month's chain (``words``; the district's when not given)."""
    words = words or BY_DISTRICT
    done = {
        "approve": _("The month is approved: the result goes to the province."),
        "close": _("The month is closed: the result is final and published."),
        "return": words.taken_back,
        "reopen": _("The month is reopened: its result is provisional until it is closed again."),
    }
    return str(done.get(action, _("Done.")))


@login_required
@require_POST
def district_action(
    request: HttpRequest, district_id: int, month: str, action: str
) -> HttpResponse:
    rule = DISTRICT_ACTIONS.get(action)
    if rule is None:
        raise Http404
    the_month = access.parse_month_key(month)
    district = access.access_district(request.user, district_id, rule, the_month)
    try:
        actions.do_district_step(district, the_month, action, by=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect(
        f"{reverse('tuyenvan:index')}?month={month_key(the_month)}&district={district.pk}"
    )


@login_required
@require_POST
def cluster_action(request: HttpRequest, cluster_id: int, month: str, action: str) -> HttpResponse:
    """A cluster's month: approve its communes, accept it (level 2), or close it."""
    rule = CLUSTER_ACTIONS.get(action)
    if rule is None:
        raise Http404
    cluster_month = access.access_cluster_month(request.user, cluster_id, month, rule)
    try:
        rows = actions.do_cluster_step(
            cluster_month,
            action,
            by=request.user,
            close_window=request.POST.get("close_window") == "1",
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        refused = [f"{row.commune.name}: {row.message}" for row in rows if not row.approved]
        if refused:
            messages.warning(request, " ".join(refused))
        done = sum(1 for row in rows if row.approved)
        messages.success(request, _("Done: %(n)s communes.") % {"n": done})
    return redirect(
        f"{reverse('tuyenvan:index')}?month={month_key(cluster_month.month)}"
        f"&cluster={cluster_month.cluster.pk}"
    )
