"""Demo data for the import with review: the issued 112-KH/TU as a Word document, and aliases.

The loader calls ``load(ctx)``: it adds the aliases people use for a few units
("Ban Tuyên giáo", "Mặt trận", "Đài tỉnh") and writes the plan as issued, in the
Party's format with its appendix, to ``<data folder>/demo/112-KH-TU.docx`` (the
same file the plan's page offers for download), to try the import on.
"""

from __future__ import annotations

from django.conf import settings

from theodoi.demo.context import DemoContext
from theodoi.units.models import UnitAlias

from .plan_docx import plan_docx

ALIASES = {
    "lc2018:agency:BTG": ["Ban Tuyên giáo", "Ban TG Tỉnh ủy"],
    "lc2018:agency:BDV": ["Ban Dân vận", "Ban DV Tỉnh ủy"],
    "lc2018:agency:MTTQ": ["Mặt trận Tổ quốc tỉnh", "UBMTTQ tỉnh"],
    "lc2018:agency:PTTH": ["Đài tỉnh", "Đài PTTH tỉnh"],
    "lc2018:agency:STTTT": ["Sở Thông tin - Truyền thông"],
}


def load(ctx: DemoContext) -> None:
    for key, names in ALIASES.items():
        unit = ctx.unit(key)
        for name in names:
            UnitAlias.objects.get_or_create(unit=unit, name=name)
    folder = settings.DATA_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "112-KH-TU.docx").write_bytes(plan_docx(ctx.plan))
