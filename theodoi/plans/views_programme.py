"""The programme over its years: recording the indicators' yearly values."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.permissions import parse_id
from theodoi.permissions.plans import access_programme

from .actions import _attribute
from .forms_proposals import IndicatorValuesForm, ReviewForm
from .models import ProgrammeReview
from .programme import do_record_values, programme_indicators, record_values


@login_required
def indicator_values(request: HttpRequest, pk: int) -> HttpResponse:
    """A year's values of the programme's indicators (``?year=`` picks the year)."""
    programme = access_programme(request.user, pk, "record_values")
    years = list(range(programme.start_year, programme.end_year + 1))
    indicators = programme_indicators(programme)
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or clock.today().year)
    except ValueError:
        year = years[-1]
    year = min(max(year, years[0]), years[-1])
    initial: dict[str, object] = {"year": year}
    measured = {pk: v for (pk, y), v in record_values(programme, [year]).items() if y == year}
    for indicator in indicators:
        for value in indicator.values.all():
            if value.year == year:
                initial[f"i{indicator.pk}"] = value.value
                initial["source"] = value.source
    form = IndicatorValuesForm(
        request.POST or None,
        initial=initial,
        years=years,
        indicators=indicators,
        measured=measured,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = do_record_values(
                programme,
                year=form.cleaned_data["year"],
                values=form.values(),
                source=form.cleaned_data["source"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("%(n)s value(s) recorded.") % {"n": changed})
            return redirect(programme)
    url = programme.get_absolute_url()
    return render(
        request,
        "plans/edit.html",
        {
            "form": form,
            "title": _("Results of the indicators by year"),
            "cancel": url,
            "crumbs": [(url, programme.code)],
        },
    )


@login_required
def programme_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a review of the programme's years, or correct one (``?id=``), version-checked."""
    programme = access_programme(request.user, pk, "record_values")
    years = list(range(programme.start_year, programme.end_year + 1))
    chosen = request.POST.get("id") or request.GET.get("id")
    review = None
    if chosen:
        review = programme.reviews.filter(pk=parse_id(chosen)).first()
        if review is None:
            raise Http404
    initial = {"version": review.version} if review else {"first_year": years[0]}
    form = ReviewForm(request.POST or None, instance=review, initial=initial, years=years)
    stale = False
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if review is not None:
                # Claim the version read: a save in between makes this form stale.
                stale = not ProgrammeReview.objects.filter(
                    pk=review.pk, version=form.cleaned_data.get("version") or 0
                ).update(version=F("version") + 1)
            if stale:
                form.add_error(None, _(
                    "Someone else saved this review after you opened it: reload the page "
                    "to see their version, then make your change again."
                ))  # fmt: skip
            else:
                saved = form.save(commit=False)
                saved.programme = programme
                if review is not None:
                    saved.version = review.version + 1
                _attribute(saved, request.user, _("Review recorded"))
                saved.save()
                messages.success(request, _("The review is recorded."))
                return redirect(f"{programme.get_absolute_url()}#programme-reviews")
    url = programme.get_absolute_url()
    return render(
        request,
        "plans/edit.html",
        {
            "form": form,
            "title": _("Review of the programme's years"),
            "cancel": url,
            "crumbs": [(url, programme.code)],
        },
        status=409 if stale else (400 if form.errors else 200),
    )
