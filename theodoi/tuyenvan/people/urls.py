from django.urls import path

from . import views

app_name = "tuyenvan_people"
urlpatterns = [
    path("roster/", views.roster_list, name="roster-list"),
    path("boards/", views.board_registry, name="board-registry"),
]
