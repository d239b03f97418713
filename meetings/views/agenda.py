"""Building the agenda without reloading the page: every action answers with the agenda partial."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

import access
from core.forms import error_text

from .. import agenda
from ..forms import AgendaItemForm
from ..models import Meeting
from .meeting import agenda_context, render_meeting


def _agenda_response(request, meeting: Meeting, may: access.MeetingMay, *, status=200, **forms):
    if request.htmx:
        return render(request, "meetings/_agenda.html", agenda_context(meeting, **forms), status=status)
    if status == 200:
        return redirect(meeting)
    return render_meeting(request, meeting, may, status=status, **forms)  # without htmx: the page, input kept


def _refused(request, pk):
    """Back to the meeting page, where the refusal shows; htmx loads it whole instead of into the agenda box."""
    url = reverse("meetings:meeting", args=[pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _editable_meeting(request, pk) -> tuple[Meeting | None, access.MeetingMay]:
    meeting, may = access.meeting_for(request.user, pk, need="manage")
    try:
        meeting.check_allows("edit_agenda")
    except ValidationError as error:
        messages.error(request, error_text(error))
        return None, may
    return meeting, may


def _position(value) -> int | None:
    """The place asked for by an "add here" button (1 = first), or None: before the closing sections."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk):
    """POST: a new item, at the place its "add here" button named or else before the closing sections.
    GET ?at=N: the agenda with the new item's form at that place."""
    meeting, may = _editable_meeting(request, pk)
    if meeting is None:
        return _refused(request, pk)
    at = _position(request.POST.get("at") if request.method == "POST" else request.GET.get("at"))
    if request.method == "GET":
        if request.htmx:
            return _agenda_response(request, meeting, may, adding_at=at)
        return render_meeting(request, meeting, may, adding_at=at)
    form = AgendaItemForm(request.POST, cell=meeting.cell, prefix="new")
    if not form.is_valid():
        return _agenda_response(request, meeting, may, status=422, add_form=form, adding_at=at)
    item = form.save(commit=False)
    item.section = "custom"
    with transaction.atomic():
        agenda.insert_item(meeting, item, at=at)
    return _agenda_response(request, meeting, may)


@login_required
@require_POST
def reorder(request, pk):
    """The order the secretary dragged the items into, in one post: `order`, every item's id, comma-separated."""
    meeting, may = _editable_meeting(request, pk)
    if meeting is None:
        return _refused(request, pk)
    try:
        ids = [int(part) for part in request.POST.get("order", "").split(",")]
    except ValueError:
        ids = []
    try:
        with transaction.atomic():
            agenda.reorder(meeting, ids)
    except ValidationError as error:
        return _agenda_response(request, meeting, may, status=422, order_error=error_text(error))
    return _agenda_response(request, meeting, may)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item, _may = access.agenda_item_for(request.user, pk, need="manage")
    meeting, may = _editable_meeting(request, item.meeting_id)
    if meeting is None:
        return _refused(request, item.meeting_id)
    form = AgendaItemForm(request.POST or None, instance=item, cell=meeting.cell, prefix=f"item{item.pk}")
    if request.method == "POST":
        if form.is_valid():
            form.save()
            return _agenda_response(request, meeting, may)
        return _agenda_response(request, meeting, may, status=422, editing=item.pk, edit_form=form)
    return (
        _agenda_response(request, meeting, may, editing=item.pk, edit_form=form)
        if request.htmx
        else render(
            request, "meetings/agenda_item_form.html", {"form": form, "meeting": meeting, "item": item}
        )
    )


@login_required
@require_POST
def item_delete(request, pk):
    item, _may = access.agenda_item_for(request.user, pk, need="manage")
    meeting, may = _editable_meeting(request, item.meeting_id)
    if meeting is None:
        return _refused(request, item.meeting_id)
    with transaction.atomic():
        item.delete()
        agenda.renumber(meeting)
    return _agenda_response(request, meeting, may)


@login_required
@require_POST
def item_move(request, pk, direction):
    item, _may = access.agenda_item_for(request.user, pk, need="manage")
    meeting, may = _editable_meeting(request, item.meeting_id)
    if meeting is None:
        return _refused(request, item.meeting_id)
    with transaction.atomic():
        agenda.move_item(item, "up" if direction == "up" else "down")
    return _agenda_response(request, meeting, may)


@login_required
@require_POST
def save_template(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    with transaction.atomic():
        n = agenda.save_as_template(meeting)
    messages.success(
        request,
        _("This agenda (%(n)d items) is now the cell's template for new regular meetings.") % {"n": n},
    )
    return redirect(meeting)
