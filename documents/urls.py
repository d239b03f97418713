from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("meetings/<int:pk>/minutes/", views.minutes_view, name="minutes"),
    path("meetings/<int:pk>/minutes/adopt/", views.minutes_adopt, name="minutes_adopt"),
    path("minutes-versions/<int:pk>/", views.minutes_version, name="minutes_version"),
    path("meetings/<int:pk>/pdf/<slug:kind>/", views.pdf_download, name="pdf"),
    path("meetings/<int:pk>/pdf/<slug:kind>/status/", views.pdf_status, name="pdf_status"),
    path("meetings/<int:pk>/pdf/<slug:kind>/request/", views.pdf_request, name="pdf_request"),
    path("meetings/<int:pk>/docx/<slug:kind>/", views.docx_download, name="docx"),
]
