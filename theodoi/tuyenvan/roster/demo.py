"""Demo data: attending officials, the 2018 Q1–Q3 rosters, and the boards registry.

Everything is bulk-created (one password hash for all the officials) so the
hook runs in a few seconds for Lào Cai's 151 communes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from theodoi.demo.context import DemoContext
from theodoi.units.models import Membership, Unit

from .models import (
    Board,
    BoardMember,
    OfficialProfile,
    RosterEntry,
    RosterRound,
    RulesDocument,
    Team,
    TeamMember,
    Unavailability,
)
from .roster import generate_roster, round_officials, violations

# The demo loader's official account (Huyện ủy Bát Xát).
DEMO_OFFICIAL = "official"

FAMILY = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Lò", "Lù", "Giàng", "Sùng", "Vàng",
    "Lý", "Thào", "Hầu", "Má", "Tẩn", "Triệu", "Bàn", "Hà", "Nông", "Sần", "Lồ", "Vương",
]  # fmt: skip
MIDDLE_M = ["Văn", "A", "Seo", "Mí", "Đức", "Quang", "Minh", "Văn", "Trọng"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Hồng", "Thị", "Thị Lan"]
GIVEN_M = [
    "An", "Bình", "Chinh", "Dũng", "Páo", "Chứ", "Sử", "Lử", "Sinh", "Tả", "Chỉn", "Phử",
    "Hùng", "Thắng", "Quyết", "Cường", "Pao", "Dín", "Tùng", "Long", "Sơn", "Hải",
]  # fmt: skip
GIVEN_F = ["Mai", "Hoa", "Lan", "Hương", "Dung", "Mỷ", "Sua", "Chi", "Thu", "Hằng", "Nga"]
VILLAGE_A = [
    "Nậm", "Tả", "Phìn", "Sín", "Cốc", "Nà", "Pạc", "Khe", "Lùng", "Na", "Làng", "Cán",
    "Ngải", "Séo", "Lao", "Mường", "Pờ", "Hoàng", "Suối", "Bản",
]  # fmt: skip
VILLAGE_B = [
    "Chạc", "Phời", "Hồ", "Chải", "Lầy", "Lốc", "Ngam", "Mụ", "Vền", "Cấu", "Phìn", "Thầu",
    "Chồ", "Mới", "Sáo", "Pèng", "Khoang", "Thàng", "Dì", "Pao", "Cang", "Lếch",
]  # fmt: skip
PROVINCIAL_AGENCIES = [("BTG", "btg", 5), ("BDV", "bdv", 4), ("STTTT", "stttt", 3)]


def _name(rng: random.Random) -> tuple[str, str]:
    """(first names, last name) as Django keeps them: 'Giàng Seo', 'Páo'."""
    if rng.random() < 0.35:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)}", rng.choice(GIVEN_F)
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)}", rng.choice(GIVEN_M)


def _full(rng: random.Random) -> str:
    first, last = _name(rng)
    return f"{first} {last}"


def _agency(ctx: DemoContext, code: str) -> Unit:
    try:
        return ctx.unit(f"lc2018:agency:{code}")
    except Unit.DoesNotExist:
        return ctx.province


def _board_name(unit: Unit) -> str:
    name = unit.name
    for prefix in ("Xã ", "Phường ", "Thị trấn "):
        if name.startswith(prefix):
            name = name[0].lower() + name[1:]
    return f"Ban tuyên vận {name}"


def _officials(ctx: DemoContext, rng: random.Random, districts: list[Unit]) -> list[User]:
    """Create the officials; return the provincial ones."""
    password = make_password(ctx.password)
    rows: list[tuple[str, Unit, bool]] = []
    for code, slug, count in PROVINCIAL_AGENCIES:
        unit = _agency(ctx, code)
        rows += [(f"official.{slug}{i}", unit, True) for i in range(1, count + 1)]
    for district in districts:
        key = district.code or str(district.pk)
        rows += [(f"official.h{key}{suffix}", district, False) for suffix in ("a", "b")]
    existing = set(
        User.objects.filter(username__in=[r[0] for r in rows]).values_list("username", flat=True)
    )
    new_users = []
    for username, _unit, _prov in rows:
        if username in existing:
            continue
        first, last = _name(rng)
        new_users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.theodoi.invalid",
                password=password,
            )
        )
    User.objects.bulk_create(new_users)
    users = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
    Membership.objects.bulk_create(
        [
            Membership(
                user=users[username],
                unit=unit,
                role=Membership.Role.OFFICIAL,
                title="Cán bộ dự hội nghị",
            )
            for username, unit, _prov in rows
        ],
        ignore_conflicts=True,
    )
    provincial = [users[u] for u, _unit, prov in rows if prov]
    # The first nine provincial officials each follow one district.
    OfficialProfile.objects.bulk_create(
        [
            OfficialProfile(user=user, follows_district=d)
            for user, d in zip(provincial, districts, strict=False)
        ],
        ignore_conflicts=True,
    )
    # Every provincial official can sign in to see "my assignments": one line
    # per agency in short form (official.btg1…5), then one district official.
    label = str(Membership.Role.OFFICIAL.label)
    for code, slug, count in PROVINCIAL_AGENCIES:
        short = f"official.{slug}1" if count == 1 else f"official.{slug}1…{count}"
        ctx.accounts.append((short, label, _agency(ctx, code).name))
    district_rows = [r for r in rows if not r[2]]
    if district_rows:
        username, unit, _prov = district_rows[0]
        ctx.accounts.append((f"{username[:-1]}a/b", label, unit.name))
    return provincial


def _unavailability(rng: random.Random, officials: list[User]) -> None:
    rows = []
    for user in rng.sample(officials, k=min(6, len(officials))):
        start = date(2018, rng.choice([1, 2, 4, 5]), rng.randrange(3, 20))
        rows.append(
            Unavailability(
                user=user,
                start=start,
                end=start + timedelta(days=rng.randrange(2, 6)),
                reason=rng.choice(["Đi công tác Hà Nội", "Học lớp bồi dưỡng", "Nghỉ phép"]),
            )
        )
    Unavailability.objects.bulk_create(rows)


def _rosters(ctx: DemoContext) -> None:
    # Q1 and Q2 are past at the demo's today (15/07/2018); Q3 is coming, so an
    # official's "my assignments" has conferences ahead too.
    for start in (date(2018, 1, 1), date(2018, 4, 1), date(2018, 7, 1)):
        rnd, _created = RosterRound.objects.get_or_create(
            province=ctx.province,
            period=RosterRound.Period.QUARTER,
            start=start,
            defaults={
                "provincial_frequency": RosterRound.Frequency.QUARTERLY,
                "district_frequency": RosterRound.Frequency.MONTHLY,
                "provincial_monthly_limit": 5,
                "district_monthly_limit": 12,
                "note": "Theo Quy định 11-QĐ/TU ngày 26/10/2016 của Ban Thường vụ Tỉnh ủy.",
            },
        )
        result = generate_roster(rnd)
        if not result.ok:
            ctx.stdout.write(f"Roster {rnd.title}: {'; '.join(result.problems)}\n")
            continue
        _give_assignments_to(rnd, DEMO_OFFICIAL)
        rnd.status = RosterRound.Status.PUBLISHED
        rnd.published_at = rnd.generated_at
        rnd.save(update_fields=["status", "published_at"])


def _give_assignments_to(rnd: RosterRound, username: str, wanted: int = 3) -> None:
    """Make sure the demo's ``official`` account sees "my assignments": if the
    roster left it out, hand it a few of its pool's assignments, each only
    when the change breaks no rule."""
    official = next((o for o in round_officials(rnd) if o.user.username == username), None)
    if official is None or rnd.entries.filter(official=official.user).exists():
        return
    entries = rnd.entries.filter(kind=official.kind).order_by("day", "pk")
    if official.kind == RosterEntry.Kind.DISTRICT:
        entries = entries.filter(commune__parent_id=official.district_id)
    before = {(v.rule, v.message) for v in violations(rnd)}
    given = 0
    for entry in entries[:40]:
        if not official.free_on(entry.day):
            continue
        previous = entry.official_id
        entry.official_id = official.user.pk
        entry.save(update_fields=["official"])
        if any((v.rule, v.message) not in before for v in violations(rnd)):
            entry.official_id = previous
            entry.save(update_fields=["official"])
            continue
        given += 1
        if given >= wanted:
            return


def _villages(rng: random.Random, commune: Unit) -> list[str]:
    count = rng.randrange(4, 10)
    if commune.name.startswith(("Phường", "Thị trấn")):
        return [f"Tổ dân phố số {i}" for i in range(1, count + 1)]
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(['Thôn', 'Bản'])} {rng.choice(VILLAGE_A)} {rng.choice(VILLAGE_B)}"
        if name not in names:
            names.append(name)
    return names


def _boards(ctx: DemoContext, rng: random.Random, districts: list[Unit]) -> None:
    Post = BoardMember.Post
    units = [u for d in districts for u in [d, *ctx.communes(d)]]
    Board.objects.bulk_create(
        [Board(unit=u, name=_board_name(u), established_on=date(2016, 11, 15)) for u in units],
        ignore_conflicts=True,
    )
    boards = list(Board.objects.filter(unit__in=units).select_related("unit"))
    communes = [b for b in boards if b.unit.kind == Unit.Kind.COMMUNE]
    no_deputy = {b.pk for b in rng.sample(communes, k=min(12, len(communes)))}
    old_rules = {b.pk for b in rng.sample(boards, k=min(15, len(boards)))}
    empty = set(rng.sample([b.unit_id for b in communes], k=min(3, len(communes))))
    members, rules, teams = [], [], []
    for board in boards:
        is_commune = board.unit.kind == Unit.Kind.COMMUNE
        head_title = "Bí thư Đảng ủy" if is_commune else "Phó Bí thư Thường trực Huyện ủy"
        members.append(
            BoardMember(
                board=board, full_name=_full(rng), post=Post.HEAD, title=head_title, position=1
            )
        )
        if board.pk not in no_deputy:
            members.append(
                BoardMember(
                    board=board,
                    full_name=_full(rng),
                    post=Post.FULL_TIME_DEPUTY,
                    title="Phó Trưởng ban chuyên trách"
                    if is_commune
                    else "Trưởng Ban Tuyên giáo Huyện ủy",
                    position=2,
                )
            )
        members.append(
            BoardMember(
                board=board,
                full_name=_full(rng),
                post=Post.DEPUTY,
                title="Chủ tịch Ủy ban MTTQ",
                position=3,
            )
        )
        for i, title in enumerate(
            rng.sample(
                [
                    "Chủ tịch Hội Nông dân",
                    "Chủ tịch Hội LHPN",
                    "Bí thư Đoàn TN",
                    "Chủ tịch Hội CCB",
                    "Công chức Văn hóa - Xã hội",
                ],
                k=rng.randrange(2, 5),
            )
        ):
            members.append(
                BoardMember(
                    board=board, full_name=_full(rng), post=Post.MEMBER, title=title, position=4 + i
                )
            )
        year = 2016 if board.pk in old_rules else 2018
        issued = (
            date(2016, 12, rng.randrange(1, 28))
            if year == 2016
            else date(2018, 1, rng.randrange(5, 28))
        )
        rules.append(
            RulesDocument(
                board=board,
                number=f"{rng.randrange(1, 20):02d}-QC/{'ĐU' if is_commune else 'HU'}",
                issued_on=issued,
                title="Quy chế hoạt động của Ban tuyên vận",
            )
        )
        if is_commune:
            teams += [Team(commune=board.unit, village_name=v) for v in _villages(rng, board.unit)]
    BoardMember.objects.bulk_create(members)
    RulesDocument.objects.bulk_create(rules)
    Team.objects.bulk_create(teams, ignore_conflicts=True)
    team_members = []
    empties_left = dict.fromkeys(empty, 1)
    for team in Team.objects.filter(commune__in=[b.unit for b in communes]).order_by(
        "commune_id", "pk"
    ):
        if empties_left.get(team.commune_id):
            empties_left[team.commune_id] = 0
            continue
        team_members += [
            TeamMember(
                team=team, full_name=_full(rng), post=TeamMember.Post.LEADER, title="Bí thư chi bộ"
            ),
            TeamMember(
                team=team, full_name=_full(rng), post=TeamMember.Post.DEPUTY, title="Trưởng thôn"
            ),
            TeamMember(
                team=team,
                full_name=_full(rng),
                post=TeamMember.Post.MEMBER,
                title="Chi hội trưởng Hội Nông dân",
            ),
        ]
    TeamMember.objects.bulk_create(team_members)


def load(ctx: DemoContext) -> None:
    rng = random.Random(2018)
    districts = ctx.districts()
    provincial = _officials(ctx, rng, districts)
    # Only provincial officials declare absences: with two officials per
    # district, an absence there can leave no one who did not attend last month.
    _unavailability(rng, provincial)
    _rosters(ctx)
    _boards(ctx, rng, districts)
