"""Forms of the public site (feedback, send to a friend) and of the back office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from theodoi.units.models import Unit

from . import guard
from .models import Article, Category, Feedback, Tag


class BotCheckedForm(forms.Form):
    """A public form with a honeypot and a signed time stamp (see ``guard``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[guard.HONEYPOT] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[guard.STAMP] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=guard.stamp()
        )

    def is_bot(self) -> bool:
        return not guard.looks_human(self.data)


class FeedbackForm(BotCheckedForm):
    name = forms.CharField(label=_("Full name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea)
    may_publish = forms.BooleanField(
        label=Feedback._meta.get_field("may_publish").verbose_name, required=False
    )


class SendForm(BotCheckedForm):
    to = forms.CharField(label=_("Your friend's e-mail"), max_length=254)
    sender_name = forms.CharField(label=_("Your name"), max_length=60)
    message = forms.CharField(
        label=_("A short message (plain text)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ArticleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("What changed (for the history)"), max_length=100, required=False
    )

    class Meta:
        model = Article
        fields = ["category", "title", "lead", "body", "author", "tag_names", "publish_at"]
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 18}),
            "publish_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {
            "body": _(
                "HTML: paragraphs, headings, lists, tables, links and the portal's own images. "
                "Anything else is removed on save."
            ),
        }

    def __init__(self, *args: Any, categories: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publish_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        if categories is not None:
            self.fields["category"].queryset = categories


class ImageForm(forms.Form):
    image = forms.FileField(label=_("Image (JPEG or PNG)"))
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    alt = forms.CharField(label=_("Text for screen readers"), max_length=300, required=False)


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class FeatureForm(forms.Form):
    featured = forms.BooleanField(label=_("Featured"), required=False)
    position = forms.IntegerField(label=_("Featured slot"), min_value=0, max_value=99, initial=0)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "description", "position"]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea)
    publish = forms.BooleanField(
        label=_("Publish the question and answer under the article (without personal data)"),
        required=False,
    )


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.none(),
        required=False,
        help_text=_("Its articles get the chosen tag instead; this one is removed."),
    )

    def __init__(self, *args: Any, others: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if others is not None:
            self.fields["into"].queryset = others


class RankingForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Unit.objects.none())
    month = forms.ChoiceField(label=_("Month"), help_text=_("A month whose results are closed."))

    def __init__(
        self, *args: Any, provinces: Any = None, months: list[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%m/%Y}") for m in months]
        if provinces is not None:
            self.fields["province"].queryset = provinces
            if len(provinces) == 1:
                self.fields["province"].initial = provinces[0]

    def clean_month(self) -> Any:
        from datetime import date

        year, month = self.cleaned_data["month"].split("-")
        return date(int(year), int(month), 1)
