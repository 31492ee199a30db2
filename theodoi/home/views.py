"""The role home (``/`` when signed in) and the notification preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.core import clock

from . import todo
from .forms import PreferenceForm
from .models import NotificationPreference


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What the user's roles have to do now, most urgent first, each line a link to it."""
    sections = todo.sections(request.user, clock.today())
    return render(
        request,
        "home/home.html",
        {
            "sections": sections,
            "todo": sum(s.todo for s in sections),
            "memberships": permissions.memberships(request.user),
            "today": clock.today(),
        },
    )


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """How the user is told of events: e-mail now, a daily digest, or the app only."""
    instance = NotificationPreference.objects.filter(user=request.user).first()
    instance = instance or NotificationPreference(
        user=request.user, language=getattr(request, "LANGUAGE_CODE", "vi")
    )
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("home:preferences")
    return render(request, "home/preferences.html", {"form": form})
