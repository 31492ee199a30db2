from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from theodoi.core.workflow import clean_reason


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("The plan as issued (.docx) or its table (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.docx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.THEODOI_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large (%(size)s KB): at most %(max)s KB.")
                % {"size": upload.size // 1024, "max": limit // 1024}
            )
        return upload


class ReportUploadForm(UploadForm):
    file = forms.FileField(
        label=_("The report's table (.xlsx or .docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.docx"}),
    )


class CommitForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (kept in the history)"),
        max_length=500,
        widget=forms.TextInput(),
    )

    def clean_reason(self) -> str:
        try:
            return clean_reason(self.cleaned_data.get("reason"), required=True)
        except ValidationError as e:
            raise ValidationError(e.message_dict["reason"]) from e
