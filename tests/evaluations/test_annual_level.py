"""The cell's yearly proposal from its monthly levels (DOMAIN.md §3.2, Phú Thọ): tốt needs every meeting khá or
better and at least 7 tốt; khá needs every meeting at least trung bình."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import CellMonth
from evaluations.services import annual_level

from .conftest import text, vi


@pytest.mark.parametrize(
    ("levels", "proposal"),
    [
        (["tot"] * 12, "tot"),
        (["tot"] * 7 + ["kha"] * 5, "tot"),
        (["tot"] * 7, "tot"),
        (["tot"] * 6 + ["kha"] * 6, "kha"),
        (["kha"] * 12, "kha"),
        (["tot"] * 7 + ["kha"] * 4 + ["tb"], "kha"),
        (["tot"] * 11 + ["tb"], "kha"),
        (["tb"] * 12, "kha"),
    ],
)
def test_yearly_proposal(levels, proposal):
    assert annual_level(levels) == proposal


def test_a_kem_month_rules_out_kha_and_tot():
    assert annual_level(["tot"] * 11 + ["kem"]) not in ("tot", "kha")


def test_a_year_of_mostly_kem_is_kem():
    assert annual_level(["kem"] * 7 + ["tb"] * 5) == "kem"


def test_the_number_of_tot_months_is_configurable():
    levels = ["tot"] * 5 + ["kha"] * 5
    assert annual_level(levels) == "kha"
    assert annual_level(levels, top_count=5) == "tot"


def test_no_scored_month_no_proposal():
    assert annual_level([]) == ""
    assert annual_level(["", ""]) == ""


def test_a_month_over_without_a_scored_meeting_rules_out_kha_and_tot():
    assert annual_level(["tot"] * 11 + [""]) not in ("tot", "kha")


def test_the_cell_page_counts_a_month_without_a_meeting_against_the_year(world, login, clock):
    months(world.cell, 2026, ["tot"] * 7 + ["kha"] * 2)
    CellMonth.objects.create(
        cell=world.cell, period=dt.date(2026, 10, 1), held=False
    )  # no meeting in October
    CellMonth.objects.create(cell=world.cell, period=dt.date(2026, 11, 1), held=False)  # November is not over

    response = login("secretary").get(reverse("evaluations:cell", args=[world.cell.pk]))

    assert response.context["proposals"] == {2026: "Trung bình"}


def months(cell, year, levels):
    CellMonth.objects.bulk_create(
        CellMonth(
            cell=cell,
            period=dt.date(year, i + 1, 1),
            held=True,
            score=Decimal({"tot": 92, "kha": 80, "tb": 60, "kem": 40}[level]),
            level=level,
        )
        for i, level in enumerate(levels)
    )


def test_the_cell_page_proposes_a_level_per_year(world, login, clock):
    months(world.cell, 2025, ["tot"] * 12)
    months(world.cell, 2026, ["tot"] * 7 + ["kha"] * 3 + ["tb"])

    response = login("secretary").get(reverse("evaluations:cell", args=[world.cell.pk]))

    assert response.context["proposals"] == {2026: "Khá", 2025: "Tốt"}
    page = text(response)
    assert vi("Yearly level proposed from the monthly levels") in page
    for period in ("11/2026", "01/2026", "12/2025"):
        assert period in page


def test_the_cell_page_proposes_tot_for_a_year_that_earned_it(world, login, clock):
    months(world.cell, 2026, ["tot"] * 7 + ["kha"] * 4)

    response = login("secretary").get(reverse("evaluations:cell", args=[world.cell.pk]))

    assert response.context["proposals"] == {2026: "Tốt"}
