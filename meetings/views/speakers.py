"""The speaker queue of the live meeting: members ask to speak or withdraw, the chair calls the next speaker
and ends a turn (meetings/speakers.py). From static/js/speakers.js (fetch) each answer is the queue drawn
again, with the refusal if any; without JavaScript, back to the live page with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import access
from core.forms import error_text

from .. import speakers
from ..models import Meeting


def _answer(request, meeting: Meeting, perform, done: str):
    try:
        perform()
    except ValidationError as error:
        refusal = error_text(error)
    else:
        refusal = ""
    if request.headers.get("X-Requested-With") == "fetch":
        meeting = Meeting.objects.select_related("current_item", "cell").get(pk=meeting.pk)
        context = {"meeting": meeting, "queue": speakers.queue_of(meeting), "refusal": refusal}
        return render(request, "meetings/_speakers_answer.html", context, status=409 if refusal else 200)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, done)
    return redirect(reverse("meetings:live", args=[meeting.pk]) + "#speakers")


@login_required
@require_POST
def ask(request, pk):
    meeting, _may = access.speaker_queue_for(request.user, pk, need="ask")
    member = access.access_for(request.user).member
    return _answer(
        request,
        meeting,
        lambda: speakers.ask(meeting=meeting, member=member),
        _("You are in the queue to speak."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    meeting, _may = access.speaker_queue_for(request.user, pk, need="ask")
    member = access.access_for(request.user).member
    return _answer(
        request,
        meeting,
        lambda: speakers.withdraw(meeting=meeting, member=member),
        _("Your request to speak is withdrawn."),
    )


@login_required
@require_POST
def call_next(request, pk):
    meeting, _may = access.speaker_queue_for(request.user, pk, need="run")
    return _answer(
        request, meeting, lambda: speakers.call_next(meeting=meeting), _("The next speaker has the floor.")
    )


@login_required
@require_POST
def end_turn(request, pk):
    meeting, _may = access.speaker_queue_for(request.user, pk, need="run")
    return _answer(request, meeting, lambda: speakers.end_turn(meeting=meeting), _("The turn is ended."))
