"""The document register's part of a handover: nothing moves.

A number in the register belongs to the body that issued the document under
it (its symbol is printed in the number, e.g. ``07-BC/BTGTU``): the
successor numbers its own documents in its own register from the effective
day. The preview says how many stay.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import RegisteredDocument


def register_step(result: HandoverResult) -> None:
    result.keep(
        "registered_documents",
        RegisteredDocument.objects.filter(issuer=result.predecessor).count(),
        _(
            "Nothing moves: a registered document stays the body's that issued it, under its "
            "number and symbol; the successor numbers its own documents."
        ),
    )


register(
    "register",
    register_step,
    kinds={"registered_documents": gettext_lazy("registered documents")},
    order=70,
)
