"""Importing a member list from CSV or XLSX: every row checked on a preview, nothing written before the
committee confirms, then the whole file or nothing."""

import csv
import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Member, MemberImport

from ..factories import MemberFactory
from .pages import page_text, table_rows, vi

HEADER = ["Họ và tên", "Giới tính", "Ngày sinh", "Số thẻ đảng", "Ngày vào Đảng", "Chi bộ"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_file(rows, name="danh-sach.csv", *, delimiter=",", encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_file(rows, name="danh-sach.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows), content_type=XLSX_TYPE)


def upload(client, cell, file):
    return client.post(reverse("members:import_upload", args=[cell.pk]), {"file": file})


def preview_rows(response) -> dict[int, str]:
    """Preview table: row number → the text of that row (values and problems)."""
    return {int(cells[0]): " ".join(cells[1:]) for cells in table_rows(response) if cells[0].isdigit()}


def uploaded(client, cell, file):
    """Uploads the file and returns (pending import, preview page)."""
    response = upload(client, cell, file)
    assert response.status_code == 302, page_text(response)
    pending = MemberImport.objects.latest("pk")
    assert response["Location"] == reverse("members:import_preview", args=[pending.pk])
    return pending, client.get(response["Location"])


def confirm(client, pending, **kwargs):
    return client.post(reverse("members:import_confirm", args=[pending.pk]), **kwargs)


def test_preview_lists_every_row_with_its_problems(world, login):
    MemberFactory(cell=world.other_cell, card_number="12.000001")
    client = login("secretary")
    before = Member.objects.count()
    rows = [
        HEADER,
        ["Trần Văn Mới", "Nam", "01/02/1990", "12.100001", "19/05/2015", ""],
        ["", "Nữ", "03/04/1991", "12.100002", "", ""],
        ["Lê Thị Hoa", "Nữ", "31/02/1990", "", "", ""],
        ["Phan Văn Tư", "Nam", "", "12.000001", "", ""],
        ["Đỗ Minh Khôi", "Nam", "", "12.100001", "", ""],
        ["Ngô Thị Lan", "Nữ", "", "", "", "Chi bộ Không Tồn Tại"],
        ["Hồ Văn Sáu", "Nam", "", "", "", "Chi bộ B1"],  # exists, but not a cell this secretary runs
    ]

    pending, page = uploaded(client, world.cell, csv_file(rows))

    shown = preview_rows(page)
    assert sorted(shown) == [2, 3, 4, 5, 6, 7, 8]
    assert "Trần Văn Mới" in shown[2] and vi("OK") in shown[2]
    assert vi("Missing full name.") in shown[3]
    bad_date = vi(
        "Bad %(field)s “%(value)s”: write it as dd/mm/yyyy.", field=vi("date of birth"), value="31/02/1990"
    )
    assert bad_date in shown[4]
    assert vi("Party card number %(card)s already belongs to a member.", card="12.000001") in shown[5]
    assert vi("Party card number %(card)s is repeated from row %(row)d.", card="12.100001", row=2) in shown[6]
    assert vi("Unknown cell “%(name)s”.", name="Chi bộ Không Tồn Tại") in shown[7]
    assert vi("Unknown cell “%(name)s”.", name="Chi bộ B1") in shown[8]
    assert reverse("members:import_confirm", args=[pending.pk]) not in page.content.decode()
    assert Member.objects.count() == before


def test_confirm_writes_every_row_and_nothing_before(world, login):
    client = login("secretary")
    before = Member.objects.count()
    rows = [
        HEADER + ["Ngày chính thức", "Email"],
        ["Trần  Văn Mới", "Nam", "01/02/1990", "12.100001", "19/05/2015", "", "20/05/2016", "moi@example.vn"],
        ["Lê Thị Hoa", "nữ", "1991-04-03", "12.100002", "02/09/2012", "A1", "02/09/2013", ""],
        ["Phan Văn Tư", "", "", "", "", "", "", ""],
    ]

    pending, page = uploaded(client, world.cell, csv_file(rows))

    assert page.status_code == 200
    assert sorted(preview_rows(page)) == [2, 3, 4]
    assert Member.objects.count() == before  # the preview wrote nothing

    response = confirm(client, pending, follow=True)

    assert response.redirect_chain[-1][0] == world.cell.get_absolute_url()
    assert vi("%(n)d members were imported.", n=3) in page_text(response)
    assert Member.objects.count() == before + 3
    moi = Member.objects.get(card_number="12.100001")
    assert moi.full_name == "Trần Văn Mới"
    assert moi.cell == world.cell
    assert moi.gender == Member.Gender.MALE
    assert moi.birth_date == dt.date(1990, 2, 1)
    assert moi.official_date == dt.date(2016, 5, 20)
    assert moi.email == "moi@example.vn"
    hoa = Member.objects.get(card_number="12.100002")
    assert (hoa.gender, hoa.birth_date, hoa.cell) == (Member.Gender.FEMALE, dt.date(1991, 4, 3), world.cell)
    for member in (moi, hoa, Member.objects.get(full_name="Phan Văn Tư")):
        assert member.memberships.get(ended_on__isnull=True).cell == world.cell
    assert "Phan Văn Tư" in page_text(client.get(world.cell.get_absolute_url()))


def test_recent_admission_without_official_date_is_imported_as_probationary(world, login):
    client = login("secretary")
    admitted = timezone.localdate() - dt.timedelta(days=60)
    rows = [HEADER, ["Lâm Gia Huy", "Nam", "", "", admitted.strftime("%d/%m/%Y"), ""]]
    pending, _page = uploaded(client, world.cell, csv_file(rows))

    confirm(client, pending)

    huy = Member.objects.get(full_name="Lâm Gia Huy")
    assert huy.status == Member.Status.PROBATIONARY
    assert huy.official_date is None
    assert huy.memberships.get().started_on == admitted


def test_a_row_may_name_another_cell_the_user_may_write_to(world, login):
    client = login("admin")
    rows = [
        HEADER,
        ["Trương Quang Vinh", "Nam", "", "", "", "Chi bộ A2"],
        ["Châu Ngọc Bích", "Nữ", "", "", "", ""],
    ]
    pending, _page = uploaded(client, world.cell, csv_file(rows))

    confirm(client, pending)

    assert Member.objects.get(full_name="Trương Quang Vinh").cell == world.cell_a2
    assert Member.objects.get(full_name="Châu Ngọc Bích").cell == world.cell


def test_xlsx_with_real_dates_and_numbers(world, login):
    client = login("secretary")
    rows = [
        HEADER,
        ["Nguyễn Hoàng Phúc", "Nam", dt.datetime(1990, 2, 1), 123456, dt.date(2015, 5, 19), None],
        ["Võ Thị Ngọc Hà", "Nữ", "03/04/1991", "12.100002", None, None],
    ]
    pending, page = uploaded(client, world.cell, xlsx_file(rows))

    shown = preview_rows(page)
    assert "Nguyễn Hoàng Phúc 01/02/1990 123456 19/05/2015" in shown[2]
    assert "Võ Thị Ngọc Hà" in shown[3]

    confirm(client, pending)

    phuc = Member.objects.get(full_name="Nguyễn Hoàng Phúc")
    assert (phuc.birth_date, phuc.card_number, phuc.admission_date) == (
        dt.date(1990, 2, 1),
        "123456",
        dt.date(2015, 5, 19),
    )
    assert Member.objects.get(full_name="Võ Thị Ngọc Hà").birth_date == dt.date(1991, 4, 3)


def test_semicolon_separated_csv_is_read(world, login):
    client = login("secretary")
    rows = [HEADER, ["Trần Văn Mới", "Nam", "01/02/1990", "12.100001", "", ""]]
    pending, page = uploaded(client, world.cell, csv_file(rows, delimiter=";"))

    assert "Trần Văn Mới 01/02/1990 12.100001" in preview_rows(page)[2]
    confirm(client, pending)
    assert Member.objects.get(card_number="12.100001").birth_date == dt.date(1990, 2, 1)


def _cp1258(text: str) -> bytes:
    """Text as Excel saves it in Windows-1258: base letters precomposed, tone marks as separate characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_csv_saved_by_excel_in_windows_1258_keeps_the_names_as_typed(world, login):
    client = login("secretary")
    text = "Họ và tên,Ngày sinh\r\nNguyễn Thị Ánh Tuyết,01/02/1990\r\n"
    upload_file = SimpleUploadedFile("danh-sach.csv", _cp1258(text), content_type="text/csv")
    pending, page = uploaded(client, world.cell, upload_file)

    confirm(client, pending)

    # Stored in the same form as a name typed in the browser, so it sorts and matches like one.
    member = Member.objects.get(birth_date=dt.date(1990, 2, 1))
    assert member.full_name == "Nguyễn Thị Ánh Tuyết"


def test_row_numbers_match_the_spreadsheet_when_it_has_blank_rows(world, login):
    client = login("secretary")
    rows = [
        HEADER,
        ["Trần Văn Mới", "Nam", "01/02/1990", "", "", ""],
        [None] * 6,
        ["Lê Thị Hoa", "Nữ", "31/02/1990", "", "", ""],
    ]
    _pending, page = uploaded(client, world.cell, xlsx_file(rows))

    shown = preview_rows(page)
    assert sorted(shown) == [2, 4]  # Excel shows Lê Thị Hoa on row 4
    assert "Lê Thị Hoa" in shown[4] and "31/02/1990" in shown[4]


def test_birth_date_in_the_future_is_a_problem_on_the_preview(world, login):
    client = login("secretary")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    rows = [HEADER, ["Trần Văn Mới", "Nam", tomorrow.strftime("%d/%m/%Y"), "", "", ""]]
    pending, page = uploaded(client, world.cell, csv_file(rows))

    assert vi("The date of birth cannot be in the future.") in preview_rows(page)[2]
    assert reverse("members:import_confirm", args=[pending.pk]) not in page.content.decode()


def test_file_with_problems_cannot_be_confirmed(world, login):
    client = login("secretary")
    before = Member.objects.count()
    rows = [HEADER, ["Trần Văn Mới", "Nam", "", "", "", ""], ["", "Nữ", "", "", "", ""]]
    pending, _page = uploaded(client, world.cell, csv_file(rows))

    response = confirm(client, pending, follow=True)

    assert vi("Some rows have problems; fix the file and upload it again.") in page_text(response)
    assert Member.objects.count() == before


def test_row_that_became_invalid_after_the_preview_stops_the_whole_import(world, login):
    client = login("secretary")
    before = Member.objects.count()
    rows = [
        HEADER,
        ["Trần Văn Mới", "Nam", "", "12.100001", "", ""],
        ["Lê Thị Hoa", "Nữ", "", "12.100002", "", ""],
        ["Phan Văn Tư", "Nam", "", "12.100003", "", ""],
    ]
    pending, page = uploaded(client, world.cell, csv_file(rows))
    assert all(vi("OK") in text for text in preview_rows(page).values())
    # Meanwhile someone else records a member with the card number of row 4.
    MemberFactory(cell=world.other_cell, card_number="12.100003")

    response = confirm(client, pending, follow=True)

    assert response.redirect_chain[-1][0] == reverse("members:import_preview", args=[pending.pk])
    assert vi("Some rows have problems; fix the file and upload it again.") in page_text(response)
    assert Member.objects.count() == before + 1  # only the other cell's new member: no row of the file
    assert not Member.objects.filter(card_number__in=["12.100001", "12.100002"]).exists()
    assert (
        vi("Party card number %(card)s already belongs to a member.", card="12.100003")
        in (preview_rows(response)[4])
    )
    pending.refresh_from_db()
    assert pending.applied_at is None


def test_confirming_twice_writes_the_file_once(world, login):
    client = login("secretary")
    rows = [HEADER, ["Trần Văn Mới", "Nam", "", "", "", ""], ["Lê Thị Hoa", "Nữ", "", "", "", ""]]
    pending, _page = uploaded(client, world.cell, csv_file(rows))
    confirm(client, pending)

    response = confirm(client, pending, follow=True)

    assert vi("This file has already been imported.") in page_text(response)
    assert Member.objects.filter(full_name="Trần Văn Mới").count() == 1


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x03\x00\x3e\x00" * 64


def _damaged_xlsx() -> bytes:
    """A real XLSX whose sheet XML was cut off, as a broken download or a crashed save leaves it."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([HEADER, ["Trần Văn Mới"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for name in good.namelist():
            data = good.read(name)
            damaged.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("list.xlsx", ELF, "This file is not a valid Excel (XLSX) file."),
        ("list.csv", ELF, "Please upload an Excel (XLSX) or CSV file."),
        ("list.xlsx", b"PK\x03\x04 not really a zip file", "This file is not a valid Excel (XLSX) file."),
        ("list.xlsx", _damaged_xlsx(), "This file is not a valid Excel (XLSX) file."),
    ],
    ids=["elf-named-xlsx", "elf-named-csv", "fake-zip", "damaged-xlsx"],
)
def test_file_that_is_not_a_member_list_is_refused_with_a_message(world, login, filename, data, message):
    client = login("secretary")

    response = upload(client, world.cell, SimpleUploadedFile(filename, data))

    assert response.status_code == 200
    assert vi(message) in response.context["form"].errors["file"]
    assert vi(message) in page_text(response)
    assert not MemberImport.objects.exists()


def test_header_without_the_name_column_is_refused_with_a_message(world, login):
    client = login("secretary")
    rows = [["Tên", "Ngày sinh"], ["Trần Văn Mới", "01/02/1990"]]

    response = upload(client, world.cell, csv_file(rows))

    assert response.status_code == 200
    expected = vi("The first row must hold the column names; the column “Họ và tên” was not found.")
    assert expected in page_text(response)
    assert not MemberImport.objects.exists()


def test_an_import_takes_both_admission_dates(world, login):
    client = login("secretary")
    header = ["Họ và tên", "Ngày vào Đảng", "Ngày lễ kết nạp", "Chi bộ"]
    rows = [
        header,
        ["Nguyễn Hoàng Phúc", "20/10/1976", "15/11/1976", ""],
        ["Võ Thị Ngọc Hà", "01/03/2015", "", ""],  # only the decision: it serves both, as before
        ["Trần Văn Ngược", "15/11/2015", "20/10/2015", ""],
    ]
    pending, page = uploaded(client, world.cell, csv_file(rows))

    shown = preview_rows(page)
    assert "20/10/1976 15/11/1976 Chi bộ A1" in shown[2]
    assert vi("The admission ceremony is before the admission decision.") in shown[4]

    rows.pop()
    pending, page = uploaded(client, world.cell, csv_file(rows))
    confirm(client, pending)

    phuc = Member.objects.get(full_name="Nguyễn Hoàng Phúc")
    assert (phuc.admission_decision_date, phuc.admission_date) == (
        dt.date(1976, 10, 20),
        dt.date(1976, 11, 15),
    )
    assert phuc.party_years(dt.date(2026, 11, 1)) == 50
    ha = Member.objects.get(full_name="Võ Thị Ngọc Hà")
    assert (ha.admission_decision_date, ha.admission_date) == (dt.date(2015, 3, 1), dt.date(2015, 3, 1))
