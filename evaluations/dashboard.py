"""The committee's quality dashboard: one month of every cell below a committee, its level distribution, the
trend of the last twelve months, the cells that need attention, and the same table exported.

Everything is read from CellMonth rows (refreshed when a meeting changes and nightly; their alert codes were
judged then), with the adopted sheet's reason and confirmation read by subqueries of the rows' own query: the
page costs the same few queries for 3 cells as for 1,000 (tests/evaluations/test_query_counts.py). Views
check access and parse the filter form (forms.DashboardFilter); this module does the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import pickle
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Value
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.months import month_start, previous_month
from core.spreadsheets import append_row
from documents import pdf
from members.models import Organization

from .alerts import LABELS
from .models import CellMonth, level_reason

PAGE_SIZE = 100
ALERT_LIST_SIZE = 100
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


def scope_of(organization: Organization, sub: int | None) -> Organization:
    """The committee the filter narrows to: one below the dashboard's own, else the dashboard's own."""
    if sub:
        found = Organization.objects.filter(pk=sub, path__startswith=organization.path).first()
        return found or organization
    return organization


def rows_for(scope: Organization, filters: dict):
    """The table's rows for the filters' month, level and sort, as a query set."""
    rows = CellMonth.objects.under(scope).of_month(filters["period"])
    if filters["level"]:
        rows = rows.at_level(filters["level"])
    return rows.sorted_by(filters["sort"])


def month_choices(period: dt.date, back: int = 36) -> list[dt.date]:
    """The months the filter offers, newest first: this month and the `back` before it, and the month
    shown if it is older. A list, not the browser's month field: that one speaks the browser's language
    ("November 2026") and is missing from some phones' browsers."""
    month = month_start(timezone.localdate())
    months = []
    for _i in range(back + 1):
        months.append(month)
        month = previous_month(month)
    if period not in months:
        months.append(period)
    return months


def trend(scope: Organization, period: dt.date, months: int = 12) -> list[dict]:
    """Per month up to `period`, oldest first: the average score and the cells; for `period` also the cells at
    each level and the cells with an alert. (The month is tested first, so that the other eleven months' rows
    skip the level and alert tests: a fifth cheaper on 12,000 rows.)

    Written as SQL, like CellMonthQuerySet.with_sheet: the ORM took longer to build this query of seven
    aggregates (about 3 ms) than PostgreSQL takes to run it on 12,000 rows."""
    start = period
    for _i in range(months - 1):
        start = previous_month(start)
    q = connection.ops.quote_name
    now = "m.period = %s AND "
    sql = (
        "SELECT m.period, AVG(m.score), COUNT(*),"
        + "".join(f" COUNT(*) FILTER (WHERE {now}m.level = '{code}')," for code in LEVEL_CODES)
        + f" COUNT(*) FILTER (WHERE {now}m.alerts <> '')"
        f" FROM {q(CellMonth._meta.db_table)} m JOIN {q(Organization._meta.db_table)} o ON o.id = m.cell_id"
        f" WHERE o.path LIKE %s AND m.period >= %s AND m.period <= %s GROUP BY m.period ORDER BY m.period"
    )
    day = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [day(period)] * (len(LEVEL_CODES) + 1) + [f"{scope.path}%", day(start), day(period)]
        )
        rows = cursor.fetchall()
    # The values as the ORM gives them (on SQLite: the month as a date, the average as a Decimal).
    to_date, to_decimal = _converters(models.DateField()), _converters(models.DecimalField())
    names = ("period", "avg", "cells", *LEVEL_CODES, "alerted")
    return [dict(zip(names, (to_date(row[0]), to_decimal(row[1]), *row[2:]), strict=True)) for row in rows]


LEVEL_CODES = ("tot", "kha", "tb", "kem")


def _converters(field):
    """The database's conversion of a value of `field` read by raw SQL, as the ORM applies it."""
    expression = Value(None, output_field=field)
    converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)

    def convert(value):
        for converter in converters:
            value = converter(value, expression, connection)
        return value

    return convert


def chart(trend: list[dict], width: int = 600, height: int = 160) -> dict | None:
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


def reason(row: dict) -> str:
    """Why the row has its level (its band, or the starred criteria that kept it from the top)."""
    if not row["level"] or row["score"] is None or not row["levels"]:
        return ""
    return level_reason(row["levels"], row["level"], row["score"], row["short_of_top"] or [])


def confirmation(row: dict) -> str:
    if not row["confirmed_at"]:
        return ""
    return _("Confirmed by %(who)s (superior officer), %(when)s.") % {
        "who": row["confirmer"] or "",
        "when": formats.date_format(timezone.localtime(row["confirmed_at"]), "H:i d/m/Y"),
    }


def _percent(share) -> str:
    return "" if share is None else f"{round(100 * share)}%"


def _shown(rows, cell_url: str) -> list[dict]:
    """The table's rows as the row template shows them: texts and flags, never markup. Numbers are turned into
    text here, once, rather than by the template's localisation on each of 1,000 cells."""
    separator = formats.get_format("DECIMAL_SEPARATOR")
    shown = []
    for values in rows:
        r = dict(zip(ROW_FIELDS, values, strict=True))
        r["levels"] = json.loads(r["levels"]) if r["levels"] else None  # fetched as text (see page)
        r["short_of_top"] = json.loads(r["short_of_top"]) if r["short_of_top"] else []
        held, level = r["held"], r["level"]
        shown.append(
            {
                "url": cell_url.format(r["cell_id"]),
                "name": r["cell__name"],
                "held": held,
                "on_fixed_day": r["on_fixed_day"],
                "session": r["committee_session"],
                "attendance": _percent(r["attendance_rate"]),
                "speakers": f"{r['speakers']}/{r['present']}" if held else "",
                "comments": str(r["comments"]) if held else "",
                "party": _percent(r["party_share"]),
                "duration": "" if r["duration"] is None else str(r["duration"]),
                "score": "" if r["score"] is None else str(r["score"]).replace(".", separator),
                "level": CellMonth.LEVEL_NAMES.get(level, level),
                "reason": reason(r) if level else "",
                "short_of_top": bool(r["short_of_top"]),
                "confirmation": confirmation(r) if level else "",
            }
        )
    return shown


def fragment(template: str, context, data: tuple) -> str:
    """`template` rendered with the context `context(*data)`, from a cache of recent fragments.

    The dashboard shows 100 rows × 10 cells and up to 100 alerts: through the template language they cost
    more than every query behind the page (docs/PERFORMANCE.md), and they change only when a meeting
    changes or the nightly refresh runs. A fragment is keyed by the data it is rendered from (and the
    language and time zone), so a changed row, name or confirmation is a new key: the cache can be cold,
    never stale. It lives in the process: a restart, such as a deploy, empties it with the templates it was
    rendered from."""
    key = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    return _rendered(template, context, key, translation.get_language(), timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=128)
def _rendered(template: str, context, key: bytes, language: str, zone: str) -> str:
    return render_to_string(template, context(*pickle.loads(key)))


def _filters_context(months: list[tuple], committees: list[tuple], scope: int, level: str) -> dict:
    return {"months": months, "committees": committees, "scope": scope, "level": level}


def _chart_context(chart: dict | None) -> dict:
    return {"chart": chart}


def _rows_context(cell_url: str, rows: list[tuple]) -> dict:
    return {"rows": _shown(rows, cell_url)}


def _alerts_context(cell_url: str, cells: list[tuple]) -> dict:
    """Each cell with an alert, with its alerts' labels (translated once, not per badge)."""
    labels = {code: str(label) for code, label in LABELS.items()}
    return {
        "cells": [
            {
                "url": cell_url.format(cell_id),
                "name": name,
                "labels": [labels[code] for code in codes.split()],
            }
            for cell_id, name, codes in cells
        ]
    }


def _cell_url() -> str:
    """One reverse for 200 links: ".../cells/{}/indicators/"."""
    return reverse("evaluations:cell", args=[918273645]).replace("918273645", "{}")


def page(organization: Organization, filters: dict, number) -> dict:
    """The dashboard page's context: the distribution, the chart and the alert list cover every cell of the
    scope (the level filter narrows the table only); the table shows a page of 100."""
    period, level = filters["period"], filters["level"]
    scope = scope_of(organization, filters["sub"])
    months_of_trend = trend(scope, period)
    now = next((t for t in months_of_trend if t["period"] == period), {})
    counts = {code: now.get(code, 0) for code in ("tot", "kha", "tb", "kem")}
    total = now.get("cells", 0)
    counts["none"] = total - sum(counts.values())
    alerted = now.get("alerted", 0)
    # The sheet's JSON as text: decoded only when the rows' fragment is rendered, not on every page.
    rows = rows_for(scope, filters).with_sheet(json_as_text=True).values_list(*ROW_FIELDS)
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = counts.get(level, 0) if level else total  # known from the trend: no COUNT(*)
    current = paginator.get_page(number)
    current.object_list = list(current.object_list)
    cell_url = _cell_url()
    months = [(f"{m:%Y-%m}", f"{m:%m/%Y}", m == period) for m in month_choices(period)]
    committees = list(
        Organization.objects.under(organization)
        .exclude(kind__in=Organization.CELL_KINDS)
        .exclude(pk=organization.pk)
        .values_list("pk", "name")
    )
    points = chart(months_of_trend)
    return {
        "organization": organization,
        "scope": scope,
        "period": period,
        "filters": fragment(
            "evaluations/_dashboard_filters.html", _filters_context, (months, committees, scope.pk, level)
        ),
        "rows": fragment("evaluations/_dashboard_rows.html", _rows_context, (cell_url, current.object_list)),
        "page": current,
        "counts": counts,
        "total": total,
        "trend": months_of_trend,
        "chart": points,
        "chart_svg": fragment("evaluations/_dashboard_chart.html", _chart_context, (points,))
        if points
        else "",
        "with_alerts": _alerted(scope, period, cell_url) if alerted else "",
        "alerted": alerted,
        "sort": filters["sort"],
        "level": level,
    }


def _alerted(scope: Organization, period: dt.date, cell_url: str) -> str:
    """The first cells by name with an alert, each with its alerts."""
    cells = (
        CellMonth.objects.under(scope)
        .of_month(period)
        .with_alerts()
        .order_by("cell__name")
        .values_list("cell_id", "cell__name", "alerts")[:ALERT_LIST_SIZE]
    )
    return fragment("evaluations/_dashboard_alerts.html", _alerts_context, (cell_url, list(cells)))


# --- the exports ---------------------------------------------------------------------------------------

COLUMNS = {
    "cell": gettext_lazy("Cell"),
    "held": gettext_lazy("Held"),
    "session": gettext_lazy("Committee session"),
    "attendance": gettext_lazy("Attendance"),
    "speakers": gettext_lazy("Speakers"),
    "comments": gettext_lazy("Comments"),
    "party": gettext_lazy("Party building share"),
    "duration": gettext_lazy("Duration"),
    "dues": gettext_lazy("Dues collected"),
    "score": gettext_lazy("Score"),
    "level": gettext_lazy("Level"),
    "reason": gettext_lazy("Why this level"),
    "confirmation": gettext_lazy("Confirmed by the superior officer"),
    "alerts": gettext_lazy("Alerts"),
}
PDF_COLUMNS = ("cell", "held", "session", "attendance", "speakers", "score", "level", "alerts")


@dataclass(frozen=True)
class Export:
    """The dashboard's table for a file: in Vietnamese, words never codes, None where there is nothing to say
    (no meeting, no dues due). Percentages are unrounded: each format rounds them its own way."""

    scope: Organization
    period: dt.date
    header: dict  # column key -> heading
    rows: list[dict]  # column key -> value, plus "present" and "scored" for the printed table


def export(organization: Organization, filters: dict) -> Export:
    scope = scope_of(organization, filters["sub"])
    rows = []
    with translation.override("vi"):
        yes, no, not_scored = _("Yes"), _("No"), _("not scored")
        for r in rows_for(scope, filters).with_sheet().select_related("cell"):
            held, row = r.held, r.__dict__
            rows.append(
                {
                    "cell": r.cell.name,
                    "held": yes if held else no,
                    "session": (yes if r.committee_session else no) if held else None,
                    "attendance": None if r.attendance_rate is None else 100 * r.attendance_rate,
                    "speakers": r.speakers if held else None,
                    "present": r.present,
                    "comments": r.comments if held else None,
                    "party": None if r.party_share is None else 100 * r.party_share,
                    "duration": r.duration,
                    "dues": r.dues_paid if r.dues_due or r.dues_paid else None,
                    "score": r.score,
                    "level": r.level_name if r.level else (not_scored if held else None),
                    "scored": bool(r.level),
                    "reason": reason(row) or None,
                    "confirmation": confirmation(row) or None,
                    "alerts": "; ".join(str(label) for label in r.alert_labels),
                }
            )
        header = {key: str(heading) for key, heading in COLUMNS.items()}
    return Export(scope=scope, period=filters["period"], header=header, rows=rows)


def xlsx_bytes(table: Export) -> bytes:
    import openpyxl  # a second to import: only when a spreadsheet is asked for

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = f"{table.period:%m-%Y}"
    append_row(sheet, table.header.values())
    for row in table.rows:
        cells = {
            **row,
            "attendance": None if row["attendance"] is None else round(row["attendance"], 1),
            "party": None if row["party"] is None else round(row["party"]),
            "score": None if row["score"] is None else float(row["score"]),
        }
        append_row(sheet, [cells[key] for key in table.header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_bytes(table: Export) -> bytes:
    """A printable table rendered by WeasyPrint (no Celery: one page, seconds at most)."""
    with translation.override("vi"):
        html = render_to_string(
            "evaluations/dashboard_pdf.html",
            {
                "organization": table.scope,
                "period": table.period,
                "header": [table.header[key] for key in PDF_COLUMNS],
                "rows": table.rows,
            },
        )
    return pdf._html_class()(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
