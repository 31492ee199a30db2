"""The unit imports: counts, idempotency, updates, the 2018 tree and lineage."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from theodoi.units import imports
from theodoi.units.models import Unit, UnitLineage

pytestmark = pytest.mark.django_db


def test_import_vn2025_counts_and_idempotency() -> None:
    first = imports.import_vn2025()
    assert first.created == 34 + 3321
    assert Unit.objects.filter(key__startswith="vn2025:", kind="province").count() == 34
    assert Unit.objects.filter(key__startswith="vn2025:", kind="commune").count() == 3321
    laocai = Unit.objects.get(key="vn2025:15")
    assert laocai.name == "Tỉnh Lào Cai"
    assert laocai.division_type == "tỉnh"
    assert laocai.active_from == date(2025, 7, 1)
    assert laocai.children.filter(kind="commune").count() == 99
    tavan = Unit.objects.get(key__startswith="vn2025:", name="Xã Tả Van")
    assert tavan.parent_id == laocai.pk
    assert tavan.division_type == "xã"

    second = imports.import_vn2025()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 34 + 3321)


def test_import_updates_a_changed_name() -> None:
    imports.import_vn2025()
    Unit.objects.filter(key="vn2025:15").update(name="Tỉnh Lào Cai cũ")
    result = imports.import_vn2025()
    assert (result.created, result.updated) == (0, 1)
    assert Unit.objects.get(key="vn2025:15").name == "Tỉnh Lào Cai"


def test_import_laocai_2018_tree() -> None:
    result = imports.import_laocai_2018()
    province = Unit.objects.get(key="lc2018:10")
    assert (province.name, province.kind, province.symbol, province.place) == (
        "Tỉnh ủy Lào Cai",
        "province",
        "TU",
        "Lào Cai",
    )
    assert province.active_to == date(2025, 6, 30)
    districts = list(province.children.filter(kind="district").order_by("position"))
    assert len(districts) == 9
    assert [d.name for d in districts][:2] == ["Thành ủy Lào Cai", "Huyện ủy Bát Xát"]
    assert districts[0].symbol == "ThU" and districts[1].symbol == "HU"
    assert districts[1].code == "082" and districts[1].key == "lc2018:082"
    assert "Huyện ủy Sa Pa" in {d.name for d in districts}
    assert Unit.objects.filter(parent__in=districts, kind="commune").count() == 151
    assert result.created == 1 + 9 + 151
    again = imports.import_laocai_2018()
    assert (again.created, again.updated) == (0, 0)


def test_lineage_links_2018_to_2025_once() -> None:
    imports.import_laocai_2018()
    assert not UnitLineage.objects.exists()
    result = imports.import_vn2025()
    assert result.lineage_created == 1
    link = UnitLineage.objects.get()
    assert link.predecessor.key == "lc2018:10"
    assert link.successor.key == "vn2025:15"
    assert link.event == "merged"
    assert link.effective == date(2025, 7, 1)
    assert link.basis == "Nghị quyết 202/2025/QH15"
    assert imports.import_laocai_2018().lineage_created == 0
    assert UnitLineage.objects.count() == 1


def test_command_reports_counts() -> None:
    out = StringIO()
    call_command("import_units", "--laocai-2018", stdout=out)
    assert "161 created, 0 updated, 0 unchanged" in out.getvalue()
    out = StringIO()
    call_command("import_units", "--laocai-2018", stdout=out)
    assert "0 created, 0 updated, 161 unchanged" in out.getvalue()
