"""The meeting in the room: members' phones, the projector, and the chair's controls."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import access
from core.forms import error_text
from core.views import attempt, confirmation_page, form_page

from .. import live, rendered
from .. import speakers as speaker_queue
from ..forms import AnswerForm, CommentForm, CurrentItemForm, OpenMeetingForm
from ..models import Ballot, Meeting

# The choices on a member's phone, in the order of a show of hands, with their buttons' colours.
BALLOT_BUTTONS = (
    (Ballot.Choice.FOR, "success"),
    (Ballot.Choice.AGAINST, "danger"),
    (Ballot.Choice.ABSTAIN, "secondary"),
)


def _vote_context(meeting: Meeting, member, can_run: bool) -> dict:
    tally = live.phone_tally(meeting, member)
    return {
        "tally": tally,
        "vote_signature": f"{tally.vote.pk}.{tally.vote.revision}" if tally else "",
        "ballot_buttons": [(value, Ballot.Choice(value).label, color) for value, color in BALLOT_BUTTONS],
        "can_close": can_run,
    }


def _live_context(
    request, meeting: Meeting, may: access.MeetingMay, *, screen: bool = False, comment_form=None
) -> dict:
    """The live page's list of comments comes from the cache of rendered blocks (meetings/rendered.py), with
    the chair's answer forms (the chair's CSRF token) added for this request. screen: the projector's, newest
    first, rendered here; a display for the room, so nobody answers or votes on it."""
    member = access.access_for(request.user).member
    rows = rendered.comment_rows(meeting)
    turns = speaker_queue.turns_of(meeting)
    called = [(t.member_id, t.agenda_item_id) for t in turns if t.called_at]
    speakers, n_comments = rendered.counts(rows, called)
    form = comment_form or CommentForm(meeting=meeting, for_others=may.run)
    form_html = answer_form = None
    answering = may.run and not screen and meeting.status == Meeting.Status.IN_PROGRESS
    if answering:  # the chair's answer form, for the questions on the page and those that arrive later
        answer_form = render_to_string("meetings/_answer_form.html", {"pk": 0}, request=request)
    if not screen:
        comments, comments_html = [], rendered.members_list(meeting, rows)
        if answering:
            comments_html = rendered.with_answer_forms(comments_html, answer_form)
        if not may.run and not form.is_bound and meeting.status == Meeting.Status.IN_PROGRESS:
            form_html = rendered.comment_form(meeting, form)
    else:
        comments, comments_html = list(meeting.comments.select_related("speaker", "agenda_item")), None
    attendance = meeting.attendances.filter(member=member).first() if member else None
    return {
        "meeting": meeting,
        "comments": comments,
        "comments_html": comments_html,
        "last_id": rows[-1][0] if rows else 0,
        "answers": sum(1 for _pk, answered_at, *_rest in rows if answered_at),
        "speakers": speakers,
        "n_comments": n_comments,
        "my_attendance": attendance,
        "can_run": may.run and not screen,
        "screen": screen,
        "comment_form": form,
        "comment_form_html": form_html,
        "answer_form": answer_form or "",
        "token": access.poll_token(meeting, request.user),
        # The live stream (chibo/push.py), where the server runs it; the page polls without it.
        "stream_url": f"{settings.LIVE_STREAM_PATH}{meeting.pk}/" if settings.LIVE_PUSH else "",
        "items": meeting.agenda_items.all(),
        **_vote_context(meeting, member, may.run),
        **speaker_context(meeting, member, attendance, may.run, turns),
    }


def speaker_context(meeting: Meeting, member, attendance, can_run: bool, turns=None) -> dict:
    """The speaker queue as the live pages show it, and this user's place in it (meetings/speakers.py)."""
    queue = speaker_queue.queue_of(meeting, turns)
    me = member.pk if member else None
    return {
        "queue": queue,
        "may_ask": attendance is not None and attendance.present,
        "me": me or "",
        "my_place": queue.position_of(me) if me else None,
        "i_speak": bool(me and queue.speaking and queue.speaking.member_id == me),
    }


@login_required
def live_view(request, pk):
    meeting, may = access.meeting_for(request.user, pk)
    if meeting.status in (Meeting.Status.PLANNED, Meeting.Status.PREPARED, Meeting.Status.CANCELLED):
        messages.info(request, _("The meeting has not been opened yet."))
        return redirect(meeting)
    meeting = Meeting.objects.select_related("current_item", "chair", "clerk").get(pk=meeting.pk)
    return render(request, "meetings/live.html", _live_context(request, meeting, may))


@login_required
def screen_view(request, pk):
    """The projector view of the meeting secretary: large text, the current item and the live list."""
    meeting, may = access.meeting_for(request.user, pk)
    meeting = Meeting.objects.select_related("current_item", "cell").get(pk=meeting.pk)
    return render(request, "meetings/screen.html", _live_context(request, meeting, may, screen=True))


@login_required
@require_GET
def live_poll(request, pk):
    """New comments after ?after=<id>, or 204. "Nothing new" costs two queries: the user and one summary
    (the latest vote on phones and its revision are two subqueries of it). Every few minutes the token is
    old enough for the user's access to be checked again: the answer then carries a fresh one (X-Poll-Token)."""
    renewed = access.check_poll_token(request.user, pk, request.GET.get("t", ""))
    response = _poll_answer(request, pk)
    if renewed:
        response["X-Poll-Token"] = renewed
    return response


def _poll_answer(request, pk):
    try:
        after, item = int(request.GET.get("after", 0)), request.GET.get("item", "")
    except ValueError:
        after, item = 0, ""
    state = live.poll_state(pk)
    if state is None:
        raise Http404
    unchanged_item = str(state.current_item_id or "") == item
    vote = state.vote_signature
    unchanged_vote = vote == request.GET.get("vote", "")
    # The speaker queue's signature (a page without the queue sends none: nothing to compare).
    asked_queue = request.GET.get("speakers")
    unchanged_queue = asked_queue is None or asked_queue == str(state.queue)
    # The chair's answers: an answer changes a comment the phone already has, so the cursor does not see it.
    asked_answers = request.GET.get("answers")
    unchanged_answers = asked_answers is None or asked_answers == str(state.answers)
    if (
        state.last <= after
        and unchanged_item
        and unchanged_vote
        and unchanged_queue
        and unchanged_answers
        and state.status == request.GET.get("status")
    ):
        return HttpResponse(status=204)
    meeting = live.update_state(pk)
    if meeting is None:
        raise Http404
    shown = Q(pk__gt=after) if unchanged_answers else Q(pk__gt=after) | Q(answered_at__isnull=False)
    comments = list(meeting.comments.filter(shown).order_by("pk").select_related("speaker", "agenda_item"))
    context = {
        "meeting": meeting,
        "comments": comments,
        "speakers": meeting.speakers,
        "n_comments": meeting.n_comments,
        "last": max(after, comments[-1].pk) if comments else after,
        "can_run": False,
        "vote_signature": vote,
        "vote_changed": not unchanged_vote,
        "screen": request.GET.get("screen") == "1",
    }
    if not unchanged_queue:  # the queue moved: drawn once more (the same for everyone)
        context["queue"] = speaker_queue.queue_of(meeting)
    if not unchanged_vote:
        # The tally moved: the panel is drawn for this user (their choice, the close button for the secretary).
        _meeting, may = access.meeting_for(request.user, pk)
        context |= _vote_context(meeting, access.access_for(request.user).member, may.run)
    return render(request, "meetings/_live_update.html", context)


@login_required
@require_POST
def comment_post(request, pk):
    """Takes a comment from a phone (fetch, JSON answer) or a plain form; the client id makes retries safe."""
    meeting, may = access.meeting_for(request.user, pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = CommentForm(request.POST, meeting=meeting, for_others=may.run)
    if not form.is_valid():
        if not wants_json:  # the page again, with what was typed and the item chosen, and the error beside it
            return _live_page(request, meeting, may, form, status=400)
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _comment_answer(request, meeting, wants_json, 400, message)
    data = form.cleaned_data
    speaker = data.get("speaker") or access.access_for(request.user).member
    if speaker is None and not data.get("speaker_name"):
        return _comment_answer(request, meeting, wants_json, 400, _("Choose who is speaking."))
    try:
        comment, created = live.post_comment(
            meeting=meeting,
            speaker=speaker if not data.get("speaker_name") else None,
            speaker_name=data.get("speaker_name", ""),
            text=data["text"],
            kind=data["kind"],
            client_id=data.get("client_id") or uuid.uuid4(),
            agenda_item=data.get("agenda_item"),
            by=request.user,
        )
    except ValidationError as error:
        return _comment_answer(request, meeting, wants_json, 409, error_text(error))
    if wants_json:
        return JsonResponse({"id": comment.pk, "created": created}, status=201 if created else 200)
    messages.success(request, _("Your comment was recorded."))
    return redirect("meetings:live", meeting.pk)


def _live_page(request, meeting, may, form, *, status):
    meeting = Meeting.objects.select_related("current_item", "chair", "clerk").get(pk=meeting.pk)
    context = _live_context(request, meeting, may, comment_form=form)
    return render(request, "meetings/live.html", context, status=status)


def _comment_answer(request, meeting, wants_json, status, message):
    if wants_json:
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return redirect("meetings:live", meeting.pk)


@login_required
@require_POST
def check_in(request, pk):
    meeting, _may = access.meeting_for(request.user, pk)
    member = access.access_for(request.user).member
    try:
        if member is None:
            raise ValidationError(_("Your login is not linked to a party member."))
        live.check_in(meeting=meeting, member=member)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("You are checked in. Welcome!"))
    return redirect("meetings:live", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def open_view(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    form = OpenMeetingForm(
        request.POST or None, meeting=meeting, initial={"chair": live.default_chair(meeting)}
    )

    def done(form):
        data = form.cleaned_data
        live.open_meeting(
            meeting=meeting,
            chair=data.get("chair"),
            clerk=data.get("clerk"),
            moved_reason=data.get("moved_reason", ""),
            by=request.user,
        )
        return reverse("meetings:attendance", args=[meeting.pk]), _(
            "The meeting is open. Take the roll call."
        )

    return form_page(request, form, "meetings/open_form.html", {"meeting": meeting}, done=done)


def _apply_field(request, form, field: str, perform) -> None:
    """`perform` the value of the one-field form's `field`; an invalid value or a refusal becomes the error
    message the next page shows."""
    try:
        if not form.is_valid():
            raise ValidationError(form.errors[field])
        perform(form.cleaned_data[field])
    except ValidationError as error:
        messages.error(request, error_text(error))


@login_required
@require_POST
def current_item(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    form = CurrentItemForm(request.POST, meeting=meeting)
    _apply_field(request, form, "item", lambda item: live.set_current_item(meeting=meeting, item=item))
    return redirect(
        "meetings:screen" if request.POST.get("next") == "screen" else "meetings:live", meeting.pk
    )


@login_required
@require_POST
def answer(request, pk):
    comment, _may = access.comment_for(request.user, pk, need="run")
    meeting = comment.meeting
    form = AnswerForm(request.POST)
    _apply_field(request, form, "answer", lambda text: live.answer_question(comment=comment, answer=text))
    return redirect("meetings:live", meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def close_view(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    if request.method == "GET":
        back = reverse("meetings:live", args=[meeting.pk])
        return confirmation_page(request, meeting, "meetings/_confirm_close.html", back=back)
    try:
        unmarked = live.close_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("meetings:live", meeting.pk)
    if unmarked:
        messages.warning(
            request,
            _(
                "%(n)d members not marked were recorded as absent without reason; correct them on the attendance page if needed."
            )
            % {"n": unmarked},
        )
    messages.success(request, _("The meeting is closed."))
    return redirect(meeting)


# --- Votes on phones -----------------------------------------------------------------------------------


@login_required
@require_POST
def ballot(request, pk):
    """A member's tap on a vote on phones. From live.js (fetch) the answer is the vote's panel, drawn again
    with the choice counted or the refusal; without JavaScript, back to the live page with a message."""
    vote, _may = access.phone_vote_for(request.user, pk, need="cast")
    member = access.access_for(request.user).member
    try:
        live.cast_ballot(vote=vote, member=member, choice=request.POST.get("choice", ""))
    except ValidationError as error:
        refusal = error_text(error)
    else:
        refusal = ""
    if request.headers.get("X-Requested-With") == "fetch":
        meeting = Meeting.objects.get(pk=vote.meeting_id)
        context = _vote_context(meeting, member, _may.run) | {"meeting": meeting, "refusal": refusal}
        return render(request, "meetings/_phone_vote.html", context, status=409 if refusal else 200)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("Your vote is counted."))
    return redirect(reverse("meetings:live", args=[vote.meeting_id]) + "#phone-vote")


@login_required
@require_POST
def phone_vote_close(request, pk):
    """The secretary closes a vote on phones: the ballots are counted by the rule of a vote entered by hand."""
    vote, _may = access.phone_vote_for(request.user, pk, need="run")

    def done(result):
        if result is None:
            messages.info(request, _("Nobody had voted: the vote is withdrawn and nothing is recorded."))
        else:
            verdict = _("passed") if result.passed else _("not passed")
            messages.success(request, _("Vote recorded: %(result)s.") % {"result": verdict})

    attempt(request, lambda: live.close_phone_vote(vote=vote, by=request.user), done)
    return redirect(reverse("meetings:live", args=[vote.meeting_id]) + "#phone-vote")
