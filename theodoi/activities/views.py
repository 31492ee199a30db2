"""Pages of the records, the targets and the networks: access → validate → change → respond."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core import clock
from theodoi.core.workflow import Stale
from theodoi.permissions import activities as access
from theodoi.permissions import visible_units
from theodoi.permissions.plans import visible_work_items
from theodoi.units.models import Unit

from . import actions, importer, networks, targets
from .forms import (
    ActivityForm,
    AttendanceForm,
    CloseForm,
    DeleteForm,
    FileForm,
    FilterForm,
    FollowUpForm,
    ImportForm,
    MemberForm,
    StandardForm,
    TargetForm,
    UnitPickForm,
)
from .kinds import PURPOSES, STAGES
from .models import Activity, Kind, Network, NetworkMember, NetworkStandard, Target

# Every key a kind's details may have, so the page reads any kind's record.
DETAIL_KEYS = dict.fromkeys(
    ("topic", "presenter", "materials", "points", "chair", "purpose", "course", "trainees",
     "participants", "rounds", "entrants", "stage", "volume", "copies", "sessions", "leader",
     "issues", "field", "year_recognised", "description", "results"),
    "",
)  # fmt: skip


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            field = name.split(".")[1] if name.startswith("details.") else name
            if field not in form.fields:
                field = None
            prefix = f"{name}: " if name.startswith("details.") and "." in name[8:] else ""
            form.add_error(field, [prefix + e for e in errs])
    else:
        form.add_error(None, error.messages)


def _choices(user: Any) -> dict[str, Any]:
    return {
        "owners": access.recording_units(user).order_by("position", "name"),
        "units": visible_units(user).order_by("position", "name"),
        "work_items": visible_work_items(user)
        .select_related("task__plan")
        .order_by("-task__plan__year", "position", "pk"),
    }


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = FilterForm(request.GET or None, units=visible_units(user).order_by("position", "name"))
    queryset = access.visible_activities(user, Activity.objects.select_related("owner"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["unit"]:
            from .api import held_within

            queryset = held_within(queryset, targets.subtrees([data["unit"].pk])[data["unit"].pk])
        if data["start"]:
            queryset = queryset.filter(start__gte=data["start"])
        if data["end"]:
            queryset = queryset.filter(start__lte=data["end"])
    page = Paginator(queryset.order_by("-start", "-pk"), 30).get_page(request.GET.get("page"))
    model_counts = None
    if form.is_bound and form.is_valid() and form.cleaned_data["kind"] == Kind.MODEL:
        # The "Dân vận khéo" register: models per unit and year recognised.
        model_counts = list(
            queryset.values("units__name", "details__year_recognised")
            .annotate(n=Count("pk", distinct=True))
            .order_by("units__name", "details__year_recognised")
        )
    return render(
        request,
        "activities/list.html",
        {
            "form": form,
            "page": page,
            "kinds": Kind.choices,
            "may_record": user.has_perm("activities.add_activity", None),
            "query": request.GET.copy().urlencode() if request.GET else "",
            "model_counts": model_counts,
        },
    )


def _save(request: HttpRequest, form: ActivityForm, kind: str, activity: Activity | None) -> Any:
    """Validate and save the form; the record, or None with the errors on the form."""
    user = request.user
    if not form.is_valid():
        return None
    details = form.details()
    if form.errors:
        return None
    data = form.cleaned_data
    owner = data["owner"]
    access.require_owner(user, owner, activity)
    record = actions.ActivityData(
        kind=kind,
        title=data["title"],
        start=data["start"],
        end=data.get("end"),
        place=data.get("place", ""),
        owner=owner,
        units=list(data.get("units") or []),
        work_item=data.get("work_item"),
        mode=data.get("mode", ""),
        level=data.get("level", "") or "",
        summary=data.get("summary", ""),
        details=details,
    )
    known = set(form.fields["units"].queryset.values_list("pk", flat=True))
    try:
        if activity is None:
            return actions.do_create_activity(record, by=user, known_units=known)
        return actions.do_update_activity(
            activity, record, version=data.get("version") or 0, by=user,
            reason=data.get("reason", ""), known_units=known,
        )  # fmt: skip
    except ValidationError as error:
        _form_errors(form, error)
    except Stale as stale:
        form.add_error(None, str(stale))
        form.stale = stale.current  # type: ignore[attr-defined]
    return None


@login_required
def activity_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Kind.values:
        raise Http404
    user = request.user
    if not user.has_perm("activities.add_activity", None):
        raise PermissionDenied
    choices = _choices(user)
    initial = {"owner": access.default_owner(user), "start": clock.today()}
    if request.GET.get("work_item", "").isdigit():
        initial["work_item"] = int(request.GET["work_item"])
    form = ActivityForm(request.POST or None, kind=kind, initial=initial, **choices)
    if request.method == "POST":
        activity = _save(request, form, kind, None)
        if activity is not None:
            messages.success(request, _("The record is saved."))
            return redirect(activity.get_absolute_url())
    return render(
        request,
        "activities/form.html",
        {"form": form, "kind": kind, "kind_label": Kind(kind).label, "activity": None},
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = access.access_activity(user, pk, "change")
    choices = _choices(user)
    form = ActivityForm(
        request.POST or None,
        kind=activity.kind,
        initial=ActivityForm.initial_for(activity),
        editing=True,
        **choices,
    )
    if request.method == "POST":
        saved = _save(request, form, activity.kind, activity)
        if saved is not None:
            messages.success(request, _("The record is saved."))
            return redirect(saved.get_absolute_url())
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "kind": activity.kind,
            "kind_label": Kind(activity.kind).label,
            "activity": activity,
            "stale": getattr(form, "stale", None),
        },
    )


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    activity = access.access_activity(
        user,
        pk,
        "view",
        queryset=Activity.objects.select_related("owner", "work_item__task__plan").prefetch_related(
            "units", "files", "follow_ups", "network_members"
        ),
    )
    may_change = user.has_perm("activities.change_activity", activity)
    unit_names: dict[int, str] = {u.pk: u.name for u in activity.units.all()}
    wanted = {
        r.get("unit")
        for key in ("trainees", "participants", "entrants")
        for r in activity.details.get(key) or []
        if r.get("unit") and r.get("unit") not in unit_names
    }
    if wanted:
        unit_names.update(dict(visible_units(user).filter(pk__in=wanted).values_list("pk", "name")))
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "d": {**DETAIL_KEYS, **activity.details},
            "people": activity.details.get("trainees") or activity.details.get("participants"),
            "unit_names": unit_names,
            "stage": STAGES.get(activity.details.get("stage", "")),
            "purpose": PURPOSES.get(activity.details.get("purpose", "")),
            "may_change": may_change,
            "file_form": FileForm(),
            "follow_up_form": FollowUpForm(),
            "close_form": CloseForm(initial={"closed_on": clock.today()}),
            "delete_form": DeleteForm(initial={"version": activity.version}),
            "history": activity.history.select_related("history_user").order_by("-history_id")[:10],
            "attendance_form": AttendanceForm(
                members=_attendance_choices(user, activity),
                initial={"members": [m.pk for m in activity.network_members.all()]},
            )
            if may_change
            else None,
        },
    )


def _attendance_choices(user: Any, activity: Activity) -> Any:
    """The network members the user sees, under the committees of the record's owner
    and of the units that held it: an agency's record reaches its committee's whole
    territory (the Ban Tuyên giáo's conference: the province's members)."""
    territorial = {Unit.Kind.PROVINCE, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE, Unit.Kind.VILLAGE}
    roots = {
        u.pk if u.kind in territorial or u.parent_id is None else u.parent_id
        for u in (activity.owner, *activity.units.all())
    }
    within = set().union(*targets.subtrees(roots).values())
    return (
        access.visible_members(user)
        .filter(unit_id__in=within)
        .select_related("unit")
        .order_by("network", "unit__position", "unit__name", "full_name")
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the network members who attended a record (its writers)."""
    activity = access.access_activity(request.user, pk, "change")
    offered = _attendance_choices(request.user, activity)
    form = AttendanceForm(request.POST, members=offered)
    if form.is_valid():
        actions.do_set_attendance(
            activity, list(form.cleaned_data["members"]), offered=list(offered), by=request.user
        )
        messages.success(request, _("Attendance saved."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, "delete")
    form = DeleteForm(request.POST)
    if form.is_valid():
        try:
            actions.do_delete_activity(
                activity, version=form.cleaned_data["version"], by=request.user,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except Stale as stale:
            messages.error(request, str(stale))
            return redirect(activity.get_absolute_url())
        messages.success(request, _("The record is deleted."))
        return redirect("activities:list")
    messages.error(request, _("Say why the record is deleted."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def add_file(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, "change")
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_add_activity_file(activity, form.cleaned_data["file"], by=request.user)
            messages.success(request, _("The file is attached."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Choose a file."))
    return redirect(activity.get_absolute_url())


@login_required
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_activity_file(request.user, pk)
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name,
        content_type=actions.file_content_type(item),
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def add_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, "change")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_follow_up(activity, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write the follow-up."))
    return redirect(activity.get_absolute_url())


@login_required
@require_POST
def close_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_follow_up(request.user, pk, "change")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.do_close_follow_up(
                item, closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["closing_note"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Say when and how it was closed."))
    return redirect(item.activity.get_absolute_url())


@login_required
def import_activities(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("activities.add_activity", None):
        raise PermissionDenied
    if request.GET.get("template") == "1":
        response = HttpResponse(
            importer.template_bytes(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="hoat-dong.xlsx"'
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importer.import_file(form.cleaned_data["file"], user=user)
        if result.ok:
            messages.success(request, _("%(n)s records imported.") % {"n": result.created})
            return redirect("activities:list")
    return render(request, "activities/import.html", {"form": form, "result": result})


# Targets -----------------------------------------------------------------------


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    rows = list(
        access.visible_targets(
            request.user, Target.objects.select_related("unit", "plan")
        ).order_by("-start", "pk")[:200]
    )
    results = targets.evaluate(rows)
    return render(
        request,
        "activities/targets.html",
        {
            "results": [results[t.pk] for t in rows],
            "may_set": request.user.has_perm("activities.add_target", None),
        },
    )


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    target = access.access_target(user, pk)
    result = targets.evaluate_one(target)
    records = list(
        access.visible_activities(user, Activity.objects.select_related("owner"))
        .filter(pk__in=result.record_ids)
        .order_by("start", "pk")
    )
    return render(
        request,
        "activities/target.html",
        {
            "result": result,
            "target": target,
            "records": records,
            "may_change": user.has_perm("activities.change_target", target),
            "delete_form": DeleteForm(initial={"version": target.version}),
            "history": target.history.select_related("history_user").order_by("-history_id")[:10],
        },
    )


def _target_form(request: HttpRequest, target: Target) -> TargetForm:
    user = request.user
    return TargetForm(
        request.POST or None,
        instance=target,
        units=access.target_units(user).order_by("position", "name"),
        plans=access.linkable_plans(user).order_by("-year", "pk"),
        indicators=access.linkable_indicators(user).select_related("objective"),
    )


def _save_versioned(
    request: HttpRequest,
    form: Any,
    save: Callable[..., Any],
    done: str,
    where: Callable[[Any], tuple[Any, ...]],
) -> HttpResponse | None:
    """Save a valid form's object (new, or over the version read) through its action;
    None with the errors at their fields, a stale read said above the form."""
    if not form.is_valid():
        return None
    creating = form.instance.pk is None
    try:
        saved = save(
            form.instance,
            version=None if creating else form.cleaned_data.get("version") or 0,
            by=request.user,
            reason=form.cleaned_data.get("reason") or ("created" if creating else ""),
        )
    except ValidationError as error:
        _form_errors(form, error)
        return None
    except Stale as stale:
        form.add_error(None, str(stale))
        return None
    messages.success(request, done)
    return redirect(*where(saved))


def _save_target(request: HttpRequest, form: TargetForm, target: Target) -> HttpResponse | None:
    """Save a valid form as the target (new or over the version read); None with errors."""
    return _save_versioned(
        request,
        form,
        actions.do_save_target,
        _("The target is saved."),
        lambda saved: (saved.get_absolute_url(),),
    )


@login_required
def target_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("activities.add_target", None):
        raise PermissionDenied
    target = Target(start=clock.today().replace(month=1, day=1))
    target.end = target.start.replace(month=12, day=31)
    form = _target_form(request, target)
    if request.method == "POST" and (done := _save_target(request, form, target)):
        return done
    return render(request, "activities/target_form.html", {"form": form, "target": None})


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.access_target(request.user, pk, "change")
    form = _target_form(request, target)
    if request.method == "POST" and (done := _save_target(request, form, target)):
        return done
    return render(request, "activities/target_form.html", {"form": form, "target": target})


@login_required
@require_POST
def target_delete(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.access_target(request.user, pk, "delete")
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the target is deleted."))
        return redirect(target.get_absolute_url())
    try:
        actions.do_delete_target(
            target, version=form.cleaned_data["version"], by=request.user,
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    except Stale as stale:
        messages.error(request, str(stale))
        return redirect(target.get_absolute_url())
    messages.success(request, _("The target is deleted."))
    return redirect("activities:targets")


# Networks ----------------------------------------------------------------------


@login_required
def network(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Network.values:
        raise Http404
    user = request.user
    rows = networks.gaps(
        kind, access.visible_members(user), access.visible_standards(user), clock.today()
    )
    counts = dict(
        access.visible_members(user)
        .values_list("network")
        .annotate(n=Count("pk"))
        .values_list("network", "n")
    )
    return render(
        request,
        "activities/network.html",
        {
            "rows": rows,
            "kind": kind,
            "label": Network(kind).label,
            "networks": [(k, label, counts.get(k, 0)) for k, label in Network.choices],
            "today": clock.today(),
            "may_keep": user.has_perm("activities.add_networkmember", None),
            "kept": set(access.target_units(user).values_list("pk", flat=True)),
            "pick": UnitPickForm(units=access.target_units(user).order_by("position", "name")),
        },
    )


def _member_form(request: HttpRequest, member: NetworkMember) -> MemberForm:
    return MemberForm(
        request.POST or None,
        instance=member,
        units=access.target_units(request.user).order_by("position", "name"),
    )


def _save_member(request: HttpRequest, form: MemberForm, member: NetworkMember) -> Any:
    return _save_versioned(
        request,
        form,
        actions.do_save_member,
        _("The register is saved."),
        lambda saved: ("activities:network", saved.network),
    )


@login_required
def member_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Network.values:
        raise Http404
    if not request.user.has_perm("activities.add_networkmember", None):
        raise PermissionDenied
    member = NetworkMember(network=kind, term_start=clock.today())
    initial_unit = request.GET.get("unit", "")
    form = _member_form(request, member)
    if initial_unit.isdigit() and not form.is_bound:
        form.initial["unit"] = int(initial_unit)
    if request.method == "POST" and (done := _save_member(request, form, member)):
        return done
    return render(
        request,
        "activities/member_form.html",
        {"form": form, "member": None, "kind": kind, "label": Network(kind).label},
    )


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = access.access_member(request.user, pk, "change")
    form = _member_form(request, member)
    if request.method == "POST" and (done := _save_member(request, form, member)):
        return done
    return render(
        request,
        "activities/member_form.html",
        {
            "form": form,
            "member": member,
            "kind": member.network,
            "label": Network(member.network).label,
            "history": member.history.select_related("history_user").order_by("-history_id")[:10],
        },
    )


@login_required
def standard_edit(request: HttpRequest, kind: str, unit_id: int) -> HttpResponse:
    if kind not in Network.values:
        raise Http404
    user = request.user
    if request.method == "GET" and "unit" in request.GET:
        # The network page's "set a standard" picker: go to the chosen unit's page.
        unit = access.access_standard_unit(user, request.GET["unit"])
        return redirect("activities:standard", kind, unit.pk)
    unit = access.access_standard_unit(user, unit_id)
    found = NetworkStandard.objects.filter(unit=unit, network=kind).first()
    form = StandardForm(
        request.POST or None,
        initial={
            "number": found.number if found else None,
            "basis": found.basis if found else "",
            "version": found.version if found else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_save_standard(
                unit, kind, number=data["number"], basis=data["basis"],
                version=data["version"], by=user, reason=data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            _form_errors(form, error)
        except Stale as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, _("The standard is saved."))
            return redirect("activities:network", kind)
    history = (
        NetworkStandard.history.filter(unit_id=unit.pk, network=kind)
        .select_related("history_user")
        .order_by("-history_id")[:10]
    )
    return render(
        request,
        "activities/standard_form.html",
        {
            "form": form,
            "unit": unit,
            "kind": kind,
            "label": Network(kind).label,
            "standard": found,
            "history": history,
        },
    )
