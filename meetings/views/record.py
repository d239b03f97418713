"""What the chair and the meeting secretary record: roll call, guests, votes, tasks, dues, self-criticism."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

import access
from core.forms import error_text
from core.views import attempt, bad_request, form_page
from members.models import Member

from .. import dues, live, selfcriticism
from ..forms import (
    ClerkForm,
    DuesAdjustmentForm,
    DuesPaymentForm,
    GuestForm,
    SelfCriticismForm,
    TaskForm,
    TaskStatusForm,
    VoteForm,
    YearForm,
)
from ..models import Attendance, DuesEntry, Meeting, SelfCriticismTurn, Task, Vote

MARKS = (Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.UNEXCUSED)


def _posted_mark(request, row: Attendance) -> tuple[str | None, str]:
    """The status and reason the form sent for one row (a row left unmarked sends no status)."""
    status = request.POST.get(f"status_{row.pk}")
    reason = request.POST.get(f"reason_{row.pk}", "").replace("\x00", "").strip()[:300]
    return status, "" if status == Attendance.Status.PRESENT else reason


def _roll_context(meeting: Meeting, q: live.Quorum) -> dict:
    return {
        "meeting": meeting,
        "q": q,
        "marks": [(value, label) for value, label in Attendance.Status.choices if value in MARKS],
        "editable": meeting.status in live.RECORD_OPEN,
        # What "Everyone present" would mark: the members expected in the room, not exempt, not marked yet.
        "unmarked_expected": sum(
            1 for a in q.rows if a.status == Attendance.Status.PENDING and a.expected and not a.exempt
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    """The roll call: one list, three clearly named choices per member; with htmx each choice is saved as it
    is made (attendance_mark), without it the list is saved whole by its button."""
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    q = live.quorum(meeting)
    if request.method == "POST":
        changed = 0
        try:
            for row in q.rows:
                status, reason = _posted_mark(request, row)
                if status in MARKS and (status != row.status or reason != row.reason):
                    live.mark_attendance(attendance=row, status=status, reason=reason)
                    changed += 1
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Attendance saved (%(n)d changes).") % {"n": changed})
        return redirect("meetings:attendance", meeting.pk)
    context = _roll_context(meeting, q) | {
        "guests": meeting.guests.all(),
        "guest_form": GuestForm(),
        "clerk_form": ClerkForm(meeting=meeting, initial={"clerk": meeting.clerk_id}),
    }
    return render(request, "meetings/attendance.html", context)


@login_required
@require_POST
def attendance_all_present(request, pk):
    """Everyone present in one step; the exceptions are changed after."""
    meeting, _may = access.meeting_for(request.user, pk, need="run")

    def done(n):
        messages.success(
            request,
            ngettext(
                "%(n)d member marked present. Now change only those who are absent.",
                "%(n)d members marked present. Now change only those who are absent.",
                n,
            )
            % {"n": n},
        )

    attempt(request, lambda: live.mark_all_present(meeting=meeting, by=request.user), done)
    return redirect("meetings:attendance", meeting.pk)


@login_required
@require_POST
def attendance_mark(request, pk, row):
    """One member's mark, saved as it is chosen (htmx answers with the row's saved state and the new counts);
    without htmx, back to the roll call."""
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    attendance = get_object_or_404(meeting.attendances.select_related("member"), pk=row)
    status, reason = _posted_mark(request, attendance)
    error = ""
    if status not in MARKS:
        error = _("Choose present, absent with reason or absent without reason.")
    elif status != attendance.status or reason != attendance.reason:
        try:
            live.mark_attendance(attendance=attendance, status=status, reason=reason)
        except ValidationError as exc:
            error = error_text(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("meetings:attendance", meeting.pk)
    attendance.refresh_from_db()
    context = _roll_context(meeting, live.quorum(meeting)) | {
        "a": attendance,
        "error": error,
        "saved": not error,
    }
    return render(request, "meetings/_roll_saved.html", context, status=422 if error else 200)


@login_required
@require_POST
def guest_add(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    form = GuestForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: live.add_guest(meeting=meeting, guest=form.instance),
            lambda _guest: messages.success(request, _("Guest added.")),
        )
    else:
        messages.error(request, _("Write the guest's name."))
    return redirect("meetings:attendance", meeting.pk)


@login_required
@require_POST
def clerk_set(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    form = ClerkForm(request.POST, meeting=meeting)
    if form.is_valid():
        attempt(
            request,
            lambda: live.set_clerk(meeting=meeting, clerk=form.cleaned_data["clerk"]),
            lambda _result: messages.success(
                request, _("Meeting secretary: %(name)s.") % {"name": meeting.clerk.full_name}
            ),
        )
    return redirect("meetings:attendance", meeting.pk)


def _default_question(meeting: Meeting, kind: str) -> str:
    if kind == Vote.Kind.MINUTES:
        correcting = meeting.status == Meeting.Status.ADOPTED
        return (
            _("Adopt the correction of the minutes") if correcting else _("Adopt the minutes of the meeting")
        )
    if kind == Vote.Kind.SCORE:
        return _("Adopt the cell's quality score of the meeting")
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def votes(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    q = live.quorum(meeting)
    # The minutes page links here with ?kind=minutes: the form opens on the adoption vote, its question
    # written (a form that opens with an empty required field only to refuse it costs the secretary a retry).
    kind = request.GET.get("kind")
    initial = {"kind": kind, "question": _default_question(meeting, kind)} if kind in Vote.Kind.values else {}
    form = VoteForm(request.POST or None, meeting=meeting, voters=q.voters, initial=initial)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["method"] == Vote.Method.PHONES:
        data = form.cleaned_data
        try:
            live.open_phone_vote(
                meeting=meeting,
                kind=data["kind"],
                question=data["question"],
                subject=data.get("subject"),
                agenda_item=meeting.current_item,
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The vote is open on the members' phones."))
            return redirect(reverse("meetings:live", args=[meeting.pk]) + "#phone-vote")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote = live.record_vote(
                meeting=meeting,
                kind=data["kind"],
                question=data["question"],
                subject=data.get("subject"),
                totals=data.get("totals"),
                ballots=data.get("ballots"),
                by=request.user,
                agenda_item=meeting.current_item,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            verdict = _("passed") if vote.passed else _("not passed")
            messages.success(request, _("Vote recorded: %(result)s.") % {"result": verdict})
            return redirect("meetings:votes", meeting.pk)
    context = {
        "meeting": meeting,
        "q": q,
        "form": form,
        "votes": meeting.votes.select_related("subject"),
        "open_phone_vote": meeting.phone_votes.filter(closed_at__isnull=True).first(),
    }
    return render(request, "meetings/votes.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def tasks(request, pk):
    meeting, may = access.meeting_for(request.user, pk, need=access.need_on(request, post="run"))
    form = TaskForm(request.POST or None, meeting=meeting)
    if request.method == "POST":
        if meeting.status not in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED):
            form.add_error(None, _("Tasks are assigned during the meeting."))
        elif form.is_valid():
            form.instance.meeting = meeting
            form.save()
            messages.success(request, _("Task assigned."))
            return redirect("meetings:tasks", meeting.pk)
    context = {
        "meeting": meeting,
        "form": form,
        "can_run": may.run,
        "tasks": meeting.tasks.select_related("assignee"),
    }
    return render(request, "meetings/tasks.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def task_status(request, pk):
    task, _may = access.task_for(request.user, pk, need="run")
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return redirect("meetings:tasks", task.meeting_id)
    task.status = form.cleaned_data["status"]
    task.done_on = timezone.localdate() if task.status == Task.Status.DONE else None
    task.save(update_fields=["status", "done_on"])
    if form.cleaned_data["next"]:
        return redirect(form.cleaned_data["next"])
    return redirect("meetings:tasks", task.meeting_id)


def _meeting_ledger(meeting: Meeting) -> list[DuesEntry]:
    """The month's ledger of the members on the meeting's roll (the cell's members before the roll call)."""
    members = list(Member.objects.filter(attendances__meeting=meeting, attendances__temporary_here=False))
    if not members:
        members = list(Member.objects.current().filter(cell=meeting.cell))
    return dues.ensure_ledger(cell=meeting.cell, period=meeting.period, members=members)


def _dues_context(meeting: Meeting, entries: list[DuesEntry]) -> dict:
    return {
        "meeting": meeting,
        "entries": entries,
        "totals": dues.month_totals(meeting.cell, entries, meeting.period),
        "not_recorded": len(unrecorded := [e for e in entries if e.due and not e.settled]),
        # Once collecting has begun, the button steps back and says whom it would record: after the
        # exceptions it must not look like the way to finish (it would record them as paid).
        "collecting": any(e.paid for e in entries),
        "unrecorded_names": ", ".join(e.member.full_name for e in unrecorded) if len(unrecorded) <= 3 else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_dues(request, pk):
    """The collector ticks who paid, in cash or online, for the meeting's month. With htmx a tick changes its
    row in place (and the totals); without it the page is posted and shown again."""
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    entries = _meeting_ledger(meeting)
    if request.method == "POST":
        form = DuesPaymentForm(request.POST, meeting=meeting)
        error, entry = "", None
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            entry, method = form.cleaned_data["entry"], form.cleaned_data["method"]
            if method == "undo":
                entry = dues.undo_payment(entry=entry, shown=form.cleaned_data["shown"])
            else:
                entry = dues.record_payment(entry=entry, method=method, by=request.user, meeting=meeting)
        except ValidationError as exc:
            error = error_text(exc)
            if entry is not None:
                entry.refresh_from_db()  # the row as it is now, beside the refusal
        if not request.htmx:
            if error:
                messages.error(request, error)
            return redirect("meetings:dues", meeting.pk)
        entries = [entry if entry is not None and e.pk == entry.pk else e for e in entries]
        if entry is None:  # nothing to put in place: the whole ledger, with the refusal above it
            context = _dues_context(meeting, entries) | {"error": error}
            return render(request, "meetings/_dues_ledger.html", context, status=422)
        context = _dues_context(meeting, entries) | {"e": entry, "oob": True, "error": error}
        return render(request, "meetings/_dues_row.html", context, status=422 if error else 200)
    return render(request, "meetings/dues.html", _dues_context(meeting, entries))


@login_required
@require_POST
def dues_all_paid(request, pk):
    """Everyone paid the standard amount: every member not recorded yet pays what is due, in one step."""
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    entries = _meeting_ledger(meeting)
    n = dues.record_all_paid(entries=entries, by=request.user, meeting=meeting)
    done = ngettext(
        "%(n)d member recorded as paid in cash. Now change only the exceptions.",
        "%(n)d members recorded as paid in cash. Now change only the exceptions.",
        n,
    ) % {"n": n}
    if not request.htmx:
        messages.success(request, done)
        return redirect("meetings:dues", meeting.pk)
    context = _dues_context(meeting, _meeting_ledger(meeting)) | {"done": done}
    return render(request, "meetings/_dues_ledger.html", context)


@login_required
def cell_dues(request, pk):
    """A year of the cell's ledger: what each member owed and paid, and "paid through"."""
    cell, _may = access.organization_for(request.user, pk, need="read")
    form = YearForm(request.GET)
    if not form.is_valid():
        return bad_request(request, form)
    year = form.year_or_this()
    entries = list(
        DuesEntry.objects.filter(cell=cell).select_related("member").order_by("member__full_name", "period")
    )
    by_member: dict[int, list] = {}
    for e in entries:
        by_member.setdefault(e.member_id, []).append(e)
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    rows = []
    for rows_entries in by_member.values():
        per_month = {e.period: e for e in rows_entries if e.period.year == year}
        rows.append(
            {
                "member": rows_entries[0].member,
                "months": [per_month.get(m) for m in months],
                "paid_through": dues.paid_through(rows_entries),
                "unpaid": dues.unpaid_months(rows_entries, year),
            }
        )
    year_entries = [e for e in entries if e.period.year == year]
    totals = [dues.month_totals(cell, [e for e in year_entries if e.period == m], m) for m in months]
    context = {
        "cell": cell,
        "year": year,
        "months": months,
        "rows": rows,
        "totals": zip(months, totals, strict=True),
    }
    return render(request, "meetings/cell_dues.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_dues(request, pk):
    """A member's own dues (the member and the readers of the cell); the committee records reductions."""
    member, may = access.member_for(request.user, pk, need=access.need_on(request, post="manage"))
    form = DuesAdjustmentForm(request.POST or None)

    def done(form):
        form.instance.member = member
        form.save()
        return reverse("meetings:member_dues", args=[member.pk]), _(
            "The exemption or reduction was recorded."
        )

    entries = list(member.dues.order_by("-period"))
    context = {
        "member": member,
        "entries": entries,
        "paid_through": dues.paid_through(entries),
        "can_manage": may.manage,
        "adjustments": member.dues_adjustments.order_by("-starts_on"),
        "this_month": dues.due_for(member, timezone.localdate().replace(day=1)),
    }
    return form_page(request, form, "meetings/member_dues.html", context, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_self_criticism(request, pk):
    meeting, may = access.meeting_for(
        request.user, pk, need=access.need_on(request, post="manage", get="read_self_criticism")
    )
    form = SelfCriticismForm(request.POST or None, meeting=meeting)

    def done(form):
        selfcriticism.record(meeting=meeting, **form.cleaned_data)
        return reverse("meetings:self_criticism", args=[meeting.pk]), _("Self-criticism recorded.")

    context = {
        "meeting": meeting,
        "can_run": may.manage,
        "planned": SelfCriticismTurn.objects.filter(cell=meeting.cell, period=meeting.period).select_related(
            "member"
        ),
        "done": meeting.self_criticisms.select_related("member"),
    }
    return form_page(request, form, "meetings/self_criticism.html", context, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def rotation(request, pk):
    """The cell's yearly rotation plan: everyone has a turn."""
    cell, may = access.organization_for(
        request.user, pk, need=access.need_on(request, post="manage", get="read_self_criticism")
    )
    form = YearForm(request.GET if "year" in request.GET else request.POST)
    if not form.is_valid():
        return bad_request(request, form)
    year = form.year_or_this()
    if request.method == "POST":
        n = selfcriticism.plan_year(cell=cell, year=year)
        messages.success(request, _("Rotation planned: %(n)d turns.") % {"n": n})
        return redirect(f"{request.path}?year={year}")
    turns = SelfCriticismTurn.objects.filter(cell=cell, period__year=year).select_related("member", "meeting")
    context = {
        "cell": cell,
        "year": year,
        "turns": turns,
        "can_manage": may.manage,
    }
    return render(request, "meetings/rotation.html", context)
