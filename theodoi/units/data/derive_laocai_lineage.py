"""Derive laocai_lineage_2025.json (old communes → 2025 communes of the new Lào Cai).

Standalone helper, NOT imported by the app. The mapping comes from
vietnam-address-converter 1.0.5 (PyPI, Apache-2.0), whose data module packages
"admin_mapping_old_to_new_10_25.xlsx" (10,358 rows, every pre-reform commune of
the country to the commune(s) it became on 1 July 2025). Run it in a throwaway venv:

    python3 -m venv /tmp/vac && /tmp/vac/bin/pip install vietnam-address-converter==1.0.5
    /tmp/vac/bin/python theodoi/units/data/derive_laocai_lineage.py

It keeps the rows of the two old provinces that became the new Lào Cai (Lào Cai
and Yên Bái) and writes them with the names as the package has them. The
package's codes are NOT the General Statistics Office's codes (Lào Cai is "48"
there, "10" in the GSO list; its 2025 wards are numbered 15xxx), so the file
keeps names only and the import matches by name, listing what it cannot match.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib.metadata import version
from pathlib import Path

from vietnam_address_converter import data

OLD_PROVINCES = ("Tỉnh Lào Cai", "Tỉnh Yên Bái")
OUT = Path(__file__).with_name("laocai_lineage_2025.json")


def main() -> None:
    meta = data.mapping["meta"]
    rows = [
        {
            "old_province": r["old"]["province_name"],
            "old_district": r["old"]["district_name"],
            "old_commune": r["old"]["ward_name"],
            "new_province": r["new"]["province_name"],
            "new_commune": r["new"]["ward_name"],
        }
        for r in data.mapping["rows"]
        if r["old"]["province_name"] in OLD_PROVINCES
    ]
    out = {
        "source": (
            f"Derived from vietnam-address-converter {version('vietnam-address-converter')}"
            f" (PyPI, Apache-2.0), data '{meta['source']}' sheet '{meta['sheet']}' version"
            f" {meta['version']} ({meta['row_count']} rows nationwide); generated on"
            f" {dt.date.today():%Y-%m-%d} by theodoi/units/data/derive_laocai_lineage.py."
            f" Kept: the {len(rows)} rows of the old provinces {', '.join(OLD_PROVINCES)}."
            " Checked before use: every old Lào Cai commune appears exactly once (151, no"
            " commune split across two new ones), all new communes are in the new Tỉnh Lào"
            " Cai (99), and the package's codes are not GSO codes, so names are kept and"
            " matched by the import (`theodoi import-units --lineage`), which lists the"
            " names it cannot match."
        ),
        "rows": rows,
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
