"""Commune-level lineage: the 2018 Lào Cai communes linked to the 2025 communes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from theodoi.units import imports, sources
from theodoi.units.models import Unit, UnitLineage

pytestmark = pytest.mark.django_db


def test_the_data_file_states_its_source_and_holds_both_old_provinces():
    rows = sources.laocai_lineage()
    assert len(rows) == 319
    lao_cai = [r for r in rows if r["old_province"] == "Tỉnh Lào Cai"]
    assert len(lao_cai) == 151
    assert len({r["new_commune"] for r in rows}) == 99
    assert {r["new_province"] for r in rows} == {"Tỉnh Lào Cai"}


def test_name_key_reads_old_and_new_tone_marks_alike():
    assert imports.name_key("Xã  Vạn Hoà") == imports.name_key("xã vạn hòa")
    assert imports.name_key("Xã Sơn Thuỷ") == imports.name_key("Xã Sơn Thủy")
    assert imports.name_key("Xã Bản Hồ") != imports.name_key("Xã Bản Hô")


def test_lineage_needs_the_2025_structure():
    imports.import_laocai_2018()
    with pytest.raises(ValueError):
        imports.import_laocai_lineage()


def test_every_2018_commune_is_linked_once_and_again_changes_nothing():
    imports.import_laocai_2018()
    imports.import_vn2025()
    result = imports.import_laocai_lineage()
    # The old Yên Bái has no pre-2025 units in theodoi: its rows are counted, not guessed.
    assert result.not_loaded == {"Tỉnh Yên Bái": 168}
    assert result.created + len(result.unmatched) == 151
    old = Unit.objects.filter(key__startswith="lc2018:", kind=Unit.Kind.COMMUNE)
    linked = UnitLineage.objects.filter(predecessor__in=old)
    assert linked.count() == result.created
    assert result.created >= 145, result.unmatched  # names that differ are listed, not guessed
    # Phường Cốc Lếu and Phường Lào Cai (2018) are both in Phường Lào Cai (2025): merged.
    lao_cai_2025 = Unit.objects.get(key__startswith="vn2025:", name="Phường Lào Cai")
    before = set(
        UnitLineage.objects.filter(successor=lao_cai_2025).values_list("predecessor__name", "event")
    )
    assert ("Phường Cốc Lếu", "merged") in before
    assert ("Phường Lào Cai", "merged") in before
    again = imports.import_laocai_lineage()
    assert again.created == 0
    assert again.existing == result.created


def test_unmatched_and_ambiguous_rows_are_listed_never_guessed():
    imports.import_laocai_2018()
    imports.import_vn2025()
    rows = [
        {
            "old_province": "Tỉnh Lào Cai",
            "old_district": "Huyện Bát Xát",
            "old_commune": "Xã Không Có",
            "new_province": "Tỉnh Lào Cai",
            "new_commune": "Xã Bát Xát",
        },
        {
            "old_province": "Tỉnh Lào Cai",
            "old_district": "Huyện Bát Xát",
            "old_commune": "Xã Y Tý",
            "new_province": "Tỉnh Lào Cai",
            "new_commune": "Xã Y Tý",
        },
    ]
    # A second 2025 commune of the same name makes the new side ambiguous.
    y_ty = Unit.objects.get(key__startswith="vn2025:", name="Xã Y Tý")
    Unit.objects.create(
        name="Xã Y Tý", kind=Unit.Kind.COMMUNE, parent=y_ty.parent, key="vn2025:99999"
    )
    result = imports.import_laocai_lineage(rows)
    assert result.created == 0
    assert result.unmatched == [
        "Xã Không Có (Huyện Bát Xát, Tỉnh Lào Cai) → Xã Bát Xát: old commune: none",
        "Xã Y Tý (Huyện Bát Xát, Tỉnh Lào Cai) → Xã Y Tý: new commune: 2 units",
    ]
    assert not UnitLineage.objects.filter(successor__name="Xã Y Tý").exists()


def test_split_and_rename_events():
    imports.import_laocai_2018()
    imports.import_vn2025()
    old = Unit.objects.get(key__startswith="lc2018:", name="Xã Y Tý")
    rows = [
        {"old_province": "Tỉnh Lào Cai", "old_district": "Huyện Bát Xát",
         "old_commune": "Xã Y Tý", "new_province": "Tỉnh Lào Cai", "new_commune": new}
        for new in ("Xã Y Tý", "Xã Bát Xát")
    ]  # fmt: skip
    imports.import_laocai_lineage(rows)
    assert set(
        UnitLineage.objects.filter(predecessor=old).values_list("successor__name", "event")
    ) == {("Xã Y Tý", "split"), ("Xã Bát Xát", "split")}


def test_command():
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", "--lineage", stdout=out)
    call_command("import_units", "--laocai-2018", stdout=out)
    call_command("import_units", stdout=out)
    call_command("import_units", "--lineage", stdout=out)
    text = out.getvalue()
    assert "Lào Cai communes:" in text
    assert "168 row(s) of Tỉnh Yên Bái skipped" in text
