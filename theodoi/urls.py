from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from theodoi.api import api

urlpatterns = [
    path("", include("theodoi.core.urls")),
    path("units/", include("theodoi.units.urls")),
    path("plans/", include("theodoi.plans.urls")),
    path("reporting/", include("theodoi.reporting.urls")),
    path("tuyenvan/people/", include("theodoi.tuyenvan.people.urls")),
    path("tuyenvan/", include("theodoi.tuyenvan.urls")),
    path("surveys/", include("theodoi.surveys.urls")),
    path("api/", api.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
