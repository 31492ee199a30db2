from django.urls import path

from . import views

app_name = "tuyenvan_people"
urlpatterns = [
    # /tuyenvan/people/roster/
    path("roster/", views.roster_list, name="roster-list"),
    path("roster/mine/", views.my_roster, name="my-roster"),
    path("roster/officials/", views.officials_follow, name="officials"),
    path("roster/<int:pk>/", views.roster_detail, name="roster-detail"),
    path("roster/<int:pk>/generate/", views.roster_generate, name="roster-generate"),
    path("roster/<int:pk>/publish/", views.roster_publish, name="roster-publish"),
    path(
        "roster/<int:pk>/unavailability/",
        views.roster_unavailability,
        name="roster-unavailability",
    ),
    path("roster/<int:pk>/dates/", views.roster_dates, name="roster-dates"),
    path("roster/<int:pk>/print/", views.roster_print, name="roster-print"),
    path("roster/<int:pk>/xlsx/", views.roster_xlsx, name="roster-xlsx"),
    path("roster/<int:pk>/settings/", views.roster_settings, name="roster-settings"),
    path("roster/<int:pk>/entries/new/", views.entry_add, name="entry-add"),
    path("roster/<int:pk>/entries/<int:entry_id>/", views.entry_edit, name="entry-edit"),
    # /tuyenvan/people/boards/
    path("boards/", views.board_registry, name="board-registry"),
    path("boards/<int:pk>/", views.board_detail, name="board-detail"),
    path("boards/<int:pk>/edit/", views.board_edit, name="board-edit"),
    path("boards/new/<int:unit_id>/", views.board_create, name="board-create"),
    path("rules/<int:pk>/file/", views.rules_file, name="rules-file"),
    path("teams/<int:pk>/", views.team_edit, name="team-edit"),
]
