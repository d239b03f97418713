from django.urls import path

from .views import agenda, cells, documents, guidance, meeting

app_name = "meetings"

urlpatterns = [
    path("cells/<int:pk>/meetings/", cells.cell_meetings, name="cell"),
    path("cells/<int:pk>/meetings/thematic/", cells.thematic_create, name="thematic_create"),
    path("cells/<int:pk>/meetings/plan/", cells.plan_regular, name="plan_regular"),
    path("cells/<int:pk>/agenda-template/", cells.agenda_template, name="agenda_template"),
    path("meetings/<int:pk>/", meeting.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/move/", meeting.meeting_move, name="move"),
    path("meetings/<int:pk>/cancel/", meeting.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/publish/", meeting.meeting_publish, name="publish"),
    path("meetings/<int:pk>/reopen/", meeting.meeting_reopen, name="reopen"),
    path("meetings/<int:pk>/committee-session/", meeting.committee_session, name="committee_session"),
    path("meetings/<int:pk>/agenda/add/", agenda.item_add, name="item_add"),
    path("meetings/<int:pk>/agenda/save-template/", agenda.save_template, name="save_template"),
    path("meetings/<int:pk>/documents/add/", documents.meeting_document_add, name="document_add"),
    path("agenda-items/<int:pk>/edit/", agenda.item_edit, name="item_edit"),
    path("agenda-items/<int:pk>/delete/", agenda.item_delete, name="item_delete"),
    path("agenda-items/<int:pk>/move/<slug:direction>/", agenda.item_move, name="item_move"),
    path("documents/<int:pk>/", documents.document_download, name="document"),
    path("documents/<int:pk>/delete/", documents.document_delete, name="document_delete"),
    path("orgs/<int:pk>/guidance/", guidance.guidance_list, name="guidance_list"),
    path("guidance/<int:pk>/", guidance.guidance_detail, name="guidance"),
    path("guidance/<int:pk>/publish/", guidance.guidance_publish, name="guidance_publish"),
    path("guidance/<int:pk>/documents/add/", documents.guidance_document_add, name="guidance_document_add"),
]
