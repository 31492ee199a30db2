from django.urls import path

from . import views

app_name = "units"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/history/", views.unit_history, name="history"),
    path("<int:pk>/handover/", views.unit_handover, name="handover"),
    path("<int:pk>/rename/", views.unit_rename, name="rename"),
]
