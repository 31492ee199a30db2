"""Queries of a fixed shape whose SQL is compiled once per process.

Building a query through the ORM (filters, joins, ``select_related``, then the
compiler's ``as_sql``) costs more CPU than the database takes to run the small
look-ups made on every request (a token, an object by its id). ``Compiled``
builds and compiles such a query once, with stand-in values, and then only
runs the SQL with the real ones::

    _TASK = Compiled(lambda p: Task.objects.select_related("plan").filter(pk=p.pk)[:1])

    task = _TASK.first(pk=811)

``build`` gets placeholders (``p.<name>``) and returns a QuerySet. The first
call (for a database, and for each length of a list given) builds it with
stand-ins of the same types as the values given (int, str, date, datetime, or a
list of those) and notes where each landed in the SQL's parameters; every call
puts the real values there and runs the SQL, and the rows become objects as the
QuerySet would make them (``select_related``, annotations, ``.values()``).

The SQL must not depend on the values themselves: ``None`` is refused (the ORM
writes ``IS NULL`` for it), and so is a value the ORM would change before
sending it (``__contains`` wraps it in ``%``): compiling raises ValueError.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

T = TypeVar("T")

# Stand-ins: values no real query sends, within every integer column's range
# (Django matches nothing for an id beyond a column's range, whatever the SQL).
_INT_BASE = 2_146_000_000
_DATE_BASE = date(2999, 1, 1)


class _Placeholders:
    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no value named {name!r} was given to the compiled query")


def _stand_in(value: Any, number: int) -> Any:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r}: a compiled query takes int, str, date or datetime values")
    if isinstance(value, int):
        return _INT_BASE + number
    if isinstance(value, str):
        return f"\x00compiled:{number}\x00"
    if isinstance(value, datetime):
        return datetime(2999, 12, 31, 23, 59, 59, number, tzinfo=value.tzinfo)
    if isinstance(value, date):
        return _DATE_BASE + timedelta(days=number)
    raise ValueError(f"{value!r}: a compiled query takes int, str, date or datetime values")


def _adapters(connection: Any, value: Any) -> list[Callable[[Any], Any]]:
    """How the ORM may have turned a value into a parameter (SQLite sends dates as text)."""
    same: Callable[[Any], Any] = lambda v: v  # noqa: E731
    if isinstance(value, datetime):
        return [same, connection.ops.adapt_datetimefield_value]
    if isinstance(value, date):
        return [same, connection.ops.adapt_datefield_value]
    return [same]


class _Entry:
    """One shape's query, built with stand-ins, and its SQL per database."""

    def __init__(self, template: QuerySet[Any], stand_ins: dict[tuple[str, int | None], Any]):
        self.template = template
        self.stand_ins = stand_ins
        self.by_db: dict[str, tuple[Any, str, list[Any], list[tuple[int, Any, Any]]]] = {}
        # By connection (one a thread and database; kept alive by its converters).
        self.converters: dict[int, dict[int, Any]] = {}


class Compiled(Generic[T]):
    """A QuerySet built by ``build(p)``, compiled once per process and shape, run with
    real values by ``all(**values)`` and ``first(**values)``."""

    def __init__(self, build: Callable[[Any], QuerySet[Any]]) -> None:
        self.build = build
        self._entries: dict[tuple[Any, ...], _Entry] = {}
        self._lock = threading.Lock()

    def all(self, **values: Any) -> list[T]:
        return list(self._queryset(values))

    def first(self, **values: Any) -> T | None:
        found = self.all(**values)
        return found[0] if found else None

    def _entry(self, values: dict[str, Any]) -> _Entry:
        shape = tuple(
            (name, tuple(map(type, v)) if isinstance(v, list | tuple) else type(v))
            for name, v in sorted(values.items())
        )
        entry = self._entries.get(shape)
        if entry is None:
            stand_ins: dict[tuple[str, int | None], Any] = {}
            given: dict[str, Any] = {}
            for name, value in sorted(values.items()):
                if isinstance(value, list | tuple):
                    given[name] = []
                    for k, item in enumerate(value):
                        stand_ins[name, k] = _stand_in(item, len(stand_ins))
                        given[name].append(stand_ins[name, k])
                else:
                    stand_ins[name, None] = given[name] = _stand_in(value, len(stand_ins))
            entry = _Entry(self.build(_Placeholders(given)), stand_ins)
            with self._lock:
                entry = self._entries.setdefault(shape, entry)
        return entry

    def _compile(self, entry: _Entry, db: str) -> tuple[Any, str, list[Any], list[Any]]:
        # Compiling changes the query it compiles (its joins): one thread at a time,
        # on a copy of the template, which threads share.
        with self._lock:
            compiled = entry.by_db.get(db)
            if compiled is None:
                compiled = entry.by_db[db] = self._compile_copy(entry, db)
        return compiled

    def _compile_copy(self, entry: _Entry, db: str) -> tuple[Any, str, list[Any], list[Any]]:
        compiler = entry.template.query.clone().get_compiler(using=db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            raise ValueError("a compiled query must not be empty for its stand-in values") from None
        connection = connections[db]
        slots: list[tuple[int, Any, Any]] = []
        for key, stand_in in entry.stand_ins.items():
            found = False
            for adapt in _adapters(connection, stand_in):
                wanted = adapt(stand_in)
                for position, param in enumerate(params):
                    if type(param) is type(wanted) and param == wanted:
                        slots.append((position, key, adapt))
                        found = True
                if found:
                    break
            if not found:
                raise ValueError(
                    f"the value of {key[0]!r} did not reach the SQL unchanged: "
                    "a compiled query cannot use it there"
                )
        return (compiler, sql, list(params), slots)

    def _queryset(self, values: dict[str, Any]) -> QuerySet[Any]:
        entry = self._entry(values)
        db = entry.template.db
        compiled = entry.by_db.get(db) or self._compile(entry, db)
        template_compiler, sql, params, slots = compiled
        params = list(params)
        for position, (name, k), adapt in slots:
            value = values[name] if k is None else values[name][k]
            if value is None or isinstance(value, bool):
                raise ValueError(f"{name}={value!r}: a compiled query cannot send it")
            params[position] = adapt(value)
        compiler = copy.copy(template_compiler)
        compiler.connection = connections[db]  # this thread's
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        # The converters of the columns, bound to this thread's connection, once.
        converters = entry.converters.get(id(compiler.connection))
        if converters is None:
            columns = [s[0] for s in compiler.select[: compiler.col_count]]
            converters = entry.converters[id(compiler.connection)] = compiler.get_converters(
                columns
            )
        compiler.get_converters = lambda expressions: converters
        queryset = entry.template._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return queryset
