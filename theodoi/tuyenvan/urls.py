from django.urls import path

from . import views

app_name = "tuyenvan"
M = "communes/<int:commune_id>/<str:month>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(M, views.month_page, name="month"),
    path(M + "meeting/", views.meeting_edit, name="meeting"),
    path(M + "meeting/files/", views.meeting_file_add, name="meeting-file-add"),
    path("meeting-files/<int:pk>/", views.meeting_file, name="meeting-file"),
    path("meeting-files/<int:pk>/remove/", views.meeting_file_remove, name="meeting-file-remove"),
    path("score-files/<int:pk>/", views.score_file, name="score-file"),
    path(M + "sheet/<str:source>/", views.sheet_edit, name="sheet"),
    path(M + "explain/", views.explanation, name="explain"),
    path(M + "history/", views.history, name="history"),
    path(M + "send/", views.send_submission, name="send"),
    path(M + "flags/<int:criterion_id>/resolve/", views.resolve_flag, name="resolve"),
    path(M + "appeal/<int:criterion_id>/", views.file_appeal, name="appeal"),
    path(M + "<str:action>/", views.month_action, name="month-action"),
    path("sheets/<int:pk>/", views.sheet_view, name="sheet-view"),
    path("appeals/<int:pk>/answer/", views.answer_appeal, name="answer"),
    path(
        "districts/<int:district_id>/<str:month>/section/", views.district_section, name="section"
    ),
    path(
        "districts/<int:district_id>/<str:month>/<str:action>/",
        views.district_action,
        name="district-action",
    ),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("inbox/", views.inbox, name="inbox"),
    path("criteria/", views.criteria_list, name="criteria"),
    path("criteria/<int:pk>/", views.criteria_detail, name="criteria-detail"),
    path("criteria/<int:pk>/new-version/", views.criteria_new_version, name="criteria-new"),
    path("criteria/<int:pk>/edit/", views.criteria_edit, name="criteria-edit"),
    path("criteria/<int:pk>/publish/", views.criteria_publish, name="criteria-publish"),
    path("criteria/<int:pk>/preview/", views.criteria_preview, name="criteria-preview"),
    path("rankings/", views.rankings, name="rankings"),
    path("rankings.xlsx", views.rankings_xlsx, name="rankings-xlsx"),
    path("trend/<int:commune_id>/", views.trend, name="trend"),
    path("bulletin/<str:month>.docx", views.bulletin, name="bulletin"),
]
