from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    # /reporting/plans/<pk>/
    path("plans/<int:pk>/", views.plan_reporting, name="plan"),
    path("plans/<int:pk>/schedule/", views.set_schedule, name="schedule"),
    path("plans/<int:pk>/dashboard/", views.plan_dashboard, name="dashboard"),
    path("plans/<int:pk>/inspections/", views.inspections, name="inspections"),
    path("plans/<int:pk>/reminders/", views.reminder_settings, name="reminders"),
    # /reporting/periods/<pk>/
    path("periods/<int:pk>/", views.period_detail, name="period"),
    path("periods/<int:pk>/units/<int:unit_id>/", views.start_report, name="start-report"),
    path("periods/<int:pk>/export/", views.start_export, name="start-export"),
    path("periods/<int:pk>/draft/", views.period_draft, name="draft"),
    # /reporting/reports/<pk>/
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views.accept_report, name="accept"),
    path("reports/<int:pk>/return/", views.return_report, name="return"),
    path("reports/<int:pk>/reopen/", views.reopen_report, name="reopen"),
    path(
        "reports/<int:pk>/entries/<int:entry_id>/evidence/", views.add_evidence, name="add-evidence"
    ),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/remove/", views.remove_evidence, name="remove-evidence"),
    path("exports/<int:pk>/", views.export_detail, name="export"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("follow-ups/<int:pk>/close/", views.close_follow_up, name="close-follow-up"),
]
