from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

from members.views import accounts, organizations


def healthz(request):
    """For load balancers and the benchmark's baseline: a bare Django view, no database."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", organizations.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/activate/", accounts.activate, name="activate"),
    path("", include("members.urls")),
    path("", include("meetings.urls")),
    path("", include("evaluations.urls")),
    path("", include("archive.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
