from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("plans/<int:pk>/upload/", views.plan_upload, name="plan-upload"),
    path("reports/<int:report_id>/upload/", views.report_upload, name="report-upload"),
    path("<int:pk>/", views.review_page, name="review"),
    path("plans/<int:pk>/issued.docx", views.plan_issued_docx, name="plan-docx"),
]
