"""The tuyên vận API under /api/v1/tuyenvan/, one module per noun like the pages.

Every object comes from ``theodoi.permissions.tuyenvan`` (``access_*``,
``visible_*``), every change is a ``do_*`` action, and every error is the API
kit's ``ErrorOut`` (``theodoi.core.apikit``): out-of-reach objects 404, in-reach
objects the user may not change 403, bad input 422 with ``fields`` (a
criterion's code for a score line). Lists are paged (``page``, ``page_size``).
"""

from ninja import Router

from . import appeals, criteria, files, months, rankings, sheets, submissions

router = Router(tags=["tuyenvan"])
for _module in (criteria, months, files, sheets, rankings, submissions, appeals):
    router.add_router("", _module.router)

__all__ = ["router"]
