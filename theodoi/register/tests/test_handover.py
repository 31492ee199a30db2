"""Nothing of the document register moves: a number stays the body's that issued it,
and the preview says so."""

from __future__ import annotations

from datetime import date

from theodoi.register.models import RegisteredDocument
from theodoi.testing import (
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
)


def test_registered_documents_stay_and_the_preview_says_so(world, reform):
    issued = RegisteredDocument.objects.create(
        issuer=world.btg, kind="BC", year=2025, number=7, code="07-BC/BTGTU",
        issued_on=date(2025, 6, 20),
    )  # fmt: skip
    handover_refusals(world, reform)
    preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    issued.refresh_from_db()
    assert issued.issuer == world.btg
    assert done.moved["registered_documents"] == []
    row = next(r for r in preview.rows() if r["kind"] == "registered_documents")
    assert row["moved"] == 0 and row["kept"] == 1 and row["why"]
