"""What each role has to do now: the lines of the role homes, most urgent first.

Each role's section is built from a fixed number of queries, whatever the size
of the user's reach (``tests/test_home.py`` counts them per role), and only from
the access layer's scopes (``theodoi.permissions``). Every line links straight
to where the work is done; a line that stands for several objects lists them
(``Line.children``) so that its count is the number of links it leads to.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi import permissions
from theodoi.core import clock
from theodoi.permissions import home as scope
from theodoi.units.models import Membership, Unit

Role = Membership.Role

# How urgent a line is: the home sorts by this, then by date.
OVERDUE, RETURNED, DECIDE, DUE, SOON, INFO = range(6)
BADGES = {
    OVERDUE: ("late", gettext_lazy("overdue")),
    RETURNED: ("returned", gettext_lazy("returned")),
    DECIDE: ("decide", gettext_lazy("to decide")),
    DUE: ("due", gettext_lazy("due")),
    SOON: ("soon", gettext_lazy("coming")),
    INFO: ("info", gettext_lazy("to read")),
}
# Reports due within this many days are listed (overdue ones always).
DUE_WITHIN = 30
# Lines that stand for several objects show this many of them.
CHILDREN_SHOWN = 50


@dataclass
class Line:
    urgency: int
    text: str
    url: str = ""
    detail: str = ""
    when: date | None = None
    # The url is a form's action (POST): the line is a button.
    post: bool = False
    children: list[Line] = field(default_factory=list)
    count: int | None = None
    plan_id: int | None = None

    @property
    def badge(self) -> tuple[str, str]:
        css, label = BADGES[self.urgency]
        return css, str(label)

    @property
    def total(self) -> int:
        return self.count if self.count is not None else max(1, len(self.children))


@dataclass
class Section:
    role: str
    title: str
    lines: list[Line]
    empty: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def todo(self) -> int:
        """How many things the section asks to do now (coming and information lines excluded)."""
        return sum(line.total for line in self.lines if line.urgency < SOON)


def _sorted(lines: list[Line]) -> list[Line]:
    far = date.max
    return sorted(lines, key=lambda line: (line.urgency, line.when or far, line.text))


def _month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _d(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _group(urgency: int, text: str, children: list[Line], url: str = "") -> Line | None:
    if not children:
        return None
    children = _sorted(children)
    return Line(
        urgency,
        text % {"n": len(children)},
        url=url,
        when=min((c.when for c in children if c.when), default=None),
        children=children[:CHILDREN_SHOWN],
        count=len(children),
    )


def sections(user: Any, today: date | None = None) -> list[Section]:
    """The user's home: one section per role it holds, in the roles' order."""
    today = today or clock.today()
    builders = {
        Role.COMMUNE_REPORTER: _commune,
        Role.DISTRICT_SCORER: _district,
        Role.AGENCY_REPORTER: _agency,
        Role.OFFICIAL: _official,
        Role.COORDINATOR: _coordinator,
        Role.VIEWER: _viewer,
        Role.ADMIN: _admin,
    }
    found = []
    for role in scope.home_roles(user):
        section = builders[role](user, today)
        section.lines = _sorted(section.lines)
        found.append(section)
    return found


# -- progress reports (every reporter role) ------------------------------------------


def _own_reports(user: Any, today: date) -> list[Line]:
    """Reports the user's units owe: not started, draft or returned; overdue first."""
    from theodoi.reporting.models import ProgressReport, ReportingPeriod
    from theodoi.reporting.periods import owing_by_period

    units = list(permissions.reporting.reporting_units(user))
    if not units:
        return []
    periods = list(
        ReportingPeriod.objects.filter(
            plan__tasks__work_items__assignments__unit__in=units,
            due__lte=today + timedelta(days=DUE_WITHIN),
        )
        .distinct()
        .select_related("plan")
    )
    reports = {
        (r.period_id, r.unit_id): r
        for r in permissions.reporting.visible_reports(
            user, ProgressReport.objects.filter(period__in=periods, unit__in=units)
        )
    }
    owing = owing_by_period(periods)
    lines = []
    for period in periods:
        for unit in units:
            if unit.pk not in owing.get(period.pk, ()):
                continue
            report = reports.get((period.pk, unit.pk))
            overdue = period.due < today
            values = {"period": period.title, "plan": period.plan.number, "unit": unit.name}
            if report is None:
                lines.append(
                    Line(
                        OVERDUE if overdue else DUE,
                        _("Start the report %(period)s (%(plan)s) of %(unit)s") % values,
                        url=reverse("reporting:start-report", args=[period.pk, unit.pk]),
                        detail=_("due %(due)s") % {"due": _d(period.due)},
                        when=period.due,
                        post=True,
                    )
                )
            elif report.state == ProgressReport.State.RETURNED:
                lines.append(
                    Line(
                        RETURNED,
                        _("Correct and resubmit the report %(period)s (%(plan)s) of %(unit)s")
                        % values,
                        url=report.get_absolute_url(),
                        detail=_("Returned with this comment: %(comment)s")
                        % {"comment": report.comment or "—"},
                        when=period.due,
                    )
                )
            elif report.state == ProgressReport.State.SUBMITTED:
                lines.append(
                    Line(
                        INFO,
                        _("The report %(period)s (%(plan)s) of %(unit)s waits for the decision")
                        % values,
                        url=report.get_absolute_url(),
                        detail=_("submitted %(day)s")
                        % {"day": _d(timezone.localdate(report.submitted_at))}
                        if report.submitted_at
                        else "",
                    )
                )
            elif report.state == ProgressReport.State.DRAFT:
                lines.append(
                    Line(
                        OVERDUE if overdue else DUE,
                        _("Finish and submit the report %(period)s (%(plan)s) of %(unit)s")
                        % values,
                        url=report.get_absolute_url(),
                        detail=_("due %(due)s") % {"due": _d(period.due)},
                        when=period.due,
                    )
                )
    return lines


def _recent_decisions(user: Any, today: date) -> list[Line]:
    """Reports of the user's units accepted in the last 14 days (to read)."""
    from theodoi.reporting.models import ProgressReport

    units = permissions.reporting.reporting_units(user)
    since = timezone.now() - timedelta(days=14)
    accepted = permissions.reporting.visible_reports(
        user,
        ProgressReport.objects.filter(
            unit__in=units, state=ProgressReport.State.ACCEPTED, decided_at__gte=since
        ),
    ).select_related("period__plan", "unit")[:10]
    return [
        Line(
            INFO,
            _("The report %(period)s of %(unit)s was accepted")
            % {"period": r.period.title, "unit": r.unit.name},
            url=r.get_absolute_url(),
            detail=r.comment,
        )
        for r in accepted
    ]


# -- commune reporter -----------------------------------------------------------------


def _scored_months(today: date) -> tuple[date, date]:
    """(the month being scored, the current month)."""
    current = today.replace(day=1)
    previous = (current - timedelta(days=1)).replace(day=1)
    return previous, current


def _due(day: int, month: date) -> date:
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


def _commune(user: Any, today: date) -> Section:
    from theodoi.tuyenvan.models import (
        Appeal,
        CriteriaSet,
        Meeting,
        MonthlyResult,
        ScoreSheet,
        Submission,
    )
    from theodoi.tuyenvan.scoring import EXPECTED_SUBMISSIONS
    from theodoi.tuyenvan.wording import wording_for

    communes = list(scope.role_units(user, Role.COMMUNE_REPORTER, Unit.Kind.COMMUNE)[:20])
    ids = [c.pk for c in communes]
    months = _scored_months(today)
    results = {
        (r.commune_id, r.month): r
        for r in MonthlyResult.objects.filter(commune_id__in=ids, month__in=months)
    }
    # The criteria set in force: its due day and explanation window.
    provinces = set(
        MonthlyResult.objects.filter(commune_id__in=ids)
        .order_by()
        .values_list("province_id", flat=True)
        .distinct()
    )
    sets = (
        CriteriaSet.objects.published()
        .filter(owner_id__in=provinces, effective_from__lte=months[1])
        .order_by("-effective_from", "-version")
    )
    criteria_set = sets.first()
    due_day = criteria_set.report_due_day if criteria_set else 25
    window_days = criteria_set.explanation_days if criteria_set else 5
    meetings = set(
        Meeting.objects.filter(commune_id__in=ids, month__in=months).values_list(
            "commune_id", "month"
        )
    )
    sheets = {
        (s.commune_id, s.month, s.source): s
        for s in ScoreSheet.objects.filter(
            commune_id__in=ids,
            month__in=months,
            source__in=(ScoreSheet.Source.SELF, ScoreSheet.Source.DISTRICT),
        )
    }
    sent = set(
        Submission.objects.filter(
            sender_id__in=ids, month__in=months, kind__in=EXPECTED_SUBMISSIONS
        ).values_list("sender_id", "month", "kind")
    )
    answered = list(
        permissions.tuyenvan.visible_tuyenvan_appeals(
            user,
            Appeal.objects.filter(
                commune_id__in=ids, answered_at__gte=timezone.now() - timedelta(days=14)
            ),
        ).select_related("criterion", "commune")[:10]
    )
    lines: list[Line] = []
    for commune in communes:
        for month in months:
            result = results.get((commune.pk, month))
            if result is not None and result.status != MonthlyResult.Status.OPEN:
                continue
            key = _month_key(month)
            values = {"month": month.strftime("%m/%Y")}
            if len(communes) > 1:
                values["month"] += f" · {commune.name}"
            month_url = reverse("tuyenvan:month", args=[commune.pk, key])
            due = _due(due_day, month)
            month_over = month < months[1]
            late = OVERDUE if due < today else DUE
            if (commune.pk, month) not in meetings:
                lines.append(
                    Line(
                        OVERDUE if month_over else DUE,
                        _("Record the tuyên vận conference of %(month)s") % values,
                        url=reverse("tuyenvan:meeting", args=[commune.pk, key]),
                        when=month.replace(day=calendar.monthrange(month.year, month.month)[1]),
                    )
                )
            for kind in EXPECTED_SUBMISSIONS:
                if (commune.pk, month, kind) in sent:
                    continue
                text = (
                    _("Send the monthly report of %(month)s")
                    if kind == Submission.Kind.REPORT
                    else _("Send the related documents of %(month)s")
                )
                lines.append(
                    Line(
                        late,
                        text % values,
                        url=month_url + "#send",
                        detail=_("due %(due)s") % {"due": _d(due)},
                        when=due,
                    )
                )
            own = sheets.get((commune.pk, month, ScoreSheet.Source.SELF))
            if own is None or own.state != ScoreSheet.State.SUBMITTED:
                lines.append(
                    Line(
                        OVERDUE if month_over else DUE,
                        _("Submit the self-assessment of %(month)s") % values,
                        url=reverse("tuyenvan:sheet", args=[commune.pk, key, "self"]),
                        detail=_("a draft is saved") if own is not None else "",
                        when=month.replace(day=calendar.monthrange(month.year, month.month)[1]),
                    )
                )
            scored = sheets.get((commune.pk, month, ScoreSheet.Source.DISTRICT))
            if scored is not None and scored.submitted_at is not None:
                opens = timezone.localdate(scored.submitted_at)
                closes = opens + timedelta(days=window_days)
                if opens <= today <= closes:
                    lines.append(
                        Line(
                            DECIDE,
                            wording_for(commune, month, user).read_scores % values,
                            url=reverse("tuyenvan:explain", args=[commune.pk, key]),
                            detail=_("the explanation window is open until %(day)s")
                            % {"day": _d(closes)},
                            when=closes,
                        )
                    )
    for appeal in answered:
        lines.append(
            Line(
                INFO,
                _("Your appeal on %(code)s (%(month)s) was answered: %(outcome)s")
                % {
                    "code": appeal.criterion.code,
                    "month": appeal.month.strftime("%m/%Y"),
                    "outcome": appeal.get_outcome_display(),
                },
                url=reverse("tuyenvan:explain", args=[appeal.commune_id, _month_key(appeal.month)]),
                detail=appeal.answer,
            )
        )
    lines += _own_reports(user, today) + _recent_decisions(user, today)
    links = (
        [
            (
                reverse("tuyenvan:month", args=[communes[0].pk, _month_key(months[0])]),
                _("My month %(month)s") % {"month": months[0].strftime("%m/%Y")},
            )
        ]
        if communes
        else []
    )
    return Section(
        Role.COMMUNE_REPORTER,
        _("Your commune's month"),
        lines,
        empty=_("Nothing to do for your commune now."),
        links=links,
    )


# -- district scorer -------------------------------------------------------------------


def _district(user: Any, today: date) -> Section:
    from theodoi.tuyenvan.models import Appeal, MonthlyResult

    previous, _current = _scored_months(today)
    # The communes the chain in force gives the user: its district's, or (no
    # district tier, from 7/2025) those of the clusters it is assigned to.
    communes = permissions.tuyenvan.scoring_communes(user, previous)
    clusters = permissions.tuyenvan.scores_by_cluster(user, previous)
    open_results = list(
        permissions.tuyenvan.visible_tuyenvan_results(
            user,
            MonthlyResult.objects.filter(
                commune__in=communes, month__lte=previous, status=MonthlyResult.Status.OPEN
            ),
        )
        .select_related("commune", "criteria_set")
        .order_by("month", "commune__position", "commune__name")
    )
    waiting_appeals = list(
        permissions.tuyenvan.visible_tuyenvan_appeals(
            user, Appeal.objects.filter(commune__in=communes, answered_at__isnull=True)
        ).select_related("commune", "criterion")
    )
    # The district's sheets: when each was submitted (the explanation window).
    from theodoi.tuyenvan.models import ScoreSheet

    submitted = {
        (commune_id, month): at
        for commune_id, month, at in ScoreSheet.objects.filter(
            commune__in=communes,
            month__lte=previous,
            source=ScoreSheet.Source.DISTRICT,
            submitted_at__isnull=False,
        ).values_list("commune_id", "month", "submitted_at")
    }
    unopened = (
        permissions.tuyenvan.visible_tuyenvan_inbox(user).filter(opened_at__isnull=True).count()
    )
    appealed = {(a.commune_id, a.month) for a in waiting_appeals}
    to_score, to_resolve, to_approve, window = [], [], [], []
    for result in open_results:
        key = _month_key(result.month)
        label = f"{result.commune.name} · {result.month:%m/%Y}"
        if result.district_total is None:
            to_score.append(
                Line(
                    OVERDUE,
                    label,
                    url=reverse("tuyenvan:sheet", args=[result.commune_id, key, "district"]),
                    # Flags (the self-assessment against the officials') wait for the
                    # district's sheet: said here, as the board shows them.
                    detail=_("%(n)d flag(s)") % {"n": result.open_flags}
                    if result.open_flags
                    else "",
                    when=result.month,
                )
            )
            continue
        if result.open_flags:
            to_resolve.append(
                Line(
                    DECIDE,
                    label,
                    url=reverse("tuyenvan:explain", args=[result.commune_id, key]),
                    detail=_("%(n)d flag(s)") % {"n": result.open_flags},
                    when=result.month,
                )
            )
            continue
        if (result.commune_id, result.month) in appealed:
            continue
        at = submitted.get((result.commune_id, result.month))
        closes = (
            timezone.localdate(at) + timedelta(days=result.criteria_set.explanation_days)
            if at
            else None
        )
        line = Line(
            DECIDE,
            label,
            url=reverse("tuyenvan:month", args=[result.commune_id, key]) + "#approval",
            when=result.month,
        )
        if closes is not None and closes >= today:
            line.detail = _("explanation window open until %(day)s") % {"day": _d(closes)}
            line.urgency = SOON
            window.append(line)
        else:
            to_approve.append(line)
    appeals = [
        Line(
            DECIDE,
            f"{a.commune.name} · {a.month:%m/%Y} · {a.criterion.code}",
            url=reverse("tuyenvan:explain", args=[a.commune_id, _month_key(a.month)])
            + f"#c-{a.criterion.code}",
            detail=a.text[:140],
            when=a.month,
        )
        for a in waiting_appeals
    ]
    lines = [
        line
        for line in (
            _group(
                OVERDUE,
                _("Score the communes of your clusters: %(n)d commune(s)")
                if clusters
                else _("Score the district's sheet: %(n)d commune(s)"),
                to_score,
            ),
            _group(DECIDE, _("Answer the communes' appeals: %(n)d"), appeals),
            _group(DECIDE, _("Resolve the flags (discrepancies): %(n)d commune(s)"), to_resolve),
            _group(
                DECIDE,
                _("Approve the month: %(n)d commune(s) ready"),
                to_approve,
                url=reverse("tuyenvan:bulk-approve", args=[_month_key(previous)]),
            ),
            _group(
                SOON,
                _("Explanation window still open: %(n)d commune(s), approve after it closes"),
                window,
            ),
        )
        if line is not None
    ]
    if unopened:
        lines.append(
            Line(
                DECIDE,
                _("Open the monthly reports received: %(n)d") % {"n": unopened},
                url=reverse("tuyenvan:inbox") + "?unopened=1",
                count=unopened,
            )
        )
    lines += _own_reports(user, today) + _recent_decisions(user, today)
    board = reverse("tuyenvan:index") + f"?month={_month_key(previous)}"
    if clusters:
        names = ", ".join(c.name for c in clusters)
        return Section(
            Role.DISTRICT_SCORER,
            _("Scoring your clusters of communes: %(clusters)s") % {"clusters": names},
            lines,
            empty=_("Nothing waits for your clusters now."),
            links=[
                (
                    f"{board}&cluster={c.pk}",
                    _("%(cluster)s, %(month)s")
                    % {"cluster": c.name, "month": previous.strftime("%m/%Y")},
                )
                for c in clusters
            ],
        )
    return Section(
        Role.DISTRICT_SCORER,
        _("Your district's scoring"),
        lines,
        empty=_("Nothing waits for the district now."),
        links=[
            (
                board,
                _("Communes of %(month)s") % {"month": previous.strftime("%m/%Y")},
            )
        ],
    )


# -- agency reporter ---------------------------------------------------------------------


def _late_follow_ups(user: Any, today: date, role: str) -> list[Line]:
    """Follow-ups of the Standing Committee's directions past their deadline, not closed:
    for a coordinator those of the registers it keeps, for a reporter its units' own
    (one query)."""
    from theodoi.directions.actions import overdue_follow_ups

    matters = permissions.directions.visible_matters(user)
    late = overdue_follow_ups(matters, today).select_related("matter", "unit")
    if role == Role.COORDINATOR:
        late = late.filter(matter__committee__in=permissions.directions.committees(user))
    else:
        late = late.filter(unit_id__in=scope.role_units(user, role).values("pk"))
    children = [
        Line(
            OVERDUE,
            f"{item.unit.name} · {item.text[:120]}",
            url=item.matter.get_absolute_url() + "#follow-ups",
            detail=_("deadline %(day)s") % {"day": _d(item.deadline)},
            when=item.deadline,
        )
        for item in late.order_by("deadline", "pk")
    ]
    group = _group(OVERDUE, _("Follow-ups of the Committee's directions overdue: %(n)d"),
                   children, url=reverse("directions:list") + "?state=directed")  # fmt: skip
    return [group] if group else []


def _agency(user: Any, today: date) -> Section:
    return Section(
        Role.AGENCY_REPORTER,
        _("Your agency's reports"),
        _own_reports(user, today)
        + _recent_decisions(user, today)
        + _late_follow_ups(user, today, Role.AGENCY_REPORTER),
        empty=_("No report is due within %(days)d days.") % {"days": DUE_WITHIN},
        links=[(reverse("reporting:home"), _("All my reports"))],
    )


# -- attending official ------------------------------------------------------------------


def _official(user: Any, today: date) -> Section:
    from theodoi.tuyenvan.models import Meeting, ScoreSheet

    visits = list(
        scope.official_entries(user)
        .filter(day__gte=today, day__lte=today + timedelta(days=45))
        .select_related("commune")
        .order_by("day")[:10]
    )
    attended = list(
        Meeting.objects.filter(
            official_links__user=user,
            month__gte=(today.replace(day=1) - timedelta(days=62)).replace(day=1),
        )
        .select_related("commune")
        .order_by("month")
    )
    observed = set(
        ScoreSheet.objects.filter(
            official=user, source=ScoreSheet.Source.OFFICIAL, state=ScoreSheet.State.SUBMITTED
        ).values_list("commune_id", "month")
    )
    status = {
        (c, m): s
        for c, m, s in permissions.tuyenvan.visible_tuyenvan_results(user)
        .filter(
            Q(commune_id__in=[m.commune_id for m in attended]),
            month__in={m.month for m in attended},
        )
        .values_list("commune_id", "month", "status")
    }
    lines = [
        Line(
            DUE,
            _("Score what you observed at %(commune)s (%(month)s)")
            % {"commune": m.commune.name, "month": m.month.strftime("%m/%Y")},
            url=reverse("tuyenvan:sheet", args=[m.commune_id, _month_key(m.month), "official"]),
            when=m.held_on,
        )
        for m in attended
        if (m.commune_id, m.month) not in observed
        and status.get((m.commune_id, m.month), "open") == "open"
    ]
    lines += [
        Line(
            SOON,
            _("Attend the conference of %(commune)s") % {"commune": v.commune.name},
            url=reverse("tuyenvan_people:my-roster"),
            detail=_("on %(day)s") % {"day": _d(v.day)},
            when=v.day,
        )
        for v in visits
    ]
    return Section(
        Role.OFFICIAL,
        _("Your conference visits"),
        lines,
        empty=_("No visit in the next 45 days."),
        links=[(reverse("tuyenvan_people:my-roster"), _("My roster"))],
    )


# -- coordinator --------------------------------------------------------------------------


def _coordinator(user: Any, today: date) -> Section:
    from theodoi.tuyenvan.models import MonthlyResult

    waiting = list(
        scope.reports_to_decide(user)
        .select_related("period__plan", "unit")
        .order_by("submitted_at", "pk")
    )
    decisions = [
        Line(
            DECIDE,
            f"{r.unit.name} · {r.period.title} ({r.period.plan.number})",
            url=r.get_absolute_url(),
            detail=_("submitted %(day)s")
            % {"day": _d(timezone.localdate(r.submitted_at)) if r.submitted_at else ""},
            when=r.period.due,
        )
        for r in waiting
    ]
    late = _overdue_reports(user, today)
    # Tuyên vận: districts whose communes are all approved (to accept), months to close.
    previous, _current = _scored_months(today)
    cluster_of = {
        commune.pk: cluster
        for cluster in (
            permissions.tuyenvan.visible_clusters(user, previous).prefetch_related("communes")
            if permissions.tuyenvan.by_cluster_in(user, previous)
            else []
        )
        for commune in cluster.communes.all()
    }
    districts: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {"unit": None, "statuses": defaultdict(int), "months": set()}
    )
    for result in (
        permissions.tuyenvan.visible_tuyenvan_results(
            user,
            MonthlyResult.objects.filter(
                month__lte=previous,
                district_id__in=scope.role_units(user, Role.COORDINATOR).values("pk"),
            ).exclude(status=MonthlyResult.Status.CLOSED),
        )
        .select_related("district")
        .only("commune_id", "district__name", "district__position", "month", "status")
    ):
        # Communes directly under a province scored by cluster: their cluster's line.
        cluster = cluster_of.get(result.commune_id)
        key = ("cluster", cluster.pk) if cluster else ("district", result.district_id)
        entry = districts[(key, result.month)]
        entry["unit"] = cluster or result.district
        entry["month"] = result.month
        entry["statuses"][result.status] += 1
    to_accept, to_close, approving = [], [], []
    for entry in districts.values():
        unit, month, statuses = entry["unit"], entry["month"], entry["statuses"]
        by_cluster = not isinstance(unit, Unit)
        url = reverse("tuyenvan:index") + (
            f"?month={_month_key(month)}&cluster={unit.pk}"
            if by_cluster
            else f"?month={_month_key(month)}&district={unit.pk}"
        )
        label = f"{unit.name} · {month:%m/%Y}"
        if statuses.get(MonthlyResult.Status.OPEN):
            counts = {"open": statuses[MonthlyResult.Status.OPEN], "all": sum(statuses.values())}
            approving.append(
                Line(
                    SOON,
                    label,
                    url=url,
                    detail=(
                        _("%(open)d of %(all)d communes not yet approved by the cluster's scorers")
                        if by_cluster
                        else _("%(open)d of %(all)d communes not yet approved by the district")
                    )
                    % counts,
                    when=month,
                )
            )
        elif statuses.get(MonthlyResult.Status.APPROVED):
            to_accept.append(Line(DECIDE, label, url=url, when=month))
        else:
            to_close.append(Line(DECIDE, label, url=url, when=month))
    received = (
        permissions.tuyenvan.visible_tuyenvan_inbox(user).filter(opened_at__isnull=True).count()
    )
    lines = [
        line
        for line in (
            _group(DECIDE, _("Reports waiting for your decision: %(n)d"), decisions),
            _group(OVERDUE, _("Reports overdue, not submitted: %(n)d"), late),
            _group(DECIDE, _("Tuyên vận: districts or clusters to accept: %(n)d"), to_accept),
            _group(DECIDE, _("Tuyên vận: months to close: %(n)d"), to_close),
            _group(
                SOON, _("Tuyên vận: districts or clusters still approving: %(n)d"), approving
            ),
        )
        if line is not None
    ]
    lines += _late_follow_ups(user, today, Role.COORDINATOR)
    if received:
        lines.append(
            Line(
                DECIDE,
                _("Open the documents received: %(n)d") % {"n": received},
                url=reverse("tuyenvan:inbox") + "?unopened=1",
                count=received,
            )
        )
    return Section(
        Role.COORDINATOR,
        _("Decisions waiting"),
        lines,
        empty=_("No decision waits for you."),
        links=[
            (reverse("plans:list"), _("Plans")),
            (reverse("tuyenvan:index"), _("Tuyên vận")),
        ],
    )


def _overdue_reports(user: Any, today: date, role: str = Role.COORDINATOR) -> list[Line]:
    """Reports owed to the plans the user coordinates, past due and not submitted
    (never started, draft or returned), of periods due in the last 180 days."""
    from theodoi.reporting.models import ProgressReport, ReportingPeriod
    from theodoi.reporting.periods import owing_by_period

    periods = list(
        ReportingPeriod.objects.filter(
            plan_id__in=scope.overseen_plan_ids(user, role),
            due__lt=today,
            due__gte=today - timedelta(days=180),
        ).select_related("plan")
    )
    if not periods:
        return []
    owing = owing_by_period(periods)
    reports = {
        (r.period_id, r.unit_id): r
        for r in ProgressReport.objects.filter(period__in=periods).only(
            "pk", "period_id", "unit_id", "state"
        )
    }
    units = Unit.objects.in_bulk({u for ids in owing.values() for u in ids})
    lines = []
    open_states = (ProgressReport.State.DRAFT, ProgressReport.State.RETURNED)
    for period in periods:
        for unit_id in owing.get(period.pk, ()):
            report = reports.get((period.pk, unit_id))
            if report is not None and report.state not in open_states:
                continue
            lines.append(
                Line(
                    OVERDUE,
                    f"{units[unit_id].name} · {period.title}",
                    url=report.get_absolute_url()
                    if report
                    else reverse("reporting:period", args=[period.pk]),
                    detail=report.get_state_display() if report else _("not started"),
                    when=period.due,
                    plan_id=period.plan_id,
                )
            )
    return lines


# -- leadership viewer -------------------------------------------------------------------


def _viewer(user: Any, today: date) -> Section:
    previous, _current = _scored_months(today)
    plans = list(
        permissions.reporting.visible_reporting_plans(user)
        .filter(pk__in=scope.overseen_plan_ids(user, Role.VIEWER))
        .order_by("-pk")[:5]
    )
    late: dict[int, int] = defaultdict(int)
    for line in _overdue_reports(user, today, Role.VIEWER):
        late[line.plan_id or 0] += 1
    lines = [
        Line(
            INFO,
            _("Progress of %(plan)s") % {"plan": plan.number},
            url=reverse("reporting:dashboard", args=[plan.pk]),
            detail=_("%(n)d reports overdue") % {"n": late[plan.pk]} if late.get(plan.pk) else "",
        )
        for plan in plans
    ]
    lines.append(
        Line(
            INFO,
            _("Tuyên vận rankings of %(month)s") % {"month": previous.strftime("%m/%Y")},
            url=reverse("tuyenvan:rankings") + f"?period={_month_key(previous)}",
        )
    )
    return Section(Role.VIEWER, _("To follow"), lines)


# -- administrator ------------------------------------------------------------------------


def _admin(user: Any, today: date) -> Section:
    orphans = list(scope.accounts_without_role(user).order_by("username")[: CHILDREN_SHOWN + 1])
    children = [
        Line(
            DECIDE,
            o.get_full_name() or o.username,
            url=reverse("admin:auth_user_change", args=[o.pk]),
            detail=o.username,
        )
        for o in orphans
    ]
    line = _group(DECIDE, _("Accounts without a role: %(n)d"), children)
    return Section(
        Role.ADMIN,
        _("Administration"),
        [line] if line else [],
        empty=_("Every account has a role."),
        links=[(reverse("admin:index"), _("Administration")), (reverse("units:tree"), _("Units"))],
    )
