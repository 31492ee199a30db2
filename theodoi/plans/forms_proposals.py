"""Forms of change proposals, their answers and decisions, and amendment decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from theodoi.core.forms import DecimalVNField
from theodoi.units.models import Unit

from .forms import UnitPicker, date_field, unit_choices
from .models import ChangeProposal, Consultation, ProgrammeReview, WorkItem
from .models_proposals import TASK_KINDS


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("The proposal"), choices=ChangeProposal.Kind.choices)
    work_item = forms.ChoiceField(
        label=_("Work item"),
        required=False,
        help_text=_("The work item to change, postpone or cancel."),
    )
    task = forms.ChoiceField(
        label=_("Task"), required=False, help_text=_("For a new work item: the task it belongs to.")
    )
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    title = forms.CharField(
        label=_("Work item"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), max_length=10_000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    field = forms.ChoiceField(label=_("Field"), required=False)
    expected_output = forms.CharField(label=_("Expected output"), max_length=500, required=False)
    start = date_field(_("Start"), required=False)
    end = date_field(_("End"), required=False)
    leads = forms.MultipleChoiceField(
        label=_("Lead units (chủ trì)"), widget=UnitPicker, required=False
    )
    coordinating = forms.MultipleChoiceField(
        label=_("Coordinating units (phối hợp)"), widget=UnitPicker, required=False
    )
    reason = forms.CharField(
        label=_("Why the change"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why the change is needed.")},
    )
    effective_from = date_field(
        _("Applies from"), _("Enter the date from which the change applies.")
    )

    def __init__(
        self,
        *args: Any,
        work_items: list[WorkItem],
        tasks: list[Any],
        units: list[Unit],
        subject: str = ChangeProposal.Subject.WORK_ITEM,
        fields: list[Any] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.subject = subject
        if subject == ChangeProposal.Subject.TASK:
            # A task: its own fields; its end is the latest of its unfinished work items.
            for name in ("work_item", "expected_output", "start"):
                del self.fields[name]
            self.fields["kind"].choices = list(TASK_KINDS.items())
            self.fields["task"].help_text = _("The task to change, postpone or cancel.")
            self.fields["title"].label = _("Title of the task")
            self.fields["end"].help_text = _(
                "To postpone: the new end of its unfinished work items; "
                "for a new task: the end of its first work item."
            )
            self.fields["field"].choices = [("", "—")] + [(str(f.pk), f.name) for f in fields]
            self.fields["leads"].help_text = _(
                "For a change: the task's lead units, moved on each of its work items."
            )
        else:
            del self.fields["description"]
            del self.fields["field"]
        if "work_item" in self.fields:
            self.fields["work_item"].choices = [("", "—")] + [
                (str(i.pk), f"{i.task.number}.{i}"[:120]) for i in work_items
            ]
        self.fields["task"].choices = [("", "—")] + [(str(t.pk), str(t)[:120]) for t in tasks]
        for name in ("leads", "coordinating"):
            chosen = {int(pk) for pk in self.initial.get(name, [])}
            self.fields[name].choices = unit_choices(units, chosen)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your unit's answer"),
        choices=[c for c in Consultation.Answer.choices if c[0]],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the decision.")},
    )


class DecisionForm(forms.Form):
    """The decision of the issuing body that lets a locked object change."""

    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        help_text=_("The issuing body's decision that allows this change, e.g. 15-QĐ/TU."),
        error_messages={"required": _("Enter the number of the issuing body's decision.")},
    )
    decision_date = date_field(_("Decision date"), _("Enter the date of the decision."))
    decision_reason = forms.CharField(
        label=_("Reason given in the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for the decision.")},
    )


class IndicatorValuesForm(forms.Form):
    """A year's values of a programme's indicators (one field per indicator)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("The report or record the values come from, e.g. the year-end review."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        years: list[int],
        indicators: list[Any],
        measured: dict[int, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.measured = measured or {}
        self.indicators = [i for i in indicators if i.pk not in self.measured]
        for indicator in indicators:
            name = f"i{indicator.pk}"
            self.fields[name] = DecimalVNField(
                label=f"{indicator.name} ({indicator.measure})" if indicator.measure
                else indicator.name,
                required=False,
                max_digits=14,
                decimal_places=2,
            )  # fmt: skip
            if indicator.pk in self.measured:
                # Computed from the year's records: shown, never typed.
                found = self.measured[indicator.pk]
                self.fields[name].disabled = True
                self.initial[name] = found.value
                self.fields[name].help_text = _("From the records: %(source)s.") % {
                    "source": found.source
                }

    def values(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"i{i.pk}") for i in self.indicators}


class ReviewForm(forms.ModelForm):
    """A review of the programme's years (sơ kết, tổng kết)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProgrammeReview
        fields = [
            "title", "number", "issued_on", "first_year", "last_year", "results",
            "shortcomings", "causes",
        ]  # fmt: skip
        widgets = {
            "results": forms.Textarea(attrs={"rows": 5}),
            "shortcomings": forms.Textarea(attrs={"rows": 4}),
            "causes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issued_on"] = date_field(_("Date"), _("Enter the date of the review."))
        for name in ("first_year", "last_year"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label, coerce=int, choices=[(y, str(y)) for y in years]
            )
        self.fields["title"].error_messages["required"] = _("Enter the review's title.")
        self.fields["results"].error_messages["required"] = _("Say what the years achieved.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", _("The last year cannot come before the first."))
        return data
