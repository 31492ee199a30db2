"""Pages of the register of matters put to the Standing Committee: the list, a matter
with its direction and follow-ups, raising a matter, recording the direction, adding
and closing follow-ups, and the history. Access: ``theodoi.permissions.directions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from theodoi.core import clock
from theodoi.core.history import build_entries, records, render_history
from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.permissions import directions as access
from theodoi.permissions import plans as plan_access
from theodoi.permissions import visible_units

from . import actions
from .forms import CloseForm, DirectionForm, FollowUpForm, MatterForm
from .models import FollowUpItem, Matter

STALE_MESSAGE = gettext_lazy(
    "Someone else changed this matter after you opened it: "
    "its current state is shown; check it and send again."
)


def _errors(form: Any, error: ValidationError) -> None:
    """Put each message at its field (``follow_ups.0.deadline`` → ``deadline``)."""
    if hasattr(error, "error_dict"):
        for name, errs in error.message_dict.items():
            field = name.rsplit(".", 1)[-1]
            if field == "text" and "follow_up" in form.fields and name.startswith("follow_ups"):
                field = "follow_up"
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def _units(user: Any) -> Any:
    today = clock.today()
    return (
        visible_units(user)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=today))
        .order_by("kind", "position", "name")
    )


def _work_items(user: Any, matter: Matter) -> Any:
    if matter.plan_id is None:
        return plan_access.visible_work_items(user).none()
    return (
        plan_access.visible_work_items(user)
        .filter(task__plan_id=matter.plan_id)
        .select_related("task")
        .order_by("task__position", "task_id", "position", "pk")
    )


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    matters = access.visible_matters(
        user, Matter.objects.select_related("raised_by", "committee")
    ).annotate(
        open_follow_ups=Count("follow_ups", filter=Q(follow_ups__closed_on__isnull=True)),
        late_follow_ups=Count("follow_ups", filter=Q(
            follow_ups__closed_on__isnull=True, follow_ups__deadline__lt=clock.today())),
    ).order_by("-raised_on", "-pk")  # fmt: skip
    state = request.GET.get("state", "")
    if state in Matter.State.values:
        matters = matters.filter(state=state)
    else:
        state = ""
    return render(request, "directions/list.html", {
        "matters": matters, "state": state, "states": Matter.State.choices,
        "can_raise": access.committees(user).exists(),
    })  # fmt: skip


@login_required
def matter_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    committees = access.committees(user)
    if not committees.exists():
        raise PermissionDenied
    own = next((m.unit for m in access.memberships(user) if m.role == access.Role.COORDINATOR),
               None)  # fmt: skip
    form = MatterForm(
        request.POST or None,
        committees=committees,
        units=_units(user),
        plans=plan_access.visible_plans(user).order_by("-year", "number"),
        initial={"raised_on": clock.today(), "raised_by": own.pk if own else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            matter = actions.do_raise_matter(
                data["committee"], raised_by=data["raised_by"], title=data["title"],
                content=data["content"], raised_on=data["raised_on"], body=data["body"],
                plan=data["plan"], by=user,
            )  # fmt: skip
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The matter is recorded as awaiting direction."))
            return redirect(matter)
    return render(request, "directions/matter_form.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def _detail(
    request: HttpRequest, matter: Matter, *, direction_form: Any = None,
    follow_up_form: Any = None, close_forms: dict[int, Any] | None = None,
    stale: bool = False, status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    matter = Matter.objects.select_related("committee", "raised_by", "plan").get(pk=matter.pk)
    follow_ups = list(matter.follow_ups.select_related("unit", "work_item"))
    can_change = user.has_perm("directions.change_matter", matter)
    units, work_items = (_units(user), _work_items(user, matter)) if can_change else (None, None)
    if can_change and matter.state == Matter.State.AWAITING and direction_form is None:
        direction_form = DirectionForm(
            initial={"version": matter.version, "issued_on": clock.today()},
            units=units, work_items=work_items,
        )  # fmt: skip
    if can_change and matter.state != Matter.State.AWAITING and follow_up_form is None:
        follow_up_form = FollowUpForm(initial={"version": matter.version}, units=units,
                                      work_items=work_items)  # fmt: skip
    close_forms = close_forms or {}
    today = clock.today()
    for item in follow_ups:
        item.late = item.closed_on is None and item.deadline is not None and item.deadline < today
        item.close_form = None
        if item.closed_on is None and user.has_perm("directions.close_followupitem", item):
            item.close_form = close_forms.get(item.pk) or CloseForm(prefix=f"f{item.pk}")
    return render(request, "directions/detail.html", {
        "matter": matter, "follow_ups": follow_ups, "can_change": can_change,
        "direction_form": direction_form if can_change else None,
        "follow_up_form": follow_up_form if can_change else None,
        "stale": stale,
    }, status=status)  # fmt: skip


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.access_matter(request.user, pk))


@login_required
@require_POST
def record_direction(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = access.access_matter(user, pk, "change")
    form = DirectionForm(request.POST, units=_units(user), work_items=_work_items(user, matter))
    if not form.is_valid():
        return _detail(request, matter, direction_form=form, status=400)
    data = form.cleaned_data
    follow_ups = []
    if not data["nothing_to_follow"]:
        follow_ups.append(actions.FollowUpIn(data["follow_up"], data["unit"], data["deadline"],
                                             data.get("work_item")))  # fmt: skip
    try:
        actions.do_record_direction(
            matter, by=user, number=data["number"], issued_on=data["issued_on"],
            text=data["text"], follow_ups=follow_ups, version=data["version"],
        )  # fmt: skip
    except Stale as stale:
        if stale.current.state != Matter.State.AWAITING:
            # Recorded by someone else meanwhile: the page shows that direction.
            messages.error(request, _("The direction on this matter is already recorded."))
            return redirect(matter)
        form.add_error(None, STALE_MESSAGE)
        return _detail(request, matter, direction_form=form, stale=True, status=409)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        return redirect(matter)
    except ValidationError as error:
        _errors(form, error)
        return _detail(request, matter, direction_form=form, status=400)
    messages.success(request, _("The direction is recorded."))
    return redirect(matter)


@login_required
@require_POST
def add_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    matter = access.access_matter(user, pk, "change")
    form = FollowUpForm(request.POST, units=_units(user), work_items=_work_items(user, matter))
    if not form.is_valid():
        return _detail(request, matter, follow_up_form=form, status=400)
    data = form.cleaned_data
    item = actions.FollowUpIn(data["text"], data["unit"], data["deadline"], data.get("work_item"))
    try:
        actions.do_add_follow_up(matter, item, by=user, version=data["version"])
    except Stale:
        form.add_error(None, STALE_MESSAGE)
        return _detail(request, matter, follow_up_form=form, stale=True, status=409)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
        return redirect(matter)
    except ValidationError as error:
        _errors(form, error)
        return _detail(request, matter, follow_up_form=form, status=400)
    messages.success(request, _("Follow-up added."))
    return redirect(matter)


@login_required
@require_POST
def close_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    item = access.access_follow_up(user, pk, "close")
    form = CloseForm(request.POST, prefix=f"f{item.pk}")
    if not form.is_valid():
        return _detail(request, item.matter, close_forms={item.pk: form}, status=400)
    try:
        actions.do_close_follow_up(item, by=user, note=form.cleaned_data["note"],
                                   closed_on=form.cleaned_data["closed_on"])  # fmt: skip
    except TransitionRefused as refused:
        # Closed by someone else meanwhile: the page shows it closed.
        messages.error(request, str(refused))
        return redirect(item.matter)
    except ValidationError as error:
        _errors(form, error)
        return _detail(request, item.matter, close_forms={item.pk: form}, status=400)
    messages.success(request, _("Follow-up closed."))
    return redirect(item.matter)


@login_required
def matter_history(request: HttpRequest, pk: int) -> HttpResponse:
    matter = access.access_matter(request.user, pk)
    entries = [
        *build_entries(records(Matter, id=matter.pk)),
        *build_entries(
            records(FollowUpItem, matter_id=matter.pk),
            lambda r: _("Follow-up: %(text)s") % {"text": r.text[:80]},
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    return render_history(request, matter, entries, [
        (matter.get_absolute_url(), matter.title[:60])])  # fmt: skip
