from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import access
from core.forms import error_text
from core.replica import replica_reads

from . import dashboard as board
from . import inbox as todo
from . import services
from .forms import DashboardFilter
from .models import CellMonth, Evaluation, Rubric


@login_required
@require_http_methods(["GET", "POST"])
def score_sheet(request, pk, rubric_kind="meeting", kind="self"):
    meeting, _may = access.score_sheet_for(request.user, pk, rubric_kind=rubric_kind, kind=kind)
    try:
        rubric = services.rubric_for(meeting, rubric_kind)
        evaluation = services.open_sheet(meeting=meeting, kind=kind, rubric=rubric, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(meeting)
    if request.method == "POST":
        try:
            if "adopt" in request.POST:
                services.adopt(evaluation=evaluation)
                messages.success(request, _("The cell adopted the score."))
            else:
                services.save_scores(evaluation=evaluation, values=_posted_scores(request, evaluation))
                messages.success(request, _("The scores were saved."))
            return redirect(request.path)
        except ValidationError as error:
            messages.error(request, error_text(error))
    other = (
        Evaluation.objects.filter(meeting=meeting, rubric=rubric)
        .exclude(pk=evaluation.pk)
        .select_related("confirmed_by__member")
        .first()
    )
    scores = list(evaluation.scores.select_related("criterion__group"))
    for score in scores:
        # A refused post shows what was typed, not what is stored: nothing typed is lost.
        score.shown = request.POST.get(f"points_{score.criterion_id}") if request.method == "POST" else None
        if score.shown is None:
            score.shown = "" if score.points is None else format(score.points, "f")
        score.shown_note = request.POST.get(f"note_{score.criterion_id}", score.note)
    evaluation.confirmed_by_name = _confirmer(evaluation)
    context = {
        "meeting": meeting,
        "evaluation": evaluation,
        "rubric": rubric,
        "other": other,
        "other_unscored": services.unscored(other) if other and not other.level else 0,
        "other_confirmer": _confirmer(other) if other else "",
        "scores": scores,
        "unscored": sum(1 for score in scores if score.points is None),
        "editable": not (evaluation.adopted_at and kind == Evaluation.Kind.SELF),
        "changed_since_vote": services.changed_since_vote(evaluation),
    }
    return render(
        request, "evaluations/score_sheet.html", context, status=422 if request.method == "POST" else 200
    )


def _confirmer(evaluation) -> str:
    """Who confirmed a sheet, by the name the party knows them by (the account name if it has no member)."""
    user = evaluation.confirmed_by
    if user is None:
        return ""
    member = getattr(user, "member", None)
    return member.full_name if member else user.get_username()


def _posted_scores(request, evaluation):
    values = {}
    for score in evaluation.scores.all():
        raw = request.POST.get(f"points_{score.criterion_id}")
        if raw is None:
            continue
        raw = raw.strip().replace(",", ".")
        try:
            points = Decimal(raw) if raw else None  # left blank: not scored yet, not a zero
        except InvalidOperation:
            raise ValidationError(_("Points must be a number.")) from None
        if points is not None and not points.is_finite():  # "NaN" parses, then fails every comparison
            raise ValidationError(_("Points must be a number."))
        # No NUL reaches the database (PostgreSQL refuses it in text); nobody types one anyway.
        note = request.POST.get(f"note_{score.criterion_id}", "").replace("\x00", "").strip()
        values[score.criterion_id] = (points, note)
    return values


@login_required
@require_http_methods(["GET", "POST"])
def confirm_score(request, pk):
    """The superior officer confirms the cell's adopted score: the page asks once, naming what it locks,
    and its button posts here (no script: it works on any phone and under the strict CSP)."""
    meeting, _may = access.meeting_for(request.user, pk, need="score_superior")
    evaluation = (
        Evaluation.objects.filter(
            meeting=meeting, kind=Evaluation.Kind.SELF, rubric__kind=Rubric.Kind.MEETING
        )
        .select_related("confirmed_by__member")
        .first()
    )
    back_to_inbox = request.POST.get("back", request.GET.get("back")) == "inbox"
    if request.method == "POST":
        try:
            if evaluation is None:
                raise ValidationError(_("The cell has not scored this meeting yet."))
            services.confirm(evaluation=evaluation, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("You confirmed the cell's score."))
            if back_to_inbox:
                return redirect("evaluations:inbox")
        return redirect("evaluations:score_superior", meeting.pk)
    if evaluation is not None:
        evaluation.confirmed_by_name = _confirmer(evaluation)
    context = {"meeting": meeting, "evaluation": evaluation, "back_to_inbox": back_to_inbox}
    return render(request, "evaluations/confirm.html", context)


@login_required
def inbox(request):
    """ "To do": what waits for a superior officer or a committee reviewer (evaluations/inbox.py)."""
    scope = access.inbox_scope_of(request.user)
    if not scope:
        raise Http404  # a member has no inbox: nothing to find here
    waiting = todo.waiting(scope, request.user)
    return render(
        request,
        "evaluations/inbox.html",
        {"waiting": waiting, "scope": scope, "minutes_days": todo.MINUTES_DAYS},
    )


@login_required
def inbox_minutes(request, pk):
    """A row of the inbox: the adopted minutes, which then leave the list."""
    version, _may = access.minutes_version_for(request.user, pk)
    todo.mark_read(request.user, version)
    return redirect("documents:minutes_version", version.pk)


EXPORTS = {
    "xlsx": (board.xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (board.pdf_bytes, "application/pdf"),
}


@login_required
@replica_reads
def dashboard(request, pk):
    organization, _may = access.organization_for(request.user, pk, need="review")
    filters = DashboardFilter(request.GET).values()
    context = board.page(organization, filters, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "evaluations/dashboard.html", {**context, "query": query.urlencode()})


@login_required
@replica_reads
def dashboard_export(request, pk, kind):
    """The dashboard's table as a spreadsheet or a printable PDF, with the page's filters."""
    organization, _may = access.organization_for(request.user, pk, need="review")
    table = board.export(organization, DashboardFilter(request.GET).values())
    write, content_type = EXPORTS[kind]
    response = HttpResponse(write(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="chat-luong-{table.period:%Y-%m}.{kind}"'
    return response


@login_required
@replica_reads
def cell_indicators(request, pk):
    """A cell's own months, and its yearly level proposal from them."""
    cell, _may = access.organization_for(request.user, pk)
    rows = list(
        CellMonth.objects.filter(cell=cell, period__lte=timezone.localdate().replace(day=1))
        .with_sheet()
        .select_related("meeting", "cell")
        .order_by("-period")[:24]
    )
    for row in rows:
        row.reason, row.confirmation = board.reason(row.__dict__), board.confirmation(row.__dict__)
    years = {}
    this_month = timezone.localdate().replace(day=1)
    for row in rows:
        # A month that is over without a scored meeting counts against the year; the current one not yet.
        if row.level or row.period < this_month:
            years.setdefault(row.period.year, []).append(row.level)
    proposals = {
        year: CellMonth.LEVEL_NAMES.get(level, level)
        for year, levels in years.items()
        if (level := services.annual_level(levels))
    }
    return render(request, "evaluations/cell.html", {"cell": cell, "rows": rows, "proposals": proposals})
