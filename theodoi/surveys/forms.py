"""Staff forms: a survey, its settings, a section, a question, a point, codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from theodoi.core.forms import DateInput, IntegerVNField

from .models import CONTENT_LANGUAGES, Flag, Kind, QuestionVersion, Section, SkipOp, Survey

DATE = DateInput()


def _language_name(code: str) -> str:
    return CONTENT_LANGUAGES.get(code, code)


class SurveyForm(forms.Form):
    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    intro_vi = forms.CharField(
        label=_("Introduction (Vietnamese)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    intro_en = forms.CharField(
        label=_("Introduction (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    privacy_vi = forms.CharField(
        label=_("Privacy notice (Vietnamese)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty, the standard notice is shown."),
    )
    privacy_en = forms.CharField(
        label=_("Privacy notice (English)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"),
        required=False,
        choices=[(c, n) for c, n in CONTENT_LANGUAGES.items() if c not in ("vi", "en")],
        widget=forms.CheckboxSelectMultiple,
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DATE)

    def texts(self, name: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{name}_{code}", "") for code in ("vi", "en")}


class SettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    excluded_flags = forms.MultipleChoiceField(
        label=_("Marked responses left out of the indices"),
        required=False,
        choices=Flag.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_n = IntegerVNField(label=_("Smallest n for an index"), min_value=2, max_value=100_000)
    min_seconds = IntegerVNField(
        label=_("Fewest seconds for a real answer"), min_value=0, max_value=3600
    )
    public_texts = forms.BooleanField(
        label=_("Publish the free-text answers with the results"), required=False
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DATE)
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=list(CONTENT_LANGUAGES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    quotas = forms.CharField(
        label=_("Quotas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: question.option = target, e.g. visitor.foreign = 300 "
            "(single-choice questions; counted responses only)."
        ),
    )

    def clean_quotas(self) -> dict[str, dict[str, int]]:
        quotas: dict[str, dict[str, int]] = {}
        for line in self.cleaned_data.get("quotas", "").splitlines():
            if not line.strip():
                continue
            left, _sep, right = line.partition("=")
            code, _dot, choice = left.strip().partition(".")
            target = right.strip()
            if not code or not choice or not target.isascii() or not target.isdigit():
                raise ValidationError(_("Write each line as: question.option = target."))
            quotas.setdefault(code, {})[choice.strip()] = int(target[:9])
        return quotas

    @classmethod
    def for_survey(cls, survey: Survey, data: Any = None) -> SettingsForm:
        return cls(
            data,
            initial={
                "version": survey.version,
                "excluded_flags": survey.excluded_flags,
                "min_n": survey.min_n,
                "min_seconds": survey.min_seconds,
                "public_texts": survey.public_texts,
                "opens_on": survey.opens_on,
                "closes_on": survey.closes_on,
                "languages": survey.languages,
                "quotas": "\n".join(
                    f"{code}.{choice} = {target}"
                    for code, targets in survey.quotas.items()
                    for choice, target in targets.items()
                ),
            },
        )


class SectionForm(forms.Form):
    title_vi = forms.CharField(label=_("Section title (Vietnamese)"), max_length=300)
    title_en = forms.CharField(label=_("Section title (English)"), max_length=300, required=False)


class PointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    requires_code = forms.BooleanField(label=_("Requires a one-time code"), required=False)
    hourly_limit = IntegerVNField(
        label=_("Answers per hour from one address"), min_value=1, max_value=10_000, initial=30
    )


class CodesForm(forms.Form):
    count = IntegerVNField(label=_("How many codes"), min_value=1, max_value=2000)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm workbook (XLSX)"),
        help_text=_("Sheets “survey” and “choices” as in XLSForm; every row is checked first."),
    )


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=100)


OPTION_HELP = _(
    "One option a line: code | label in each language, in the order %(languages)s. "
    "Example: hotel | Khách sạn | Hotel"
)


def parse_options(text: str, languages: list[str]) -> list[dict[str, Any]]:
    """Lines of ``code | label | label …`` as option dicts (checked by clean_spec)."""
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2:
            raise ValidationError(_("Write each line as: code | label."))
        labels = {code: label for code, label in zip(languages, parts[1:], strict=False) if label}
        options.append({"code": parts[0], "label": labels})
    return options


def format_options(options: list[dict[str, Any]], languages: list[str]) -> str:
    return "\n".join(
        " | ".join([o["code"], *(o["label"].get(code, "") for code in languages)]) for o in options
    )


class QuestionForm(forms.Form):
    """A question's definition; text and help fields for each of the survey's languages."""

    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short name in exports: a-z, 0-9 and _.")
    )
    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.none())
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    allow_other = forms.BooleanField(label=_("Offer “other” with a text"), required=False)
    items = forms.CharField(
        label=_("Grid items"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minimum = forms.FloatField(label=_("Smallest number"), required=False)
    maximum = forms.FloatField(label=_("Largest number"), required=False)
    in_index = forms.BooleanField(label=_("Counts in the satisfaction index"), required=False)
    show_if_question = forms.ChoiceField(label=_("Show only if question"), required=False)
    show_if_op = forms.ChoiceField(label=_("compares"), choices=SkipOp.choices, required=False)
    show_if_value = forms.CharField(label=_("with the answer"), required=False, max_length=40)
    expected = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        survey: Survey,
        earlier: list[str],
        editing: QuestionVersion | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.languages = list(survey.languages)
        self.fields["section"].queryset = survey.sections.all()
        self.fields["show_if_question"].choices = [("", "—"), *((c, c) for c in earlier)]
        help_text = OPTION_HELP % {"languages": ", ".join(self.languages)}
        self.fields["choices"].help_text = help_text
        self.fields["items"].help_text = help_text
        for code in self.languages:
            name = _language_name(code)
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question (%(language)s)") % {"language": name},
                required=code == self.languages[0],
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"help_{code}"] = forms.CharField(
                label=_("Help (%(language)s)") % {"language": name},
                required=False,
                max_length=500,
            )
        if editing is not None:
            del self.fields["code"]
            del self.fields["section"]
            self.initial.update(
                {
                    "kind": editing.kind,
                    "required": editing.required,
                    "choices": format_options(editing.choices, self.languages),
                    "items": format_options(editing.items, self.languages),
                    "allow_other": editing.allow_other,
                    "minimum": editing.minimum,
                    "maximum": editing.maximum,
                    "in_index": editing.in_index,
                    "show_if_question": editing.show_if.get("question", ""),
                    "show_if_op": editing.show_if.get("op", ""),
                    "show_if_value": editing.show_if.get("value", ""),
                    "expected": editing.number,
                    **{f"text_{c}": editing.text.get(c, "") for c in self.languages},
                    **{f"help_{c}": editing.help.get(c, "") for c in self.languages},
                }
            )

    def clean_choices(self) -> list[dict[str, Any]]:
        return parse_options(self.cleaned_data.get("choices", ""), self.languages)

    def clean_items(self) -> list[dict[str, Any]]:
        return parse_options(self.cleaned_data.get("items", ""), self.languages)

    def spec(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": {c: data.get(f"text_{c}", "") for c in self.languages},
            "help": {c: data.get(f"help_{c}", "") for c in self.languages},
            "required": data.get("required"),
            "choices": data.get("choices") or [],
            "items": data.get("items") or [],
            "allow_other": data.get("allow_other"),
            "minimum": data.get("minimum"),
            "maximum": data.get("maximum"),
            "in_index": data.get("in_index"),
            "show_if": (
                {
                    "question": data["show_if_question"],
                    "op": data.get("show_if_op") or SkipOp.EQUALS,
                    "value": data.get("show_if_value", ""),
                }
                if data.get("show_if_question")
                else {}
            ),
        }

    def add_errors_from(self, error: ValidationError) -> None:
        """Put an action's ValidationError at the fields this form shows."""
        mapping = {"text": f"text_{self.languages[0]}", "show_if": "show_if_value"}
        for name, messages in error.message_dict.items():
            target = mapping.get(name, name)
            self.add_error(target if target in self.fields else None, messages)
