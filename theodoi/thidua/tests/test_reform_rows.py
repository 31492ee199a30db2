"""A year cut by the 2025 reform: each row of the ranking says its structure."""

from datetime import date

from theodoi.testing import make_unit
from theodoi.thidua import ranking
from theodoi.units.models import Unit


def test_rows_of_a_year_spanning_the_reform_say_their_structure(world):
    Unit.objects.filter(pk__in=[world.btg.pk, world.bdv.pk]).update(active_to=date(2025, 6, 30))
    ban = make_unit(
        "Ban Tuyên giáo và Dân vận Tỉnh ủy", Unit.Kind.PARTY_AGENCY, world.province,
        active_from=date(2025, 7, 1),
    )  # fmt: skip
    year = ranking.compute(world.province, ranking.parse_period("2025"), "agency")
    labels = {row.key: row.structure for row in year.rows}
    assert labels[world.btg.pk] == labels[world.bdv.pk]
    assert "30/06/2025" in labels[world.btg.pk]
    assert "01/07/2025" in labels[ban.pk]
    assert labels[world.sotttt.pk] == ""  # unchanged by the reform
    # A half within one structure labels nothing; the ceased bans are not in it.
    second = ranking.compute(world.province, ranking.parse_period("2025-H2"), "agency")
    assert {r.key: r.structure for r in second.rows}.get(ban.pk) == ""
    assert world.btg.pk not in {r.key for r in second.rows}
    # Stored rankings written before the field existed still load.
    data = year.as_json()
    for row in data["rows"]:
        row.pop("structure")
    assert ranking.Ranking.from_json(data).rows[0].structure == ""


def test_the_proposal_docx_labels_each_collective_by_structure(world):
    import io

    from django.contrib.auth.models import User
    from django.utils import timezone
    from docx import Document

    from theodoi.thidua.documents import proposals_docx
    from theodoi.thidua.models import EmulationYear, Proposal

    Unit.objects.filter(pk=world.btg.pk).update(active_to=date(2025, 6, 30))
    world.btg.refresh_from_db()
    ban = make_unit(
        "Ban Tuyên giáo và Dân vận Tỉnh ủy", Unit.Kind.PARTY_AGENCY, world.province,
        active_from=date(2025, 7, 1),
    )  # fmt: skip
    year = EmulationYear.objects.create(province=world.province, year=2025)
    by = User.objects.get(username="coordinator")
    made = []
    for n, unit in enumerate([ban, world.btg, world.sotttt], start=1):
        proposal = Proposal.objects.create(
            emulation_year=year, level="agency", unit=unit, name=unit.name,
            award="giay_khen", rank=n, score=90, reason="Hoàn thành tốt", created_by=by,
            created_at=timezone.now(),
        )  # fmt: skip
        made.append(proposal)
    doc = Document(io.BytesIO(proposals_docx(year, made)))
    names = [row.cells[1].text for table in doc.tables for row in table.rows]
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy (từ 01/07/2025)" in names
    assert "Ban Tuyên giáo Tỉnh ủy (đến 30/06/2025)" in names
    assert world.sotttt.name in names  # unchanged by the reform: no label
    # A year within one structure labels nothing.
    year2 = EmulationYear.objects.create(province=world.province, year=2026)
    late = Proposal.objects.create(
        emulation_year=year2, level="agency", unit=ban, name=ban.name, award="giay_khen",
        rank=1, score=90, reason="Tốt", created_by=by, created_at=timezone.now(),
    )  # fmt: skip
    doc = Document(io.BytesIO(proposals_docx(year2, [late])))
    assert ban.name in [row.cells[1].text for table in doc.tables for row in table.rows]
