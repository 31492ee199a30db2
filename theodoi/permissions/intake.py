"""Imports with review (theodoi.intake): a staged import is its plan's coordinators'
(a plan's table) or its reporting unit's (a progress report's table).

``access_staged_import(user, pk, action)`` returns the staged import, or Http404
when the user may not see it, or PermissionDenied for an action refused
(``view``, ``change``: correct it, commit it or discard it).
"""

from __future__ import annotations

from typing import Any

import rules

from theodoi.permissions import AnyUser, fetch
from theodoi.permissions.plans import coordinates_plan_of
from theodoi.permissions.reporting import reports_for_unit_of


@rules.predicate
def may_review_import(user: AnyUser, staged: Any) -> bool:
    if staged.kind == "report":
        return staged.report_id is not None and reports_for_unit_of(user, staged.report)
    return coordinates_plan_of(user, staged.plan)


rules.add_perm("intake.view_stagedimport", may_review_import)
rules.add_perm("intake.change_stagedimport", may_review_import)


def access_staged_import(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A staged import. Actions: ``view``, ``change`` (correct, commit, discard)."""
    from theodoi.intake.models import StagedImport

    queryset = StagedImport.objects.select_related(
        "plan__issuer", "plan__owner", "plan__programme", "report__unit", "report__period"
    )
    perm = action if "." in action else f"intake.{action}_stagedimport"
    return fetch(user, queryset, pk, "intake.view_stagedimport", perm)
