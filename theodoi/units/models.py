"""The organisation tree: units, their lineage across reforms, and who works where."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from tree_queries.models import TreeNode
from tree_queries.query import TreeQuerySet

from theodoi.core.prepared import IdList, id_list_sql


def normalize_name(value: str) -> str:
    """Return a key for matching names typed by people.

    Diacritics are kept ("Bảo Yên" and "Bao Yen" stay different), but Unicode
    composition, case and spacing are not significant.
    """
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def strip_diacritics(value: str) -> str:
    """Return ``value`` without Vietnamese diacritics, for 'ignore accents' search."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _walk(name: str, *, up: bool, lineage: bool, seed: str, carry: str = "") -> str:
    """The text of one recursive CTE, ``name(carry, id, mine)``, walking the unit
    tree from the rows of ``seed`` (a SELECT of those columns, in that order).

    ``up``: child → parent, and with ``lineage`` predecessor → successor (what a
    unit became); down: parent → child, and successor → predecessor (what it came
    from). With ``lineage`` the walk carries ``mine``: kept by the parent edges, 0
    once a lineage edge was followed. ``carry`` names a column kept from the seed
    row along the walk (the unit or the row it started from), or nothing.

    One recursive step over both kinds of edge: PostgreSQL follows them by index
    through a LATERAL join (it allows one recursive reference; two chained
    recursive CTEs made it estimate millions of rows and JIT-compile for a
    second); SQLite joins each edge's table to the walk in a recursive SELECT of
    its own (a UNION of the edges joined as one read the whole unit and lineage
    tables for every walk: a province's walk took 13 ms instead of 1 ms on the
    national data).
    """
    units = connection.ops.quote_name(Unit._meta.db_table)
    links = connection.ops.quote_name(UnitLineage._meta.db_table)
    if up and connection.vendor == "postgresql":
        parent = ("u.parent_id", f"{units} u", "u.id = w.id AND u.parent_id IS NOT NULL")
    elif up:
        # The parent found by its key: filtering on u.parent_id IS NOT NULL made
        # SQLite (given ANALYZE's statistics) build a Bloom filter over the whole
        # table at every step (walking up from 34 plans: 1.2 ms instead of 0.2).
        parent = ("p.id", f"{units} u JOIN {units} p ON p.id = u.parent_id", "u.id = w.id")
    else:
        parent = ("u.id", f"{units} u", "u.parent_id = w.id")
    if up:
        link = ("l.successor_id", f"{links} l", "l.predecessor_id = w.id")
    else:
        link = ("l.predecessor_id", f"{links} l", "l.successor_id = w.id")
    edges = [(*parent, ", w.mine"), (*link, ", 0")] if lineage else [(*parent, "")]
    kept = f"w.{carry}, " if carry else ""
    columns = ", ".join(c for c in (carry, "id", "mine" if lineage else "") if c)
    if lineage and connection.vendor == "postgresql":
        step = " UNION ALL ".join(
            f"SELECT {to} AS id{mine} FROM {source} WHERE {on}"  # noqa: S608 - quoted names
            for to, source, on, mine in edges
        )
        recursive = (
            f"SELECT {kept}x.id, x.mine FROM {name} w"  # noqa: S608 - quoted names
            f" CROSS JOIN LATERAL ({step}) x"
        )
    else:
        recursive = " UNION ".join(
            f"SELECT {kept}{to}{mine} FROM {source} JOIN {name} w ON {on}"  # noqa: S608
            for to, source, on, mine in edges
        )
    return f"{name}({columns}) AS ({seed} UNION {recursive})"


def _walked_ids(start: Iterable[int], *, up: bool) -> frozenset[int]:
    ids = [int(pk) for pk in set(start)]
    if not ids:
        return frozenset()
    units = connection.ops.quote_name(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    seed = f"SELECT id FROM {units} WHERE id IN ({marks})"  # noqa: S608 - placeholders
    walk = _walk("walk", up=up, lineage=False, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH RECURSIVE {walk} SELECT id FROM walk", ids)  # noqa: S608
        return frozenset(row[0] for row in cursor.fetchall())


def subtree_ids(root_ids: Iterable[int]) -> frozenset[int]:
    """Ids of the given units and everything below them, in one query.

    django-tree-queries' ``descendants()`` builds its CTE over the whole forest
    (every unit of every province) to filter afterwards; permission checks run
    on every request, so they walk down from the roots they need instead
    (12 ms → 2 ms at national scale, bench/README.md, "breakdown").
    """
    return _walked_ids(root_ids, up=False)


def ancestor_ids(unit_ids: Iterable[int]) -> frozenset[int]:
    """Ids of the given units and all the units above them, in one query."""
    return _walked_ids(unit_ids, up=True)


def subtree_and_history_ids(root_ids: Iterable[int]) -> tuple[frozenset[int], frozenset[int]]:
    """The subtrees of the given units, and those plus what they came from, in one query.

    The second set adds every unit that a unit of the subtrees came from
    through lineage (any number of reforms back: successor → predecessor,
    never forwards) and the subtrees of those (the old Tỉnh ủy brings its
    bans, districts and communes). ``permissions.reach`` and
    ``permissions.history_reach`` share this one walk.
    """
    ids = [int(pk) for pk in set(root_ids)]
    if not ids:
        return frozenset(), frozenset()
    table = connection.ops.quote_name(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    seed = f"SELECT id, 1 FROM {table} WHERE id IN ({marks})"  # noqa: S608 - placeholders
    walk = _walk("walk", up=False, lineage=True, seed=seed)
    sql = f"WITH RECURSIVE {walk} SELECT id, MAX(mine) FROM walk GROUP BY id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    own = frozenset(pk for pk, mine in rows if mine)
    return own, own | frozenset(pk for pk, _mine in rows)


def units_and_upward_ids(
    unit_ids: Iterable[int],
) -> dict[int, tuple[Unit, frozenset[int], frozenset[int]]]:
    """The given units, each with the units above it and with those plus where it
    went, in one query: ``{id: (unit, ancestors, upward)}`` (each set includes the
    unit itself; an unknown id is left out).

    ``ancestors``: the unit and its parents up to the root. ``upward``: also every
    unit it became through lineage (predecessor → successor, any number of reforms
    on) and their parents — the reverse of ``subtree_and_history_ids``: a unit is
    in the subtrees of ``roots`` when ``ancestors`` meets them, and in their
    history side when ``upward`` does. A check on one object walks the few units
    above it instead of a province's subtree.
    """
    ids = sorted({int(pk) for pk in unit_ids})
    if not ids:
        return {}
    table = connection.ops.quote_name(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    # The same two kinds of edge as subtree_and_history_ids, followed upwards:
    # child → parent (keeps "own") and predecessor → successor (upward only).
    seed = f"SELECT id, id, 1 FROM {table} WHERE id IN ({marks})"  # noqa: S608
    walk = _walk("up", up=True, lineage=True, seed=seed, carry="seed")
    fields = [f.attname for f in Unit._meta.concrete_fields]
    columns = ", ".join(
        f"u.{connection.ops.quote_name(f.column)}" for f in Unit._meta.concrete_fields
    )
    sql = (
        f"WITH RECURSIVE {walk}"  # noqa: S608 - quoted names
        f" SELECT w.seed, w.id, w.mine, {columns} FROM"
        f" (SELECT seed, id, MAX(mine) AS mine FROM up GROUP BY seed, id) w"
        # Each unit's own row beside its walk's first step (the ids again: PostgreSQL
        # read the whole table for the join without them).
        f" LEFT JOIN {table} u ON u.id = w.seed AND w.id = w.seed AND u.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *ids])
        rows = cursor.fetchall()
    units: dict[int, Unit] = {}
    own: dict[int, set[int]] = {}
    every: dict[int, set[int]] = {}
    cols = [f.get_col(Unit._meta.db_table) for f in Unit._meta.concrete_fields]
    converters = [
        (col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
        for col in cols
    ]
    for seed, pk, mine, *values in rows:
        every.setdefault(seed, set()).add(pk)
        if mine:
            own.setdefault(seed, set()).add(pk)
        if pk == seed:
            for position, (col, functions) in enumerate(converters):
                for convert in functions:
                    values[position] = convert(values[position], col, connection)
            units[seed] = Unit.from_db(connection.alias, fields, values)
    return {pk: (unit, frozenset(own[pk]), frozenset(every[pk])) for pk, unit in units.items()}


def rows_in_home_or_history_sql(
    table: str, unit_column: str, root_ids: Iterable[int], home_unit_ids: Iterable[int]
) -> tuple[str, list[Any]]:
    """A sub-query (SQL, params) selecting the ids of ``table``'s rows whose
    ``unit_column`` is in ``ancestor_ids(home_unit_ids)`` or in the history side of
    ``subtree_and_history_ids(root_ids)`` (``permissions.home_ids`` and
    ``history_reach``), for a list to filter on in the database instead of
    fetching a province's reach first.

    Found the other way: instead of walking down from the roots through a
    province's whole tree (hundreds of units for every request), it walks up
    from each row's unit — to its parent and to what it became (a
    unit's successors) — and keeps the rows that meet a root. For a table of a
    few rows per province (plans) the walk is a few steps a row. Both sets of
    ids must be non-empty (a member's)."""
    roots = (
        root_ids if isinstance(root_ids, IdList) else IdList(sorted({int(pk) for pk in root_ids}))
    )
    homes = (
        home_unit_ids
        if isinstance(home_unit_ids, IdList)
        else IdList(sorted({int(pk) for pk in home_unit_ids}))
    )
    quote = connection.ops.quote_name
    rows, column = quote(table), quote(unit_column)
    units = quote(Unit._meta.db_table)
    at_root, root_params = id_list_sql("r.id", roots, connection)
    at_home, home_params = id_list_sql("id", homes, connection)
    # Up from each row's unit over both kinds of edge (its "mine" is not needed), and
    # up from the homes.
    seed = f"SELECT id, {column}, 1 FROM {rows}"  # noqa: S608 - quoted names
    rise = _walk("rise", up=True, lineage=True, seed=seed, carry="row_id")
    seed = f"SELECT id FROM {units} WHERE {at_home}"  # noqa: S608 - quoted names, placeholders
    up = _walk("up", up=True, lineage=False, seed=seed)
    sql = (
        f"WITH RECURSIVE {rise}, {up}"  # noqa: S608
        f" SELECT r.row_id FROM rise r WHERE {at_root}"
        f" UNION SELECT id FROM {rows} WHERE {column} IN (SELECT id FROM up)"
    )
    return sql, [*home_params, *root_params]  # in the order of their placeholders


def predecessor_ids(unit_id: int, steps: int = 3) -> list[int]:
    """Ids of the units a unit came from through lineage links (a merge, a split, a
    rename), nearest first, up to ``steps`` reforms back; one query a step."""
    found: list[int] = []
    frontier = [unit_id]
    for _step in range(steps):
        frontier = [
            pk
            for pk in UnitLineage.objects.filter(successor_id__in=frontier)
            .order_by("predecessor__position", "predecessor__name")
            .values_list("predecessor_id", flat=True)
            if pk not in found and pk != unit_id
        ]
        if not frontier:
            break
        found.extend(frontier)
    return found


class UnitQuerySet(TreeQuerySet):
    def active_on(self, day: date) -> UnitQuerySet:
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=day),
            Q(active_to__isnull=True) | Q(active_to__gte=day),
        )

    def active_between(self, start: date, end: date) -> UnitQuerySet:
        """Units that existed on at least one day of [start, end]."""
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=end),
            Q(active_to__isnull=True) | Q(active_to__gte=start),
        )

    def of_kind(self, *kinds: str) -> UnitQuerySet:
        return self.filter(kind__in=kinds)


class Unit(TreeNode):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District committee")
        COMMUNE = "commune", _("Commune")
        VILLAGE = "village", _("Village")
        PARTY_AGENCY = "party_agency", _("Party advisory body")
        PARTY_COMMITTEE = "party_committee", _("Party committee directly under the province")
        STATE_AGENCY = "state_agency", _("State agency")
        MASS_ORGANISATION = "mass_org", _("Front or mass organisation")
        DEPARTMENT = "department", _("Department")
        OTHER = "other", _("Other")

    # Kinds whose staff act for the committee above them: a Ban Tuyên giáo
    # specialist coordinates for the whole Tỉnh ủy, not just for the Ban.
    ADVISORY_KINDS = frozenset({Kind.PARTY_AGENCY})

    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        help_text=_("A stable identifier used by imports, e.g. 'vn2025:15' or 'lc2018:02640'."),
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        blank=True,
        db_index=True,
        help_text=_(
            "The official code: the administrative code of an area or the unit's own code."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    division_type = models.CharField(
        _("division type"),
        max_length=60,
        blank=True,
        help_text=_("As the official list has it, e.g. 'huyện', 'phường', 'đặc khu'."),
    )
    symbol = models.CharField(
        _("document symbol"),
        max_length=20,
        blank=True,
        help_text=_("The body code in document numbers, e.g. 'TU' in 112-KH/TU or 'BTGTU'."),
    )
    place = models.CharField(
        _("place name"),
        max_length=60,
        blank=True,
        help_text=_("The place on the date line of documents it issues, e.g. 'Lào Cai'."),
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active to"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    email = models.EmailField(_("email"), blank=True)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager(with_tree_fields=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
                name="unit_active_range",
                violation_error_message=_("A unit cannot end before it begins."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("units:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": _("A unit cannot end before it begins.")})

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def is_active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )

    def names_on(self, day: date) -> list[str]:
        """The unit's name valid on ``day`` first (a former name from ``UnitName``
        when the body was renamed after it), then its other names, latest first."""
        former = list(self.former_names.all())
        current = self.name
        for row in former:
            if (row.valid_from is None or row.valid_from <= day) and row.valid_to >= day:
                current = row.name
                break
        others = [self.name] + [row.name for row in reversed(former)]
        return [current] + [n for n in dict.fromkeys(others) if n != current]

    def name_on(self, day: date) -> str:
        """The name the unit bore on ``day`` (its name now when never renamed since)."""
        return self.names_on(day)[0]

    def structure_within(self, start: date, end: date) -> str:
        """Which structure the unit belongs to, for a row of a ranking or a rate over
        [start, end] that a reform cuts: "until 30/06/2025" for a unit that ended
        within it, "from 01/07/2025" for one that began within it, else empty."""
        from django.utils.translation import gettext

        if self.active_to is not None and start <= self.active_to < end:
            return gettext("until %(day)s") % {"day": self.active_to.strftime("%d/%m/%Y")}
        if self.active_from is not None and start < self.active_from <= end:
            return gettext("from %(day)s") % {"day": self.active_from.strftime("%d/%m/%Y")}
        return ""

    @property
    def jurisdiction_id(self) -> int:
        """The unit whose subtree this unit's coordinators and leaders act on."""
        if self.kind in self.ADVISORY_KINDS and self.parent_id:
            return self.parent_id
        return self.pk


class UnitLineage(models.Model):
    """A link from a unit to the unit(s) that replaced it."""

    class Event(models.TextChoices):
        MERGED = "merged", _("merged into")
        SPLIT = "split", _("split into")
        RENAMED = "renamed", _("renamed to")
        TRANSFERRED = "transferred", _("transferred to")

    predecessor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successor_links", verbose_name=_("before")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("after")
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    effective = models.DateField(_("effective"))
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_lineage_link")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class Membership(models.Model):
    """An account's role in a unit; the role's rights reach the unit's subtree."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        AGENCY_REPORTER = "agency", _("Agency reporter")
        COMMUNE_REPORTER = "commune", _("Commune reporter")
        DISTRICT_SCORER = "district", _("District scorer")
        OFFICIAL = "official", _("Attending official")
        VIEWER = "viewer", _("Leadership viewer")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_head = models.BooleanField(
        _("head of unit"),
        default=False,
        help_text=_("Reminders escalate to the unit's head."),
    )
    title = models.CharField(_("position"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def get_role_display(self) -> str:
        """The role's label; a scorer in a body other than a district scores the
        communes of clusters ("Cán bộ chấm điểm (cụm xã)"; the tuyên vận words of
        the cluster chain use the same label)."""
        return str(role_label(self.role, self.unit.kind))


CLUSTER_SCORER_LABEL = pgettext_lazy("role", "Scorer (cluster of communes)")


def role_label(role: str, unit_kind: str) -> str:
    """A membership's role: a scorer in a body that is not a district scores by
    cluster ("Cán bộ chấm điểm (cụm xã)"); every other role its usual label."""
    if role == Membership.Role.DISTRICT_SCORER and unit_kind != Unit.Kind.DISTRICT:
        return CLUSTER_SCORER_LABEL
    return Membership.Role(role).label


class UnitGroup(models.Model):
    """A named set of units assigned together, e.g. 'Các huyện ủy, thành ủy'."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    units = models.ManyToManyField(Unit, related_name="groups", verbose_name=_("units"))

    class Meta:
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitAlias(models.Model):
    """Another way people write a unit's name: "BTG", "Ban Tuyên giáo", "Sở TT&TT".

    Imports match a unit by its aliases too (case, spacing and diacritics do not
    count); administrators keep them on the unit's admin page.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit")
    )
    name = models.CharField(_("alias"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="unique_unit_alias",
                violation_error_message=_("This unit already has this alias."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class UnitHandover(models.Model):
    """An administrator's handover of a ceased body's open work to its successor.

    The merged Ban Tuyên giáo và Dân vận takes over the Ban Tuyên giáo's and the
    Ban Dân vận's open work of every kind the apps register
    (``theodoi.units.handover``). Nothing closed moves: a 2018 report stays the
    Ban Tuyên giáo's. ``moved`` keeps the ids of what moved, by kind, so a
    document dated before the handover still names the body that issued it;
    ``kept`` counts what stayed and ``notes`` says why; every moved row's own
    history carries the reason and the person.
    """

    predecessor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="handovers_out", verbose_name=_("former body")
    )
    successor = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="handovers_in",
        verbose_name=_("successor body"),
    )
    effective = models.DateField(_("effective"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    at = models.DateTimeField(_("handed over at"), auto_now_add=True)
    moved = models.JSONField(_("what moved"), default=dict)
    kept = models.JSONField(_("what stayed"), default=dict)
    notes = models.JSONField(_("what stayed, and why"), default=dict, blank=True)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective:%d/%m/%Y})"

    def rows(self) -> list[dict[str, object]]:
        """What moved and what stayed, by kind, labelled (the registry's order)."""
        from .handover import describe

        return describe(self.moved, self.kept, self.notes)

    def summary(self) -> str:
        """``"2 memberships, 1 plans, …"``: the kinds where something moved."""
        return ", ".join(f"{r['moved']} {r['label']}" for r in self.rows() if r["moved"])


class UnitName(models.Model):
    """A name a unit bore before a rename that did not make it a new unit (the body
    goes on: same members, same work); ``Unit.name`` is its name since the last
    rename. ``valid_from`` empty: since the unit began."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["unit", "valid_to"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_name_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (→ {self.valid_to:%d/%m/%Y})"
