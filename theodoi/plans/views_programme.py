"""The programme over its years: recording the indicators' yearly values."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.permissions.plans import access_programme

from .forms_proposals import IndicatorValuesForm
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
