from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path, reverse_lazy
from django.views.i18n import JavaScriptCatalog

from theodoi.api import api
from theodoi.core import views as core_views

# begin home
from theodoi.home import views as home_views
from theodoi.portal import views as portal_views


def front(request):  # type: ignore[no-untyped-def]
    """``/``: the portal for visitors, the role home (theodoi.home) when signed in."""
    if request.user.is_authenticated:
        return home_views.home(request)
    return portal_views.home(request)


# end home

urlpatterns = [
    # The API first: its requests are the most frequent and its prefix fails fast
    # for every other path (perf: 0.10 → 0.02 ms to resolve an API path).
    path("api/", api.urls),
    path("", front, name="front"),  # the portal for visitors, the work home when signed in
    path("", include("theodoi.home.urls")),  # home
    path("", include("theodoi.core.urls")),
    path("units/", include("theodoi.units.urls")),
    path("plans/", include("theodoi.plans.urls")),
    path("reporting/", include("theodoi.reporting.urls")),
    path("tuyenvan/people/", include("theodoi.tuyenvan.roster.urls")),
    path("tuyenvan/", include("theodoi.tuyenvan.urls")),
    path("news/", include("theodoi.portal.urls")),
    path("surveys/", include("theodoi.surveys.urls")),
    # begin importer
    path("imports/", include("theodoi.intake.urls")),
    # end importer
    # begin thidua
    path("thidua/", include("theodoi.thidua.urls")),
    # end thidua
    # begin activities
    path("activities/", include("theodoi.activities.urls")),
    # end activities
    # begin budgets
    path("budgets/", include("theodoi.budgets.urls")),
    path("directions/", include("theodoi.directions.urls")),
    # end budgets
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change (account menu) and reset by e-mail; Django's views in the
    # house's templates (theodoi/templates/registration/), reset throttled.
    path(
        "accounts/password/change/",
        login_required(auth_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        login_required(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("accounts/password/reset/", core_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

# Errors are pages of the app (templates 400/403/404/413/500.html, translated),
# or the API's error body under /api/.
handler400 = "theodoi.core.views.bad_request"
handler403 = "theodoi.core.views.permission_denied"
handler404 = "theodoi.core.views.page_not_found"
handler500 = "theodoi.core.views.server_error"
