from django.urls import path

from . import views

app_name = "directions"
urlpatterns = [
    path("", views.matter_list, name="list"),
    path("<int:pk>/", views.matter_detail, name="detail"),
]
