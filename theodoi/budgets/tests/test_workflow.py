import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from theodoi.budgets import actions
from theodoi.budgets.actions import LineIn
from theodoi.budgets.models import BudgetSettings, DetailedPlan
from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.permissions import budgets as access

pytestmark = pytest.mark.django_db
S = DetailedPlan.State


def test_draft_submit_return_fix_resubmit_approve(setup):
    w = setup.world
    dp = actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency, lines=setup.bdv_lines())
    assert dp.state == S.DRAFT and dp.lines.count() == 3
    dp = actions.do_submit(dp, by=w.agency)
    assert dp.state == S.SUBMITTED and dp.submitted_at
    with pytest.raises(ValidationError) as error:
        actions.do_return(dp, by=w.coordinator, comment="  ")
    assert "comment" in error.value.message_dict
    dp = actions.do_return(dp, by=w.coordinator, comment="Giảm chi phí in tờ rơi")
    assert dp.state == S.RETURNED and dp.comment == "Giảm chi phí in tờ rơi"
    lines = setup.bdv_lines()
    lines[0].amount = 8_000_000
    dp = actions.do_set_lines(dp, lines, by=w.agency, version=dp.version)
    dp = actions.do_submit(dp, by=w.agency, version=dp.version)
    dp = actions.do_approve(dp, by=w.coordinator, version=dp.version)
    assert dp.state == S.APPROVED
    assert sorted(dp.lines.values_list("amount", flat=True)) == [2_500_000, 8_000_000, 20_000_000]
    # Every step is in the history, attributed.
    reasons = list(dp.history.order_by("history_id").values_list("history_change_reason",
                                                                 flat=True))  # fmt: skip
    assert "Giảm chi phí in tờ rơi" in reasons
    assert dp.history.filter(history_user=w.coordinator).exists()


def test_approved_is_locked_and_changed_by_a_new_revision(setup):
    w = setup.world
    dp = setup.approved(w.bdv, setup.bdv_lines())
    with pytest.raises(TransitionRefused):
        actions.do_set_lines(dp, setup.bdv_lines()[:1], by=w.agency)
    with pytest.raises(TransitionRefused):
        actions.do_add_line(dp, setup.bdv_lines()[0], by=w.agency)
    with pytest.raises(TransitionRefused):
        actions.do_delete_line(dp.lines.first(), by=w.agency)
    with pytest.raises(TransitionRefused):
        actions.do_submit(dp, by=w.agency)
    with pytest.raises(ValidationError):
        actions.do_revise(dp, by=w.agency, reason="")
    new = actions.do_revise(dp, by=w.agency, reason="Bổ sung hội nghị")
    assert (new.revision, new.state, new.lines.count()) == (2, S.DRAFT, 3)
    with pytest.raises(TransitionRefused):  # one revision in progress at a time
        actions.do_revise(dp, by=w.agency, reason="Lần nữa")
    actions.do_add_line(new, LineIn(setup.item2.pk, "Thêm", 1_000_000), by=w.agency)
    new = actions.do_approve(actions.do_submit(new, by=w.agency), by=w.coordinator)
    dp.refresh_from_db()
    assert dp.state == S.SUPERSEDED and dp.lines.count() == 3  # the old revision is kept
    assert new.state == S.APPROVED and new.lines.count() == 4


def test_lines_on_work_items_the_unit_does_not_lead_are_refused(setup):
    w = setup.world
    with pytest.raises(ValidationError) as error:
        actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency,
                                      lines=[LineIn(setup.item3.pk, "Việc xã", 1_000)])  # fmt: skip
    assert "lines.0.work_item" in error.value.message_dict
    # Sở TT&TT only coordinates: it leads nothing, so it has nothing to file.
    with pytest.raises(ValidationError) as error:
        actions.do_open_detailed_plan(setup.plan, w.sotttt, by=w.coordinator)
    assert "unit" in error.value.message_dict
    dp = actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency)
    with pytest.raises(ValidationError):
        actions.do_add_line(dp, LineIn(setup.item3.pk, "Việc xã", 1_000), by=w.agency)
    with pytest.raises(ValidationError) as error:
        actions.do_add_line(dp, LineIn(setup.item1.pk, " ", 1_000, source="bank"), by=w.agency)
    assert {"lines.0.activity", "lines.0.source"} <= set(error.value.message_dict)


def test_refusals(setup):
    w = setup.world
    dp = actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency)
    with pytest.raises(TransitionRefused):  # nothing to submit
        actions.do_submit(dp, by=w.agency)
    with pytest.raises(ValidationError):  # a second one in progress
        actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency)
    with pytest.raises(TransitionRefused):  # not submitted yet
        actions.do_approve(dp, by=w.coordinator)
    with pytest.raises(TransitionRefused):
        actions.do_return(dp, by=w.coordinator, comment="Sửa")
    actions.do_add_line(dp, setup.bdv_lines()[0], by=w.agency)
    dp.refresh_from_db()
    with pytest.raises(Stale) as stale:
        actions.do_submit(dp, by=w.agency, version=dp.version - 1)
    assert stale.value.current.version == dp.version
    dp = actions.do_approve(actions.do_submit(dp, by=w.agency), by=w.coordinator)
    with pytest.raises(TransitionRefused):
        actions.do_return(dp, by=w.coordinator, comment="Quá muộn")
    with pytest.raises(ValidationError):  # approved: a new revision, not a new plan
        actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency)


def test_finance_opinion_where_configured(setup):
    w = setup.world
    BudgetSettings.objects.create(plan=setup.plan, finance_unit=w.sotttt)
    dp = actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency, lines=setup.bdv_lines())
    dp = actions.do_submit(dp, by=w.agency)
    assert dp.state == S.FINANCE
    with pytest.raises(TransitionRefused):
        actions.do_approve(dp, by=w.coordinator)
    with pytest.raises(ValidationError):
        actions.do_give_opinion(dp, by=w.coordinator, opinion="")
    dp = actions.do_give_opinion(dp, by=w.coordinator, opinion="Phù hợp định mức chi")
    assert dp.state == S.SUBMITTED and dp.finance_opinion == "Phù hợp định mức chi"
    assert actions.do_approve(dp, by=w.coordinator).state == S.APPROVED


def test_access(setup):
    w = setup.world
    dp = actions.do_open_detailed_plan(setup.plan, w.bdv, by=w.agency, lines=setup.bdv_lines())
    assert access.access_detailed_plan(w.agency, dp.pk, "change") == dp
    assert access.access_detailed_plan(w.coordinator, dp.pk, "approve") == dp
    assert access.access_detailed_plan(w.viewer, dp.pk) == dp
    with pytest.raises(PermissionDenied):
        access.access_detailed_plan(w.agency, dp.pk, "approve")
    with pytest.raises(PermissionDenied):
        access.access_detailed_plan(w.viewer, dp.pk, "change")
    for user in (w.commune, w.district, w.outsider):
        with pytest.raises(Http404):
            access.access_detailed_plan(user, dp.pk)
    # The finance reviewer sees the plan's detailed plans once configured.
    from theodoi.testing import make_user
    from theodoi.units.models import Membership

    stc = make_user("stc", Membership.Role.AGENCY_REPORTER, w.sotttt)
    with pytest.raises(Http404):
        access.access_detailed_plan(stc, dp.pk)
    BudgetSettings.objects.create(plan=setup.plan, finance_unit=w.sotttt)
    stc = type(stc).objects.get(pk=stc.pk)
    assert access.access_detailed_plan(stc, dp.pk, "opinion") == dp
    assert list(access.visible_detailed_plans(stc)) == [dp]
    assert list(access.visible_detailed_plans(w.commune)) == []
    assert list(access.filing_units(w.agency, setup.plan)) == [w.bdv]
