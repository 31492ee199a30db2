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
