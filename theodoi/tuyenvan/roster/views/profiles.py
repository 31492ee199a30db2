"""Which district each provincial official follows (phụ trách địa bàn)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.core import clock
from theodoi.permissions import roster as access

from .. import actions
from ..forms import ReasonForm
from ..models import RosterEntry
from ..roster import province_grouping, province_officials
from .common import districts_of


@login_required
def officials_follow(request: HttpRequest) -> HttpResponse:
    """Which district each provincial official follows (coordinators of the province)."""
    permissions.require(request.user, "tuyenvan_people.change_officialprofile")
    today = clock.today()
    sections = []
    for province in access.round_provinces(request.user).order_by("name"):
        officials = [
            o
            for o in province_officials(province, today, today)
            if o.kind == RosterEntry.Kind.PROVINCIAL
        ]
        grouping = province_grouping(province, today)
        sections.append(
            {
                "province": province,
                "districts": [] if grouping.by_cluster else districts_of(province),
                "officials": officials,
                # Without a district tier: the clusters each official is assigned to.
                "clusters": grouping.clusters if grouping.by_cluster else None,
            }
        )
    errors: dict[str, str] = {}
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not reason_form.is_valid():
            errors["reason"] = reason_form.errors["reason"][0]
        changes = {}
        for section in sections:
            if section["clusters"] is not None:
                continue  # assigned to clusters, not following a district
            by_id = {str(d.pk): d for d in section["districts"]}
            for official in section["officials"]:
                name = f"follows-{official.user.pk}"
                raw = request.POST.get(name, "")
                if raw and raw not in by_id:
                    errors[name] = _("Choose a district of this province.")
                    continue
                changes[official.user] = by_id.get(raw)
        if not errors:
            try:
                count = actions.do_set_followed_districts(
                    changes, by=request.user, reason=reason_form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                errors["reason"] = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("%(n)s change(s) saved; generate the rosters again to use them.")
                    % {"n": count},
                )
                return redirect("tuyenvan_people:officials")
    for section in sections:
        section["rows"] = [
            {
                "official": o,
                "name": f"follows-{o.user.pk}",
                "value": request.POST.get(f"follows-{o.user.pk}", str(o.district_id or ""))
                if errors
                else str(o.district_id or ""),
                "error": errors.get(f"follows-{o.user.pk}"),
                "clusters": [
                    c.name for c in section["clusters"] or [] if o.user.pk in c.official_ids
                ],
            }
            for o in section["officials"]
        ]
    return render(
        request,
        "tuyenvan_people/officials.html",
        {
            "sections": sections,
            "reason_error": errors.get("reason"),
            # Every province without a district tier: the page speaks of clusters only.
            "by_cluster": bool(sections) and all(s["clusters"] is not None for s in sections),
        },
        status=422 if errors else 200,
    )
