from django.urls import path, re_path

from . import views

app_name = "documents"

urlpatterns = [
    path("meetings/<int:pk>/minutes/", views.minutes_view, name="minutes"),
    path("meetings/<int:pk>/minutes/adopt/", views.minutes_adopt, name="minutes_adopt"),
    path("meetings/<int:pk>/minutes/read/", views.minutes_read, name="minutes_read"),
    path("minutes-versions/<int:pk>/", views.minutes_version, name="minutes_version"),
    path("meetings/<int:pk>/pdf/<slug:kind>/", views.pdf_download, name="pdf"),
    path("meetings/<int:pk>/pdf/<slug:kind>/status/", views.pdf_status, name="pdf_status"),
    path("meetings/<int:pk>/pdf/<slug:kind>/request/", views.pdf_request, name="pdf_request"),
    path("meetings/<int:pk>/docx/<slug:kind>/", views.docx_download, name="docx"),
    # The address printed on every official PDF and in its QR code (Vietnamese, as the paper reads).
    path("xac-minh/", views.verify_form, name="verify_form"),
    re_path(r"^xac-minh/(?P<code>[A-Za-z0-9-]{1,40})/?$", views.verify, name="verify"),
]
