from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    # /plans/<pk>/
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/matrix/", views.plan_matrix, name="matrix"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("work-items/<int:pk>/", views.work_item_detail, name="work-item"),
    path("units/<int:unit_id>/work/", views.my_work, name="my-work"),
]
