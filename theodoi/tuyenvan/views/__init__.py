"""Pages of the tuyên vận app, one module per noun: access → validate → change → respond.

Every object a page opens comes from ``theodoi.permissions.tuyenvan``
(``access_*``, ``visible_*``); every change is a ``do_*`` action.
"""
