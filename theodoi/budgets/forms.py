from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from theodoi.reporting.forms import MoneyField

from .models import FundingSource


class OpenForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    work_item = forms.ModelChoiceField(label=_("Work item"), queryset=None)
    activity = forms.CharField(label=_("Activity"), max_length=500)
    timing = forms.CharField(label=_("Time"), max_length=100, required=False)
    output = forms.CharField(label=_("Output"), max_length=300, required=False)
    amount = MoneyField(label=_("Amount (VND)"), min_value=0, max_value=10**15,
                        help_text=_("e.g. 12.500.000"))  # fmt: skip
    source = forms.ChoiceField(label=_("Funding source"), choices=FundingSource.choices)

    def __init__(self, *args: Any, work_items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["work_item"].queryset = work_items  # type: ignore[attr-defined]


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=10_000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class FinanceForm(forms.Form):
    finance_unit = forms.ModelChoiceField(
        label=_("Finance reviewer"), queryset=None, required=False,
        help_text=_("Asked for an opinion on each detailed plan before the decision."),
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finance_unit"].queryset = units  # type: ignore[attr-defined]
