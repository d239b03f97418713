"""The speaker queue of the live meeting: members ask to speak or withdraw, the chair calls the next speaker
and ends a turn (meetings/speakers.py). From static/js/speakers.js (fetch) each answer is the queue drawn
again, with the refusal if any; without JavaScript, back to the live page with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
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


def _step(need: str, act, done):
    """A view for one step of the queue: who may take it (`need`: "ask" for members present, "run" for the
    chair), the step (`act(meeting, member)`), and what the page says once it is taken."""

    @login_required
    @require_POST
    def view(request, pk):
        meeting, _may = access.speaker_queue_for(request.user, pk, need=need)
        member = access.access_for(request.user).member
        return _answer(request, meeting, lambda: act(meeting, member), str(done))

    return view


ask = _step(
    "ask",
    lambda meeting, member: speakers.ask(meeting=meeting, member=member),
    gettext_lazy("You are in the queue to speak."),
)
withdraw = _step(
    "ask",
    lambda meeting, member: speakers.withdraw(meeting=meeting, member=member),
    gettext_lazy("Your request to speak is withdrawn."),
)
call_next = _step(
    "run",
    lambda meeting, _member: speakers.call_next(meeting=meeting),
    gettext_lazy("The next speaker has the floor."),
)
end_turn = _step(
    "run", lambda meeting, _member: speakers.end_turn(meeting=meeting), gettext_lazy("The turn is ended.")
)
