from django.urls import path

from . import views

app_name = "tuyenvan"
urlpatterns = [
    path("", views.index, name="index"),
]
