"""Form fields every app shares: one date input, numbers as Vietnamese write them.

Vietnamese group thousands with "." and write decimals with ",": "12.500.000"
đồng, "7,5" points. These fields accept that (and plain "12500000", "7.5"),
show values that way, and open the phone's number keyboard.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# ISO first (what the browser's date picker sends), then dd/mm/yyyy typed by hand.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

_GROUPED_INT = re.compile(r"[+-]?\d{1,3}([. \u00a0]\d{3})+")
_VN_DECIMAL = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?|[+-]?\d+,\d+")


def group_thousands(value: int | Decimal, decimals: int | None = None) -> str:
    """12500000 → "12.500.000"; Decimal("7.50") → "7,5"."""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}" if decimals is None else f"{value:.{decimals}f}"
        whole, _dot, frac = text.partition(".")
    else:
        whole, frac = str(int(value)), ""
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + ".".join(groups) + ("," + frac if frac else "")


class DateInput(forms.DateInput):
    """The browser's date picker, the same in every form."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: Any, required_message: Any = None, **kwargs: Any) -> forms.DateField:
    """A date with the picker; typed dd/mm/yyyy is accepted too."""
    messages = {"invalid": _("Enter a date as dd/mm/yyyy, e.g. 05/01/2018.")}
    if required_message:
        messages["required"] = required_message
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages=messages,
        **kwargs,
    )


class VNNumberInput(forms.TextInput):
    """A text box with the phone's number keyboard, showing "12.500.000" / "7,5"."""

    def __init__(self, attrs: dict[str, Any] | None = None, decimal: bool = False) -> None:
        super().__init__({"inputmode": "decimal" if decimal else "numeric", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, bool):
            return super().format_value(value)
        if isinstance(value, int | Decimal):
            return group_thousands(value)
        return super().format_value(value)


class IntegerVNField(forms.IntegerField):
    """A whole number typed plainly (12500000) or grouped (12.500.000, 12 500 000)."""

    widget = VNNumberInput

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and _GROUPED_INT.fullmatch(value.strip()):
            value = re.sub(r"[. \u00a0]", "", value.strip())
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max attributes: the browser would judge "12.500.000" by its own rules.
        return {}


class MoneyField(IntegerVNField):
    """Whole đồng, as Vietnamese write them: 12.500.000."""


class DecimalVNField(forms.DecimalField):
    """A decimal typed the Vietnamese way (7,5; 1.234,5) or with a point (7.5)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", VNNumberInput(decimal=True))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and _VN_DECIMAL.fullmatch(value.strip()):
            value = value.strip().replace(".", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}


__all__ = [
    "DATE_INPUT_FORMATS",
    "DateInput",
    "DecimalVNField",
    "IntegerVNField",
    "MoneyField",
    "VNNumberInput",
    "date_field",
    "group_thousands",
]
