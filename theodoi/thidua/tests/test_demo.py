"""The demo's thi đua: 2018 weights for the three levels, the clusters, the open year."""

import io
from datetime import date

import pytest

from theodoi.testing import make_unit, make_user
from theodoi.thidua import demo
from theodoi.thidua.models import Cluster, EmulationYear, WeightSet
from theodoi.thidua.ranking import parse_period, ranking
from theodoi.units.models import Membership, Unit

pytestmark = pytest.mark.django_db


class Ctx:
    today = date(2018, 7, 15)

    def __init__(self):
        self.stdout = io.StringIO()
        self.province = make_unit("Tỉnh ủy Lào Cai", Unit.Kind.PROVINCE, key="lc2018:10")
        btg = make_unit(
            "Ban Tuyên giáo Tỉnh ủy", Unit.Kind.PARTY_AGENCY, self.province,
            key="lc2018:agency:BTG",
        )  # fmt: skip
        make_unit("Ban Dân vận Tỉnh ủy", Unit.Kind.PARTY_AGENCY, self.province,
                  key="lc2018:agency:BDV")  # fmt: skip
        make_user("coordinator", Membership.Role.COORDINATOR, btg)
        self._districts = [
            make_unit("Thành ủy Lào Cai", Unit.Kind.DISTRICT, self.province),
            make_unit("Huyện ủy Bát Xát", Unit.Kind.DISTRICT, self.province),
        ]

    def districts(self):
        return self._districts


def test_the_demo_thi_dua():
    ctx = Ctx()
    demo.load(ctx)
    assert WeightSet.objects.filter(province=ctx.province, year=2018).count() == 3
    assert all(sum(w.weights.values()) == 100 for w in WeightSet.objects.all())
    clusters = {c.name: {m.name for m in c.members.all()} for c in Cluster.objects.all()}
    assert clusters["Cụm thi đua các huyện vùng cao"] == {"Huyện ủy Bát Xát"}
    assert clusters["Cụm thi đua thành phố và các huyện vùng thấp"] == {"Thành ủy Lào Cai"}
    assert "Ban Tuyên giáo Tỉnh ủy" in clusters["Khối các cơ quan tuyên giáo"]
    assert EmulationYear.objects.get(province=ctx.province, year=2018).state == "open"
    found = ranking(ctx.province, parse_period("2018-H1"), "district")
    assert not found.final and found.weights_set
    assert "Thi đua" in ctx.stdout.getvalue()
