"""Query guards of the plan pages the HTTP benchmark loads (issue 14): lower only.

The plan tree was 15 queries (the plan's "is it issued" asked again after its
versions card had read the versions), the matrix 10.
"""

import pytest

from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


def grow(world, plan, n):
    units = [world.bdv, world.sotttt, world.district1, world.district2, world.commune1a]
    for i in range(n):
        make_work_item(
            plan,
            lead=[units[i % 5], world.btg],
            coordinating=units[(i + 1) % 5],
            field=f"Lĩnh vực {i % 3}",
            task=f"Nhiệm vụ {i % 4}",
        )


@pytest.mark.parametrize(("page", "most"), [("", 14), ("matrix/", 10)])
@pytest.mark.parametrize("size", [2, 12])
def test_the_plan_tree_and_the_matrix_stay_within_their_queries(
    client, world, page, most, size, django_assert_max_num_queries
):
    plan = make_plan(world, number="112-KH/TU")
    grow(world, plan, size)
    client.force_login(world.coordinator)
    url = f"/plans/{plan.pk}/{page}"
    client.get(url)  # the session and caches warm
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def test_the_plan_page_knows_an_issued_plan_from_its_versions_card(client, world):
    from theodoi.plans.proposals import do_issue_plan

    plan = make_plan(world, number="112-KH/TU")
    grow(world, plan, 2)
    client.force_login(world.coordinator)
    before = client.get(f"/plans/{plan.pk}/")
    do_issue_plan(plan, by=world.coordinator)
    after = client.get(f"/plans/{plan.pk}/")
    assert before.status_code == after.status_code == 200
    assert before.context["plan"]._theodoi_issued is False
    assert after.context["plan"]._theodoi_issued is True
    assert before.content != after.content
