"""Compiled queries: the same objects as their QuerySet, built and compiled once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from theodoi.core.compiled import Compiled
from theodoi.core.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens():
    alice = User.objects.create(username="alice")
    bob = User.objects.create(username="bob")
    first, _key = ApiToken.issue(alice, "một")
    second, _key = ApiToken.issue(bob, "hai")
    return first, second


def test_it_makes_the_objects_the_queryset_makes(tokens, django_assert_num_queries):
    first, second = tokens
    built = []

    def build(p):
        built.append(p)
        return (
            ApiToken.objects.select_related("user")
            .filter(digest=p.digest, expires__gt=p.now)
            .annotate(username=F("user__username"))
        )

    query = Compiled(build)
    now = timezone.now()
    for token in (first, second, first):
        with django_assert_num_queries(1):
            found = query.first(digest=token.digest, now=now)
        assert found == token
        assert found.user == token.user  # loaded with it
        assert found.username == token.user.username
        assert found.expires == token.expires
    assert len(built) == 1
    # The real values decide, not the stand-ins: nothing expires after a later time.
    assert query.all(digest=first.digest, now=first.expires + timedelta(seconds=1)) == []


def test_values_and_lists(tokens):
    first, second = tokens
    query = Compiled(
        lambda p: ApiToken.objects.filter(pk__in=p.ids).order_by("pk").values("pk", "name")
    )
    assert query.all(ids=[first.pk, second.pk]) == [
        {"pk": first.pk, "name": "một"},
        {"pk": second.pk, "name": "hai"},
    ]
    assert query.all(ids=[second.pk]) == [{"pk": second.pk, "name": "hai"}]
    assert query.all(ids=[second.pk + 1000]) == []


def test_it_refuses_what_would_change_the_sql(tokens):
    with pytest.raises(ValueError, match="did not reach the SQL unchanged"):
        Compiled(lambda p: ApiToken.objects.filter(name__contains=p.name)).all(name="m")
    query = Compiled(lambda p: ApiToken.objects.filter(last_used=p.when))
    with pytest.raises(ValueError, match="int, str, date or datetime"):
        query.all(when=None)
    with pytest.raises(AttributeError, match="no value named 'pk'"):
        Compiled(lambda p: ApiToken.objects.filter(pk=p.pk)).all(id=1)


def test_compiling_leaves_the_shared_query_alone():
    """Compiling adds ``select_related``'s joins to the query compiled: on the query
    that every thread shares, two threads' first requests mixed their joins (the SQL
    lost one, and every request after failed). Each compile works on a copy."""
    query = Compiled(lambda p: ApiToken.objects.select_related("user").filter(pk=p.pk)[:1])
    entry = query._entry({"pk": 1})
    before = list(entry.template.query.alias_map)
    start = threading.Barrier(4)
    found = []

    def compile_it():
        start.wait()
        found.append(query._compile(entry, "default")[1])

    threads = [threading.Thread(target=compile_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(entry.template.query.alias_map) == before == ["core_apitoken"]
    assert len(found) == 4 and len(set(found)) == 1 and found[0].count("JOIN") == 1
