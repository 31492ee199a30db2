"""Fixed-shape queries built and compiled once per process, run as prepared statements.

The API's hottest requests (the token look-up, a page of work items, one work
item) spent more CPU building and compiling their ORM queries than the
database spent running them, and PostgreSQL spent as long planning them as
executing them. A :class:`Prepared` query is written as an ordinary QuerySet,
built once per *shape* with placeholder values (:func:`slot`), compiled once,
and then run with the request's values:

- no ORM building or compiling per request (a dict look-up and a list of
  parameters);
- on PostgreSQL, a server-side bound statement that psycopg prepares on the
  connection once it has run twice (``PREPARE_AFTER``), so PostgreSQL plans it
  once per connection, not once per request; with ``DB_CONN_MAX_AGE=0`` (a
  connection per request) nothing is ever prepared and nothing is lost;
- on SQLite, the same SQL text every time, which :mod:`sqlite3` keeps compiled
  in its statement cache.

The queries still go through Django's cursor wrapper: they are logged where
Django logs queries, so the tests' query counts see them.

A list of ids is one parameter (:func:`id_list_sql`): ``= ANY(%s)`` on
PostgreSQL, ``IN (SELECT value FROM json_each(%s))`` on SQLite, so a list's
length does not make a new shape.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, Lookup, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ValuesListIterable

# PostgreSQL prepares a server-bound statement once it has run this many times
# on a connection (psycopg's ``prepare_threshold``).
PREPARE_AFTER = 2

_building = threading.local()


class IdList(list):
    """A list of ids passed as one parameter (see :func:`id_list_sql`)."""


# Values no real request sends, one per slot of a shape (by position). Integers
# stay within every integer column's range: for a value beyond it, Django's lookup
# matches nothing whatever the SQL (EmptyResultSet), and the shape would be empty.
_INT_BASE = 2_146_000_000


def _sentinel(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_BASE + index
    if kind is str:
        return f"\x00slot{index}\x00"
    if kind is datetime:
        return datetime(1901, 2, 3, 4, 5, 6, 700_000 + index, tzinfo=UTC)
    if kind is date:
        return date(1901, 2, 3 + index)
    if kind is IdList:
        return IdList([_INT_BASE + index])
    raise TypeError(kind)


def slot(name: str, kind: type = int) -> Any:
    """A placeholder for the request's value ``name`` in a shape's QuerySet.

    Only valid inside a :class:`Prepared` builder. ``kind`` is ``int``, ``str``,
    ``date``, ``datetime`` or :class:`IdList` (for :func:`id_list_sql` only)."""
    direct = getattr(_building, "values", None)
    if direct is not None:
        value = direct[name]
        return IdList(value) if kind is IdList and not isinstance(value, IdList) else value
    state = getattr(_building, "slots", None)
    if state is None:
        raise RuntimeError("slot() is only valid while a Prepared query is built")
    value = _sentinel(kind, len(state))
    state.append((name, kind, value))
    return value


def id_list_sql(
    column: str, ids: Iterable[int] | IdList, connection: BaseDatabaseWrapper
) -> tuple[str, list[Any]]:
    """``column`` is one of ``ids``, with the ids as one parameter."""
    values = _db_value(ids if isinstance(ids, IdList) else [int(pk) for pk in ids], connection)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [values]
    return f"{column} IN (SELECT value FROM json_each(%s))", [values]  # noqa: S608


def id_list_subquery(ids: Iterable[int] | IdList, using: str = DEFAULT_DB_ALIAS) -> RawSQL:
    """A sub-query selecting ``ids``, given as one parameter, for an ``__in`` filter."""
    connection = connections[using]
    _where, params = id_list_sql("", ids, connection)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", params)
    return RawSQL("SELECT value FROM json_each(%s)", params)


@Field.register_lookup
class InArray(Lookup):
    """``field__in_array=<a one-column QuerySet>``: ``field IN (sub-query)`` whose
    plan does not hinge on how many rows PostgreSQL expects of the sub-query.

    On PostgreSQL it is ``field = ANY(ARRAY(sub-query))``: the sub-query runs
    first and its values are looked up by index. ``IN`` let PostgreSQL's default
    costs (pages read from disk) pick a scan of the whole table joined by hash
    for a unit's 67 work items of 6,800 (1.6 ms, growing with the table, against
    0.1 ms by index). On SQLite it is ``IN`` (which SQLite runs the same way).
    """

    lookup_name = "in_array"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        from django.db.models.sql.query import Query

        if isinstance(self.rhs, Query):
            self.rhs.clear_ordering(clear_default=True)  # as ``__in`` does
        return super().get_prep_lookup()

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if not rhs.startswith("("):
            rhs = f"({rhs})"
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (lhs, rhs), [*lhs_params, *rhs_params]


def _db_value(value: Any, connection: BaseDatabaseWrapper) -> Any:
    """``value`` as the backend is sent it (what Django's field preparation makes)."""
    if isinstance(value, list):
        if connection.vendor == "postgresql":
            # An array's text, cast in the SQL: psycopg dumps a str at once, a list
            # by inspecting every element (perf: ~0.05 ms a list of 100 ids).
            return "{" + ",".join([str(int(pk)) for pk in value]) + "}"
        return json.dumps(list(value))
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


class _Shape:
    """One shape's compiled query: its SQL, its parameters (``names``: which slot
    each is, or "" for a constant), and what turns its rows into the QuerySet's
    results."""

    __slots__ = ("compiler", "converters", "names", "params", "sql", "template", "tuples")

    def __init__(
        self,
        sql: str,
        params: list[Any],
        names: list[str],
        compiler: Any = None,
        template: QuerySet[Any] | None = None,
        tuples: bool = False,
    ) -> None:
        self.sql = sql
        self.params = params
        self.names = names
        self.compiler = compiler
        self.template = template
        self.tuples = tuples
        # The columns' converters by connection (one a thread and database).
        self.converters: dict[int, dict[int, Any]] = {}

    def converters_for(self, connection: BaseDatabaseWrapper) -> dict[int, Any]:
        found = self.converters.get(id(connection))
        if found is None:
            columns = [s[0] for s in self.compiler.select[: self.compiler.col_count]]
            found = self.converters[id(connection)] = self.compiler.get_converters(columns)
        return found


class Prepared:
    """A query written once as a QuerySet, compiled once per shape and database.

    ``build(*shape)`` returns the QuerySet for a shape (a hashable tuple: which
    filters are present, a page's size, …), with :func:`slot` wherever the
    request's values go. :meth:`rows` gives what the QuerySet would: tuples for
    ``.values_list()`` (the quickest: the rows as the database sends them, the
    columns converted), dicts for ``.values()``, model instances with what
    ``select_related`` and annotations add to them.

    The SQL must not depend on a value: a lookup that rewrites it (``__contains``
    wraps it in ``%``) cannot take a slot, and ``None`` is refused (the ORM would
    write ``IS NULL``); compiling or running raises."""

    # Shapes kept per query and database; past this many (a page far down a
    # list, say), a shape is compiled for its request and not kept.
    MAX_SHAPES = 64

    def __init__(self, build: Callable[..., QuerySet[Any]], *, model: type[Model] | None = None):
        self.build = build
        self.model = model
        self._shapes: dict[tuple[str, Hashable], _Shape] = {}
        self._lock = threading.Lock()

    def queryset(self, shape: tuple[Any, ...] = (), **values: Any) -> QuerySet[Any]:
        """The shape's QuerySet built with ``values`` themselves (not prepared): for a
        use the prepared rows do not serve (a count, a test's comparison)."""
        _building.values = values
        try:
            return self.build(*shape)
        finally:
            _building.values = None

    def _compile(self, db: str, shape: tuple[Any, ...]) -> _Shape:
        # A new QuerySet for each compile (compiling adds joins to the query it
        # compiles: a query shared by threads would mix theirs).
        _building.slots = []
        try:
            queryset = self.build(*shape).using(db)
            slots = _building.slots
        finally:
            _building.slots = None
        connection = connections[db]
        compiler = queryset.query.get_compiler(using=db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. ``__in=[]``: nothing, without asking the database
            return _Shape("", [], [])
        wanted = {}
        for name, _kind, value in slots:
            dbv = _db_value(value, connection)
            wanted[json.dumps(dbv) if isinstance(dbv, list) else dbv] = name
        names: list[str] = []
        for param in params:
            key = json.dumps(param) if isinstance(param, list) else param
            try:
                name = wanted.get(key)
            except TypeError:  # an unhashable constant
                name = None
            names.append(name or "")
        missing = set(wanted.values()) - set(names)
        if missing:
            raise RuntimeError(
                f"slots not found in the compiled query (a lookup changed their values?):"
                f" {sorted(missing)}"
            )
        tuples = queryset._iterable_class is ValuesListIterable  # type: ignore[attr-defined]
        return _Shape(sql, list(params), names, compiler, queryset, tuples)

    def shape(self, db: str, shape: tuple[Any, ...]) -> _Shape:
        key = (db, shape)
        found = self._shapes.get(key)
        if found is None:
            with self._lock:
                found = self._shapes.get(key)
                if found is None:
                    found = self._compile(db, shape)
                    if len(self._shapes) < self.MAX_SHAPES:
                        self._shapes[key] = found
        return found

    def rows(
        self, shape: tuple[Any, ...] = (), *, using: str | None = None, **values: Any
    ) -> list[Any]:
        """Run the shape with ``values`` (one per slot name; others are ignored): what
        the QuerySet would give (tuples, dicts or model instances)."""
        db = using or (router.db_for_read(self.model) if self.model else DEFAULT_DB_ALIAS)
        compiled = self.shape(db, shape)
        if not compiled.sql:
            return []
        connection = connections[db]
        params = []
        for name, param in zip(compiled.names, compiled.params, strict=True):
            if name:
                value = values[name]
                if value is None:
                    raise ValueError(f"{name}=None: a prepared query cannot send it")
                param = _db_value(value, connection)
            params.append(param)
        converters = compiled.converters_for(connection)
        if compiled.tuples:
            with _cursor(connection) as cursor:
                cursor.execute(compiled.sql, params)
                rows = cursor.fetchall()
            if converters:
                return [tuple(_convert(list(row), converters, connection)) for row in rows]
            return rows
        # The QuerySet's own iterable makes its objects from the rows of this SQL.
        compiler = copy.copy(compiled.compiler)
        compiler.connection = _Preparing(connection)
        sql = compiled.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = lambda expressions: converters
        queryset = compiled.template._chain()  # type: ignore[union-attr]
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def first(self, shape: tuple[Any, ...] = (), **values: Any) -> Any:
        """The first of :meth:`rows`, or ``None``."""
        found = self.rows(shape, **values)
        return found[0] if found else None


class _Preparing:
    """A connection whose cursors are :func:`_cursor`'s (for a compiler's run)."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def cursor(self) -> Any:
        return _cursor(self._connection)


def _convert(
    values: list[Any], converters: dict[int, Any], connection: BaseDatabaseWrapper
) -> Sequence[Any]:
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return values


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor for a prepared query: server-side binding on PostgreSQL (psycopg
    prepares the statement once it has run ``PREPARE_AFTER`` times on this
    connection), wrapped and logged as Django's own cursors are."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        if raw.prepare_threshold != PREPARE_AFTER:
            # Only server-bound cursors prepare: Django's own (client-side
            # binding) cursors on this connection never do.
            raw.prepare_threshold = PREPARE_AFTER
        from django.db.backends.postgresql.base import ServerBindingCursor

        cursor = ServerBindingCursor(raw)
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log for a prepared statement: psycopg keeps no text of a
    statement it runs prepared, so the log shows the SQL with its values put in."""

    def execute(self, sql: str, params: Any = None) -> Any:
        with self.debug_sql(sql, params, use_last_executed_query=False):
            result = CursorWrapper.execute(self, sql, params)
        entry = self.db.queries_log[-1] if self.db.queries_log else None
        if entry is not None and entry.get("sql") == sql:
            with contextlib.suppress(Exception):
                entry["sql"] = self.db.ops.compose_sql(sql, params)
        return result
