from django.contrib import admin

from core.admin import RecordAdmin

from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    Comment,
    DuesAdjustment,
    DuesEntry,
    Meeting,
    SelfCriticismTurn,
    SpeakingTurn,
    Task,
    Vote,
)


@admin.register(Meeting)
class MeetingAdmin(RecordAdmin):
    list_display = ["__str__", "scheduled_at", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["cell"]
    date_hierarchy = "scheduled_at"


@admin.register(AgendaItem)
class AgendaItemAdmin(RecordAdmin):
    list_display = ["title", "meeting", "position"]
    list_select_related = ["meeting__cell"]


@admin.register(Attendance)
class AttendanceAdmin(RecordAdmin):
    list_display = ["member", "meeting", "status"]
    list_filter = ["status"]
    list_select_related = ["member", "meeting__cell"]


@admin.register(Comment)
class CommentAdmin(RecordAdmin):
    list_display = ["__str__", "meeting", "kind", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["meeting__cell"]


@admin.register(Vote)
class VoteAdmin(RecordAdmin):
    list_display = ["question", "meeting", "kind", "passed"]
    list_filter = ["kind", "passed"]
    list_select_related = ["meeting__cell"]


@admin.register(Ballot)
class BallotAdmin(RecordAdmin):
    list_display = ["vote", "member", "choice"]
    list_select_related = ["vote", "member"]


@admin.register(Task)
class TaskAdmin(RecordAdmin):
    list_display = ["title", "assignee", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["assignee"]


@admin.register(DuesEntry)
class DuesEntryAdmin(RecordAdmin):
    list_display = ["member", "period", "due", "paid", "method"]
    list_select_related = ["member"]
    date_hierarchy = "period"


@admin.register(DuesAdjustment)
class DuesAdjustmentAdmin(RecordAdmin):
    list_display = ["member", "reduction", "starts_on", "ends_on"]
    list_select_related = ["member"]


@admin.register(SelfCriticismTurn)
class SelfCriticismTurnAdmin(RecordAdmin):
    list_display = ["member", "cell", "period", "done"]
    list_filter = ["done"]
    list_select_related = ["member", "cell"]


@admin.register(SpeakingTurn)
class SpeakingTurnAdmin(RecordAdmin):
    list_display = [
        "member",
        "meeting",
        "agenda_item",
        "requested_at",
        "called_at",
        "ended_at",
        "withdrawn_at",
    ]
    list_select_related = ["member", "meeting__cell", "agenda_item"]
