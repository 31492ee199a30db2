"""Forms of the thi đua pages: weights of a level, a reason to reopen, a cluster."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from theodoi.core.workflow import REASON_MAX
from theodoi.units.models import Unit

from . import components
from .models import Cluster


class WeightsForm(forms.Form):
    """One whole weight (0–100) per component of the level; they add up to 100."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Basis and note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the decision that sets the year's emulation criteria."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=REASON_MAX
    )

    def __init__(self, level: str, weights: dict[str, int], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.level = level
        self.keys = []
        for component in components.for_level(level):
            name = f"w_{component.key}"
            self.keys.append(component.key)
            self.fields[name] = forms.IntegerField(
                label=component.label,
                min_value=0,
                max_value=100,
                initial=weights.get(component.key, 0),
                help_text=component.rule,
                # An empty weight is 0: the component does not count this year.
                required=False,
            )
        # The weights first, then the note and the reason.
        order = [f"w_{k}" for k in self.keys] + ["note", "reason", "version"]
        self.order_fields(order)

    def weights(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(f"w_{k}") or 0 for k in self.keys}


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=REASON_MAX)


class ClusterForm(forms.ModelForm):
    """A cụm/khối thi đua: its name, who its members are, the years it is in force."""

    members = forms.ModelMultipleChoiceField(
        label=capfirst(_("members")),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=REASON_MAX
    )

    class Meta:
        model = Cluster
        fields = ["name", "members_kind", "year_from", "year_to", "position"]

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].help_text = _(
            "Agencies for a cluster of agencies, district committees for one of districts."
        )
        if self.instance.pk is not None:
            self.fields["members"].initial = list(
                self.instance.members.values_list("pk", flat=True)
            )
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["reason"]

    def _post_clean(self) -> None:
        # The model is checked by ``actions.do_save_cluster``, with its members.
        self.instance = forms.models.construct_instance(self, self.instance, self._meta.fields)
