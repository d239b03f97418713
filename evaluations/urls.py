from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("meetings/<int:pk>/score/", views.score_sheet, name="score"),
    path("meetings/<int:pk>/score/superior/", views.score_sheet, {"kind": "superior"}, name="score_superior"),
    path("meetings/<int:pk>/score/confirm/", views.confirm_score, name="confirm"),
    path("meetings/<int:pk>/four-good/", views.score_sheet, {"rubric_kind": "four_good"}, name="four_good"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/minutes/<int:pk>/", views.inbox_minutes, name="inbox_minutes"),
    path("dashboard/<int:pk>/", views.dashboard, name="dashboard"),
    path("dashboard/<int:pk>/export.xlsx", views.dashboard_export, {"kind": "xlsx"}, name="dashboard_xlsx"),
    path("dashboard/<int:pk>/export.pdf", views.dashboard_export, {"kind": "pdf"}, name="dashboard_pdf"),
    path("cells/<int:pk>/indicators/", views.cell_indicators, name="cell"),
]
