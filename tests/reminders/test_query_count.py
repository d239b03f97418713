"""The beat job's cost in queries does not grow with the number of cells (STYLE.md S2).

Not a benchmark: no timings, only the queries for 10 cells and for 60. Reading is a fixed set of queries;
the notifications are written by batched inserts (SQLite's limit on parameters makes its batches smaller than
PostgreSQL's 500 rows), never one per notification."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import reminders
from notifications.models import Notification

from .conftest import at, many_cells


def queries_for_a_run(when) -> tuple[int, int]:
    """(other queries, inserts) of one run at `when`."""
    with CaptureQueriesContext(connection) as queries:
        reminders.run(now=when)
    inserts = sum(1 for q in queries.captured_queries if q["sql"].startswith("INSERT"))
    return len(queries) - inserts, inserts


def test_the_reminder_run_costs_the_same_queries_for_10_cells_as_for_60(world):
    # 20/12/2026: a meeting tomorrow without a committee session, last month's minutes not adopted, and the
    # quarter ends without a thematic meeting: every kind of reminder in one run.
    tomorrow, last_month = at(2026, 12, 21, 14, 0), at(2026, 11, 21, 14, 0)
    many_cells(world.branch_a, 10, meeting_at=tomorrow, closed_at=last_month, officer=world.officer)
    reads_10, _ = queries_for_a_run(at(2026, 12, 20, 8, 5))
    told_10 = Notification.objects.count()

    Notification.objects.all().delete()
    many_cells(world.branch_b, 50, meeting_at=tomorrow, closed_at=last_month, officer=world.officer)
    reads_60, inserts_60 = queries_for_a_run(at(2026, 12, 20, 8, 5))
    told_60 = Notification.objects.count()

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {
        "committee_session",
        "escalation",
        "meeting_reminder",
        "minutes_chase",
        "thematic_missing",
    } <= kinds
    assert told_60 >= told_10 + 5 * 50  # the run really did six times the work ...
    assert reads_60 == reads_10  # ... reading with the same queries ...
    assert inserts_60 <= told_60 // 50  # ... and writing in batches
