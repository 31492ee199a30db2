"""The entry form of a record, one per kind, for a phone.

The common fields are inputs; each kind's lists (connected points, trainees
by unit, rounds, entrants, issues) are text areas with one line per item and
its parts separated by ";" — typed on a phone without adding rows. A line that
cannot be read is named by its number.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core.forms import DecimalVNField, IntegerVNField, date_field
from theodoi.units.models import Unit, normalize_name

from .kinds import PURPOSES, STAGES
from .models import LEVEL_KINDS, MODE_KINDS, Kind, Level, Mode, NetworkMember, Target

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LINES = forms.Textarea(attrs={"rows": 4})

# Per kind: its own form fields (name → field factory) and how they become details.
_TEXT = {
    "topic": gettext_lazy("Topic"),
    "presenter": gettext_lazy("Presenter"),
    "materials": gettext_lazy("Materials"),
    "chair": gettext_lazy("Chaired by"),
    "course": gettext_lazy("Course"),
    "volume": gettext_lazy("Title of the volume"),
    "leader": gettext_lazy("Leader"),
    "field": gettext_lazy("Field"),
    "description": gettext_lazy("Description"),
    "results": gettext_lazy("Results"),
}
_LISTS = {
    "points": (
        gettext_lazy("Connected points"),
        gettext_lazy("One per line: place; attendance. E.g. “Huyện ủy Bát Xát; 85”."),
    ),
    "trainees": (
        gettext_lazy("Trainees by unit"),
        gettext_lazy("One per line: unit; trainees; completed."),
    ),
    "participants": (
        gettext_lazy("Participants by unit"),
        gettext_lazy("One per line: unit; participants."),
    ),
    "rounds": (gettext_lazy("Rounds"), gettext_lazy("One per line: round; date (DD/MM/YYYY).")),
    "entrants": (
        gettext_lazy("Entrants and results"),
        gettext_lazy("One per line: name; unit; result."),
    ),
    "issues": (
        gettext_lazy("Issues raised and answers"),
        gettext_lazy("One per line: issue; answer."),
    ),
}
KIND_FIELDS: dict[str, list[str]] = {
    Kind.REPORTERS_CONFERENCE: ["topic", "presenter", "points", "materials"],
    Kind.CONFERENCE: ["purpose", "chair", "points"],
    Kind.CLASS: ["course", "trainees"],
    Kind.CONTEST: ["rounds", "entrants"],
    Kind.PUBLICATION: ["stage", "volume", "copies"],
    Kind.STUDY: ["topic", "sessions", "participants"],
    Kind.DIALOGUE: ["leader", "issues"],
    Kind.MODEL: ["field", "year_recognised", "description", "results"],
}
LONG_TEXT = {"materials", "description", "results"}


def _split(line: str) -> list[str]:
    return [part.strip() for part in line.split(";")]


class ActivityForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Name of the activity"), max_length=300)
    start = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    end = forms.DateField(label=gettext_lazy("End"), required=False, widget=DATE)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    mode = forms.ChoiceField(
        label=gettext_lazy("Mode"), choices=Mode.choices, widget=forms.RadioSelect
    )
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=Level.choices)
    owner = forms.ModelChoiceField(label=gettext_lazy("Recorded by"), queryset=Unit.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units that held it"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("Left empty: the unit that records it."),
    )
    work_item = forms.ModelChoiceField(
        label=gettext_lazy("Work item it carries out"), queryset=None, required=False
    )
    summary = forms.CharField(label=gettext_lazy("Summary"), required=False, widget=LINES)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), max_length=100, required=False
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        owners: Any,
        units: Any,
        work_items: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["owner"].queryset = owners
        self.fields["units"].queryset = units
        self.fields["work_item"].queryset = work_items
        if kind not in MODE_KINDS:
            del self.fields["mode"]
        if kind not in LEVEL_KINDS:
            del self.fields["level"]
        elif kind == Kind.CLASS:
            self.fields["level"].required = False
            self.fields["level"].choices = [("", "—"), *Level.choices]
        if not editing:
            del self.fields["reason"]
        for name in KIND_FIELDS[kind]:
            self.fields[name] = self._kind_field(name)
        # On a phone: what was held first, then who and for which work item.
        self.order_fields(
            ["title", "start", "end", "place", "mode", "level", *KIND_FIELDS[kind], "owner"]
        )

    def _kind_field(self, name: str) -> forms.Field:
        if name in _LISTS:
            label, help_text = _LISTS[name]
            return forms.CharField(
                label=label, help_text=help_text, required=False, widget=LINES, max_length=20000
            )
        if name == "purpose":
            return forms.ChoiceField(label=_("Purpose"), choices=list(PURPOSES.items()))
        if name == "stage":
            return forms.ChoiceField(label=_("Stage"), choices=list(STAGES.items()))
        if name in ("copies", "sessions"):
            label = _("Copies") if name == "copies" else _("Sessions")
            return forms.IntegerField(label=label, min_value=0, max_value=1_000_000, initial=0)
        if name == "year_recognised":
            return forms.IntegerField(
                label=_("Year recognised"), min_value=1990, max_value=2200, required=False
            )
        widget = LINES if name in LONG_TEXT else None
        return forms.CharField(label=_TEXT[name], required=False, max_length=2000, widget=widget)

    # Lists as lines --------------------------------------------------------------

    def _unit_lookup(self) -> dict[str, int]:
        lookup: dict[str, int] = {}
        for unit in self.fields["units"].queryset:
            for key in (unit.name, unit.short_name, unit.code):
                if key:
                    lookup.setdefault(normalize_name(key), unit.pk)
        return lookup

    def details(self) -> dict[str, Any]:
        """The kind's details read from the cleaned form; line errors added to the form."""
        data = self.cleaned_data
        details: dict[str, Any] = {}
        lookup: dict[str, int] | None = None

        def unit_of(name: str, text: str, number: int) -> int | None:
            nonlocal lookup
            if lookup is None:
                lookup = self._unit_lookup()
            unit_id = lookup.get(normalize_name(text))
            if unit_id is None:
                self.add_error(
                    name, _("Line %(n)s: unknown unit “%(unit)s”.") % {"n": number, "unit": text}
                )
            return unit_id

        def number_of(name: str, text: str, number: int) -> int:
            if text == "":
                return 0
            if not text.isascii() or not text.isdigit():
                self.add_error(
                    name,
                    _("Line %(n)s: “%(value)s” is not a whole number.")
                    % {"n": number, "value": text},
                )
                return 0
            return int(text)

        for name in KIND_FIELDS[self.kind]:
            value = data.get(name)
            if name not in _LISTS:
                if value is not None and value != "":
                    details[name] = value
                continue
            rows = []
            for number, line in enumerate((value or "").splitlines(), start=1):
                if not line.strip():
                    continue
                parts = [*_split(line), "", "", ""]
                if name == "points":
                    rows.append({"name": parts[0], "attendance": number_of(name, parts[1], number)})
                elif name in ("trainees", "participants"):
                    unit_id = unit_of(name, parts[0], number)
                    row: dict[str, Any] = {
                        "unit": unit_id or 0,
                        "count": number_of(name, parts[1], number),
                    }
                    if name == "trainees" and parts[2]:
                        row["completed"] = number_of(name, parts[2], number)
                    rows.append(row)
                elif name == "rounds":
                    rows.append({"name": parts[0], "date": parts[1][:10]})
                elif name == "entrants":
                    entrant: dict[str, Any] = {"name": parts[0], "result": parts[2]}
                    if parts[1]:
                        entrant["unit"] = unit_of(name, parts[1], number)
                    rows.append(entrant)
                elif name == "issues":
                    rows.append({"issue": parts[0], "answer": ";".join(_split(line)[1:]).strip()})
            details[name] = rows
        return details

    @staticmethod
    def initial_for(activity: Any) -> dict[str, Any]:
        """The form's initial values from a saved record (its lists as lines)."""
        units = {u.pk: u for u in activity.units.all()}
        names: dict[int, str] = {pk: u.name for pk, u in units.items()}
        missing = set()
        for key in ("trainees", "participants", "entrants"):
            for row in activity.details.get(key) or []:
                if row.get("unit") and row["unit"] not in names:
                    missing.add(row["unit"])
        if missing:
            names.update(dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name")))
        initial: dict[str, Any] = {
            "title": activity.title,
            "start": activity.start,
            "end": activity.end,
            "place": activity.place,
            "mode": activity.mode,
            "level": activity.level,
            "owner": activity.owner_id,
            "units": list(units),
            "work_item": activity.work_item_id,
            "summary": activity.summary,
            "version": activity.version,
        }
        for key, value in activity.details.items():
            if key == "points":
                initial[key] = "\n".join(f"{p['name']}; {p['attendance']}" for p in value)
            elif key in ("trainees", "participants"):
                initial[key] = "\n".join(
                    "; ".join(
                        str(x)
                        for x in (names.get(r["unit"], r["unit"]), r["count"], r.get("completed"))
                        if x is not None
                    )
                    for r in value
                )
            elif key == "rounds":
                initial[key] = "\n".join(f"{r['name']}; {r['date']}" for r in value)
            elif key == "entrants":
                initial[key] = "\n".join(
                    "; ".join((r["name"], names.get(r.get("unit"), "") or "", r["result"]))
                    for r in value
                )
            elif key == "issues":
                initial[key] = "\n".join(f"{r['issue']}; {r['answer']}" for r in value)
            else:
                initial[key] = value
        return initial


class FileForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Evidence file"))


class FollowUpForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Follow-up"), max_length=2000, widget=LINES)
    responsible = forms.CharField(label=gettext_lazy("Responsible"), max_length=200, required=False)
    deadline = forms.DateField(label=gettext_lazy("Deadline"), required=False, widget=DATE)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=gettext_lazy("Settled on"), widget=DATE)
    closing_note = forms.CharField(label=gettext_lazy("How it was settled"), max_length=2000)


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Why is it deleted?"), max_length=100)


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", "—"), *Kind.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none(), required=False
    )
    start = forms.DateField(label=gettext_lazy("From date"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLSX file"))


# Staff forms: targets, network members, standards ------------------------------------


class TargetForm(forms.ModelForm):
    """A target: what it counts over which records, its goal and its period."""

    goal = DecimalVNField(label=capfirst(gettext_lazy("goal")), max_digits=14, decimal_places=2)
    start = date_field(capfirst(gettext_lazy("period from")))
    end = date_field(capfirst(gettext_lazy("period to")))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), max_length=100, required=False
    )

    class Meta:
        model = Target
        fields = [
            "name", "unit", "measure", "kind", "mode", "level", "follow_ups", "share_mode",
            "share_follow_ups", "sum_of", "unit_kind", "comparison", "goal", "start", "end",
            "plan", "indicator",
        ]  # fmt: skip
        help_texts = {
            "kind": gettext_lazy("Left empty: records of every kind."),
            "mode": gettext_lazy("Only records held this way count (conferences)."),
        }

    def __init__(self, *args: Any, units: Any, plans: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["plan"].queryset = plans
        self.fields["indicator"].queryset = indicators
        if self.instance.pk is None:
            del self.fields["reason"]
        else:
            self.fields["version"].initial = self.instance.version


class MemberForm(forms.ModelForm):
    """A member of a network's register; ending the term keeps the member in history."""

    term_start = date_field(capfirst(gettext_lazy("term from")), required=False)
    term_end = date_field(
        capfirst(gettext_lazy("term to")),
        required=False,
        help_text=gettext_lazy(
            "To take a member off the register, set the day the term ended: the member "
            "stays in the register's history and no longer counts as serving."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), max_length=100, required=False
    )

    class Meta:
        model = NetworkMember
        fields = ["full_name", "position", "unit", "level", "term_start", "term_end", "training"]
        widgets = {"training": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if self.instance.pk is None:
            del self.fields["reason"]
        else:
            self.fields["version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term cannot end before it begins."))
        return data


class StandardForm(forms.Form):
    """The standard number of a network for a unit; empty removes it."""

    number = IntegerVNField(
        label=capfirst(gettext_lazy("standard number")),
        min_value=0,
        max_value=100_000,
        required=False,
        help_text=gettext_lazy("Left empty: the unit has no standard (no gap is counted)."),
    )
    basis = forms.CharField(
        label=capfirst(gettext_lazy("regulation")), max_length=200, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), max_length=100, required=False
    )


class UnitPickForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AttendanceForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Network members who attended"),
        queryset=NetworkMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = _member_label


def _member_label(member: NetworkMember) -> str:
    return f"{member.full_name} · {member.unit.name} ({member.get_network_display()})"
