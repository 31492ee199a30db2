"""What the access test knows about every page and API operation that takes an object.

Each page route (by URL name) and API operation (``"METHOD /path"``) that takes an
object id lists its parameters, each mapped to a KIND of object of the twin world
(``theodoi.testing.make_twin_world``; a value starting with ``=`` is a literal, not
an id; ``kind.attribute`` is that attribute of the object, e.g. a slug), and the
READ rule that decides whether the caller may see the object at all:
``(permission, kind)``. The access test asks the access layer that rule and
checks the page or endpoint answers accordingly: 404 iff the caller may not see
the object. A new route or operation, or a new parameter name, that is not here
makes the test fail with "add … to the access test". Kinds in ``PUBLIC`` are
readable by anyone, another province's accounts included, by design.
"""

from __future__ import annotations

MONTH = "2018-03"

# Parameter names that mean the same kind on every route.
PARAMS: dict[str, str] = {
    "commune_id": "unit",
    "district_id": "district_unit",
    "unit_id": "unit",
    "programme_id": "programme",
    "objective_id": "objective",
    "indicator_id": "indicator",
    "field_id": "field",
    "criterion_id": "criterion",
    "cluster_id": "commune_cluster",
    "month": "=" + MONTH,
}

# Rules by the object they guard.
MONTH_RULE = ("tuyenvan.view_month", "result")
PLAN = ("plans.view_plan", "plan")
PROGRAMME = ("plans.view_programme", "programme")
REPORTING = ("reporting.view_reporting", "plan")
PERIOD = ("reporting.view_reporting", "period")
REPORT = ("reporting.view_report", "report")
ROUND = ("tuyenvan_people.view_rosterround", "round")
BOARD = ("tuyenvan_people.view_board", "board")
CRITERIA = ("tuyenvan.view_criteriaset", "criteria_set")
DISTRICT_RESULTS = ("tuyenvan.view_results", "district_unit")
# portal
ARTICLE = ("portal.view_article", "article")
DRAFT = ("portal.view_article", "draft_article")
CATEGORY = ("portal.view_category", "category")
FEEDBACK = ("portal.view_feedback", "feedback")
PROGRESS = ("portal.view_progress", "plan")
TAG = ("portal.view_tag", "tag")
RANKING = ("portal.view_rankingpage", "ranking")
# Kinds public by design: another province's object of these kinds is readable
# by anyone (a live article, a category, a tag, a published progress page or ranking).
PUBLIC = frozenset({"article", "category", "tag", "public_plan", "public_ranking"})
# end portal
# begin proposals
PROPOSAL = ("plans.view_changeproposal", "proposal")
# end proposals
# surveys: every staff page and operation fetches the survey (or its question or
# point) by ``surveys.view_survey`` first (404), then checks its action (403).
SURVEY = ("surveys.view_survey", "survey")
# begin thidua: a province's rankings (and every thi đua object of it) are read by
# every account of the province; other provinces' are 404.
THIDUA_PROVINCE = ("thidua.view_ranking", "province")
THIDUA_YEAR = ("thidua.view_ranking", "emulation_year")
# end thidua
# begin activities: a record, its follow-ups and files are read with the record;
# a target with its scope unit.
ACTIVITY = ("activities.view_activity", "activity")
TARGET = ("activities.view_target", "target")
MEMBER = ("activities.view_networkmember", "network_member")
TARGET_BODY = {
    "name": "Số lớp học", "unit": "@unit", "measure": "count", "kind": "class",
    "comparison": "gte", "goal": "1", "start": "2018-01-01", "end": "2018-12-31",
}  # fmt: skip
# end activities
# begin budgets
BUDGET = ("budgets.view_detailedplan", "detailed_plan")
MATTER = ("directions.view_matter", "matter")
# end budgets

# Page routes: name → ({parameter: kind}, read rule).
# A rule "=owner" means: the object's ``user`` is the caller (API tokens).
OWNER = ("=owner", "token")

PAGES: dict[str, tuple[dict[str, str], tuple[str, str] | None]] = {
    "core:revoke-token": ({"pk": "token"}, OWNER),
    # Django's own view: the uid and token are checked by Django, not object ids.
    "password_reset_confirm": ({"uidb64": "=MQ", "token": "=set-password"}, None),
    "units:detail": ({"pk": "unit"}, ("units.view_unit", "unit")),
    "units:history": ({"pk": "unit"}, ("units.view_unit", "unit")),
    "units:handover": ({"pk": "unit"}, ("units.view_unit", "unit")),
    "units:rename": ({"pk": "unit"}, ("units.view_unit", "unit")),
    "plans:programme": ({"pk": "programme"}, PROGRAMME),
    "plans:programme-edit": ({"pk": "programme"}, PROGRAMME),
    "plans:programme-history": ({"pk": "programme"}, PROGRAMME),
    "plans:plan-new": ({}, PROGRAMME),
    "plans:objective-new": ({"pk": "programme"}, PROGRAMME),
    "plans:objective-edit": ({"pk": "programme"}, PROGRAMME),
    "plans:objective-delete": ({"pk": "programme"}, PROGRAMME),
    "plans:indicator-new": ({"pk": "programme"}, PROGRAMME),
    "plans:indicator-edit": ({"pk": "programme"}, PROGRAMME),
    "plans:indicator-delete": ({"pk": "programme"}, PROGRAMME),
    "plans:detail": ({"pk": "plan"}, PLAN),
    "plans:edit": ({"pk": "plan"}, PLAN),
    "plans:history": ({"pk": "plan"}, PLAN),
    "plans:matrix": ({"pk": "plan"}, PLAN),
    "plans:import": ({"pk": "plan"}, PLAN),
    "plans:export": ({"pk": "plan"}, PLAN),
    "plans:field-new": ({"pk": "plan"}, PLAN),
    "plans:field-edit": ({"pk": "plan"}, PLAN),
    "plans:field-delete": ({"pk": "plan"}, PLAN),
    "plans:task-new": ({"pk": "plan"}, PLAN),
    "plans:field-history": ({"pk": "field"}, PLAN),
    "plans:task": ({"pk": "task"}, PLAN),
    "plans:task-edit": ({"pk": "task"}, PLAN),
    "plans:task-delete": ({"pk": "task"}, PLAN),
    "plans:task-history": ({"pk": "task"}, PLAN),
    "plans:work-item-new": ({"pk": "task"}, PLAN),
    "plans:work-item": ({"pk": "work_item"}, PLAN),
    "plans:work-item-edit": ({"pk": "work_item"}, PLAN),
    "plans:work-item-delete": ({"pk": "work_item"}, PLAN),
    "plans:work-item-history": ({"pk": "work_item"}, PLAN),
    "plans:my-work": ({}, ("units.view_work_of_unit", "unit")),
    # begin proposals
    "plans:proposals": ({"pk": "plan"}, PLAN),
    "plans:proposal-new": ({"pk": "plan"}, PLAN),
    "plans:versions": ({"pk": "plan"}, PLAN),
    "plans:version": ({"pk": "plan", "number": "=1"}, PLAN),
    "plans:issue": ({"pk": "plan"}, PLAN),
    "plans:proposal": ({"pk": "proposal"}, PROPOSAL),
    "plans:proposal-answer": ({"pk": "proposal"}, PROPOSAL),
    "plans:proposal-decide": ({"pk": "proposal"}, PROPOSAL),
    "plans:indicator-values": ({"pk": "programme"}, PROGRAMME),
    "plans:programme-review": ({"pk": "programme"}, PROGRAMME),
    # end proposals
    "reporting:plan": ({"pk": "plan"}, REPORTING),
    "reporting:schedule": ({"pk": "plan"}, REPORTING),
    "reporting:dashboard": ({"pk": "plan"}, REPORTING),
    "reporting:inspections": ({"pk": "plan"}, REPORTING),
    "reporting:reminders": ({"pk": "plan"}, REPORTING),
    "reporting:period": ({"pk": "period"}, PERIOD),
    "reporting:start-report": ({"pk": "period"}, REPORT),
    "reporting:start-export": ({"pk": "period"}, PERIOD),
    "reporting:draft": ({"pk": "period"}, PERIOD),
    "reporting:report": ({"pk": "report"}, REPORT),
    "reporting:accept": ({"pk": "report"}, REPORT),
    "reporting:return": ({"pk": "report"}, REPORT),
    "reporting:reopen": ({"pk": "report"}, REPORT),
    "reporting:add-evidence": ({"pk": "report", "entry_id": "entry"}, REPORT),
    "reporting:evidence": ({"pk": "evidence"}, REPORT),
    "reporting:remove-evidence": ({"pk": "evidence"}, REPORT),
    "reporting:export": ({"pk": "export"}, PERIOD),
    "reporting:export-download": ({"pk": "export"}, PERIOD),
    "reporting:inspection": ({"pk": "inspection"}, ("reporting.view_reporting", "inspection")),
    "reporting:close-follow-up": ({"pk": "follow_up"}, ("reporting.view_reporting", "follow_up")),
    "tuyenvan_people:roster-detail": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-generate": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-publish": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-unavailability": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-dates": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-print": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-xlsx": ({"pk": "round"}, ROUND),
    "tuyenvan_people:roster-settings": ({"pk": "round"}, ROUND),
    "tuyenvan_people:entry-add": ({"pk": "round"}, ROUND),
    "tuyenvan_people:entry-edit": ({"pk": "round", "entry_id": "roster_entry"}, ROUND),
    "tuyenvan_people:board-detail": ({"pk": "board"}, BOARD),
    "tuyenvan_people:board-edit": ({"pk": "board"}, BOARD),
    "tuyenvan_people:board-create": ({}, ("units.view_unit", "unit")),
    "tuyenvan_people:rules-file": ({"pk": "rules_document"}, BOARD),
    "tuyenvan_people:team-edit": ({"pk": "team"}, BOARD),
    "tuyenvan:month": ({}, MONTH_RULE),
    "tuyenvan:meeting": ({}, MONTH_RULE),
    "tuyenvan:meeting-file-add": ({}, MONTH_RULE),
    "tuyenvan:meeting-file": ({"pk": "meeting_file"}, MONTH_RULE),
    "tuyenvan:meeting-file-remove": ({"pk": "meeting_file"}, MONTH_RULE),
    "tuyenvan:score-file": ({"pk": "score_file"}, ("tuyenvan.view_sheet", "sheet")),
    "tuyenvan:sheet": ({"source": "=self"}, MONTH_RULE),
    "tuyenvan:explain": ({}, MONTH_RULE),
    "tuyenvan:history": ({}, MONTH_RULE),
    "tuyenvan:send": ({}, MONTH_RULE),
    "tuyenvan:resolve": ({}, MONTH_RULE),
    "tuyenvan:appeal": ({}, MONTH_RULE),
    "tuyenvan:month-action": ({"action": "=approve"}, MONTH_RULE),
    "tuyenvan:sheet-view": ({"pk": "sheet"}, ("tuyenvan.view_sheet", "sheet")),
    "tuyenvan:answer": ({"pk": "appeal"}, MONTH_RULE),
    # begin offline
    "tuyenvan:appeal-file": ({"pk": "appeal"}, MONTH_RULE),
    # end offline
    "tuyenvan:section": ({}, DISTRICT_RESULTS),
    "tuyenvan:district-action": ({"action": "=accept"}, DISTRICT_RESULTS),
    "tuyenvan:cluster-action": ({"action": "=accept"}, ("tuyenvan.view_results", "province")),
    "tuyenvan:submission": ({"pk": "submission"}, ("tuyenvan.view_submission", "submission")),
    "tuyenvan:criteria-detail": ({"pk": "draft_set"}, ("tuyenvan.view_criteriaset", "draft_set")),
    "tuyenvan:criteria-new": ({"pk": "draft_set"}, ("tuyenvan.view_criteriaset", "draft_set")),
    "tuyenvan:criteria-edit": ({"pk": "draft_set"}, ("tuyenvan.view_criteriaset", "draft_set")),
    "tuyenvan:criteria-publish": ({"pk": "draft_set"}, ("tuyenvan.view_criteriaset", "draft_set")),
    "tuyenvan:criteria-preview": ({"pk": "draft_set"}, ("tuyenvan.view_criteriaset", "draft_set")),
    "tuyenvan:trend": ({}, ("tuyenvan.view_results", "unit")),
    # Takes only a month; its object comes in the query (PAGE_QUERIES).
    "tuyenvan:bulletin": ({}, None),
    # begin home
    # Takes only a month; it lists and approves the caller's own communes (its
    # district scorer reach), so another province's objects never appear.
    "tuyenvan:bulk-approve": ({}, None),
    # end home
    # portal ----------------------------------------------------------------------
    # Public reading: a live article and every category are readable by anyone,
    # including the other province (PUBLIC); its editorial queue (a draft), its
    # back office and its readers' feedback only by the owning province.
    "portal:article": ({"pk": "article"}, ARTICLE),
    "portal:print": ({"pk": "article"}, ARTICLE),
    "portal:feedback": ({"pk": "article"}, ARTICLE),
    "portal:send": ({"pk": "article"}, ARTICLE),
    "portal:category": ({"slug": "category.slug"}, CATEGORY),
    "portal:category-rss": ({"slug": "category.slug"}, CATEGORY),
    "portal:category-atom": ({"slug": "category.slug"}, CATEGORY),
    "portal:tag": ({"slug": "tag.slug"}, TAG),
    "portal:editor-tag": ({"pk": "tag"}, TAG),
    # A withdrawn ranking: its province's coordinators only (a published one is public).
    "portal:ranking": ({"pk": "ranking"}, RANKING),
    "portal:editor-ranking-withdraw": ({"pk": "ranking"}, RANKING),
    # Unpublished: its coordinators only (a published one is public, see READERS).
    "portal:progress": ({"pk": "plan"}, PROGRESS),
    # Image renditions: public files with random names, no object id.
    "portal:media": ({"path": "=portal/nothing.jpg"}, None),
    "portal:editor-article": ({"pk": "draft_article"}, DRAFT),
    "portal:editor-step": ({"pk": "draft_article", "step": "=submit"}, DRAFT),
    "portal:editor-feature": ({"pk": "draft_article"}, DRAFT),
    "portal:editor-image": ({"pk": "draft_article"}, DRAFT),
    "portal:editor-history": ({"pk": "draft_article"}, DRAFT),
    "portal:editor-restore": ({"pk": "draft_article", "history_id": "article_history"}, DRAFT),
    "portal:editor-category": ({"pk": "category"}, CATEGORY),
    "portal:editor-feedback-detail": ({"pk": "feedback"}, FEEDBACK),
    # end portal
    # surveys ----------------------------------------------------------------------
    "surveys:detail": ({"pk": "survey"}, SURVEY),
    "surveys:step": ({"pk": "survey", "step": "=close"}, SURVEY),
    "surveys:add-section": ({"pk": "survey"}, SURVEY),
    "surveys:add-question": ({"pk": "survey"}, SURVEY),
    "surveys:add-point": ({"pk": "survey"}, SURVEY),
    "surveys:xlsform": ({"pk": "survey"}, SURVEY),
    "surveys:import": ({"pk": "survey"}, SURVEY),
    "surveys:results": ({"pk": "survey"}, SURVEY),
    "surveys:report": ({"pk": "survey"}, SURVEY),
    "surveys:results-xlsx": ({"pk": "survey"}, SURVEY),
    "surveys:texts": ({"pk": "survey"}, SURVEY),
    "surveys:responses": ({"pk": "survey"}, SURVEY),
    "surveys:export": ({"pk": "survey", "kind": "=csv"}, SURVEY),
    "surveys:question": ({"pk": "survey_question"}, ("surveys.view_survey", "survey_question")),
    "surveys:codes": ({"pk": "survey_point"}, ("surveys.view_survey", "survey_point")),
    "surveys:interview": ({"pk": "survey_point"}, ("surveys.view_survey", "survey_point")),
    "surveys:poster": ({"pk": "survey_point"}, ("surveys.view_survey", "survey_point")),
    # The anonymous answer page: public, by a point's link token (a secret, not an
    # object id) that reaches that point's open survey and nothing else
    # (``answerable_point``); no account rule applies. Checked by
    # ``test_a_survey_link_reaches_its_survey_only``.
    "surveys:answer": ({"token": "=survey-link"}, None),
    # Published results: public by the survey's workflow state (``public_results``).
    "surveys:published": ({"pk": "survey"}, None),
    "surveys:thanks": ({"token": "=survey-link"}, None),
    # end surveys ------------------------------------------------------------------
    # begin importer
    "intake:plan-upload": ({"pk": "plan"}, PLAN),
    "intake:plan-docx": ({"pk": "plan"}, PLAN),
    "intake:report-upload": ({"report_id": "report"}, REPORT),
    "intake:review": ({"pk": "staged_import"}, ("intake.view_stagedimport", "staged_import")),
    # end importer
    # begin thidua -------------------------------------------------------------------
    "thidua:explain": ({"pk": "district_unit"}, ("thidua.view_ranking", "district_unit")),
    "thidua:cluster": ({"pk": "cluster"}, ("thidua.view_ranking", "cluster")),
    "thidua:cluster-edit": ({"pk": "cluster"}, ("thidua.view_ranking", "cluster")),
    "thidua:year-step": ({"pk": "emulation_year", "step": "=close"}, THIDUA_YEAR),
    "thidua:proposals": ({"pk": "emulation_year"}, THIDUA_YEAR),
    "thidua:proposals-docx": ({"pk": "emulation_year"}, THIDUA_YEAR),
    # end thidua ---------------------------------------------------------------------
    # begin activities
    "activities:new": ({"kind": "=study"}, None),
    "activities:network": ({"kind": "=reporter"}, None),
    "activities:detail": ({"pk": "activity"}, ACTIVITY),
    "activities:edit": ({"pk": "activity"}, ACTIVITY),
    "activities:delete": ({"pk": "activity"}, ACTIVITY),
    "activities:add-file": ({"pk": "activity"}, ACTIVITY),
    "activities:add-follow-up": ({"pk": "activity"}, ACTIVITY),
    "activities:attendance": ({"pk": "activity"}, ACTIVITY),
    "activities:file": ({"pk": "activity_file"}, ACTIVITY),
    "activities:close-follow-up": ({"pk": "activity_follow_up"}, ACTIVITY),
    "activities:target": ({"pk": "target"}, TARGET),
    "activities:target-edit": ({"pk": "target"}, TARGET),
    "activities:target-delete": ({"pk": "target"}, TARGET),
    "activities:member-new": ({"kind": "=reporter"}, None),
    "activities:member-edit": ({"pk": "network_member"}, MEMBER),
    "activities:standard": ({"kind": "=reporter", "unit_id": "unit"}, ("units.view_unit", "unit")),
    # end activities
    # begin budgets
    "budgets:plan": ({"pk": "plan"}, PLAN),
    "budgets:xlsx": ({"pk": "plan"}, PLAN),
    "budgets:finance": ({"pk": "plan"}, PLAN),
    "budgets:detail": ({"pk": "detailed_plan"}, BUDGET),
    "budgets:add-line": ({"pk": "detailed_plan"}, BUDGET),
    "budgets:step": ({"pk": "detailed_plan", "step": "=submit"}, BUDGET),
    "budgets:delete-line": ({"pk": "budget_line"}, ("budgets.view_detailedplan", "budget_line")),
    "directions:detail": ({"pk": "matter"}, MATTER),
    "directions:record-direction": ({"pk": "matter"}, MATTER),
    "directions:add-follow-up": ({"pk": "matter"}, MATTER),
    "directions:history": ({"pk": "matter"}, MATTER),
    "directions:close-follow-up": ({"pk": "direction_follow_up"}, MATTER),
    # end budgets
}

# Pages that take an object in their query string (not visible in the URLconf):
# name → (query {parameter: kind}, read rule). The answer for an object the caller
# may not see is 404, or a page that names nothing of it.
PAGE_QUERIES: dict[str, tuple[dict[str, str], tuple[str, str]]] = {
    "tuyenvan:index": ({"district": "district_unit", "month": "=" + MONTH}, DISTRICT_RESULTS),
    "tuyenvan:rankings": (
        {"within": "district_unit", "period": "=" + MONTH},
        ("tuyenvan.view_ranking", "district_unit"),
    ),
    "tuyenvan:rankings-xlsx": (
        {"within": "district_unit", "period": "=" + MONTH},
        ("tuyenvan.view_ranking", "district_unit"),
    ),
    "tuyenvan:bulletin": ({"within": "province"}, ("tuyenvan.view_results", "province")),
    "tuyenvan_people:board-registry": (
        {"district": "district_unit"},
        ("units.view_unit", "district_unit"),
    ),
    # begin thidua
    "thidua:index": ({"province": "province", "period": "=2018-H1"}, THIDUA_PROVINCE),
    "thidua:weights": ({"province": "province"}, THIDUA_PROVINCE),
    "thidua:clusters": ({"province": "province"}, THIDUA_PROVINCE),
    "thidua:cluster-new": ({"province": "province"}, THIDUA_PROVINCE),
    # end thidua
}

# API parameters (path and query) with the same meaning in every operation; the
# others are per operation below. Query parameters that take no object:
API_PLAIN = frozenset(
    {"page", "page_size", "kind", "q", "ignore_accents", "active_on", "year", "status",
     "due_before", "start", "end", "open", "level", "month", "view"}
)  # fmt: skip

# API operations that take an object: "METHOD /path" → ({parameter: kind}, read
# rule, body or None). A body is a dict whose "@kind" strings are replaced by the
# id of that object of the side asked about. Query parameters of list operations
# are filters: an object the caller may not see answers 404 or an empty list.
V1 = "/api/v1"
TV = "/api/v1/tuyenvan"
PT = "/api/v1/portal"
API: dict[str, tuple[dict[str, str], tuple[str, str], dict | list | None]] = {
    f"DELETE {V1}/auth/tokens/{{token_id}}": ({"token_id": "token"}, OWNER, None),
    f"GET {V1}/units": ({"parent": "district_unit"}, ("units.view_unit", "district_unit"), None),
    f"GET {V1}/units/{{id}}": ({"id": "unit"}, ("units.view_unit", "unit"), None),
    f"GET {V1}/plans": ({"programme": "programme"}, PROGRAMME, None),
    f"GET {V1}/plans/{{id}}": ({"id": "plan"}, PLAN, None),
    f"GET {V1}/plans/{{id}}/matrix": ({"id": "plan"}, PLAN, None),
    f"GET {V1}/work-items": ({"unit": "unit", "plan": "plan"}, PLAN, None),
    f"POST {V1}/work-items": (
        {},
        PLAN,
        {"task": "@task", "title": "Việc", "start": "2018-02-01", "end": "2018-03-01"},
    ),
    f"GET {V1}/work-items/{{id}}": ({"id": "work_item"}, PLAN, None),
    f"PATCH {V1}/work-items/{{id}}": ({"id": "work_item"}, PLAN, {"version": 1, "title": "X"}),
    # begin proposals
    f"GET {V1}/plans/{{id}}/proposals": ({"id": "plan"}, PLAN, None),
    f"POST {V1}/plans/{{id}}/proposals": (
        {"id": "plan"},
        PLAN,
        {
            "kind": "postpone",
            "work_item": "@work_item",
            "reason": "Lý do",
            "effective_from": "2018-03-01",
            "end": "2018-07-31",
        },
    ),
    f"GET {V1}/proposals/{{id}}": ({"id": "proposal"}, PROPOSAL, None),
    f"POST {V1}/proposals/{{id}}/answer": ({"id": "proposal"}, PROPOSAL, {"answer": "agree"}),
    f"POST {V1}/proposals/{{id}}/decide": (
        {"id": "proposal"},
        PROPOSAL,
        {"decision": "reject", "reason": "Không", "version": 1},
    ),
    f"GET {V1}/plans/{{id}}/versions": ({"id": "plan"}, PLAN, None),
    f"POST {V1}/plans/{{id}}/issue": ({"id": "plan"}, PLAN, None),
    f"POST {V1}/work-items/{{id}}/amend": (
        {"id": "work_item"},
        PLAN,
        {
            "decision_number": "15-QĐ/TU",
            "decision_date": "2018-03-20",
            "decision_reason": "Điều chỉnh",
            "version": 1,
            "title": "X",
        },
    ),
    # end proposals
    f"GET {V1}/periods": ({"plan": "plan"}, REPORTING, None),
    f"POST {V1}/periods": (
        {},
        REPORTING,
        {
            "plan": "@plan",
            "code": "2018-Q9",
            "title": "Quý",
            "start": "2018-07-01",
            "end": "2018-09-30",
            "due": "2018-10-10",
        },
    ),
    f"GET {V1}/reports": ({"period": "period", "unit": "unit"}, PERIOD, None),
    f"GET {V1}/reports/{{report_id}}": ({"report_id": "report"}, REPORT, None),
    f"PATCH {V1}/reports/{{report_id}}": (
        {"report_id": "report"},
        REPORT,
        {"version": 1, "entries": []},
    ),
    f"POST {V1}/reports/{{report_id}}/submit": ({"report_id": "report"}, REPORT, {}),
    f"POST {V1}/reports/{{report_id}}/accept": ({"report_id": "report"}, REPORT, {}),
    f"POST {V1}/reports/{{report_id}}/return": (
        {"report_id": "report"},
        REPORT,
        {"comment": "Bổ sung"},
    ),
    f"POST {V1}/reports/{{report_id}}/reopen": (
        {"report_id": "report"},
        REPORT,
        {"reason": "Mở lại"},
    ),
    f"GET {V1}/periods/{{period_id}}/rates": ({"period_id": "period"}, PERIOD, None),
    f"POST {V1}/periods/{{period_id}}/exports": (
        {"period_id": "period"},
        PERIOD,
        {"format": "docx"},
    ),
    f"GET {V1}/exports/{{export_id}}": ({"export_id": "export"}, PERIOD, None),
    f"GET {V1}/rates": ({"plan": "plan"}, REPORTING, None),
    f"GET {V1}/plans/{{plan_id}}/schedule": ({"plan_id": "plan"}, REPORTING, None),
    f"PUT {V1}/plans/{{plan_id}}/schedule": ({"plan_id": "plan"}, REPORTING, {"schedules": []}),
    f"GET {V1}/reports/{{report_id}}/entries/{{entry_id}}/evidence": (
        {"report_id": "report", "entry_id": "entry"},
        REPORT,
        None,
    ),
    f"POST {V1}/reports/{{report_id}}/entries/{{entry_id}}/evidence": (
        {"report_id": "report", "entry_id": "entry"},
        REPORT,
        {"file": "@pdf"},
    ),
    f"DELETE {V1}/evidence/{{evidence_id}}": ({"evidence_id": "evidence"}, REPORT, None),
    f"GET {V1}/inspections": ({"plan": "plan"}, REPORTING, None),
    f"POST {V1}/inspections": (
        {},
        REPORTING,
        {
            "plan": "@plan",
            "unit": "@unit",
            "held_on": "2018-04-01",
            "team": "Đoàn",
            "scope": "Kiểm tra",
        },
    ),
    f"GET {V1}/inspections/{{inspection_id}}": (
        {"inspection_id": "inspection"},
        ("reporting.view_reporting", "inspection"),
        None,
    ),
    f"POST {V1}/inspections/{{inspection_id}}/follow-ups": (
        {"inspection_id": "inspection"},
        ("reporting.view_reporting", "inspection"),
        {"text": "Khắc phục", "deadline": "2018-08-01"},
    ),
    f"POST {V1}/follow-ups/{{follow_up_id}}/close": (
        {"follow_up_id": "follow_up"},
        ("reporting.view_reporting", "follow_up"),
        {"closing_note": "Đã khắc phục"},
    ),
    f"GET {TV}/criteria-sets/{{set_id}}": (
        {"set_id": "draft_set"},
        ("tuyenvan.view_criteriaset", "draft_set"),
        None,
    ),
    f"POST {TV}/meetings": (
        {},
        MONTH_RULE,
        {
            "commune": "@unit",
            "month": MONTH,
            "held_on": "2018-03-11",
            "place": "Xã",
            "chair": "Bí thư",
            "topics": "Chủ đề",
            "participants": 10,
        },
    ),
    f"PUT {TV}/meetings/{{meeting_id}}": (
        {"meeting_id": "meeting"},
        MONTH_RULE,
        {
            "commune": "@unit",
            "month": MONTH,
            "held_on": "2018-03-11",
            "place": "Xã",
            "chair": "Bí thư",
            "topics": "Chủ đề",
            "participants": 10,
        },
    ),
    f"GET {TV}/sheets": ({"commune": "unit"}, MONTH_RULE, None),
    f"POST {TV}/sheets": (
        {},
        MONTH_RULE,
        {"commune": "@unit", "month": MONTH, "source": "self", "scores": []},
    ),
    f"GET {TV}/sheets/{{sheet_id}}": (
        {"sheet_id": "sheet"},
        ("tuyenvan.view_sheet", "sheet"),
        None,
    ),
    f"PUT {TV}/sheets/{{sheet_id}}": (
        {"sheet_id": "sheet"},
        ("tuyenvan.view_sheet", "sheet"),
        {"scores": []},
    ),
    f"POST {TV}/sheets/{{sheet_id}}/submit": (
        {"sheet_id": "sheet"},
        ("tuyenvan.view_sheet", "sheet"),
        None,
    ),
    f"GET {TV}/results": ({"district": "district_unit"}, DISTRICT_RESULTS, None),
    f"GET {TV}/rankings": (
        {"within": "district_unit", "period": "=" + MONTH},
        ("tuyenvan.view_ranking", "district_unit"),
        None,
    ),
    f"POST {TV}/submissions": (
        {},
        MONTH_RULE,
        {"commune": "@unit", "month": MONTH, "kind": "report", "title": "Báo cáo"},
    ),
    f"GET {TV}/appeals": ({"commune": "unit"}, MONTH_RULE, None),
    f"POST {TV}/appeals": (
        {},
        MONTH_RULE,
        {"commune": "@unit", "month": MONTH, "criterion": "@criterion", "text": "Giải trình"},
    ),
    f"POST {TV}/appeals/with-file": (
        {},
        MONTH_RULE,
        {
            "commune": "@unit",
            "month": MONTH,
            "criterion": "@criterion",
            "text": "Giải trình",
            "file": "@pdf",
        },
    ),
    f"GET {TV}/appeals/{{appeal_id}}": ({"appeal_id": "appeal"}, MONTH_RULE, None),
    f"GET {TV}/appeals/{{appeal_id}}/file": ({"appeal_id": "appeal"}, MONTH_RULE, None),
    f"POST {TV}/appeals/{{appeal_id}}/answer": (
        {"appeal_id": "appeal"},
        MONTH_RULE,
        {"answer": "Trả lời"},
    ),
    f"POST {TV}/flags/resolve": (
        {},
        MONTH_RULE,
        {"commune": "@unit", "month": MONTH, "criterion": "@criterion", "reason": "Giữ"},
    ),
    f"POST {TV}/months/{{action}}": (
        {"action": "=approve"},
        MONTH_RULE,
        {"commune": "@unit", "month": MONTH},
    ),
    f"POST {TV}/districts/{{action}}": (
        {"action": "=accept"},
        DISTRICT_RESULTS,
        {"district": "@district_unit", "month": MONTH},
    ),
    f"POST {TV}/clusters/{{action}}": (
        {"action": "=accept"},
        ("tuyenvan.view_results", "province"),
        {"cluster": "@commune_cluster", "month": MONTH},
    ),
    f"GET {TV}/meetings/{{meeting_id}}/files": ({"meeting_id": "meeting"}, MONTH_RULE, None),
    f"POST {TV}/meetings/{{meeting_id}}/files": (
        {"meeting_id": "meeting"},
        MONTH_RULE,
        {"kind": "minutes", "file": "@pdf"},
    ),
    f"POST {TV}/roster": (
        {},
        ("units.view_unit", "province"),
        {"province": "@province", "period": "month", "start": "2018-09-01"},
    ),
    f"GET {TV}/roster/{{round_id}}": ({"round_id": "round"}, ROUND, None),
    f"GET {TV}/roster/{{round_id}}/entries": ({"round_id": "round"}, ROUND, None),
    f"PATCH {TV}/roster/{{round_id}}": ({"round_id": "round"}, ROUND, {"note": "x"}),
    f"POST {TV}/roster/{{round_id}}/generate": ({"round_id": "round"}, ROUND, None),
    f"POST {TV}/roster/{{round_id}}/publish": ({"round_id": "round"}, ROUND, None),
    f"PATCH {TV}/roster/{{round_id}}/entries/{{entry_id}}": (
        {"round_id": "round", "entry_id": "roster_entry"},
        ROUND,
        {"official": "@official", "day": "2018-03-12", "reason": "Đổi ngày"},
    ),
    f"POST {TV}/roster/{{round_id}}/entries": (
        {"round_id": "round"},
        ROUND,
        {"commune": "@unit", "official": "@official", "day": "2018-03-12", "reason": "Thêm"},
    ),
    f"GET {TV}/roster/{{round_id}}/unavailability": ({"round_id": "round"}, ROUND, None),
    f"POST {TV}/roster/{{round_id}}/unavailability": (
        {"round_id": "round"},
        ROUND,
        {"official": "@official", "start": "2018-03-05", "end": "2018-03-06"},
    ),
    f"DELETE {TV}/roster/{{round_id}}/unavailability/{{item_id}}": (
        {"round_id": "round", "item_id": "unavailability"},
        ROUND,
        None,
    ),
    f"GET {TV}/roster/{{round_id}}/dates": ({"round_id": "round"}, ROUND, None),
    f"PUT {TV}/roster/{{round_id}}/dates": (
        {"round_id": "round"},
        ROUND,
        [{"commune": "@unit", "day": "2018-03-15"}],
    ),
    f"GET {TV}/boards": ({"district": "district_unit"}, ("units.view_unit", "district_unit"), None),
    f"GET {TV}/boards/{{board_id}}": ({"board_id": "board"}, BOARD, None),
    f"GET {TV}/submissions/{{submission_id}}": (
        {"submission_id": "submission"},
        ("tuyenvan.view_submission", "submission"),
        None,
    ),
    # portal ----------------------------------------------------------------------
    # A category and a tag are public (PUBLIC): the filters reveal nothing.
    f"GET {PT}/articles": ({"category": "category.slug", "tag": "tag.slug"}, CATEGORY, None),
    f"POST {PT}/articles": (
        {},
        ("portal.change_category", "category"),
        {"category": "@category", "title": "Bài mới", "body": "<p>Nội dung</p>"},
    ),
    f"GET {PT}/articles/{{article_id}}": ({"article_id": "draft_article"}, DRAFT, None),
    f"PUT {PT}/articles/{{article_id}}": (
        {"article_id": "draft_article"},
        DRAFT,
        {"category": "@category", "title": "Sửa", "body": "<p>Sửa</p>", "version": 1},
    ),
    f"POST {PT}/articles/{{article_id}}/{{step}}": (
        {"article_id": "draft_article", "step": "=submit"},
        DRAFT,
        {"version": 1},
    ),
    # end portal
    # surveys ----------------------------------------------------------------------
    f"POST {V1}/surveys": (
        {},
        ("surveys.add_survey", "btg"),
        {"owner": "@btg", "title_vi": "Khảo sát mới", "title_en": "New survey"},
    ),
    f"GET {V1}/surveys/{{id}}": ({"id": "survey"}, SURVEY, None),
    f"GET {V1}/surveys/{{id}}/results": (
        {"id": "survey", "point": "survey_point", "from": "=2018-01-01", "to": "=2030-12-31"},
        SURVEY,
        None,
    ),
    f"GET {V1}/surveys/{{id}}/responses": ({"id": "survey"}, SURVEY, None),
    # end surveys ------------------------------------------------------------------
    # begin thidua -------------------------------------------------------------------
    f"GET {V1}/thidua/rankings": (
        {"province": "province", "period": "=2018-H1"},
        THIDUA_PROVINCE,
        None,
    ),
    f"GET {V1}/thidua/weight-sets": ({"province": "province"}, THIDUA_PROVINCE, None),
    f"POST {V1}/thidua/years/{{year_id}}/{{step}}": (
        {"year_id": "emulation_year", "step": "=close"},
        THIDUA_YEAR,
        {"version": 1},
    ),
    # end thidua ---------------------------------------------------------------------
    # begin activities
    f"GET {V1}/activities": (
        {"unit": "unit", "from": "=2018-01-01", "to": "=2018-12-31", "work_item": "work_item"},
        ("units.view_unit", "unit"),
        None,
    ),
    f"POST {V1}/activities": (
        {},
        ("activities.add_activity", "unit"),
        {"kind": "study", "title": "Học tập", "start": "2018-03-01", "owner": "@unit"},
    ),
    f"GET {V1}/activities/{{activity_id}}": ({"activity_id": "activity"}, ACTIVITY, None),
    f"PUT {V1}/activities/{{activity_id}}": (
        {"activity_id": "activity"},
        ACTIVITY,
        {"kind": "dialogue", "title": "Đối thoại", "start": "2018-03-12", "version": 1},
    ),
    f"DELETE {V1}/activities/{{activity_id}}": (
        {"activity_id": "activity", "version": "=1", "reason": "=Nhầm"},
        ACTIVITY,
        None,
    ),
    f"POST {V1}/activities/{{activity_id}}/follow-ups": (
        {"activity_id": "activity"},
        ACTIVITY,
        {"text": "Việc cần làm"},
    ),
    f"POST {V1}/activity-follow-ups/{{follow_up_id}}/close": (
        {"follow_up_id": "activity_follow_up"},
        ACTIVITY,
        {"closing_note": "Đã xong", "closed_on": "2018-04-01"},
    ),
    f"GET {V1}/networks/{{kind}}": (
        {"kind": "=reporter", "unit": "unit"},
        ("units.view_unit", "unit"),
        None,
    ),
    f"GET {V1}/targets": ({"plan": "plan", "programme": "programme"}, PLAN, None),
    f"GET {V1}/targets/{{target_id}}": ({"target_id": "target"}, TARGET, None),
    f"POST {V1}/targets": ({}, ("activities.add_target", "unit"), TARGET_BODY),
    f"PUT {V1}/targets/{{target_id}}": (
        {"target_id": "target"},
        TARGET,
        {**TARGET_BODY, "version": 1},
    ),
    f"GET {V1}/targets/{{target_id}}/records": ({"target_id": "target"}, TARGET, None),
    # end activities
    # begin budgets
    f"GET {V1}/plans/{{id}}/budgets": ({"id": "plan"}, PLAN, None),
    f"POST {V1}/plans/{{id}}/budgets": ({"id": "plan"}, PLAN, {"note": "Kế hoạch chi tiết"}),
    f"GET {V1}/plans/{{id}}/budget-summary": (
        {"id": "plan", "by": "=unit", "period": "period"}, PLAN, None),
    f"GET {V1}/budgets/{{id}}": ({"id": "detailed_plan"}, BUDGET, None),
    f"PUT {V1}/budgets/{{id}}/lines": (
        {"id": "detailed_plan"}, BUDGET, {"version": 1, "lines": []}),
    f"POST {V1}/budgets/{{id}}/submit": ({"id": "detailed_plan"}, BUDGET, {"version": 1}),
    f"POST {V1}/budgets/{{id}}/approve": ({"id": "detailed_plan"}, BUDGET, {"version": 1}),
    f"POST {V1}/budgets/{{id}}/return": (
        {"id": "detailed_plan"}, BUDGET, {"version": 1, "comment": "Sửa"}),
    f"POST {V1}/budgets/{{id}}/opinion": (
        {"id": "detailed_plan"}, BUDGET, {"version": 1, "comment": "Ý kiến"}),
    f"POST {V1}/budgets/{{id}}/revise": (
        {"id": "detailed_plan"}, BUDGET, {"version": 1, "comment": "Lý do"}),
    f"POST {V1}/directions": ({}, PLAN, {"title": "Vấn đề mới", "plan": "@plan"}),
    f"GET {V1}/directions/{{id}}": ({"id": "matter"}, MATTER, None),
    f"POST {V1}/directions/{{id}}/direction": (
        {"id": "matter"}, MATTER,
        {"number": "2-TB/TU", "issued_on": "2018-04-01", "text": "Chỉ đạo"}),
    f"POST {V1}/directions/{{id}}/follow-ups": (
        {"id": "matter"}, MATTER, {"text": "Việc mới", "unit": "@unit"}),
    f"POST {V1}/directions/follow-ups/{{id}}/close": (
        {"id": "direction_follow_up"}, MATTER, {"note": "Đã xong"}),
    # end budgets
}

# Operations that take no object (their lists are scoped by the caller only).
API_WITHOUT_OBJECT = frozenset(
    {
        f"POST {V1}/auth/token",
        f"GET {V1}/auth/whoami",
        f"GET {V1}/auth/tokens",
        f"GET {TV}/criteria-sets",
        f"GET {TV}/meetings",
        f"GET {TV}/submissions",
        f"GET {TV}/roster",
        # surveys: the list is scoped by the caller (``visible_surveys``).
        f"GET {V1}/surveys",
        # begin budgets: scoped by the caller (``visible_matters``)
        f"GET {V1}/directions",
        # end budgets
    }
)

# Page and API pairs that read or change the same object: their answers agree.
SAME_ANSWER: list[tuple[str, str]] = [
    ("units:detail", f"GET {V1}/units/{{id}}"),
    ("plans:detail", f"GET {V1}/plans/{{id}}"),
    ("plans:matrix", f"GET {V1}/plans/{{id}}/matrix"),
    ("plans:work-item", f"GET {V1}/work-items/{{id}}"),
    ("reporting:report", f"GET {V1}/reports/{{report_id}}"),
    ("reporting:inspection", f"GET {V1}/inspections/{{inspection_id}}"),
    ("reporting:export", f"GET {V1}/exports/{{export_id}}"),
    ("tuyenvan:sheet-view", f"GET {TV}/sheets/{{sheet_id}}"),
    ("tuyenvan:criteria-detail", f"GET {TV}/criteria-sets/{{set_id}}"),
    ("tuyenvan:appeal-file", f"GET {TV}/appeals/{{appeal_id}}/file"),
    ("tuyenvan_people:roster-detail", f"GET {TV}/roster/{{round_id}}"),
    ("reporting:accept", f"POST {V1}/reports/{{report_id}}/accept"),
    ("tuyenvan:month-action", f"POST {TV}/months/{{action}}"),
    # surveys
    ("surveys:detail", f"GET {V1}/surveys/{{id}}"),
    ("surveys:results", f"GET {V1}/surveys/{{id}}/results"),
    ("surveys:responses", f"GET {V1}/surveys/{{id}}/responses"),
    # begin thidua
    ("thidua:year-step", f"POST {V1}/thidua/years/{{year_id}}/{{step}}"),
    # end thidua
    # begin activities
    ("activities:detail", f"GET {V1}/activities/{{activity_id}}"),
    ("activities:target", f"GET {V1}/targets/{{target_id}}"),
    # end activities
    # begin proposals
    ("plans:proposal", f"GET {V1}/proposals/{{id}}"),
    ("plans:versions", f"GET {V1}/plans/{{id}}/versions"),
    # end proposals
    # begin budgets
    ("budgets:detail", f"GET {V1}/budgets/{{id}}"),
    ("directions:detail", f"GET {V1}/directions/{{id}}"),
    # end budgets
]

# Who may read each kind of object, by account of the twin world's province (the
# rule the product states, independent of the code): the access layer must agree.
# The object is commune 1A's (district 1's) and March 2018's; the official
# attends commune 1A's February conference only; ``district_other`` and
# ``commune_other`` hold the right role in another district and commune.
ALL_ROLES = {
    "coordinator", "agency", "district", "commune", "official", "viewer", "admin",
    "district_other", "commune_other",
}  # fmt: skip
TV_READERS = {"coordinator", "viewer", "district", "commune"}
# begin activities
RECORD_READERS = {"coordinator", "viewer", "admin", "district", "official", "commune"}
# end activities
READERS: dict[tuple[str, str], set[str]] = {
    # Hole 3: an official reads only the months it attended.
    ("tuyenvan.view_month", "result"): TV_READERS,
    ("tuyenvan.view_sheet", "sheet"): TV_READERS,
    ("tuyenvan.view_results", "result"): TV_READERS,
    ("tuyenvan.view_meeting_files", "result"): TV_READERS,
    # Hole 2: the recipient's side is its district scorer, not every member of it.
    ("tuyenvan.view_submission", "submission"): TV_READERS,
    ("tuyenvan.open_submission", "submission"): {"district"},
    ("reporting.view_report", "report"): {"coordinator", "viewer", "district", "commune"},
    ("reporting.view_reporting", "period"): {"coordinator", "viewer"},
    ("tuyenvan_people.view_board", "board"): {
        "coordinator",
        "viewer",
        "admin",
        "district",
        "commune",
        "official",
    },
    ("tuyenvan.view_criteriaset", "draft_set"): {"coordinator"},
    # portal: a live article and a published progress page for anyone; a draft
    # for the committee's own staff (every account of the province); feedback
    # (readers' personal data) and an unpublished progress page for its editors.
    ("portal.view_article", "article"): ALL_ROLES,
    ("portal.view_article", "draft_article"): ALL_ROLES,
    ("portal.view_feedback", "feedback"): {"coordinator"},
    ("portal.view_progress", "public_plan"): ALL_ROLES,
    ("portal.view_progress", "plan"): {"coordinator"},
    ("portal.view_tag", "tag"): ALL_ROLES,
    ("portal.view_rankingpage", "ranking"): {"coordinator"},
    ("portal.view_rankingpage", "public_ranking"): ALL_ROLES,
    # end portal
    # surveys: an open survey (results not published) is its staff's only: the
    # coordinators and leadership viewers whose reach includes the owner (the BTG).
    ("surveys.view_survey", "survey"): {"coordinator", "viewer"},
    ("surveys.view_responses", "survey"): {"coordinator", "viewer"},
    ("surveys.view_survey", "survey_point"): {"coordinator", "viewer"},
    # begin importer: a staged plan import is for the plan's coordinators only.
    ("intake.view_stagedimport", "staged_import"): {"coordinator"},
    # end importer
    # begin thidua: the ranking is published to every account of the province; the
    # proposals are its coordinators' and leadership viewers'; weights and the year
    # its coordinators'.
    ("thidua.view_ranking", "emulation_year"): ALL_ROLES,
    ("thidua.view_ranking", "province"): ALL_ROLES,
    ("thidua.view_proposals", "emulation_year"): {"coordinator", "viewer"},
    ("thidua.close_year", "emulation_year"): {"coordinator"},
    ("thidua.change_weights", "weight_set"): {"coordinator"},
    ("thidua.change_clusters", "cluster"): {"coordinator"},
    # end thidua
    # begin activities: commune 1A's record is read by whoever reaches the commune
    # (the province's coordinators, viewers and administrators, district 1's scorer
    # and official, the commune's reporter); kept by its writers (not the viewer,
    # the official or the administrator).
    ("activities.view_activity", "activity"): RECORD_READERS,
    ("activities.change_activity", "activity"): {"coordinator", "district", "commune"},
    ("activities.view_target", "target"): RECORD_READERS,
    ("activities.change_target", "target"): {"coordinator"},
    ("activities.view_networkmember", "network_member"): RECORD_READERS,
    ("activities.change_networkmember", "network_member"): {"coordinator"},
    ("activities.change_networkstandard", "unit"): {"coordinator"},
    # end activities
    # begin proposals: every account of the province sees the plan's proposals; the
    # coordinating unit asked (the Ban Dân vận) answers; the plan's coordinators decide.
    ("plans.view_changeproposal", "proposal"): ALL_ROLES,
    ("plans.answer_changeproposal", "proposal"): {"agency"},
    ("plans.decide_changeproposal", "proposal"): {"coordinator"},
    ("plans.propose_plan", "plan"): {"coordinator", "agency", "district", "commune",
                                     "district_other", "commune_other"},
    # end proposals
    # begin budgets: commune 1A's detailed plan: its reporter, the plan's coordinators and
    # leadership viewers; the district scorer of district 1 reaches commune 1A too.
    ("budgets.view_detailedplan", "detailed_plan"): {"coordinator", "viewer", "commune",
                                                     "district"},
    # The register of directions: the committee's coordinators and viewers, and the units
    # assigned a follow-up (commune 1A, in district 1's reach).
    ("directions.view_matter", "matter"): {"coordinator", "viewer", "commune", "district"},
    # end budgets
}
