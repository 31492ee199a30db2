"""API: the attendance roster (generate, read, edit) and the boards registry (read).

Mounted under /api/v1/tuyenvan/, one module per noun: ``rounds`` (``roster``,
``roster/{id}`` with its rules while a draft, ``generate``, ``publish``,
``dates``), ``entries`` (``roster/{id}/entries``), ``unavailability``
(``roster/{id}/unavailability``), ``boards``. Every endpoint asks
``theodoi.permissions.roster`` for its object and changes it through
``actions``; every error is the kit's ``ErrorOut``; every list is paged.
"""

from ninja import Router

from . import boards, entries, rounds, unavailability

router = Router(tags=["tuyenvan"])
router.add_router("", rounds.router)
router.add_router("", entries.router)
router.add_router("", unavailability.router)
router.add_router("", boards.router)
