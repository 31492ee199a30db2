from django.urls import path

from .views import appeals, bulk, criteria, files, months, rankings, sheets, submissions

app_name = "tuyenvan"
M = "communes/<int:commune_id>/<str:month>/"
urlpatterns = [
    path("", months.index, name="index"),
    # begin home
    path("approve/<str:month>/", bulk.bulk_approve, name="bulk-approve"),
    # end home
    path(M, months.month_page, name="month"),
    path(M + "meeting/", months.meeting_edit, name="meeting"),
    path(M + "meeting/files/", files.meeting_file_add, name="meeting-file-add"),
    path("meeting-files/<int:pk>/", files.meeting_file, name="meeting-file"),
    path("meeting-files/<int:pk>/remove/", files.meeting_file_remove, name="meeting-file-remove"),
    path("score-files/<int:pk>/", files.score_file, name="score-file"),
    path(M + "sheet/<str:source>/", sheets.sheet_edit, name="sheet"),
    path(M + "explain/", appeals.explanation, name="explain"),
    path(M + "history/", months.history, name="history"),
    path(M + "send/", submissions.send_submission, name="send"),
    path(M + "flags/<int:criterion_id>/resolve/", appeals.resolve_flag, name="resolve"),
    path(M + "appeal/<int:criterion_id>/", appeals.file_appeal, name="appeal"),
    path(M + "<str:action>/", months.month_action, name="month-action"),
    path("sheets/<int:pk>/", sheets.sheet_view, name="sheet-view"),
    path("appeals/<int:pk>/answer/", appeals.answer_appeal, name="answer"),
    # begin offline
    path("appeals/<int:pk>/file/", appeals.appeal_file, name="appeal-file"),
    # end offline
    path(
        "districts/<int:district_id>/<str:month>/section/",
        submissions.district_section,
        name="section",
    ),
    path(
        "districts/<int:district_id>/<str:month>/<str:action>/",
        months.district_action,
        name="district-action",
    ),
    path(
        "clusters/<int:cluster_id>/<str:month>/<str:action>/",
        months.cluster_action,
        name="cluster-action",
    ),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission"),
    path("inbox/", submissions.inbox, name="inbox"),
    path("criteria/", criteria.criteria_list, name="criteria"),
    path("criteria/<int:pk>/", criteria.criteria_detail, name="criteria-detail"),
    path("criteria/<int:pk>/new-version/", criteria.criteria_new_version, name="criteria-new"),
    path("criteria/<int:pk>/edit/", criteria.criteria_edit, name="criteria-edit"),
    path("criteria/<int:pk>/publish/", criteria.criteria_publish, name="criteria-publish"),
    path("criteria/<int:pk>/preview/", criteria.criteria_preview, name="criteria-preview"),
    path("rankings/", rankings.rankings, name="rankings"),
    path("rankings.xlsx", rankings.rankings_xlsx, name="rankings-xlsx"),
    path("trend/<int:commune_id>/", rankings.trend, name="trend"),
    path("bulletin/<str:month>.docx", rankings.bulletin, name="bulletin"),
]
