from django.urls import path

from . import views

app_name = "budgets"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", views.plan_budgets, name="plan"),
    path("plans/<int:pk>/budgets.xlsx", views.plan_xlsx, name="xlsx"),
    path("plans/<int:pk>/finance/", views.plan_finance, name="finance"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/lines/", views.add_line, name="add-line"),
    path("<int:pk>/step/<slug:step>/", views.step, name="step"),
    path("lines/<int:pk>/delete/", views.delete_line, name="delete-line"),
]
