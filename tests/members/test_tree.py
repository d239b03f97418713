"""The organisation tree: everything below the reader's post, with members counted up the branches."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Organization

from ..factories import MemberFactory, make_org
from .pages import table_rows

K = Organization.Kind


def tree(response) -> dict[str, tuple[str, str]]:
    """Tree table: organisation name → (cells, members) as shown."""
    names = sorted(Organization.objects.values_list("name", flat=True), key=len, reverse=True)
    rows = {}
    for cells in table_rows(response)[1:]:
        # The first cell shows the name, then the kind of organisation.
        name = next(n for n in names if cells[0].startswith(n + " "))
        rows[name] = (cells[1], cells[2])
    return rows


def test_reviewer_sees_every_organisation_with_members_counted_up_the_branches(world, login):
    MemberFactory(cell=world.other_cell, left_on=dt.date(2026, 1, 1))  # left the roll: not counted

    shown = tree(login("reviewer").get(reverse("members:tree")))

    assert shown == {
        "Đảng ủy Khối Thử nghiệm": ("4", "7"),
        "Đảng bộ A": ("2", "5"),
        "Chi bộ A1": ("", "4"),
        "Chi bộ A2": ("", "1"),
        "Đảng bộ B": ("1", "1"),
        "Chi bộ B1": ("", "1"),
        "Chi bộ Cơ quan": ("", "1"),
    }


def test_tree_is_in_tree_order_with_children_indented(world, login):
    response = login("reviewer").get(reverse("members:tree"))

    names = [r["org"].name for r in response.context["rows"]]
    indents = [r["indent"] for r in response.context["rows"]]
    # Siblings keep the order they were created in (the tree never renumbers existing paths).
    assert names == [
        "Đảng ủy Khối Thử nghiệm",
        "Đảng bộ A",
        "Chi bộ A1",
        "Chi bộ A2",
        "Đảng bộ B",
        "Chi bộ B1",
        "Chi bộ Cơ quan",
    ]
    assert indents == [0, 1, 2, 2, 1, 2, 1]


def test_branch_committee_member_sees_only_their_branch(world, login):
    shown = tree(login("officer").get(reverse("members:tree")))

    assert shown == {"Đảng bộ A": ("2", "5"), "Chi bộ A1": ("", "4"), "Chi bộ A2": ("", "1")}


def test_cells_at_any_depth_in_one_query(world, django_assert_num_queries):
    deep_committee = make_org("Đảng bộ bộ phận A3", K.GRASSROOTS, world.branch_a)
    deep_cell = make_org("Chi bộ A3-1", K.CELL, deep_committee)

    with django_assert_num_queries(1):
        under_a = list(Organization.objects.under(world.branch_a).cells())
    with django_assert_num_queries(1):
        under_root = list(Organization.objects.under(world.root).cells())

    assert set(under_a) == {world.cell, world.cell_a2, deep_cell}
    office = Organization.objects.get(name="Chi bộ Cơ quan")
    assert set(under_root) == {world.cell, world.cell_a2, deep_cell, world.other_cell, office}


def _add_cells(parent, n):
    for i in range(n):
        cell = make_org(f"Chi bộ C{i:02d}", K.CELL, parent)
        MemberFactory(cell=cell)
        MemberFactory(cell=cell)


def _queries_for_tree(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("members:tree")).status_code == 200
    return len(queries)


def test_tree_page_queries_do_not_grow_with_the_number_of_cells(world, login, django_assert_num_queries):
    client = login("reviewer")
    branch_c = make_org("Đảng bộ C", K.GRASSROOTS, world.root)
    _add_cells(branch_c, 2)
    with_two = _queries_for_tree(client)

    _add_cells(make_org("Đảng bộ D", K.GRASSROOTS, world.root), 18)

    with django_assert_num_queries(with_two):
        response = client.get(reverse("members:tree"))
    assert tree(response)["Đảng ủy Khối Thử nghiệm"] == ("24", str(7 + 40))
