""" "Của tôi": a member's own record on one page (#21) — the next meeting and its documents, the tasks given
to them, their dues by month, their attendance this year, their self-criticism turn and their comments.

Read-only, and only the signed-in user's own member row: nothing here takes an id from the URL, so nobody can
ask for another member's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

import access

from .. import dues
from ..models import Attendance, Comment, Meeting, SelfCriticismTurn

SHOWN_COMMENTS = 20
SHOWN_DUES_MONTHS = 12


@login_required
@require_GET
def my_page(request):
    member = access.access_for(request.user).member
    if member is None:
        return render(request, "members/no_access.html", status=404)
    today = timezone.localdate()
    next_meeting = (
        Meeting.objects.filter(cell_id=member.cell_id, scheduled_at__date__gte=today)
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.CLOSED, Meeting.Status.ADOPTED])
        .order_by("scheduled_at")
        .first()
    )
    if next_meeting is not None and not next_meeting.is_published:
        documents = None  # the agenda and its papers are the committee's until it publishes them
    else:
        documents = list(next_meeting.documents.order_by("pk")) if next_meeting else []
    attendances = list(
        member.attendances.filter(meeting__period__year=today.year)
        .select_related("meeting")
        .order_by("meeting__scheduled_at")
    )
    entries = list(member.dues.order_by("-period")[:SHOWN_DUES_MONTHS])
    context = {
        "member": member,
        "next_meeting": next_meeting,
        "documents": documents,
        "tasks": member.tasks.select_related("meeting").order_by("status", "due_on"),
        "entries": entries,
        "paid_through": dues.paid_through(entries),
        "this_month": dues.due_for(member, today.replace(day=1)),
        "adjustments": member.dues_adjustments.filter(ends_on__gte=today.replace(day=1)).order_by(
            "starts_on"
        ),
        "attendances": attendances,
        "present": sum(a.status == Attendance.Status.PRESENT for a in attendances),
        "year": today.year,
        "turns": SelfCriticismTurn.objects.filter(member=member, period__year=today.year).select_related(
            "meeting"
        ),
        "comments": Comment.objects.filter(speaker=member)
        .select_related("meeting", "agenda_item")
        .order_by("-created_at")[:SHOWN_COMMENTS],
    }
    return render(request, "meetings/my_page.html", context)
