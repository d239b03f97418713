"""The dashboard reads one table: its query count is small and the same for 3 cells as for 40 (STYLE.md S2)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations.models import CellMonth
from members.models import Organization, Role

from ..factories import RoleFactory

# session, user, access (member; posts and supervisions), organisation, trend (with the level counts and the
# number of cells with alerts), a page of rows, the alert list, sub-committees, unread count, the reviewer's
# "To do" count in the bar (one query for all its parts, evaluations/inbox.count)
DASHBOARD_QUERIES = 10


@pytest.mark.parametrize("cells", [3, 40])
def test_the_dashboard_costs_the_same_queries_for_3_and_40_cells(
    world, login, clock, django_assert_num_queries, cells
):
    call_command("seed_scale", cells=cells, months=2, stdout=io.StringIO())
    root = Organization.objects.get(name="Đảng ủy Khối quy mô")
    RoleFactory(member=world.reviewer, organization=root, kind=Role.Kind.REVIEWER)
    period = CellMonth.objects.filter(cell__path__startswith=root.path).latest("period").period
    expected_rows = CellMonth.objects.filter(period=period, cell__path__startswith=root.path).count()
    assert expected_rows >= cells - 3  # a few cells skip a month
    client = login("reviewer")
    url = reverse("evaluations:dashboard", args=[root.pk])

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url, {"period": f"{period:%Y-%m}", "sort": "-attendance"})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == expected_rows
    assert DASHBOARD_QUERIES <= 10
