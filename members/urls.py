from django.urls import path

from .views import imports, organizations, people

app_name = "members"

urlpatterns = [
    path("orgs/", organizations.tree, name="tree"),
    path("orgs/<int:pk>/", organizations.organization, name="organization"),
    path("orgs/<int:pk>/settings/", organizations.cell_settings, name="cell_settings"),
    path("orgs/<int:pk>/members/new/", people.member_create, name="member_create"),
    path("orgs/<int:pk>/members/import/", imports.import_upload, name="import_upload"),
    path("orgs/<int:pk>/members/export.xlsx", imports.export, name="export"),
    path("imports/<int:pk>/", imports.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("members/<int:pk>/", people.member_detail, name="member"),
    path("members/<int:pk>/edit/", people.member_edit, name="member_edit"),
    path("members/<int:pk>/transfer/", people.member_transfer, name="member_transfer"),
    path("members/<int:pk>/recognise/", people.member_recognise, name="member_recognise"),
    path("members/<int:pk>/invite/", people.member_invite, name="member_invite"),
    path("members/<int:pk>/status/new/", people.status_create, name="status_create"),
    path("status/<int:pk>/edit/", people.status_edit, name="status_edit"),
]
