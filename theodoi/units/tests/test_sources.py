"""Tests for theodoi.units.sources (pure Python: no database, no Django setup)."""

from __future__ import annotations

import unicodedata

from theodoi.units import sources
from theodoi.units.sources import SourceUnit


def _is_nfc(units: list[SourceUnit]) -> bool:
    return all(unicodedata.is_normalized("NFC", u.name) for u in units)


def test_provinces_2025() -> None:
    provinces = sources.provinces_2025()
    assert len(provinces) == 34
    assert len({p.code for p in provinces}) == 34
    assert all(len(p.code) == 2 and p.parent_code is None for p in provinces)
    assert {p.division_type for p in provinces} == {"tỉnh", "thành phố trung ương"}
    by_code = {p.code: p for p in provinces}
    assert by_code["15"].name == "Tỉnh Lào Cai"
    assert by_code["15"].division_type == "tỉnh"
    assert by_code["01"].name == "Thành phố Hà Nội"
    assert by_code["01"].division_type == "thành phố trung ương"
    assert _is_nfc(provinces)


def test_communes_2025() -> None:
    communes = sources.communes_2025()
    assert len(communes) == 3321
    assert len({c.code for c in communes}) == len(communes)
    assert all(len(c.code) == 5 for c in communes)
    assert {c.division_type for c in communes} == {"xã", "phường", "đặc khu"}
    province_codes = {p.code for p in sources.provinces_2025()}
    assert {c.parent_code for c in communes} == province_codes
    assert _is_nfc(communes)


def test_laocai_2025() -> None:
    communes = sources.communes_2025("15")
    assert len(communes) == 99
    assert all(c.parent_code == "15" for c in communes)
    assert any(c.name == "Xã Tả Van" for c in communes)
    assert sources.communes_2025("15") == [
        c for c in sources.communes_2025() if c.parent_code == "15"
    ]


def test_laocai_2018() -> None:
    province, districts, communes = sources.laocai_2018()
    assert province == SourceUnit("10", "Tỉnh Lào Cai", "tỉnh", None)

    assert len(districts) == 9
    names = {d.name for d in districts}
    assert "Thành phố Lào Cai" in names
    assert "Huyện Sa Pa" in names
    assert not any(n.startswith("Thị xã") for n in names)
    huyen = [d for d in districts if d.division_type == "huyện"]
    assert len(huyen) == 8
    assert all(d.name.startswith("Huyện ") for d in huyen)
    assert all(d.parent_code == "10" and len(d.code) == 3 for d in districts)

    assert len(communes) == 151
    per_district = {d.code: sum(c.parent_code == d.code for c in communes) for d in districts}
    assert per_district == {
        "080": 17, "082": 21, "083": 16, "084": 10, "085": 18,
        "086": 14, "087": 17, "088": 16, "089": 22,
    }  # fmt: skip
    assert all(len(c.code) == 5 for c in communes)
    assert {c.division_type for c in communes} <= {"xã", "phường", "thị trấn"}

    codes = [u.code for u in (province, *districts, *communes)]
    assert len(codes) == len(set(codes))
    assert len({c.code for c in communes}) == len(communes)
    assert _is_nfc([province, *districts, *communes])
    assert "vietnam-provinces 0.6.0" in sources.laocai_2018_source()
