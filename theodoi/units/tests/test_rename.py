"""A unit renamed without becoming a new unit: the name of each date is kept, the
rename is its province administrator's (with a reason, refused on a stale form),
and documents carry the name valid on their date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from theodoi.documents.issuers import issuer_on
from theodoi.testing import make_user
from theodoi.units.models import Membership, UnitName
from theodoi.units.renames import do_rename_unit

pytestmark = pytest.mark.django_db
ON = date(2019, 3, 1)


def _post(client, unit, **data):
    form = {"name": "Ban Tuyên giáo và Văn hóa Tỉnh ủy", "on": "2019-03-01",
            "reason": "Quyết định 12-QĐ/TU", "expected_name": unit.name, **data}  # fmt: skip
    return client.post(f"/units/{unit.pk}/rename/", form)


def test_names_by_date_after_a_rename(world):
    do_rename_unit(
        world.btg, name="Ban Tuyên giáo và Văn hóa Tỉnh ủy", on=ON, reason="QĐ 12",
        by=world.admin, expected_name="Ban Tuyên giáo Tỉnh ủy",
    )  # fmt: skip
    btg = type(world.btg).objects.get(pk=world.btg.pk)
    assert btg.name == "Ban Tuyên giáo và Văn hóa Tỉnh ủy"
    assert btg.name_on(date(2019, 2, 28)) == "Ban Tuyên giáo Tỉnh ủy"
    assert btg.name_on(ON) == "Ban Tuyên giáo và Văn hóa Tỉnh ủy"
    assert btg.names_on(date(2018, 5, 1)) == [
        "Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo và Văn hóa Tỉnh ủy"
    ]  # fmt: skip
    former = UnitName.objects.get(unit=btg)
    assert (former.valid_to, former.reason, former.created_by) == (
        date(2019, 2, 28), "QĐ 12", world.admin
    )  # fmt: skip
    assert btg.history.first().history_change_reason == "QĐ 12"
    # A second rename must take effect after the first.
    with pytest.raises(ValidationError) as exc:
        do_rename_unit(btg, name="Ban X", on=ON, reason="r", by=world.admin,
                       expected_name=btg.name)  # fmt: skip
    assert "on" in exc.value.message_dict


def test_the_document_header_before_and_after_a_rename(world):
    before = issuer_on(world.btg, date(2018, 7, 10))
    assert before.name == "BAN TUYÊN GIÁO"
    do_rename_unit(
        world.btg, name="Ban Tuyên giáo và Văn hóa Tỉnh ủy", on=ON, reason="QĐ 12",
        by=world.admin, expected_name=world.btg.name,
    )  # fmt: skip
    btg = type(world.btg).objects.get(pk=world.btg.pk)
    assert issuer_on(btg, date(2018, 7, 10)).name == "BAN TUYÊN GIÁO"
    assert issuer_on(btg, date(2019, 3, 5)).name == "BAN TUYÊN GIÁO VÀ VĂN HÓA"
    assert issuer_on(btg, date(2019, 3, 5)).superior == before.superior


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 302), ("coordinator", 403), ("viewer", 403), ("commune", 404),
     ("district_admin", 403), ("outsider", 404), ("other_admin", 404)],
)  # fmt: skip
def test_rename_allowed_only_to_the_province_administrator(client, world, persona, status):
    if persona == "district_admin":
        user = make_user("district_admin", Membership.Role.ADMIN, world.district1)
    elif persona == "other_admin":
        user = make_user("other_admin", Membership.Role.ADMIN, world.other_province)
    else:
        user = getattr(world, persona)
    client.force_login(user)
    # A district administrator does not reach the province's ban at all.
    expected = 404 if persona == "district_admin" else status
    assert client.get(f"/units/{world.btg.pk}/rename/").status_code in (expected, 200)
    response = _post(client, world.btg)
    assert response.status_code == expected
    renamed = type(world.btg).objects.get(pk=world.btg.pk).name != "Ban Tuyên giáo Tỉnh ủy"
    assert renamed == (persona == "admin")


def test_a_rename_without_reason_or_on_a_stale_form_is_refused_at_the_field(client, world):
    client.force_login(world.admin)
    response = _post(client, world.btg, reason=" ")
    assert response.status_code == 422 and "lý do" in response.content.decode().lower()
    response = _post(client, world.btg, on="31/02/2019")
    assert response.status_code == 422
    response = _post(client, world.btg, expected_name="Tên cũ khác")
    assert response.status_code == 422
    assert not UnitName.objects.exists()
    assert _post(client, world.btg).status_code == 302
    # The same form sent again is stale now: refused, not a second rename.
    assert _post(client, world.btg, expected_name="Ban Tuyên giáo Tỉnh ủy").status_code == 422
    assert UnitName.objects.count() == 1
