"""The document register: numbers in series, never one number for two documents."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from theodoi.register import actions
from theodoi.register.actions import reserve
from theodoi.register.models import RegisteredDocument


@pytest.mark.django_db
def test_numbers_follow_each_series(world):
    btg = world.btg
    first = reserve(btg, "BC", symbol="BTGTU", issued_on=date(2018, 6, 30))
    second = reserve(btg, "BC", symbol="BTGTU", issued_on=date(2018, 7, 1))
    notice = reserve(btg, "TB", symbol="BTGTU", issued_on=date(2018, 7, 1))
    next_year = reserve(btg, "BC", symbol="BTGTU", issued_on=date(2019, 1, 2))
    other_body = reserve(world.bdv, "BC", symbol="BDVTU", issued_on=date(2018, 7, 1))
    assert [d.code for d in (first, second, notice, next_year, other_body)] == [
        "01-BC/BTGTU", "02-BC/BTGTU", "01-TB/BTGTU", "01-BC/BTGTU", "01-BC/BDVTU"]  # fmt: skip


@pytest.mark.django_db
def test_the_same_document_keeps_its_number(world):
    a = reserve(world.btg, "BT", symbol="BTGTU", key="bulletin:2018-06")
    reserve(world.btg, "BT", symbol="BTGTU", key="bulletin:2018-07")
    again = reserve(world.btg, "BT", symbol="BTGTU", key="bulletin:2018-06")
    assert again.pk == a.pk and again.code == "01-BT/BTGTU"
    assert RegisteredDocument.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_number_twice(world):
    reserve(world.btg, "BC", symbol="BTGTU", issued_on=date(2018, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredDocument.objects.create(
            issuer=world.btg, kind="BC", year=2018, number=1, code="01-BC/BTGTU",
            issued_on=date(2018, 6, 30),
        )  # fmt: skip


@pytest.mark.django_db
def test_a_reservation_that_loses_the_race_takes_the_next_number(world, monkeypatch):
    """Another issuer of the same number got in between reading the top and writing:
    the constraint refuses the write and the reservation retries."""
    reserve(world.btg, "BC", symbol="BTGTU", issued_on=date(2018, 6, 30))
    real = actions._next_number
    calls = []

    def stale_once(*args):
        calls.append(args)
        return 1 if len(calls) == 1 else real(*args)

    monkeypatch.setattr(actions, "_next_number", stale_once)
    doc = reserve(world.btg, "BC", symbol="BTGTU", issued_on=date(2018, 7, 1))
    assert doc.number == 2 and len(calls) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_never_gives_two_documents_one_number(world):
    """Eight threads reserve at once (PostgreSQL: real concurrent transactions)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (SQLite serialises writers)")
    btg_id = world.btg.pk
    barrier = threading.Barrier(8)
    codes: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        from django.db import connection as conn

        from theodoi.units.models import Unit

        try:
            issuer = Unit.objects.get(pk=btg_id)
            barrier.wait()
            for _ in range(3):
                codes.append(reserve(issuer, "BC", symbol="BTGTU").code)
        except BaseException as error:
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(codes) == 24 and len(set(codes)) == 24
    numbers = sorted(RegisteredDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 25))


@pytest.mark.django_db
def test_a_district_section_is_numbered_when_sent(world):
    from theodoi.tuyenvan.documents import section_number

    month = date(2018, 3, 1)
    draft = section_number(world.district1, month)
    assert draft.endswith("-BC/HU") and not any(c.isdigit() for c in draft)
    assert not RegisteredDocument.objects.exists()  # a draft reserves nothing
    assert section_number(world.district1, month, issue=True) == "01-BC/HU"
    assert section_number(world.district1, month) == "01-BC/HU"
    assert section_number(world.district2, month, issue=True) == "01-BC/HU"  # its own register
