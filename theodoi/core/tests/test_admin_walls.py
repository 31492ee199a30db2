"""The admin inside the same walls: every ModelAdmin and inline of every app.

A province's administrator opens every changelist and add page of the house's
admin, sees only what lies in its province, and no form of any admin or
inline offers or accepts a unit of another province; a membership can never
be granted outside its reach. A superuser still can.
"""

from datetime import date

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from theodoi.core.admin import WithinReach
from theodoi.testing import make_plan, make_roster_entry, make_unit, make_user, make_work_item
from theodoi.tuyenvan.roster.models import Board, RosterRound
from theodoi.units.models import Membership, Unit, UnitGroup, UnitHandover

pytestmark = pytest.mark.django_db

R = Membership.Role


def _ours(model_admin):
    return type(model_admin).__module__.startswith("theodoi.")


def _registered(ours=True):
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if _ours(model_admin) is ours
    ]


def _url(model, view="changelist", *args):
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff(world):
    world.admin.is_staff = True
    world.admin.save(update_fields=["is_staff"])
    return world.admin


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "root-password-123")


@pytest.fixture
def objects(world):
    """One object of each kind in the test province, and one in the other province."""
    plan = make_plan(world)
    make_work_item(plan, lead=world.bdv)
    make_roster_entry(world.province, world.commune1a, world.official, date(2018, 3, 5))
    Board.objects.create(unit=world.commune1a, name="Ban chỉ đạo Xã Một A")
    other_commune = make_unit("Xã Khác", Unit.Kind.COMMUNE, world.other_province)
    Board.objects.create(unit=other_commune, name="Ban chỉ đạo Xã Khác")
    RosterRound.objects.create(
        province=world.other_province, period=RosterRound.Period.MONTH, start=date(2018, 3, 1)
    )
    UnitGroup.objects.create(name="Các xã").units.set([world.commune1a, world.commune1b])
    UnitGroup.objects.create(name="Các tỉnh").units.set([world.province, world.other_province])
    return {"plan": plan, "other_commune": other_commune}


def test_every_admin_of_the_house_is_within_the_walls():
    for model, model_admin in _registered():
        assert isinstance(model_admin, WithinReach), model
        for inline in model_admin.inlines:
            assert issubclass(inline, WithinReach), (model, inline)


# Records only ever made by their own action (a handover moves work): no add page.
NO_ADD_PAGE = {UnitHandover}


def _add_status(model: type) -> int:
    return 403 if model in NO_ADD_PAGE else 200


def test_the_province_admin_opens_every_changelist_and_add_page(client, staff, objects):
    client.force_login(staff)
    for model, _model_admin in _registered():
        assert client.get(_url(model)).status_code == 200, model
        assert client.get(_url(model, "add")).status_code == _add_status(model), model


def test_other_apps_admins_are_for_superusers(client, staff, superuser):
    """Sign-in attempts and background jobs are not a province's to see."""
    client.force_login(staff)
    for model, _model_admin in _registered(ours=False):
        assert client.get(_url(model)).status_code == 403, model
    client.force_login(superuser)
    for model, _model_admin in _registered(ours=False):
        assert client.get(_url(model)).status_code == 200, model


def test_the_superuser_opens_every_changelist_and_add_page(client, superuser, objects):
    client.force_login(superuser)
    for model, _model_admin in _registered():
        assert client.get(_url(model)).status_code == 200, model
        assert client.get(_url(model, "add")).status_code == _add_status(model), model


def test_changelists_hold_only_the_province(client, staff, world, objects):
    client.force_login(staff)
    boards = client.get(_url(Board)).content.decode()
    assert "Ban chỉ đạo Xã Một A" in boards
    assert "Ban chỉ đạo Xã Khác" not in boards
    other = Board.objects.get(unit=objects["other_commune"])
    assert client.get(_url(Board, "change", other.pk)).status_code in (302, 404)
    rounds = client.get(_url(RosterRound)).context["cl"].result_list
    assert {r.province_id for r in rounds} == {world.province.pk}
    groups = client.get(_url(UnitGroup)).context["cl"].result_list
    assert [g.name for g in groups] == ["Các xã"]


def _forms(model_admin, request, obj):
    """Every form the admin page of ``obj`` (None: the add page) shows."""
    yield model_admin.get_form(request, obj)()
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        yield formset(instance=obj if obj is not None else model_admin.model()).empty_form


@pytest.mark.parametrize("page", ["add", "change"])
def test_no_form_of_any_admin_accepts_a_unit_of_another_province(staff, world, objects, page):
    request = RequestFactory().get("/admin/")
    request.user = staff
    outside = [world.other_province.pk, objects["other_commune"].pk]
    checked = 0
    for model, model_admin in _registered():
        obj = None
        if page == "change":
            obj = model_admin.get_queryset(request).first()
            if obj is None:
                continue
        for form in _forms(model_admin, request, obj):
            for name, field in form.fields.items():
                if not isinstance(field, forms.ModelChoiceField):
                    continue
                if field.queryset.model is Unit:
                    checked += 1
                    offered = set(field.queryset.values_list("pk", flat=True))
                    assert world.commune1a.pk in offered, (model, name)
                    assert not offered & set(outside), (model, name)
                    value = (
                        [outside[1]]
                        if isinstance(field, forms.ModelMultipleChoiceField)
                        else outside[1]
                    )
                    with pytest.raises(ValidationError):
                        field.clean(value)
                elif field.queryset.model is User:
                    offered = set(field.queryset.values_list("pk", flat=True))
                    assert world.outsider.pk not in offered, (model, name)
    assert checked >= (10 if page == "add" else 5)


def _membership_post(user, unit, role):
    return {"user": user.pk, "unit": unit.pk, "role": role}


def test_a_membership_outside_reach_is_refused(client, staff, world):
    client.force_login(staff)
    before = Membership.objects.count()
    response = client.post(
        _url(Membership, "add"), _membership_post(staff, world.other_province, R.COORDINATOR)
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert Membership.objects.count() == before
    assert not Membership.objects.filter(unit=world.other_province).exists()


def test_a_membership_inside_reach_is_saved(client, staff, world):
    client.force_login(staff)
    response = client.post(
        _url(Membership, "add"), _membership_post(world.viewer, world.commune1a, R.VIEWER)
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.viewer, unit=world.commune1a).exists()


def test_the_superuser_grants_anywhere(client, superuser, world):
    client.force_login(superuser)
    response = client.post(
        _url(Membership, "add"), _membership_post(world.admin, world.other_province, R.VIEWER)
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=world.admin, unit=world.other_province).exists()


def _inline_management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _account_post(user, unit, role):
    """The account's change form: its memberships as they are, plus one new."""
    prefix = "memberships"
    existing = list(Membership.objects.filter(user=user))
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        **_inline_management(prefix, total=len(existing) + 1, initial=len(existing)),
    }
    rows = [(m.pk, m.unit_id, m.role, m.title) for m in existing] + [("", unit.pk, role, "")]
    for index, (pk, unit_id, member_role, title) in enumerate(rows):
        data.update(
            {
                f"{prefix}-{index}-id": pk,
                f"{prefix}-{index}-user": user.pk,
                f"{prefix}-{index}-unit": unit_id,
                f"{prefix}-{index}-role": member_role,
                f"{prefix}-{index}-title": title,
            }
        )
    return data


def test_the_account_inline_refuses_a_unit_of_another_province(client, staff, world):
    """Hole 1 of issue 7: an administrator made itself coordinator of another province."""
    client.force_login(staff)
    before = Membership.objects.count()
    response = client.post(
        _url(User, "change", staff.pk), _account_post(staff, world.other_province, R.COORDINATOR)
    )
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert "unit" in errors[-1]
    assert Membership.objects.count() == before


def test_the_account_inline_grants_within_reach(client, staff, world):
    client.force_login(staff)
    response = client.post(
        _url(User, "change", staff.pk), _account_post(staff, world.commune1b, R.VIEWER)
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        response.context["inline_admin_formsets"][0].formset.errors,
    )
    assert Membership.objects.filter(user=staff, unit=world.commune1b).exists()


def test_the_unit_inline_refuses_an_account_of_another_province(client, staff, world):
    client.force_login(staff)
    prefix = "memberships"
    unit = world.commune1a
    data = {
        "key": unit.key,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "position": unit.position,
        **_inline_management(prefix),
        f"{prefix}-0-user": world.outsider.pk,
        f"{prefix}-0-role": R.VIEWER,
    }
    response = client.post(_url(Unit, "change", unit.pk), data)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=world.outsider, unit=unit).exists()


@pytest.fixture
def district_admin(world):
    user = make_user("district-admin", R.ADMIN, world.district1, is_staff=True)
    return user


def test_a_role_acting_beyond_reach_is_refused(district_admin, world):
    """A coordinator in a Party ban acts for the committee above it: a district's
    administrator may not make one in a ban whose committee it does not administer."""
    from theodoi.permissions.units import may_grant

    ban = make_unit("Ban Tuyên giáo Huyện ủy Một", Unit.Kind.PARTY_AGENCY, world.district1)
    assert may_grant(district_admin, ban, R.COORDINATOR)
    assert may_grant(district_admin, world.commune1a, R.COMMUNE_REPORTER)
    assert not may_grant(district_admin, world.district2, R.VIEWER)
    assert not may_grant(district_admin, world.btg, R.OFFICIAL)


def test_a_district_admin_cannot_lift_its_district_into_a_ban(client, district_admin, world):
    """Turning its own district into an advisory body would make its rights act for
    the province above: refused at the field."""
    client.force_login(district_admin)
    unit = world.district1
    data = {
        "key": unit.key,
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": Unit.Kind.PARTY_AGENCY,
        "parent": unit.parent_id,
        "position": unit.position,
        **_inline_management("memberships"),
    }
    response = client.post(_url(Unit, "change", unit.pk), data)
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.kind == Unit.Kind.DISTRICT


def test_a_district_admin_cannot_open_the_province(client, district_admin, world):
    client.force_login(district_admin)
    assert client.get(_url(Unit, "change", world.province.pk)).status_code in (302, 404)
    html = client.get(_url(User)).content.decode()
    assert "district-admin" in html
    assert ">coordinator<" not in html
