from django.urls import path

from . import views

app_name = "directions"
urlpatterns = [
    path("", views.matter_list, name="list"),
    path("new/", views.matter_new, name="new"),
    path("<int:pk>/", views.matter_detail, name="detail"),
    path("<int:pk>/direction/", views.record_direction, name="record-direction"),
    path("<int:pk>/follow-ups/", views.add_follow_up, name="add-follow-up"),
    path("<int:pk>/history/", views.matter_history, name="history"),
    path("follow-ups/<int:pk>/close/", views.close_follow_up, name="close-follow-up"),
]
