from django.urls import path

from . import views, views_edit, views_history, views_programme, views_proposals, views_table

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    # /plans/programmes/<pk>/
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views_edit.programme_edit, name="programme-edit"),
    path("programmes/<int:pk>/history/", views_history.programme_history, name="programme-history"),
    path("programmes/<int:programme_id>/plans/new/", views_edit.plan_create, name="plan-new"),
    path("programmes/<int:pk>/objectives/new/", views_edit.objective_edit, name="objective-new"),
    path(
        "programmes/<int:pk>/objectives/<int:objective_id>/edit/",
        views_edit.objective_edit,
        name="objective-edit",
    ),
    path(
        "programmes/<int:pk>/objectives/<int:objective_id>/delete/",
        views_edit.objective_delete,
        name="objective-delete",
    ),
    path(
        "programmes/<int:pk>/objectives/<int:objective_id>/indicators/new/",
        views_edit.indicator_edit,
        name="indicator-new",
    ),
    path(
        "programmes/<int:pk>/objectives/<int:objective_id>/indicators/<int:indicator_id>/edit/",
        views_edit.indicator_edit,
        name="indicator-edit",
    ),
    path(
        "programmes/<int:pk>/objectives/<int:objective_id>/indicators/<int:indicator_id>/delete/",
        views_edit.indicator_delete,
        name="indicator-delete",
    ),
    # /plans/<pk>/
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views_edit.plan_edit, name="edit"),
    path("<int:pk>/history/", views_history.plan_history, name="history"),
    path("<int:pk>/matrix/", views.plan_matrix, name="matrix"),
    path("<int:pk>/import/", views_table.plan_import, name="import"),
    path("<int:pk>/export.xlsx", views_table.plan_export, name="export"),
    path("<int:pk>/fields/new/", views_edit.field_edit, name="field-new"),
    path("<int:pk>/fields/<int:field_id>/edit/", views_edit.field_edit, name="field-edit"),
    path("<int:pk>/fields/<int:field_id>/delete/", views_edit.field_delete, name="field-delete"),
    path("<int:pk>/tasks/new/", views_edit.task_create, name="task-new"),
    path("fields/<int:pk>/history/", views_history.field_history, name="field-history"),
    # /plans/tasks/<pk>/
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views_edit.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", views_edit.task_delete, name="task-delete"),
    path("tasks/<int:pk>/history/", views_history.task_history, name="task-history"),
    path("tasks/<int:pk>/work-items/new/", views_edit.work_item_create, name="work-item-new"),
    # /plans/work-items/<pk>/
    path("work-items/<int:pk>/", views.work_item_detail, name="work-item"),
    path("work-items/<int:pk>/edit/", views_edit.work_item_edit, name="work-item-edit"),
    path("work-items/<int:pk>/delete/", views_edit.work_item_delete, name="work-item-delete"),
    path("work-items/<int:pk>/history/", views_history.work_item_history, name="work-item-history"),
    path("units/<int:unit_id>/work/", views.my_work, name="my-work"),
    # begin proposals
    path("<int:pk>/proposals/", views_proposals.proposal_list, name="proposals"),
    path("<int:pk>/proposals/new/", views_proposals.proposal_new, name="proposal-new"),
    path("<int:pk>/versions/", views_proposals.version_list, name="versions"),
    path("<int:pk>/versions/<int:number>/", views_proposals.version_detail, name="version"),
    path("<int:pk>/issue/", views_proposals.plan_issue, name="issue"),
    path("proposals/<int:pk>/", views_proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/answer/", views_proposals.proposal_answer, name="proposal-answer"),
    path("proposals/<int:pk>/decide/", views_proposals.proposal_decide, name="proposal-decide"),
    path(
        "programmes/<int:pk>/results/",
        views_programme.indicator_values,
        name="indicator-values",
    ),
    path(
        "programmes/<int:pk>/review/",
        views_programme.programme_review,
        name="programme-review",
    ),
    # end proposals
]
