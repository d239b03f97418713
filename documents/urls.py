from django.urls import include, path, re_path

from . import views

app_name = "documents"

urlpatterns = [
    path(
        "meetings/<int:pk>/",
        include(
            [
                path("minutes/", views.minutes_view, name="minutes"),
                path("minutes/adopt/", views.minutes_adopt, name="minutes_adopt"),
                path("minutes/read/", views.minutes_read, name="minutes_read"),
                path("pdf/<slug:kind>/", views.pdf_download, name="pdf"),
                path("pdf/<slug:kind>/status/", views.pdf_status, name="pdf_status"),
                path("pdf/<slug:kind>/request/", views.pdf_request, name="pdf_request"),
                path("docx/<slug:kind>/", views.docx_download, name="docx"),
            ]
        ),
    ),
    path("minutes-versions/<int:pk>/", views.minutes_version, name="minutes_version"),
    # The address printed on every official PDF and in its QR code (Vietnamese, as the paper reads).
    path("xac-minh/", views.verify_form, name="verify_form"),
    re_path(r"^xac-minh/(?P<code>[A-Za-z0-9-]{1,40})/?$", views.verify, name="verify"),
]
