"""Forms: entry values, workflow decisions, periods, inspections, exports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from theodoi.core.forms import DateInput, IntegerVNField, MoneyField

from .models import (
    FollowUp,
    Inspection,
    ProgressEntry,
    ReminderSettings,
    ReportingSchedule,
    ReportSection,
)

S = ProgressEntry.Status

# "12.500.000" is how Vietnamese write twelve and a half million đồng: core's fields.
__all__ = ["MoneyField"]


class EntryForm(forms.Form):
    """One entry's values. ``for_submit`` adds the checks a submission needs."""

    status = forms.ChoiceField(label=_("Status"), choices=S.choices)
    percent = IntegerVNField(label=_("Percent done"), min_value=0, max_value=100)
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=DateInput(),
    )
    results = forms.CharField(
        label=_("Results achieved"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    shortcomings = forms.CharField(
        label=_("Shortcomings and causes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proposals = forms.CharField(
        label=_("Proposals"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    budget_spent = MoneyField(
        label=_("Budget spent (VND)"), required=False, min_value=0, max_value=10**15
    )

    def __init__(self, *args: Any, for_submit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.for_submit = for_submit

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status = data.get("status")
        percent = data.get("percent")
        if status in ProgressEntry.DONE and percent is not None and percent != 100:
            self.add_error("percent", _("A finished work item is 100% done."))
        if status == S.NOT_STARTED and percent:
            self.add_error("percent", _("A work item not started is 0% done."))
        if status not in ProgressEntry.DONE and data.get("completed_on"):
            self.add_error("completed_on", _("Only a finished work item has a completion date."))
        if self.for_submit and status != S.NOT_STARTED and not data.get("results", "").strip():
            self.add_error("results", _("Describe the results before submitting."))
        if (
            self.for_submit
            and status == S.CHANGE_PROPOSED
            and not data.get("proposals", "").strip()
        ):
            self.add_error("proposals", _("Say which adjustment is proposed."))
        return data


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs fixing"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PeriodForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("period", "Code"),
        max_length=20,
        help_text=_("e.g. 2018-GK for a mid-term review"),
    )
    title = forms.CharField(label=pgettext_lazy("period", "Title"), max_length=200)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), widget=DateInput())
    due = forms.DateField(label=_("Due date"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        if data.get("end") and data.get("due") and data["due"] < data["end"]:
            self.add_error("due", _("The due date cannot be before the period ends."))
        return data


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


NUMBER_RE = r"^\d{1,6}-[A-ZĐ]{1,10}/[A-ZĐ0-9.\-]{1,20}$"


class ExportForm(forms.Form):
    """What the coordinator chooses when starting a consolidated report: the
    format, the number, the date, the recipients and the signer. ``period``
    checks that the number is not already another report's."""

    format = forms.ChoiceField(label=_("Format"), choices=[("docx", "DOCX"), ("xlsx", "XLSX")])
    number = forms.RegexField(
        label=_("Number and symbol"),
        regex=NUMBER_RE,
        max_length=40,
        required=False,
        help_text=_("e.g. 15-BC/BTGTU; leave empty for the next number of the register."),
        error_messages={"invalid": _("Write the number and symbol like 15-BC/BTGTU.")},
    )
    issued_on = forms.DateField(
        label=_("Date of the report"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today when empty."),
    )
    recipients = forms.CharField(
        label=_("Recipients (Nơi nhận)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; the usual list when empty."),
    )
    signer_authority = forms.CharField(
        label=_("Signing authority"),
        required=False,
        max_length=100,
        help_text=_("e.g. K/T TRƯỞNG BAN; empty when the head signs."),
    )
    signer_position = forms.CharField(label=_("Signer's position"), required=False, max_length=100)
    signer_name = forms.CharField(label=_("Signer's name"), required=False, max_length=100)

    def __init__(self, *args: Any, period: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period = period

    def clean_number(self) -> str:
        from .consolidation import number_taken

        number = self.cleaned_data["number"].strip()
        taken = number_taken(self.period, number) if number and self.period else None
        if taken is not None:
            raise forms.ValidationError(
                _("Number %(number)s is already used by the report of %(period)s.")
                % {"number": number, "period": taken}
            )
        return number

    def clean_recipients(self) -> str:
        from .consolidation import DEFAULT_RECIPIENTS, recipient_lines

        lines = recipient_lines(self.cleaned_data["recipients"]) or DEFAULT_RECIPIENTS
        if len(lines) > 30:
            raise forms.ValidationError(_("At most 30 recipients."))
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("Each recipient line holds at most 200 characters."))
        return "\n".join(lines)

    def clean_issued_on(self) -> Any:
        from theodoi.core import clock

        issued_on = self.cleaned_data["issued_on"]
        if issued_on and abs((issued_on - clock.today()).days) > 3660:
            raise forms.ValidationError(_("Give a date within ten years of today."))
        return issued_on or clock.today()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("signer_authority", "signer_position"):
            if data.get(name):
                data[name] = data[name].strip().upper()
        return data


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["unit", "held_on", "team", "scope", "findings"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("team", "scope", "findings")}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["text", "deadline"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class CloseFollowUpForm(forms.Form):
    closing_note = forms.CharField(
        label=_("How it was closed"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = [
            "days_before",
            "on_due_day",
            "days_after",
            "escalate_after",
            "coordinator_digest",
            "send_email",
        ]

    def _clean_days(self, name: str) -> str:
        value = self.cleaned_data[name].replace(" ", "")
        parts = [p for p in value.split(",") if p]
        if not all(p.isdigit() and int(p) <= 60 for p in parts):
            raise forms.ValidationError(
                _("Whole numbers of days from 0 to 60, separated by commas.")
            )
        return ",".join(parts)

    def clean_days_before(self) -> str:
        return self._clean_days("days_before")

    def clean_days_after(self) -> str:
        return self._clean_days("days_after")


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportingSchedule
        fields = ["kind", "rule", "days", "shift_off_days"]

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if not 1 <= days <= 90:
            raise forms.ValidationError(_("Use a number from 1 to 90."))
        return days


class SectionForm(forms.Form):
    """One written section of the consolidated report, as staff edit it before export.

    ``version`` is the version the editor started from (0: never edited); ``action``
    "restore" drops the edit and needs a reason."""

    key = forms.ChoiceField(choices=ReportSection.Key.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14, "class": "section-text"}),
        help_text=_(
            'One paragraph a line; "# " starts a heading, "## " a minor heading, '
            '"- " a dash item.'
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,
        help_text=_("Kept in the section's history; needed to restore the generated text."),
    )
