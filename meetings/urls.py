"""The meeting's pages, grouped by the object in the address: a cell, a meeting, then the smaller things."""

from django.urls import include, path

from .views import agenda, cells, documents, guidance, live, meeting, mine, record, speakers

app_name = "meetings"

urlpatterns = [
    path("me/", mine.my_page, name="mine"),
    path(
        "cells/<int:pk>/",
        include(
            [
                path("meetings/", cells.cell_meetings, name="cell"),
                path("meetings/thematic/", cells.thematic_create, name="thematic_create"),
                path("meetings/plan/", cells.plan_regular, name="plan_regular"),
                path("agenda-template/", cells.agenda_template, name="agenda_template"),
                path("dues/", record.cell_dues, name="cell_dues"),
                path("self-criticism/", record.rotation, name="rotation"),
            ]
        ),
    ),
    path(
        "meetings/<int:pk>/",
        include(
            [
                # Preparing it: the date, the agenda and its documents.
                path("", meeting.meeting_detail, name="meeting"),
                path("move/", meeting.meeting_move, name="move"),
                path("cancel/", meeting.meeting_cancel, name="cancel"),
                path("publish/", meeting.meeting_publish, name="publish"),
                path("reopen/", meeting.meeting_reopen, name="reopen"),
                path("committee-session/", meeting.committee_session, name="committee_session"),
                path("agenda/add/", agenda.item_add, name="item_add"),
                path("agenda/reorder/", agenda.reorder, name="agenda_reorder"),
                path("agenda/save-template/", agenda.save_template, name="save_template"),
                path("documents/add/", documents.meeting_document_add, name="document_add"),
                # The evening itself: phones, the projector and the speakers' queue.
                path("open/", live.open_view, name="open"),
                path("live/", live.live_view, name="live"),
                path("screen/", live.screen_view, name="screen"),
                path("live/poll/", live.live_poll, name="poll"),
                path("comments/", live.comment_post, name="comment_post"),
                path("check-in/", live.check_in, name="check_in"),
                path("current-item/", live.current_item, name="current_item"),
                path("close/", live.close_view, name="close"),
                path("speakers/ask/", speakers.ask, name="speaker_ask"),
                path("speakers/withdraw/", speakers.withdraw, name="speaker_withdraw"),
                path("speakers/next/", speakers.call_next, name="speaker_next"),
                path("speakers/end/", speakers.end_turn, name="speaker_end"),
                # The record kept by the meeting secretary.
                path("attendance/", record.attendance, name="attendance"),
                path("attendance/all-present/", record.attendance_all_present, name="all_present"),
                path("attendance/<int:row>/", record.attendance_mark, name="attendance_mark"),
                path("guests/add/", record.guest_add, name="guest_add"),
                path("clerk/", record.clerk_set, name="clerk"),
                path("votes/", record.votes, name="votes"),
                path("tasks/", record.tasks, name="tasks"),
                path("dues/", record.meeting_dues, name="dues"),
                path("dues/all-paid/", record.dues_all_paid, name="dues_all_paid"),
                path("self-criticism/", record.meeting_self_criticism, name="self_criticism"),
            ]
        ),
    ),
    path("agenda-items/<int:pk>/edit/", agenda.item_edit, name="item_edit"),
    path("agenda-items/<int:pk>/delete/", agenda.item_delete, name="item_delete"),
    path("agenda-items/<int:pk>/move/<slug:direction>/", agenda.item_move, name="item_move"),
    path("documents/<int:pk>/", documents.document_download, name="document"),
    path("documents/<int:pk>/delete/", documents.document_delete, name="document_delete"),
    path("comments/<int:pk>/answer/", live.answer, name="answer"),
    path("phone-votes/<int:pk>/ballot/", live.ballot, name="ballot"),
    path("phone-votes/<int:pk>/close/", live.phone_vote_close, name="phone_vote_close"),
    path("tasks/<int:pk>/status/", record.task_status, name="task_status"),
    path("members/<int:pk>/dues/", record.member_dues, name="member_dues"),
    path("orgs/<int:pk>/guidance/", guidance.guidance_list, name="guidance_list"),
    path("guidance/<int:pk>/", guidance.guidance_detail, name="guidance"),
    path("guidance/<int:pk>/publish/", guidance.guidance_publish, name="guidance_publish"),
    path("guidance/<int:pk>/documents/add/", documents.guidance_document_add, name="guidance_document_add"),
]
