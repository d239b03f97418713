from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import access
from core.forms import error_text
from core.views import confirmation_page, form_page

from .. import services
from ..forms import AgendaItemForm, CommitteeSessionForm, DocumentForm, MoveMeetingForm, ReasonForm
from ..models import CommitteeSession, Document, Meeting, Task


def agenda_context(
    meeting: Meeting, *, add_form=None, editing=None, edit_form=None, adding_at=None, order_error=None
) -> dict:
    items = list(
        meeting.agenda_items.select_related("presenter", "guidance").prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("pk"))
        )
    )
    total = sum(i.planned_minutes for i in items)
    minimum = meeting.min_minutes
    return {
        "meeting": meeting,
        "items": items,
        "total_minutes": total,
        "min_minutes": minimum,
        "party_minutes": sum(i.planned_minutes for i in items if i.category == "party"),
        "editable": meeting.allows("edit_agenda"),
        "add_form": add_form or AgendaItemForm(cell=meeting.cell, prefix="new"),
        "editing": editing,
        "edit_form": edit_form,
        "adding_at": adding_at if adding_at and 2 <= adding_at <= len(items) else None,
        "order": ",".join(str(i.pk) for i in items),
        "order_error": order_error,
        "carried_tasks": carried_tasks(meeting),
    }


def carried_tasks(meeting: Meeting) -> list[Task]:
    """Tasks from the cell's earlier meetings, still open or closed since the previous meeting: they come
    back in this meeting's "report on last month" item."""
    previous = (
        Meeting.objects.filter(
            cell=meeting.cell, scheduled_at__lt=meeting.scheduled_at, kind=Meeting.Kind.REGULAR
        )
        .order_by("-scheduled_at")
        .values_list("scheduled_at", flat=True)
        .first()
    )
    if previous is None:
        return []
    tasks = Task.objects.filter(
        meeting__cell=meeting.cell, meeting__scheduled_at__lt=meeting.scheduled_at
    ).filter(Q(status=Task.Status.OPEN) | Q(meeting__scheduled_at__gte=previous))
    return list(tasks.select_related("assignee"))


@login_required
def meeting_detail(request, pk):
    meeting, may = access.meeting_for(request.user, pk)
    return render_meeting(request, meeting, may)


def render_meeting(request, meeting: Meeting, may: access.MeetingMay, *, status: int = 200, **agenda_forms):
    manages = may.manage
    context = {
        "meeting": meeting,
        "can_manage": manages,
        "show_agenda": may.see_agenda,
        "session": CommitteeSession.objects.filter(meeting=meeting).prefetch_related("attendees").first(),
        "meeting_documents": meeting.documents.filter(agenda_item__isnull=True),
        "events": meeting.events.select_related("by") if manages else [],
        "document_form": DocumentForm(meeting=meeting) if manages else None,
        "programme_pdf": meeting.pdfs.filter(kind="programme").first(),
        "can_score_superior": may.read and not manages,
    }
    if context["show_agenda"]:
        context.update(agenda_context(meeting, **agenda_forms))
    return render(request, "meetings/meeting_detail.html", context, status=status)


def _action_form(request, meeting: Meeting, form, *, action: str, perform, done: str):
    """The page of a change to a planned meeting that takes a reason (move, cancel, reopen): the form, and on
    a valid post `perform(data)`; a refusal shows on the form, success goes back to the meeting."""

    def performed(form):
        perform(form.cleaned_data)
        return meeting, done

    context = {"meeting": meeting, "action": action}
    return form_page(request, form, "meetings/meeting_action_form.html", context, done=performed)


def _change_with_reason(request, pk, *, action: str, done: str, reason_field: str = ""):
    """A change of the meeting's state that takes only a reason (cancel, reopen): the reason is the history's
    note, and is kept on the meeting too in `reason_field` where the meeting has one."""
    meeting, _may = access.meeting_for(request.user, pk, need="manage")

    def perform(data):
        kept = {reason_field: data["reason"]} if reason_field else {}
        meeting.apply(action, by=request.user, note=data["reason"], **kept)

    form = ReasonForm(request.POST or None)
    return _action_form(request, meeting, form, action=action, perform=perform, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_move(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")

    def move(data):
        services.move_meeting(
            meeting=meeting,
            scheduled_at=data["scheduled_at"],
            place=data["place"],
            reason=data["reason"],
            by=request.user,
        )

    form = MoveMeetingForm(request.POST or None, meeting=meeting)
    return _action_form(request, meeting, form, action="move", perform=move, done=_("The meeting was moved."))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk):
    done = _("The meeting was cancelled.")
    return _change_with_reason(request, pk, action="cancel", done=done, reason_field="cancel_reason")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_publish(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    if request.method == "GET":
        return confirmation_page(
            request, meeting, "meetings/_confirm_publish.html", back=meeting.get_absolute_url()
        )
    try:
        services.publish_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("The agenda was published to the cell's members and the superior officer.")
        )
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reopen(request, pk):
    done = _("The agenda is open for changes again; publish it when ready.")
    return _change_with_reason(request, pk, action="reopen", done=done)


@login_required
@require_http_methods(["GET", "POST"])
def committee_session(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    session = CommitteeSession.objects.filter(meeting=meeting).first() or CommitteeSession(meeting=meeting)
    form = CommitteeSessionForm(request.POST or None, instance=session)

    def done(form):
        meeting.check_allows("record_committee_session")
        recorded = form.save(commit=False)
        recorded.recorded_by = request.user
        recorded.save()
        form.save_m2m()
        return meeting, _("The committee session was recorded.")

    return form_page(request, form, "meetings/committee_session_form.html", {"meeting": meeting}, done=done)
