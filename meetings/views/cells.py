import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import access
from core.months import next_month
from core.views import form_page

from .. import agenda, services
from ..forms import ThematicMeetingForm
from ..models import Meeting

NOT_HELD = (Meeting.Status.PLANNED, Meeting.Status.PREPARED)


@login_required
def cell_meetings(request, pk):
    """The cell's meetings, the next one first: what a member opens on their phone."""
    cell, may = access.organization_for(request.user, pk)
    meetings = list(
        Meeting.objects.filter(cell=cell).select_related("committee_session").order_by("-scheduled_at")
    )
    now = timezone.now()
    # A meeting in progress comes first, whenever it started; then the earliest not yet held, even when its
    # planned time has passed (it is still to be held or moved: "no meeting planned" would be false).
    open_now = [m for m in meetings if m.status == Meeting.Status.IN_PROGRESS]
    upcoming = open_now or [
        m
        for m in meetings
        if m.status in NOT_HELD
        or (m.scheduled_at >= now - dt.timedelta(hours=12) and m.status != Meeting.Status.CANCELLED)
    ]
    context = {
        "cell": cell,
        "next_meeting": min(upcoming, key=lambda m: m.scheduled_at) if upcoming else None,
        "meetings": meetings,
        "can_manage": may.manage,
        "next_period": next_month(timezone.localdate()),
    }
    return render(request, "meetings/cell_meetings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def thematic_create(request, pk):
    cell, _may = access.organization_for(request.user, pk, need="manage")
    form = ThematicMeetingForm(request.POST or None, cell=cell)

    def done(form):
        data = form.cleaned_data
        meeting = services.create_thematic_meeting(
            cell=cell,
            topic=data["topic"],
            scheduled_at=data["scheduled_at"],
            place=data["place"],
            shares_session_with=data["shares_session_with"],
            by=request.user,
        )
        return meeting, _("The thematic meeting was planned.")

    return form_page(request, form, "meetings/thematic_form.html", {"cell": cell}, done=done)


@login_required
@require_POST
def plan_regular(request, pk):
    """Plans next month's regular meeting now, without waiting for the nightly job."""
    cell, _may = access.organization_for(request.user, pk, need="manage")
    if not cell.meeting_day:
        messages.error(request, _("Set the cell's regular meeting day first."))
        return redirect("members:cell_settings", cell.pk)
    meeting, created = services.plan_regular_meeting(
        cell=cell, period=next_month(timezone.localdate()), by=request.user
    )
    if not created:
        messages.info(request, _("Next month's regular meeting is already planned."))
    return redirect(meeting)


@login_required
def agenda_template(request, pk):
    cell, _may = access.organization_for(request.user, pk, need="manage")
    items = agenda.template_for(cell)
    own = bool(items and items[0].pk)
    return render(request, "meetings/agenda_template.html", {"cell": cell, "items": items, "own": own})
