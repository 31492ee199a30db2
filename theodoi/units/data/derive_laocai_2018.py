"""Derive laocai_2018.json (pre-2025 Lào Cai province tree) from vietnam-provinces 0.6.0.

Standalone helper, NOT imported by the app. vietnam-provinces 0.6.0 is the last
release with the pre-July-2025 structure (63 provinces, 3 levels); the app itself
uses the post-2025 release, so this script must run in a throwaway venv:

    python3 -m venv /tmp/vp06
    /tmp/vp06/bin/pip install vietnam-provinces==0.6.0
    /tmp/vp06/bin/python theodoi/units/data/derive_laocai_2018.py

It writes laocai_2018.json next to this file (UTF-8, ensure_ascii=False, indent=1).

Adjustments made to the package data (all stated in the JSON "source" field):
- codes: the package gives integers; they are zero-padded to the GSO widths
  (province 2, district 3, commune 5 digits);
- division_type: 0.6.0 labels every unit generically ("tỉnh"/"huyện"/"xã"),
  so it is re-derived from the name prefix (Thành phố -> "thành phố trực thuộc
  tỉnh", Thị xã, Huyện, Phường, Thị trấn, Xã);
- names are NFC-normalised (they already are; this is a no-op safeguard);
- district 088 "Thị xã Sa Pa" becomes "Huyện Sa Pa" / "huyện", as in 2018;
- communes are left as the package has them (state of the GSO list on the
  package's data date, i.e. after the 2019-2020 and later commune changes).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import vietnam_provinces as vp

PROVINCE_CODE = 10
SA_PA_CODE = 88
OUT = Path(__file__).with_name("laocai_2018.json")
SCRIPT = "theodoi/units/data/derive_laocai_2018.py"

DISTRICT_TYPES = [
    ("Thành phố ", "thành phố trực thuộc tỉnh"),
    ("Thị xã ", "thị xã"),
    ("Huyện ", "huyện"),
    ("Quận ", "quận"),
]
COMMUNE_TYPES = [("Phường ", "phường"), ("Thị trấn ", "thị trấn"), ("Xã ", "xã")]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def type_from_name(name: str, table: list[tuple[str, str]]) -> str:
    for prefix, division_type in table:
        if name.startswith(prefix):
            return division_type
    raise ValueError(f"cannot derive division type from {name!r}")


def main() -> None:
    assert vp.__version__ == "0.6.0", vp.__version__
    data = json.loads(vp.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    [prov] = [p for p in data if p["code"] == PROVINCE_CODE]

    districts = []
    for d in sorted(prov["districts"], key=lambda d: d["code"]):
        name = nfc(d["name"])
        division_type = type_from_name(name, DISTRICT_TYPES)
        if d["code"] == SA_PA_CODE:
            assert name == "Thị xã Sa Pa", name
            name, division_type = "Huyện Sa Pa", "huyện"
        communes = [
            {
                "code": f"{w['code']:05d}",
                "name": nfc(w["name"]),
                "division_type": type_from_name(nfc(w["name"]), COMMUNE_TYPES),
            }
            for w in sorted(d["wards"], key=lambda w: w["code"])
        ]
        districts.append(
            {
                "code": f"{d['code']:03d}",
                "name": name,
                "division_type": division_type,
                "communes": communes,
            }
        )

    source = (
        f"Derived from vietnam-provinces 0.6.0 (PyPI; data date {vp.__data_version__}), "
        "which packages the General Statistics Office's administrative code list "
        "(danh mục đơn vị hành chính); generated on "
        f"{dt.date.today().isoformat()} by {SCRIPT}. Adjustments: (1) district 088 "
        "'Thị xã Sa Pa' renamed to 'Huyện Sa Pa' with division_type 'huyện', as it "
        "was in 2018 (it became a thị xã in 2019); (2) integer codes zero-padded to "
        "the GSO widths (province 2, district 3, commune 5 digits); (3) division_type "
        "re-derived from the name prefix, because the package labels every unit "
        "generically as tỉnh/huyện/xã ('Thành phố' districts are given as 'thành phố "
        "trực thuộc tỉnh'); (4) names NFC-normalised. Communes are left exactly as "
        "the package has them, i.e. as of the package's data date, NOT as of 2018: "
        "commune-level mergers and the 2019 Sa Pa reorganisation (its phường) are "
        "therefore already reflected, and 2018 communes that no longer existed by "
        "then are absent."
    )
    out = {
        "source": source,
        "province": {
            "code": f"{prov['code']:02d}",
            "name": nfc(prov["name"]),
            "division_type": "tỉnh",
            "districts": districts,
        },
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum(len(d["communes"]) for d in districts)
    for d in districts:
        print(d["code"], d["name"], len(d["communes"]))
    print(f"{len(districts)} districts, {total} communes -> {OUT}")


if __name__ == "__main__":
    main()
