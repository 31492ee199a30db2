"""Forms of the plans pages: they turn input into domain values; views assign them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from theodoi.core.forms import DATE_INPUT_FORMATS, date_field
from theodoi.units.models import Unit

from .actions import WorkItemData, validate_work_item
from .models import (
    Field,
    Indicator,
    LegalDocument,
    Objective,
    Plan,
    Programme,
    Task,
    WorkItem,
)

# One date input everywhere: the picker (core.forms), typed dd/mm/yyyy accepted too.
DATE_FORMATS = DATE_INPUT_FORMATS


YEARS = (1900, 2100)


def bound_years(form: forms.BaseForm, *names: str) -> None:
    """Keep year fields within calendar years a date can hold, said at the field."""
    for name in names:
        field = form.fields[name]
        field.validators += [MinValueValidator(YEARS[0]), MaxValueValidator(YEARS[1])]
        field.widget.attrs.update(min=YEARS[0], max=YEARS[1])


class UnitPicker(forms.CheckboxSelectMultiple):
    """Checkboxes grouped by kind in a scrolling box, with a filter box added by JS.

    Without JS it is a plain list of checkboxes, which phones handle well.
    """

    template_name = "plans/widgets/unit_picker.html"
    option_template_name = "django/forms/widgets/checkbox_option.html"


def unit_choices(units: Iterable[Unit], first: set[int] | None = None) -> list[Any]:
    """Units grouped by kind for a UnitPicker; ``first`` (selected) units come first."""
    first = first or set()
    groups: dict[str, list[tuple[str, str]]] = {}
    chosen: list[tuple[str, str]] = []
    kinds = dict(Unit.Kind.choices)
    for unit in units:
        entry = (str(unit.pk), unit.name)
        if unit.pk in first:
            chosen.append(entry)
        groups.setdefault(str(kinds.get(unit.kind, unit.kind)), []).append(entry)
    order = {str(label): i for i, (_value, label) in enumerate(Unit.Kind.choices)}
    result: list[Any] = []
    if chosen:
        result.append((_("Chosen"), chosen))
    for label in sorted(groups, key=lambda g: order.get(g, 99)):
        result.append((label, [e for e in groups[label] if int(e[0]) not in first]))
    return [(label, entries) for label, entries in result if entries]


class ReasonField(forms.CharField):
    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        super().__init__(
            label=_("Reason for the change"),
            required=required,
            max_length=100,
            widget=forms.TextInput(attrs={"maxlength": 100}),
            help_text=_("Kept in the history with your name and the time."),
            **kwargs,
        )


class WorkItemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label=_("Number"), max_length=20, required=False)
    title = forms.CharField(
        label=_("Work item"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the work item's title.")},
    )
    start = date_field(_("Start"), _("Enter a start date."))
    end = date_field(_("End"), _("Enter an end date."))
    leads = forms.MultipleChoiceField(
        label=_("Lead units (chủ trì)"),
        widget=UnitPicker,
        help_text=_("Several lead units each carry the work item within their own area."),
        error_messages={"required": _("Choose at least one lead unit.")},
    )
    coordinating = forms.MultipleChoiceField(
        label=_("Coordinating units (phối hợp)"), widget=UnitPicker, required=False
    )
    expected_output = forms.CharField(label=_("Expected output"), max_length=500, required=False)
    coordination_note = forms.CharField(
        label=_("Coordination note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = ReasonField()

    def __init__(
        self,
        *args: Any,
        task: Task,
        units: QuerySet[Unit] | list[Unit],
        tasks: Iterable[Task] | None = None,
        **kwargs: Any,
    ) -> None:
        """``tasks`` (the plan's, with their fields) adds a select to move the work item."""
        super().__init__(*args, **kwargs)
        self.task = task
        self._units = {u.pk: u for u in units}
        self._tasks: dict[int, Task] = {}
        if tasks is not None:
            self._tasks = {t.pk: t for t in tasks}
            groups: dict[str, list[tuple[str, str]]] = {}
            for t in self._tasks.values():
                groups.setdefault(t.field.name, []).append((str(t.pk), str(t)))
            self.fields["task"] = forms.ChoiceField(
                label=_("Task"),
                choices=list(groups.items()),
                initial=str(task.pk),
                required=False,  # left out: the work item stays in its task
                help_text=_("Choose another task of the plan to move the work item there."),
            )
            self.order_fields(["version", "task"])
        units_list = list(self._units.values())
        for name in ("leads", "coordinating"):
            chosen = {int(pk) for pk in self.initial.get(name, [])}
            self.fields[name].choices = unit_choices(units_list, chosen)

    def _units_of(self, name: str) -> list[Unit]:
        return [self._units[int(pk)] for pk in self.cleaned_data.get(name, [])]

    def clean(self) -> dict[str, Any]:
        """Check the rules of the work item (the action's) on whatever could be read."""
        cleaned = super().clean()
        try:
            validate_work_item(self.task, self.to_data())
        except ValidationError as e:
            for name, messages in e.message_dict.items():
                if name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        return cleaned

    def to_data(self) -> WorkItemData:
        data = self.cleaned_data
        return WorkItemData(
            title=data.get("title", ""),
            start=data.get("start"),
            end=data.get("end"),
            number=data.get("number", ""),
            expected_output=data.get("expected_output", ""),
            coordination_note=data.get("coordination_note", ""),
            leads=self._units_of("leads"),
            coordinating=self._units_of("coordinating"),
            task=self._tasks.get(int(data["task"])) if data.get("task") else None,
        )


class DeleteForm(forms.Form):
    reason = ReasonField(required=True)


class ReasonModelForm(forms.ModelForm):
    reason = ReasonField()


class ProgrammeForm(ReasonModelForm):
    class Meta:
        model = Programme
        fields = ["code", "title", "issuer", "start_year", "end_year", "summary"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_years(self, "start_year", "end_year")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if self.instance.pk and start and end and start <= end:
            outside = self.instance.plans.exclude(year__range=(start, end))
            numbers = ", ".join(outside.values_list("number", flat=True))
            if numbers:
                raise ValidationError(
                    _("These plans would fall outside the term: %(plans)s.") % {"plans": numbers}
                )
        return cleaned


class ObjectiveForm(ReasonModelForm):
    class Meta:
        model = Objective
        fields = ["text", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(ReasonModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "measure", "baseline", "target"]


class FieldForm(ReasonModelForm):
    class Meta:
        model = Field
        fields = ["name", "position"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        others = Field.objects.filter(plan=self.instance.plan, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("This plan already has a field with this name."))
        return name


class TaskForm(ReasonModelForm):
    class Meta:
        model = Task
        fields = ["field", "number", "title", "description", "position"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = self.instance.plan.fields.all()
        self.fields["field"].empty_label = None


class PlanForm(ReasonModelForm):
    issued_on = date_field(_("Date"))
    new_legal_bases = forms.CharField(
        label=_("Add legal bases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "25-KH/TU, 09/05/2016, ..."}),
        help_text=_(
            "One document a line: number, date dd/mm/yyyy, and an optional title, "
            "separated by commas."
        ),
    )

    class Meta:
        model = Plan
        fields = [
            "number",
            "issued_on",
            "year",
            "title",
            "issuer",
            "owner",
            "legal_bases",
            "summary",
        ]
        widgets = {"legal_bases": forms.CheckboxSelectMultiple}

    def __init__(
        self, *args: Any, issuers: QuerySet[Unit], owners: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["owner"].queryset = owners
        self.fields["legal_bases"].queryset = LegalDocument.objects.all()
        self.order_fields([*self.Meta.fields[:-1], "new_legal_bases", "summary", "reason"])
        bound_years(self, "year")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        number, issuer = cleaned.get("number"), cleaned.get("issuer")
        taken = Plan.objects.filter(number=number, issuer=issuer).exclude(pk=self.instance.pk)
        if number and issuer and taken.exists():
            # Said at the field; the model's constraint says it only for the form.
            self.add_error("number", _("A plan with this document number already exists."))
        return cleaned

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if self.instance.pk:
            outside = WorkItem.objects.filter(task__plan=self.instance).exclude(
                start__year=year, end__year=year
            )
            if outside.exists():
                raise ValidationError(
                    _(
                        "%(n)s work item(s) of this plan fall outside %(year)s: "
                        "change their dates first."
                    )
                    % {"n": outside.count(), "year": year}
                )
        return year

    def clean_new_legal_bases(self) -> list[tuple[str, date, str]]:
        found = []
        for n, line in enumerate(self.cleaned_data["new_legal_bases"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",", 2)]
            if len(parts) < 2 or not parts[0]:
                raise ValidationError(
                    _("Line %(n)s: write the number and the date, e.g. 25-KH/TU, 09/05/2016.")
                    % {"n": n}
                )
            try:
                issued = datetime.strptime(parts[1], "%d/%m/%Y").date()
            except ValueError:
                raise ValidationError(
                    _("Line %(n)s: enter the date as dd/mm/yyyy.") % {"n": n}
                ) from None
            found.append((parts[0], issued, parts[2] if len(parts) > 2 else ""))
        return found


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("Task table (XLSX)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB: is it really a task table?"))
        return upload
