import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import access
from core.forms import error_text
from core.spreadsheets import append_row
from members.models import Organization

from . import alerts, services
from .forms import SORTS, DashboardFilter
from .models import CellMonth, Evaluation, Rubric, level_reason


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
@require_POST
def confirm_score(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="score_superior")
    evaluation = Evaluation.objects.filter(
        meeting=meeting, kind=Evaluation.Kind.SELF, rubric__kind=Rubric.Kind.MEETING
    ).first()
    try:
        if evaluation is None:
            raise ValidationError(_("The cell has not scored this meeting yet."))
        services.confirm(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("You confirmed the cell's score."))
    return redirect("evaluations:score_superior", meeting.pk)


def month_choices(period: dt.date, back: int = 36) -> list[dt.date]:
    """The months the filter offers, newest first: this month and the `back` before it, and the month
    shown if it is older. A list, not the browser's month field: that one speaks the browser's language
    ("November 2026") and is missing from some phones' browsers."""
    month = timezone.localdate().replace(day=1)
    months = []
    for _i in range(back + 1):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    if period not in months:
        months.append(period)
    return months


def dashboard_rows(organization, request):
    """The table's rows for the period, filters and sort of the request, as a query set."""
    filters = DashboardFilter(request.GET).values()
    period, scope = filters["period"], organization
    if filters["sub"]:
        sub = Organization.objects.filter(pk=filters["sub"], path__startswith=organization.path).first()
        scope = sub or organization
    rows = CellMonth.objects.filter(period=period, cell__path__startswith=scope.path)
    level = filters["level"]
    if level:
        rows = rows.filter(level=level if level != "none" else "")
    sort = filters["sort"]
    field = SORTS[sort.lstrip("-")]
    # Cells without the value (no meeting, no score) go last either way, on PostgreSQL as on SQLite.
    order = F(field).desc(nulls_last=True) if sort.startswith("-") else F(field).asc(nulls_last=True)
    return period, scope, rows.order_by(order, "cell__name", "pk")


def with_sheet(rows):
    """Each row with its adopted sheet's reason and confirmation, read in the rows' own query (subqueries: the
    dashboard's query count does not grow)."""
    sheet = Evaluation.objects.filter(
        meeting=OuterRef("meeting"),
        kind=Evaluation.Kind.SELF,
        rubric__kind=Rubric.Kind.MEETING,
        adopted_at__isnull=False,
    ).order_by("pk")
    return rows.annotate(
        confirmed_at=Subquery(sheet.values("confirmed_at")[:1]),
        confirmer=Subquery(
            sheet.values(who=Coalesce("confirmed_by__member__full_name", "confirmed_by__username"))[:1]
        ),
        short_of_top=Subquery(sheet.values("short_of_top")[:1], output_field=JSONField()),
        levels=Subquery(sheet.values("rubric__levels")[:1], output_field=JSONField()),
    )


def row_reason(r) -> str:
    """Why the row has its level (its band, or the starred criteria that kept it from the top)."""
    if not r["level"] or r["score"] is None or not r["levels"]:
        return ""
    return level_reason(r["levels"], r["level"], r["score"], r["short_of_top"] or [])


def row_confirmation(r) -> str:
    if not r["confirmed_at"]:
        return ""
    return _("Confirmed by %(who)s (superior officer), %(when)s.") % {
        "who": r["confirmer"] or "",
        "when": formats.date_format(timezone.localtime(r["confirmed_at"]), "H:i d/m/Y"),
    }


def _percent(share) -> str:
    return "" if share is None else f"{round(100 * share)}%"


ROW_FIELDS = (
    "cell_id",
    "cell__name",
    "held",
    "on_fixed_day",
    "committee_session",
    "attendance_rate",
    "present",
    "speakers",
    "comments",
    "party_share",
    "duration",
    "score",
    "level",
    "confirmed_at",
    "confirmer",
    "short_of_top",
    "levels",
)
ROW_HTML = (
    '<tr><td><a href="{url}">{name}</a></td><td>{held}</td><td>{session}</td><td class="text-end">{attendance}</td>'
    '<td class="text-end">{speakers}</td><td class="text-end">{comments}</td><td class="text-end">{party}</td>'
    '<td class="text-end">{duration}</td><td class="text-end">{score}</td><td>{level}</td></tr>'
)
LEVEL_HTML = '<span title="{reason}">{name}</span>{short}{confirmed}'


def _level_cell(r, not_scored: str) -> str:
    if not r["level"]:
        return not_scored if r["held"] else ""
    reason = row_reason(r)
    return LEVEL_HTML.format(
        name=escape(CellMonth.LEVEL_NAMES.get(r["level"], r["level"])),
        reason=escape(reason),
        short=f'<div class="small">{escape(reason)}</div>' if r["short_of_top"] else "",
        confirmed=(
            f'<div class="small text-success">✔ {escape(row_confirmation(r))}</div>'
            if r["confirmed_at"]
            else ""
        ),
    )


def table_rows(rows, cell_url: str) -> str:
    """The page's table rows as HTML, formatted here in one pass: 100 rows × 10 cells through the template
    language cost more than all the queries behind the page (docs/PERFORMANCE.md). The cell's name is the
    only text that is not a number or a constant; it is escaped."""
    yes = "✔"
    no = '<span class="text-danger">✘</span>'
    # Outside the f-string, or makemessages never sees the string (and the tooltip stays English).
    off_day_title = escape(_("not on the fixed day"))
    off_day = f' ✔ <span class="text-warning" title="{off_day_title}">⚠</span>'
    not_scored = f'<span class="text-body-secondary">{escape(_("not scored"))}</span>'
    separator = get_format("DECIMAL_SEPARATOR")
    lines = []
    for r in rows:
        held = r["held"]
        lines.append(
            ROW_HTML.format(
                url=cell_url.format(r["cell_id"]),
                name=escape(r["cell__name"]),
                held=(yes if r["on_fixed_day"] else off_day) if held else no,
                session=yes if r["committee_session"] else (no if held else ""),
                attendance=_percent(r["attendance_rate"]),
                speakers=f"{r['speakers']}/{r['present']}" if held else "",
                comments=r["comments"] if held else "",
                party=_percent(r["party_share"]),
                duration="" if r["duration"] is None else r["duration"],
                score="" if r["score"] is None else str(r["score"]).replace(".", separator),
                level=_level_cell(r, not_scored),
            )
        )
    return mark_safe("\n".join(lines))


def alert_items(cells, cell_url: str) -> str:
    """The alert list's items as HTML (same reason as table_rows); labels translated once, not per badge."""
    labels = {code: escape(label) for code, label in alerts.LABELS.items()}
    return mark_safe(
        "\n".join(
            f'<li class="list-group-item"><a href="{cell_url.format(cell_id)}">{escape(name)}</a>: '
            + " ".join(f'<span class="badge text-bg-danger">{labels[code]}</span>' for code in codes.split())
            + "</li>"
            for cell_id, name, codes in cells
        )
    )


@login_required
def dashboard(request, pk):
    organization, _may = access.organization_for(request.user, pk, need="review")
    period, scope, rows = dashboard_rows(organization, request)
    # The distribution, the chart and the alert list cover every cell of the scope (the level filter narrows
    # the table only); the table shows a page of 100. The alerts were judged when the rows were refreshed
    # (CellMonth.alerts), so 1,000 cells cost a few aggregates and two short reads.
    trend = _trend(scope, period)
    now = next((t for t in trend if t["period"] == period), {})
    counts = {code: now.get(code, 0) for code in ("tot", "kha", "tb", "kem")}
    counts["none"] = now.get("cells", 0) - sum(counts.values())
    total = now.get("cells", 0)
    alerted = now.get("alerted", 0)
    filters = DashboardFilter(request.GET).values()
    level = filters["level"]
    paginator = Paginator(with_sheet(rows).values(*ROW_FIELDS), 100)
    paginator.count = counts.get(level, 0) if level else total  # known from the trend: no COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    with_alerts = (
        list(
            CellMonth.objects.filter(period=period, cell__path__startswith=scope.path)
            .exclude(alerts="")
            .order_by("cell__name")
            .values_list("cell_id", "cell__name", "alerts")[:100]
        )
        if alerted
        else []
    )
    committees = list(
        Organization.objects.under(organization)
        .exclude(kind__in=Organization.CELL_KINDS)
        .exclude(pk=organization.pk)
        .only("name")
    )
    # One reverse for 200 links: ".../cells/{}/indicators/".
    cell_url = reverse("evaluations:cell", args=[918273645]).replace("918273645", "{}")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": organization,
        "scope": scope,
        "period": period,
        "months": month_choices(period),
        "rows": table_rows(page.object_list, cell_url),
        "page": page,
        "committees": committees,
        "counts": counts,
        "total": total,
        "trend": trend,
        "chart": _chart(trend),
        "with_alerts": alert_items(with_alerts, cell_url),
        "alerted": alerted,
        "sort": filters["sort"],
        "level": level,
        "query": query.urlencode(),
    }
    return render(request, "evaluations/dashboard.html", context)


def _trend(scope, period, months: int = 12):
    start = period
    for _i in range(months - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return list(
        CellMonth.objects.filter(cell__path__startswith=scope.path, period__gte=start, period__lte=period)
        .values("period")
        .annotate(
            avg=Avg("score"),
            held=Count("pk", filter=Q(held=True)),
            cells=Count("pk"),
            tot=Count("pk", filter=Q(level="tot")),
            kha=Count("pk", filter=Q(level="kha")),
            tb=Count("pk", filter=Q(level="tb")),
            kem=Count("pk", filter=Q(level="kem")),
            alerted=Count("pk", filter=~Q(alerts="")),
        )
        .order_by("period")
    )


def _chart(trend, width=600, height=160):
    """Points of a server-side SVG line chart of the average score (0–100) per month."""
    if not trend:
        return None
    step = width / max(len(trend) - 1, 1)
    months, points = [], []
    for i, row in enumerate(trend):
        x = round(i * step, 1)
        months.append({"x": x, "label": row["period"].strftime("%m/%y")})
        if row["avg"] is None:
            continue  # no score yet that month: no point, rather than a fall to 0
        avg = float(row["avg"])
        points.append(
            {"x": x, "y": round(height - avg / 100 * height, 1), "avg": round(avg, 1), **months[-1]}
        )
    return {
        "width": width,
        "height": height,
        "months": months,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
    }


@login_required
def dashboard_xlsx(request, pk):
    import openpyxl

    organization, _may = access.organization_for(request.user, pk, need="review")
    period, _scope, rows = dashboard_rows(organization, request)
    rows = with_sheet(rows).select_related("cell")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = f"{period:%m-%Y}"
    with translation.override("vi"):
        append_row(
            sheet,
            [
                _("Cell"),
                _("Held"),
                _("Committee session"),
                _("Attendance"),
                _("Speakers"),
                _("Comments"),
                _("Party building share"),
                _("Duration"),
                _("Dues collected"),
                _("Score"),
                _("Level"),
                _("Why this level"),
                _("Confirmed by the superior officer"),
                _("Alerts"),
            ],
        )
        yes, no, not_scored = _("Yes"), _("No"), _("not scored")
        for r in rows:
            # Words, never codes; an empty cell only where there is nothing to say (no meeting, no dues due).
            held = r.held
            append_row(
                sheet,
                [
                    r.cell.name,
                    yes if held else no,
                    (yes if r.committee_session else no) if held else None,
                    round(100 * r.attendance_rate, 1) if r.attendance_rate is not None else None,
                    r.speakers if held else None,
                    r.comments if held else None,
                    round(100 * r.party_share) if r.party_share is not None else None,
                    r.duration,
                    r.dues_paid if r.dues_due or r.dues_paid else None,
                    float(r.score) if r.score is not None else None,
                    r.level_name if r.level else (not_scored if held else None),
                    row_reason(r.__dict__) or None,
                    row_confirmation(r.__dict__) or None,
                    "; ".join(str(label) for label in r.alert_labels),
                ],
            )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="chat-luong-{period:%Y-%m}.xlsx"'
    return response


@login_required
def dashboard_pdf(request, pk):
    """A printable dashboard: a short table rendered by WeasyPrint (no Celery: one page, seconds at most)."""
    from documents import pdf

    organization, _may = access.organization_for(request.user, pk, need="review")
    period, scope, rows = dashboard_rows(organization, request)
    rows = list(with_sheet(rows).select_related("cell"))
    with translation.override("vi"):
        for r in rows:
            r.reason, r.confirmation = row_reason(r.__dict__), row_confirmation(r.__dict__)
        html = render_to_string(
            "evaluations/dashboard_pdf.html", {"organization": scope, "period": period, "rows": rows}
        )
    data = pdf._html_class()(string=html, base_url=str(pdf.settings.BASE_DIR / "static")).write_pdf()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chat-luong-{period:%Y-%m}.pdf"'
    return response


@login_required
def cell_indicators(request, pk):
    """A cell's own months, and its yearly level proposal from them."""
    cell, _may = access.organization_for(request.user, pk)
    rows = list(
        with_sheet(CellMonth.objects.filter(cell=cell, period__lte=timezone.localdate().replace(day=1)))
        .select_related("meeting", "cell")
        .order_by("-period")[:24]
    )
    for row in rows:
        row.reason, row.confirmation = row_reason(row.__dict__), row_confirmation(row.__dict__)
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
