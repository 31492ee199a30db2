from django.urls import path

from . import views

app_name = "thidua"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.explain_unit, name="explain"),
    path("clusters/", views.clusters, name="clusters"),
    path("clusters/new/", views.cluster_new, name="cluster-new"),
    path("clusters/<int:pk>/", views.explain_cluster, name="cluster"),
    path("clusters/<int:pk>/edit/", views.cluster_edit, name="cluster-edit"),
    path("weights/", views.weights, name="weights"),
    path("years/<int:pk>/proposals/", views.proposals, name="proposals"),
    path("years/<int:pk>/proposals.docx", views.proposals_docx, name="proposals-docx"),
    path("years/<int:pk>/<slug:step>/", views.year_step, name="year-step"),
]
