from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from theodoi.units.models import Unit

from .models import (
    Board,
    BoardMember,
    RosterRound,
    RulesDocument,
    Team,
    TeamMember,
    Unavailability,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def parse_month(value: str) -> date | None:
    """'2018-03' or '03/2018' to the first day of the month."""
    value = (value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", value) or re.fullmatch(r"(\d{1,2})/(\d{4})", value)
    if not match:
        return None
    a, b = match.groups()
    year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
    if not 1 <= month <= 12 or year < 1900:
        return None
    return date(year, month, 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2018-01"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        value = super().to_python(value)
        if not value:
            return None
        parsed = parse_month(value)
        if parsed is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2018-03."))
        return parsed


class RoundForm(forms.ModelForm):
    start = MonthField(label=_("First month"))

    class Meta:
        model = RosterRound
        fields = [
            "province",
            "period",
            "start",
            "provincial_frequency",
            "district_frequency",
            "provincial_monthly_limit",
            "district_monthly_limit",
            "no_repeat",
            "prefer_district",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, provinces: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if provinces is not None:
            self.fields["province"].queryset = provinces
            if provinces.count() == 1:
                self.fields["province"].initial = provinces.first()


# Reasons go to the history's change reason, a column of 100 characters.
REASON_LENGTH = 100


class ReasonForm(forms.Form):
    """The optional reason of a page that saves several forms (kept in the history)."""

    reason = forms.CharField(
        label=_("Reason for the change"), max_length=REASON_LENGTH, required=False
    )


class EntryForm(forms.Form):
    official = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Official"))
    day = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for the change"), max_length=REASON_LENGTH)

    def __init__(self, *args: Any, officials: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = User.objects.filter(pk__in=[u.pk for u in officials])
        self.fields["official"].label_from_instance = lambda u: u.get_full_name() or u.username


class AddEntryForm(forms.Form):
    """An assignment entered by hand; the kind follows the chosen official."""

    commune = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Commune"))
    official = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Official"))
    day = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for the change"), max_length=REASON_LENGTH)

    def __init__(
        self, *args: Any, communes: list[Unit], officials: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = {o.user.pk: o.kind for o in officials}
        self.fields["commune"].queryset = (
            Unit.objects.filter(pk__in=[c.pk for c in communes])
            .select_related("parent")
            .order_by("parent__position", "parent__name", "position", "name")
        )
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.parent.name})"
        self.fields["official"].queryset = User.objects.filter(pk__in=list(self.kinds))
        labels = {o.user.pk: f"{o.name} · {o.unit.name}" for o in officials}
        self.fields["official"].label_from_instance = lambda u: labels.get(u.pk, u.username)

    def kind(self) -> str:
        return self.kinds[self.cleaned_data["official"].pk]


class RoundSettingsForm(forms.ModelForm):
    """A draft round's rules (not its province or period)."""

    reason = forms.CharField(
        label=_("Reason for the change"), max_length=REASON_LENGTH, required=False
    )

    class Meta:
        model = RosterRound
        fields = [
            "provincial_frequency",
            "district_frequency",
            "provincial_monthly_limit",
            "district_monthly_limit",
            "no_repeat",
            "prefer_district",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("provincial_monthly_limit", "district_monthly_limit"):
            self.fields[name].min_value = 1
            self.fields[name].max_value = 31
            self.fields[name].widget.attrs.update({"min": 1, "max": 31})
            self.fields[name].validators += [
                MinValueValidator(1),
                MaxValueValidator(31),
            ]


class DeleteEntryForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removing"), max_length=REASON_LENGTH)


class UnpublishForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=REASON_LENGTH)


class UnavailabilityForm(forms.ModelForm):
    class Meta:
        model = Unavailability
        fields = ["user", "start", "end", "reason"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args: Any, officials: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if officials is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = User.objects.filter(pk__in=[u.pk for u in officials])
            self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "established_on", "note"]
        widgets = {"established_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


# A forged TOTAL_FORMS would otherwise build up to 2000 forms; more rows than
# this is a formset error ("Please submit at most … forms.").
ROWS_AT_MOST = {"max_num": 300, "absolute_max": 300, "validate_max": True}

MemberFormSet = inlineformset_factory(
    Board,
    BoardMember,
    fields=["full_name", "post", "title", "phone", "position"],
    extra=2,
    can_delete=True,
    **ROWS_AT_MOST,
)
RulesFormSet = inlineformset_factory(
    Board,
    RulesDocument,
    fields=["number", "issued_on", "title", "file"],
    widgets={"issued_on": DateInput()},
    extra=1,
    can_delete=True,
    **ROWS_AT_MOST,
)


class TeamForm(forms.ModelForm):
    """A village team: linked to a village unit of the commune when the commune's
    villages are registered, else named by hand."""

    class Meta:
        model = Team
        fields = ["village", "village_name"]

    def __init__(self, *args: Any, commune: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        villages = (
            Unit.objects.filter(parent=commune, kind=Unit.Kind.VILLAGE).order_by("position", "name")
            if commune is not None
            else Unit.objects.none()
        )
        if commune is None or not villages.exists():
            del self.fields["village"]
        else:
            self.fields["village"].queryset = villages
            self.fields["village"].label = _("Village")
            self.fields["village"].empty_label = _("Other (name it)")
            self.fields["village_name"].required = False
            self.fields["village_name"].label = _("Village name (if not in the list)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        village = data.get("village")
        if village is not None:
            data["village_name"] = village.name
            self.instance.village_name = village.name
        elif "village" in self.fields and not data.get("village_name") and self.has_changed():
            self.add_error("village_name", _("Choose a village or name it."))
        return data


TeamFormSet = inlineformset_factory(
    Unit,
    Team,
    form=TeamForm,
    fk_name="commune",
    fields=["village", "village_name"],
    extra=2,
    can_delete=True,
    **ROWS_AT_MOST,
)
TeamMemberFormSet = inlineformset_factory(
    Team,
    TeamMember,
    fields=["full_name", "post", "title"],
    extra=3,
    can_delete=True,
    **ROWS_AT_MOST,
)
