from django.urls import path

from .views import boards, entries, mine, profiles, rounds

app_name = "tuyenvan_people"
urlpatterns = [
    # /tuyenvan/people/roster/
    path("roster/", rounds.roster_list, name="roster-list"),
    path("roster/mine/", mine.my_roster, name="my-roster"),
    path("roster/officials/", profiles.officials_follow, name="officials"),
    path("roster/<int:pk>/", rounds.roster_detail, name="roster-detail"),
    path("roster/<int:pk>/generate/", rounds.roster_generate, name="roster-generate"),
    path("roster/<int:pk>/publish/", rounds.roster_publish, name="roster-publish"),
    path(
        "roster/<int:pk>/unavailability/",
        rounds.roster_unavailability,
        name="roster-unavailability",
    ),
    path("roster/<int:pk>/dates/", rounds.roster_dates, name="roster-dates"),
    path("roster/<int:pk>/print/", rounds.roster_print, name="roster-print"),
    path("roster/<int:pk>/xlsx/", rounds.roster_xlsx, name="roster-xlsx"),
    path("roster/<int:pk>/settings/", rounds.roster_settings, name="roster-settings"),
    path("roster/<int:pk>/entries/new/", entries.entry_add, name="entry-add"),
    path("roster/<int:pk>/entries/<int:entry_id>/", entries.entry_edit, name="entry-edit"),
    # /tuyenvan/people/boards/
    path("boards/", boards.board_registry, name="board-registry"),
    path("boards/<int:pk>/", boards.board_detail, name="board-detail"),
    path("boards/<int:pk>/edit/", boards.board_edit, name="board-edit"),
    path("boards/new/<int:unit_id>/", boards.board_create, name="board-create"),
    path("rules/<int:pk>/file/", boards.rules_file, name="rules-file"),
    path("teams/<int:pk>/", boards.team_edit, name="team-edit"),
]
