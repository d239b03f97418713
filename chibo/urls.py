from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from members.views import accounts, organizations, twofactor

from .health import healthz, livez
from .metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("metrics", metrics, name="metrics"),
    path("", organizations.home, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/login/code/", accounts.login_code, name="login_code"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/activate/", accounts.activate, name="activate"),
    path("accounts/two-step/", twofactor.two_factor, name="two_factor"),
    path("accounts/two-step/off/", twofactor.two_factor_disable, name="two_factor_disable"),
    path("", include("members.urls")),
    path("", include("meetings.urls")),
    path("", include("documents.urls")),
    path("", include("notifications.urls")),
    path("", include("evaluations.urls")),
    path("", include("archive.urls")),
    path("audit/", include("audit.urls")),
    # One way in: the admin's own login form would skip the second step.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]

# A database or Redis outage answers 503 with one log line (chibo/errors.py); other errors the 500 page.
handler500 = "chibo.errors.server_error"
