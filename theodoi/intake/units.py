"""Units as people write them in a plan: names, abbreviations, aliases and groups.

A cell such as "BTG; MTTQ tỉnh, các đoàn thể" is read as: the groups it names
(the database's unit groups, then the built-in ones below: "các huyện ủy, thành
ủy", "các đoàn thể", "các đảng ủy trực thuộc"), then each name left, separated by
";", "," or a new line. A name is matched within the plan's province, in order,
stopping at the first step that finds something:

1. a unit's code, name, short name or alias exactly (case and spacing aside);
2. the same without diacritics;
3. the same with the usual abbreviations written out (MTTQ, UBND, TT&TT, VH-TT&DL…)
   and "tỉnh", "Tỉnh ủy" or the province's name left out ("Ban Tuyên giáo" is the
   Ban Tuyên giáo Tỉnh ủy);
4. the initials of a unit's name ("BTG", "BDV", "STTTT").

A name that matches two units at the first step that finds it is asked (a choice
on the review page, remembered for the whole import), never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from theodoi.plans.models import Plan
from theodoi.plans.scope import plan_units
from theodoi.units.models import Unit, UnitAlias, UnitGroup, normalize_name

from .text import fold

SEPARATORS = re.compile(r"[;,\n\r]+|\s+\+\s+")

# Abbreviations (folded) and what they stand for (folded).
ABBREVIATIONS: dict[str, str] = {
    "mttq": "mat tran to quoc",
    "ubmttq": "uy ban mat tran to quoc",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "vh-tt&dl": "van hoa, the thao va du lich",
    "vhtt&dl": "van hoa, the thao va du lich",
    "vhttdl": "van hoa, the thao va du lich",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "gd&dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "ld-tb&xh": "lao dong - thuong binh va xa hoi",
    "btg": "ban tuyen giao",
    "bdv": "ban dan van",
    "btc": "ban to chuc",
    "vptu": "van phong tinh uy",
    "dtn": "doan thanh nien",
    "lhpn": "lien hiep phu nu",
    "hlhpn": "hoi lien hiep phu nu",
    "hnd": "hoi nong dan",
    "hccb": "hoi cuu chien binh",
    "ccb": "cuu chien binh",
    "ldld": "lien doan lao dong",
    "vhnt": "van hoc nghe thuat",
    "pt-th": "phat thanh - truyen hinh",
    "ptth": "phat thanh - truyen hinh",
    "duk": "dang uy khoi",
    "tu": "tinh uy",
    "vn": "viet nam",
}
# Words that only say "of the province": left out when comparing at step 3.
PROVINCE_WORDS = ("tinh uy", "tinh", "cap tinh", "viet nam")

# Built-in groups (folded phrase -> how to find the members in the province).
BUILTIN_GROUPS: dict[str, str] = {
    "cac huyen uy, thanh uy": "districts",
    "huyen uy, thanh uy": "districts",
    "cac huyen, thanh uy": "districts",
    "cac huyen uy, thi uy, thanh uy": "districts",
    "cac huyen, thi, thanh uy": "districts",
    "cap uy cac huyen, thanh pho": "districts",
    "cac doan the": "mass",
    "cac doan the tinh": "mass",
    "cac doan the chinh tri - xa hoi": "mass",
    "cac to chuc chinh tri - xa hoi": "mass",
    "cac doan the chinh tri - xa hoi tinh": "mass",
    "cac dang uy truc thuoc": "direct",
    "cac dang uy truc thuoc tinh uy": "direct",
    "cac dang uy khoi": "direct",
}


@dataclass
class Found:
    """What a cell names: units, names asked (several units), names not found."""

    units: list[Unit] = field(default_factory=list)
    # (name as written, [(unit id, unit name), …]) for a name matching several units.
    asked: list[tuple[str, list[tuple[int, str]]]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def _expand(key: str) -> str:
    words = []
    for word in key.split(" "):
        words.append(ABBREVIATIONS.get(word, word))
    return " ".join(words)


def _bare(key: str, province: str) -> str:
    """``key`` expanded, without the words that only say 'of the province'."""
    text = _expand(key).replace("uy ban mat tran", "mat tran")
    if province:
        text = re.sub(rf"\b{re.escape(province)}\b", " ", text)
    for word in PROVINCE_WORDS:
        text = re.sub(rf"(^|\s){re.escape(word)}($|\s)", " ", text)
    return " ".join(text.replace(",", " ").split())


def _initials(key: str) -> str:
    words = [w for w in re.split(r"[\s,\-&]+", key) if w and w not in ("va",)]
    return "".join(w[0] for w in words)


class UnitResolver:
    """Matches what people write to units of one plan's province (see the module)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.units = list(plan_units(plan))
        self.by_id = {u.pk: u for u in self.units}
        province = next((u for u in self.units if u.pk == plan.issuer_id), None)
        place = fold(province.place) if province and province.place else ""
        self.province_word = place.replace("tinh ", "")
        steps: list[dict[str, set[int]]] = [defaultdict(set) for _ in range(4)]
        aliases: dict[int, list[str]] = defaultdict(list)
        for alias in UnitAlias.objects.filter(unit__in=[u.pk for u in self.units]):
            aliases[alias.unit_id].append(alias.name)
        for unit in self.units:
            names = [unit.name, unit.short_name, unit.code, *aliases[unit.pk]]
            for name in filter(None, names):
                exact = normalize_name(str(name))
                steps[0][exact].add(unit.pk)
                folded = fold(name)
                steps[1][folded].add(unit.pk)
                steps[2][_bare(folded, self.province_word)].add(unit.pk)
            if unit.kind not in (Unit.Kind.COMMUNE, Unit.Kind.VILLAGE):
                initials = _initials(_bare(fold(unit.name), self.province_word))
                if len(initials) >= 2:
                    steps[3][initials].add(unit.pk)
        steps[2].pop("", None)
        self.steps = steps
        self.groups: dict[str, tuple[str, list[int]]] = {}
        ids = set(self.by_id)
        for group in UnitGroup.objects.prefetch_related("units"):
            members = [u.pk for u in group.units.all() if u.pk in ids]
            if members:
                self.groups[fold(group.name)] = (group.name, members)
        children = [u for u in self.units if u.parent_id == plan.issuer_id]
        builtin = {
            "districts": [u.pk for u in children if u.kind == Unit.Kind.DISTRICT],
            "mass": [
                u.pk
                for u in children
                if u.kind == Unit.Kind.MASS_ORGANISATION
                and not re.search(r"mat tran|mttq|van hoc", fold(u.name))
            ],
            "direct": [u.pk for u in children if u.kind == Unit.Kind.PARTY_COMMITTEE],
        }
        for phrase, which in BUILTIN_GROUPS.items():
            if fold(phrase) not in self.groups and builtin[which]:
                self.groups[fold(phrase)] = (phrase, builtin[which])

    def match_name(self, name: str) -> set[int]:
        """Ids matching one name, at the first step that finds any."""
        exact = normalize_name(name)
        folded = fold(name)
        keys = [exact, folded, _bare(folded, self.province_word), folded.replace(" ", "")]
        for step, key in zip(self.steps, keys, strict=True):
            if key and key in step:
                return step[key]
        return set()

    def find(self, cell: Any, choices: dict[str, Any] | None = None) -> Found:
        found = Found()
        pieces = [" ".join(p.split()).strip(" .-–+") for p in SEPARATORS.split(str(cell or ""))]
        pieces = [p for p in pieces if fold(p)]
        keys = [fold(p) for p in pieces]
        picked: list[int] = []
        i = 0
        while i < len(pieces):
            # The longest run of pieces naming a group ("các huyện ủy" + "thành ủy").
            for j in range(len(pieces), i, -1):
                joined = ",".join(keys[i:j])
                if joined in self.groups:
                    label, members = self.groups[joined]
                    found.groups.append(label)
                    picked.extend(members)
                    i = j
                    break
            else:
                name, key = pieces[i], keys[i]
                i += 1
                chosen = (choices or {}).get(key)
                if chosen and str(chosen).isdigit() and int(chosen) in self.by_id:
                    picked.append(int(chosen))
                    continue
                ids = self.match_name(name)
                if len(ids) == 1:
                    picked.append(next(iter(ids)))
                elif ids:
                    options = sorted(((pk, self.by_id[pk].name) for pk in ids), key=lambda o: o[1])
                    found.asked.append((name, options))
                else:
                    found.unknown.append(name)
        seen: set[int] = set()
        for pk in picked:
            if pk not in seen:
                seen.add(pk)
                found.units.append(self.by_id[pk])
        return found
