from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from theodoi.core.forms import DateInput, DecimalVNField, IntegerVNField
from theodoi.units.models import Membership, Unit

from .actions import attending_choices, roster_officials
from .models import CriteriaSet, Criterion, Meeting, Submission


class OfficialChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        if getattr(obj, "on_roster", False):
            return _("%(name)s (on the roster)") % {"name": name}
        return name


def officials_for(commune: Unit) -> Any:
    """Accounts with the attending-official role in the commune's district or above."""
    ancestors = Unit.objects.ancestors(commune).values("pk")
    return User.objects.filter(
        memberships__role=Membership.Role.OFFICIAL, memberships__unit__in=ancestors
    ).distinct()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "held_on",
            "place",
            "chair",
            "topics",
            "participants",
            "issues_raised",
            "proposals",
            "minutes",
            "minutes_file",
        ]
        field_classes = {"participants": IntegerVNField}
        widgets = {
            "held_on": DateInput(),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "issues_raised": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, commune: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        month = self.instance.month
        self.fields["officials"] = OfficialChoice(
            queryset=attending_choices(commune, month),
            required=False,
            label=_("Attending officials"),
            help_text=_(
                "The officials on the published roster come first and are ticked for a new "
                "record: untick who did not come, tick who came instead."
            ),
            widget=forms.CheckboxSelectMultiple,
            initial=self.instance.attending_officials.all()
            if self.instance.pk
            else roster_officials(commune, month),
        )

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on.replace(day=1) != self.instance.month:
            raise forms.ValidationError(_("The conference date must be in its month."))
        return held_on


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Submission.Kind.REPORT, _("Monthly report (to the district)")),
            (Submission.Kind.DOCUMENTS, _("Related documents (to BTG)")),
        ],
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, words: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if words is not None:  # the chain of the month: to the district, or to the province
            self.fields["kind"].choices = [
                (Submission.Kind.REPORT, words.report_to),
                (Submission.Kind.DOCUMENTS, words.documents_to),
            ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CriteriaSetForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = [
            "name",
            "effective_from",
            "discrepancy_threshold",
            "explanation_days",
            "report_due_day",
            "ineligible_without_meeting",
            "bands",
        ]
        field_classes = {"discrepancy_threshold": DecimalVNField}
        widgets = {"effective_from": DateInput()}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "group",
            "code",
            "text",
            "guidance",
            "kind",
            "min_points",
            "max_points",
            "evidence_required",
            "by_self",
            "by_district",
            "by_official",
            "system_rule",
        ]
        field_classes = {"min_points": DecimalVNField, "max_points": DecimalVNField}
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}


CriterionFormSet = forms.modelformset_factory(
    Criterion,
    form=CriterionForm,
    extra=1,
    can_delete=True,
    # A forged TOTAL_FORMS is a formset error, not 2000 forms built.
    max_num=300,
    absolute_max=300,
    validate_max=True,
)


def criterion_formset(criteria_set: CriteriaSet, data: Any = None) -> Any:
    """The draft's criteria, one blank form to add one; groups limited to the set's."""
    formset = CriterionFormSet(
        data,
        queryset=Criterion.objects.filter(group__criteria_set=criteria_set).select_related("group"),
        prefix="c",
    )
    groups = criteria_set.groups.all()
    for form in formset.forms:
        form.fields["group"].queryset = groups
    return formset


class NewVersionForm(forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from (month)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first day of the first month scored under the new version."),
    )

    def clean_effective_from(self) -> Any:
        value = self.cleaned_data["effective_from"]
        if value.day != 1:
            raise forms.ValidationError(_("A set takes effect on a month's first day."))
        return value
