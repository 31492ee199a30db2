"""Forms of the register of directions: raise a matter, record the direction, add and
close follow-ups (dates with the one picker, messages at the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from theodoi.core.forms import date_field

from .models import Matter


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class MatterForm(forms.Form):
    committee = _UnitChoice(label=_("Committee"), queryset=None, empty_label=None)
    body = forms.ChoiceField(label=_("Asked of"), choices=Matter.Body.choices)
    title = forms.CharField(
        label=_("Matter"), max_length=400, error_messages={"required": _("Say what the matter is.")}
    )
    content = forms.CharField(
        label=_("What is asked"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    raised_by = _UnitChoice(
        label=_("Raised by"),
        queryset=None,
        error_messages={"required": _("Choose the unit raising it.")},
    )
    raised_on = date_field(_("Raised on"), _("Enter the date the matter was raised."))
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=None,
        required=False,
        help_text=_("The plan the matter concerns, if any."),
    )

    def __init__(self, *args: Any, committees: Any, units: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["raised_by"].queryset = units  # type: ignore[attr-defined]
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        if committees.count() == 1:
            self.fields["committee"].widget = forms.HiddenInput()
            self.fields["committee"].initial = committees.first().pk


class _FollowUpFields(forms.Form):
    """A follow-up: what, assigned to whom, by when, optionally a work item of the plan."""

    def __init__(self, *args: Any, units: Any, work_items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["work_item"].queryset = work_items  # type: ignore[attr-defined]
        if not work_items.exists():
            del self.fields["work_item"]


class FollowUpForm(_FollowUpFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("What is to be done"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is to be done.")},
    )
    unit = _UnitChoice(
        label=_("Assigned to"),
        queryset=None,
        error_messages={"required": _("Choose the unit it is assigned to.")},
    )
    deadline = date_field(_("Deadline"), required=False)
    work_item = forms.ModelChoiceField(
        label=_("Work item"),
        queryset=None,
        required=False,
        help_text=_("The plan's work item it is tracked under, if any."),
    )


class DirectionForm(_FollowUpFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=60,
        help_text=_("e.g. 263-TB/TU"),
        error_messages={"required": _("Give the number and symbol of the direction.")},
    )
    issued_on = date_field(_("Date of the direction"), _("Enter the date of the direction."))
    text = forms.CharField(
        label=_("Conclusion or direction"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Give the text of the conclusion or direction.")},
    )
    follow_up = forms.CharField(
        label=_("Follow-up: what is to be done"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit = _UnitChoice(label=_("Follow-up: assigned to"), queryset=None, required=False)
    deadline = date_field(_("Follow-up: deadline"), required=False)
    work_item = forms.ModelChoiceField(
        label=_("Follow-up: work item"), queryset=None, required=False
    )
    nothing_to_follow = forms.BooleanField(
        label=_("Nothing to follow up: the direction is carried out as given"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, unit = (data.get("follow_up") or "").strip(), data.get("unit")
        if data.get("nothing_to_follow"):
            if text:
                self.add_error(
                    "nothing_to_follow",
                    _("Either give a follow-up or say there is nothing to follow up."),
                )
        elif not text:
            self.add_error(
                "follow_up",
                _("Say what is to be done, or tick that there is nothing to follow up."),
            )
        elif unit is None:
            self.add_error("unit", _("Choose the unit it is assigned to."))
        return data


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("How it was done"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say how it was done.")},
    )
    closed_on = date_field(_("Closed on"), required=False, help_text=_("Today if left empty."))
