"""The document register (sổ đăng ký văn bản): one number per issued document.

Each issuing body numbers its documents in series, one series per kind of
document (BC, KH, BT, TB, …) and year, from 01 up. A number is reserved when a
document is issued (an export, a bulletin) and never handed out twice: the
database refuses a second row with the same issuer, kind, year and number, and
:func:`theodoi.register.actions.reserve` serialises reservations per issuer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from theodoi.units.models import Unit


class RegisteredDocument(models.Model):
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="registered_documents",
        verbose_name=_("issuing body"),
    )  # fmt: skip
    kind = models.CharField(_("kind of document"), max_length=10, help_text=_("e.g. BC, KH, TB"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    # The printed number and symbol, e.g. "07-BC/BTGTU".
    code = models.CharField(_("number and symbol"), max_length=60)
    # What the number was reserved for ("reporting.export:12"): asking again for
    # the same document gives the same number.
    key = models.CharField(_("document"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=400, blank=True)
    issued_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("reserved"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registered document")
        verbose_name_plural = _("document register")
        ordering = ["issuer", "year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year", "number"],
                name="one_document_per_number",
                violation_error_message=_("This number is already taken."),
            ),
            models.UniqueConstraint(
                fields=["issuer", "key"],
                condition=~Q(key=""),
                name="one_number_per_document",
            ),
        ]

    def __str__(self) -> str:
        return self.code
