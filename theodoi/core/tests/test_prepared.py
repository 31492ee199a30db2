"""Prepared queries answer what their QuerySet answers, with each request's values."""

import threading
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F, Q
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from theodoi.core.models import ApiToken
from theodoi.core.prepared import IdList, Prepared, id_list_subquery, slot
from theodoi.permissions import history_reach, home_ids, reach_shape
from theodoi.permissions.plans import visible_plans, visible_work_items, work_item_row
from theodoi.plans.models import Plan, WorkItem
from theodoi.testing import make_plan, make_reform, make_user, make_work_item
from theodoi.units.models import Membership, Unit


def _by_kind_and_day() -> Prepared:
    return Prepared(
        lambda size: (
            Unit.objects.filter(
                Q(active_from=None) | Q(active_from__lte=slot("day", date)), kind=slot("kind", str)
            )
            .order_by("pk")
            .values_list("pk", "name")[:size]
        ),
        model=Unit,
    )


def test_the_rows_are_the_querysets_for_each_requests_values(world):
    query = _by_kind_and_day()
    for kind in (*Unit.Kind.values, "nothing"):
        expected = list(
            Unit.objects.filter(
                Q(active_from=None) | Q(active_from__lte=date(2026, 1, 1)), kind=kind
            )
            .order_by("pk")
            .values_list("pk", "name")[:10]
        )
        assert query.rows((10,), kind=kind, day=date(2026, 1, 1)) == expected
    # The same values give a QuerySet of their own (a count, a comparison).
    assert query.queryset((10,), kind=Unit.Kind.COMMUNE, day=date(2026, 1, 1)).count() == 3


def test_a_shape_is_compiled_once_and_a_value_never_leaks_into_the_next(world):
    query = _by_kind_and_day()
    first = query.rows((10,), kind=Unit.Kind.COMMUNE, day=date(2026, 1, 1))
    second = query.rows((10,), kind=Unit.Kind.DISTRICT, day=date(2026, 1, 1))
    assert len(query._shapes) == 1
    assert {name for _pk, name in first} == {"Xã Một A", "Xã Một B", "Xã Hai A"}
    assert {name for _pk, name in second} == {"Huyện ủy Một", "Huyện ủy Hai"}
    assert query.rows((1,), kind=Unit.Kind.COMMUNE, day=date(2026, 1, 1)) == first[:1]
    assert len(query._shapes) == 2


def test_shapes_past_the_bound_are_compiled_for_their_request_and_not_kept(world, monkeypatch):
    monkeypatch.setattr(Prepared, "MAX_SHAPES", 2)
    query = _by_kind_and_day()
    for size in (1, 2, 3, 4):
        assert len(query.rows((size,), kind=Unit.Kind.COMMUNE, day=date(2026, 1, 1))) == min(
            size, 3
        )
    assert len(query._shapes) == 2


def test_a_model_queryset_gives_instances_and_an_empty_in_asks_nothing(world):
    query = Prepared(lambda empty: Unit.objects.filter(pk__in=[] if empty else [slot("pk")]))
    (unit,) = query.rows((False,), pk=world.btg.pk)
    assert (
        isinstance(unit, Unit)
        and unit.name == world.btg.name
        and unit.parent_id == world.province.pk
    )
    with CaptureQueriesContext(connection) as queries:
        assert query.rows((True,), pk=world.btg.pk) == []
    assert not queries.captured_queries


def test_a_list_of_ids_is_one_parameter_whatever_its_length(world):
    query = Prepared(
        lambda: (
            Unit.objects.filter(pk__in=id_list_subquery(slot("ids", IdList)))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )
    units = list(Unit.objects.order_by("pk").values_list("pk", flat=True))
    for count in (0, 1, 3, len(units)):
        assert query.rows(ids=IdList(units[:count])) == units[:count]
    assert len(query._shapes) == 1


def test_in_array_selects_what_in_selects(world):
    """``__in_array`` answers what ``__in`` answers, with a prepared slot inside the
    sub-query too; on PostgreSQL as ``= ANY(ARRAY(...))``, the sub-query unordered."""
    members = Membership.objects.values("unit_id")  # Membership is ordered by default
    for kind in Unit.Kind.values:
        got = Unit.objects.filter(kind=kind, pk__in_array=members).order_by("pk")
        expected = Unit.objects.filter(kind=kind, pk__in=members).order_by("pk")
        assert list(got) == list(expected)
    query = Prepared(
        lambda: (
            Unit.objects.filter(
                pk__in_array=Membership.objects.filter(role=slot("role", str)).values("unit_id")
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        model=Unit,
    )
    for role in {m.role for m in Membership.objects.all()}:
        expected = Unit.objects.filter(memberships__role=role).distinct().order_by("pk")
        assert query.rows(role=role) == list(expected.values_list("pk", flat=True))
    sql = str(Unit.objects.filter(pk__in_array=members).order_by().query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    assert "ORDER BY" not in sql


def test_the_queries_are_logged_with_their_values(world):
    query = _by_kind_and_day()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):  # PostgreSQL prepares it from the second run on
            query.rows((10,), kind=Unit.Kind.DISTRICT, day=date(2026, 1, 1))
    assert len(queries.captured_queries) == 3
    assert all("'district'" in q["sql"] for q in queries.captured_queries)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_prepares_the_statement_on_the_connection(world):
    query = _by_kind_and_day()
    for _ in range(3):
        query.rows((7,), kind=Unit.Kind.COMMUNE, day=date(2026, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("LIMIT 7" in text for text in statements)


def test_slots_are_only_valid_while_a_query_is_built():
    with pytest.raises(RuntimeError):
        slot("pk")


def test_a_lookup_that_rewrites_its_value_cannot_take_a_slot(world):
    # startswith sends "Xã%" (escaped): the request's value would not be the one sent.
    query = Prepared(lambda: Unit.objects.filter(name__startswith=slot("prefix", str)))
    with pytest.raises(RuntimeError, match="prefix"):
        query.rows(prefix="Xã")


# The plans' reach, walked up from each issuer, is the reach walked down ----------------


def test_every_users_plans_are_those_its_reach_gives_issued_by_every_unit(world):
    reform = make_reform(world)
    make_user("two_roles", Membership.Role.COORDINATOR, world.btg)
    Membership.objects.create(
        user=reform.commune_reporter, unit=world.district2, role=Membership.Role.DISTRICT_SCORER
    )
    plans = {}
    for unit in Unit.objects.all():
        plan = make_plan(world)
        Plan.objects.filter(pk=plan.pk).update(issuer=unit)
        plans[plan.pk] = unit.pk
        make_work_item(plan, lead=world.bdv)
    users = Membership.objects.values_list("user", flat=True).distinct()
    assert len(users) >= 10
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(pk__in=users):
        wanted = home_ids(user) | history_reach(user)
        expected = {pk for pk, issuer in plans.items() if issuer in wanted}
        got = set(visible_plans(user).filter(pk__in=plans).values_list("pk", flat=True))
        assert got == expected, user.username
        items = visible_work_items(user, WorkItem.objects.filter(task__plan__in=plans))
        assert set(items.values_list("task__plan", flat=True)) == expected, user.username
        kind, _values = reach_shape(user)
        assert kind == "walk"
        for item in WorkItem.objects.filter(task__plan__in=plans):
            if item.task.plan_id in expected:
                assert work_item_row(user, item.pk, ("id",)) == {"id": item.pk}
            else:
                with pytest.raises(Http404):
                    work_item_row(user, item.pk, ("id",))


# What the QuerySet makes: instances with select_related and annotations, dicts ---------


@pytest.fixture
def tokens(world):
    first, _key = ApiToken.issue(world.coordinator, "một")
    second, _key = ApiToken.issue(world.agency, "hai")
    return first, second


def test_it_makes_the_objects_the_queryset_makes(tokens, django_assert_num_queries):
    first, second = tokens
    built = []

    def build():
        built.append(1)
        return (
            ApiToken.objects.select_related("user")
            .filter(digest=slot("digest", str), expires__gt=slot("now", datetime))
            .annotate(username=F("user__username"))
        )

    query = Prepared(build)
    now = timezone.now()
    for token in (first, second, first):
        with django_assert_num_queries(1):
            found = query.first(digest=token.digest, now=now)
        assert found == token
        assert found.user == token.user  # loaded with it
        assert found.username == token.user.username
        assert found.expires == token.expires
    assert len(built) == 1
    # The real values decide, not the placeholders: nothing expires after a later time.
    assert query.rows(digest=first.digest, now=first.expires + timedelta(seconds=1)) == []
    with pytest.raises(ValueError, match="None"):
        query.rows(digest=None, now=now)


def test_values_give_dicts(tokens):
    first, second = tokens
    query = Prepared(
        lambda: (
            ApiToken.objects.filter(pk__in=id_list_subquery(slot("ids", IdList)))
            .order_by("pk")
            .values("pk", "name")
        )
    )
    assert query.rows(ids=[first.pk, second.pk]) == [
        {"pk": first.pk, "name": "một"},
        {"pk": second.pk, "name": "hai"},
    ]
    assert query.rows(ids=[second.pk + 1000]) == []


def test_threads_compiling_at_once_get_one_sound_query(world):
    """Compiling adds select_related's joins to the query it compiles: each compile
    builds its own QuerySet, one thread at a time (two threads' first requests on a
    shared query once mixed their joins, and the SQL lost one)."""
    query = Prepared(lambda: ApiToken.objects.select_related("user").filter(pk=slot("pk"))[:1])
    start = threading.Barrier(4)
    found = []

    def compile_it():
        start.wait()
        found.append(query.shape("default", ()).sql)

    threads = [threading.Thread(target=compile_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4 and len(set(found)) == 1 and found[0].count("JOIN") == 1


def test_a_slot_on_a_32_bit_column_is_not_taken_for_out_of_range(world):
    # A placeholder beyond an IntegerField's range would make Django match nothing
    # (EmptyResultSet) for the shape, whatever the request's value.
    query = Prepared(
        lambda: (
            Membership.objects.filter(user__is_active=True, unit__position__gte=slot("at"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )
    assert query.rows(at=0) == list(Membership.objects.order_by("pk").values_list("pk", flat=True))
