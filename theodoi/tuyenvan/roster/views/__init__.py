"""Pages of the roster and the boards, one module per noun.

``rounds`` (a round: list, detail, generate, publish, rules, dates, unavailable
days, print and XLSX), ``entries`` (one assignment, added or edited by hand),
``mine`` (an official's own assignments and unavailable days), ``profiles``
(the district each provincial official follows), ``boards`` (boards, teams and
their rules documents). Every page asks ``theodoi.permissions.roster`` for its
object and changes it through ``actions``.
"""
