"""What the demo loader hands to each app's ``demo.load(ctx)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from theodoi.plans.models import Plan
from theodoi.units.models import Membership, Unit


@dataclass
class DemoContext:
    password: str
    today: date
    stdout: TextIO
    # (username, role label, unit name), printed when the demo starts.
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    # The same for the 2026 era's accounts (the new Lào Cai), printed apart.
    era_accounts: list[tuple[str, str, str]] = field(default_factory=list)
    # The password hashed once: hashing it for each of ~40 accounts would take
    # seconds. Every demo account shares the one password anyway.
    _password_hash: str = field(default="", repr=False)

    @property
    def password_hash(self) -> str:
        if not self._password_hash:
            self._password_hash = make_password(self.password)
        return self._password_hash

    def unit(self, key: str) -> Unit:
        """A demo unit by key: 'lc2018:10' (province), 'lc2018:082' (a district
        committee), 'lc2018:02635' (a commune), 'lc2018:agency:BTG' (an agency)."""
        return Unit.objects.get(key=key)

    @property
    def province(self) -> Unit:
        return self.unit("lc2018:10")

    @property
    def plan(self) -> Plan:
        return Plan.objects.get(number="112-KH/TU")

    def districts(self) -> list[Unit]:
        return list(self.province.children.filter(kind=Unit.Kind.DISTRICT).order_by("position"))

    def communes(self, district: Unit | None = None) -> list[Unit]:
        parents = [district] if district else self.districts()
        return list(
            Unit.objects.filter(parent__in=parents, kind=Unit.Kind.COMMUNE).order_by(
                "parent__position", "position", "name"
            )
        )

    def account(
        self,
        username: str,
        role: str,
        unit: Unit,
        *,
        full_name: str = "",
        is_head: bool = False,
        email: str = "",
    ) -> User:
        """Create (or reuse) a demo account with the demo password and a role."""
        first, _, last = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last or full_name,
                "email": email or f"{username}@demo.theodoi.invalid",
            },
        )
        if created:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        membership, _created = Membership.objects.get_or_create(
            user=user, unit=unit, role=role, defaults={"is_head": is_head}
        )
        label = membership.get_role_display()
        self.accounts.append((username, label, unit.name))
        return user
