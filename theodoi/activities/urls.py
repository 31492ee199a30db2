from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/<slug:kind>/", views.activity_new, name="new"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/files/", views.add_file, name="add-file"),
    path("<int:pk>/follow-ups/", views.add_follow_up, name="add-follow-up"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("follow-ups/<int:pk>/close/", views.close_follow_up, name="close-follow-up"),
    path("import/", views.import_activities, name="import"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_new, name="target-new"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("networks/<slug:kind>/", views.network, name="network"),
    path("networks/<slug:kind>/members/new/", views.member_new, name="member-new"),
    path("networks/members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("networks/<slug:kind>/standards/<int:unit_id>/", views.standard_edit, name="standard"),
]
