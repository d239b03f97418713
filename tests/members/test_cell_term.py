"""Every cell has its committee term: minutes and resolutions are numbered from 01 in each term
(DOMAIN.md §4.2), so the term is recorded with the cell, kept by its settings page, and filled for the cells
that had none by a data migration."""

import importlib

from django.apps import apps
from django.urls import reverse

from members.models import Organization

from ..factories import make_org
from .pages import form_values, page_text, vi

NO_TERM = (
    "Record the cell's committee term (e.g. 2025–2030) in the cell's settings: "
    "minutes are numbered from 01 in each term."
)


def settings_form(cell, **changes) -> dict:
    data = {
        "name": cell.name,
        "code": cell.code,
        "term": cell.term,
        "place": cell.place,
        "meeting_day": cell.meeting_day or "",
        "meeting_time": "",
        "meeting_place": cell.meeting_place,
    }
    return {**data, **changes}


def test_cell_settings_refuse_an_empty_committee_term_and_keep_what_was_typed(world, login):
    client = login("secretary")
    url = reverse("members:cell_settings", args=[world.cell.pk])

    response = client.post(url, settings_form(world.cell, term="", place="Phòng họp mới"))

    assert vi(NO_TERM) in page_text(response)
    assert form_values(response)["place"] == "Phòng họp mới"
    world.cell.refresh_from_db()
    assert world.cell.term == "2025–2030"


def test_cell_settings_record_a_new_committee_term(world, login):
    client = login("secretary")
    url = reverse("members:cell_settings", args=[world.cell.pk])

    client.post(url, settings_form(world.cell, term="2030–2035"))

    world.cell.refresh_from_db()
    assert world.cell.term == "2030–2035"


def test_the_migration_gives_every_cell_without_a_term_one(world):
    fill_terms = importlib.import_module("members.migrations.0005_cell_committee_term").fill_terms
    world.branch_a.term = "2020–2025"
    world.branch_a.save(update_fields=["term"])
    lone = make_org("Chi bộ D1", Organization.Kind.CELL, world.branch_b)
    Organization.objects.filter(pk__in=[world.cell.pk, world.cell_a2.pk, lone.pk]).update(term="")
    world.cell.roles.update(term="2025–2030")

    fill_terms(apps, None)

    terms = dict(Organization.objects.filter(kind__in=Organization.CELL_KINDS).values_list("name", "term"))
    assert terms["Chi bộ A1"] == "2025–2030"  # from the cell's own posts
    assert terms["Chi bộ A2"] == "2020–2025"  # from the committee above
    assert terms["Chi bộ D1"] == "2025–2030"  # the current term of grassroots congresses
    assert all(terms.values())
