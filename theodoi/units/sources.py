"""Read official administrative-unit lists, independent of Django.

- ``provinces_2025`` / ``communes_2025``: the post-July-2025 two-level structure
  (34 provinces, ~3,321 communes) from the installed ``vietnam-provinces``
  package (2025.x releases).
- ``laocai_2018``: the pre-reform Lào Cai tree (province, districts, communes)
  from ``data/laocai_2018.json``, derived from vietnam-provinces 0.6.0 by
  ``data/derive_laocai_2018.py`` (see the "source" field of the JSON file).

The 2025 package exposes no lineage (which old communes formed each new
commune), so no lineage reader is provided here.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vietnam_provinces import Province, VietNamDivisionType, Ward

LAOCAI_2018_PATH = Path(__file__).resolve().parent / "data" / "laocai_2018.json"


@dataclass(frozen=True)
class SourceUnit:
    code: str  # official code, e.g. "15" for a province, "04321" for a commune
    name: str  # e.g. "Tỉnh Lào Cai", "Xã Tả Van"
    division_type: str  # e.g. "tỉnh", "thành phố trung ương", "xã", "phường", "đặc khu"
    parent_code: str | None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _province_name(province: Province) -> str:
    # The package names provinces without the "Tỉnh" prefix ("Lào Cai") but keeps
    # "Thành phố" for centrally-run cities ("Thành phố Hà Nội"); add it back.
    name = _nfc(province.name)
    if province.division_type == VietNamDivisionType.TINH and not name.startswith("Tỉnh "):
        name = f"Tỉnh {name}"
    return name


@cache
def _provinces_2025() -> tuple[SourceUnit, ...]:
    units = (
        SourceUnit(
            code=f"{int(p.code):02d}",
            name=_province_name(p),
            division_type=p.division_type.value,
            parent_code=None,
        )
        for p in Province.iter_all()
    )
    return tuple(sorted(units, key=lambda u: u.code))


@cache
def _communes_2025() -> tuple[SourceUnit, ...]:
    units = (
        SourceUnit(
            code=f"{int(w.code):05d}",
            name=_nfc(w.name),
            division_type=w.division_type.value,
            parent_code=f"{int(w.province_code):02d}",
        )
        for w in Ward.iter_all()
    )
    return tuple(sorted(units, key=lambda u: (u.parent_code or "", u.code)))


def provinces_2025() -> list[SourceUnit]:
    """The 34 provinces/centrally-run cities after the July 2025 reform, by code."""
    return list(_provinces_2025())


def communes_2025(province_code: str | None = None) -> list[SourceUnit]:
    """Post-2025 communes (xã/phường/đặc khu); ``parent_code`` is the province code.

    ``province_code`` (e.g. "15"; "8" is accepted as "08") filters the list to
    one province. Sorted by (province code, commune code).
    """
    communes = _communes_2025()
    if province_code is None:
        return list(communes)
    wanted = f"{int(province_code):02d}"
    return [c for c in communes if c.parent_code == wanted]


def _unit(raw: dict[str, Any], parent_code: str | None) -> SourceUnit:
    return SourceUnit(
        code=str(raw["code"]),
        name=_nfc(raw["name"]),
        division_type=_nfc(raw["division_type"]),
        parent_code=parent_code,
    )


def laocai_2018() -> tuple[SourceUnit, list[SourceUnit], list[SourceUnit]]:
    """(province, districts, communes) of Lào Cai before the 2025 reform.

    Districts' ``parent_code`` is the province code; communes' is the district code.
    """
    data = json.loads(LAOCAI_2018_PATH.read_text(encoding="utf-8"))
    raw_province = data["province"]
    province = _unit(raw_province, None)
    districts: list[SourceUnit] = []
    communes: list[SourceUnit] = []
    for raw_district in raw_province["districts"]:
        district = _unit(raw_district, province.code)
        districts.append(district)
        communes.extend(_unit(c, district.code) for c in raw_district["communes"])
    return province, districts, communes


def laocai_2018_source() -> str:
    """The provenance paragraph stored in ``data/laocai_2018.json``."""
    data = json.loads(LAOCAI_2018_PATH.read_text(encoding="utf-8"))
    return str(data["source"])


LAOCAI_LINEAGE_PATH = Path(__file__).resolve().parent / "data" / "laocai_lineage_2025.json"


def laocai_lineage() -> list[dict[str, str]]:
    """Rows old commune → 2025 commune of the new Lào Cai (names as the source has them):
    keys old_province, old_district, old_commune, new_province, new_commune."""
    data = json.loads(LAOCAI_LINEAGE_PATH.read_text(encoding="utf-8"))
    return list(data["rows"])
