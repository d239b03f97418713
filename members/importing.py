"""Reading a member list from XLSX or CSV and checking every row before anything is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Member, Organization

MAX_ROWS = 5000

# Column headers as committees write them, compared without accents or case.
COLUMNS = {
    "full_name": ["ho va ten", "ho ten", "full name", "name"],
    "gender": ["gioi tinh", "gender"],
    "birth_date": ["ngay sinh", "date of birth", "birth date"],
    "card_number": ["so the dang", "so the", "the dang vien", "card number"],
    # "Ngày vào Đảng" on the party card is the date in the admission decision (party age); the ceremony
    # follows it. A file with only one of the two dates gives it to both, as before there were two.
    "admission_decision_date": ["ngay vao dang", "ngay quyet dinh ket nap", "admission decision date"],
    "admission_date": ["ngay le ket nap", "ngay ket nap", "admission ceremony date", "admission date"],
    "official_date": ["ngay chinh thuc", "official date"],
    "cell": ["chi bo", "cell"],
    "email": ["email", "thu dien tu"],
    "phone": ["dien thoai", "so dien thoai", "phone"],
    "position": ["chuc vu", "chuc danh", "position", "job title"],
}
GENDERS = {
    "nam": Member.Gender.MALE,
    "male": Member.Gender.MALE,
    "nu": Member.Gender.FEMALE,
    "female": Member.Gender.FEMALE,
}
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
# Checked on the preview: a longer value would only be refused when the import is confirmed.
LENGTHS = {
    key: Member._meta.get_field(key).max_length for key in ("card_number", "email", "phone", "position")
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


def fold(text: str) -> str:
    """Lower case without diacritics: 'Ngày vào Đảng' -> 'ngay vao dang'."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().replace("_", " ").split())


@dataclass
class Row:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """Cells as text, from the first sheet of an XLSX file or from a CSV file (UTF-8 or Excel's cp1258)."""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("This file is not a valid Excel (XLSX) file."))
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("Please upload an Excel (XLSX) or CSV file."))
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is not in a readable text encoding; save it as UTF-8."))
    # cp1258 (and macOS) write tone marks as separate characters; store names as a browser types them.
    # A NUL deep in a damaged file is dropped: PostgreSQL stores no NUL in text or JSON.
    text = unicodedata.normalize("NFC", text).replace("\x00", "")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        # newline="": the csv module reads line ends itself (a lone CR inside a field is data, not an error).
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error:
        raise ImportFileError(
            _("The CSV file is damaged and cannot be read; save it again as CSV.")
        ) from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    import openpyxl

    # A damaged file fails while the sheet is read (read-only mode parses lazily), so the loop is inside.
    # XML errors are SyntaxError subclasses, with or without lxml.
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, IndexError):
        raise ImportFileError(_("This file is not a valid Excel (XLSX) file.")) from None
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "").strip()


def map_header(header: list[str]) -> dict[str, int]:
    folded = [fold(h) for h in header]
    mapping = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(folded):
            if h in names:
                mapping[key] = i
                break
    if "full_name" not in mapping:
        raise ImportFileError(
            _("The first row must hold the column names; the column “Họ và tên” was not found.")
        )
    return mapping


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def check_rows(table: list[list[str]], *, default_cell: Organization, cells: list[Organization]) -> list[Row]:
    """Every row with its problems. `cells` are the cells the importing user may write to."""
    # Blank rows are skipped but still counted, so row numbers match what the spreadsheet shows.
    numbered = [(n, r) for n, r in enumerate(table, start=1) if any(c.strip() for c in r)]
    if len(numbered) < 2:
        raise ImportFileError(_("The file has no member rows under its header."))
    if len(numbered) > MAX_ROWS + 1:
        raise ImportFileError(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})
    mapping = map_header(numbered[0][1])
    by_name = {fold(c.name): c for c in cells}
    by_name.update({fold(c.name.removeprefix("Chi bộ ").strip()): c for c in cells})
    existing_cards = set(
        Member.objects.exclude(card_number__isnull=True).values_list("card_number", flat=True)
    )
    seen_cards: dict[str, int] = {}
    rows = []
    for number, raw in numbered[1:]:
        values = {key: (raw[i].strip() if i < len(raw) else "") for key, i in mapping.items()}
        values = dict.fromkeys(COLUMNS, "") | values
        row = Row(number=number, values=values)
        _check_row(row, default_cell, by_name, existing_cards, seen_cards)
        rows.append(row)
    return rows


def _check_row(row, default_cell, by_name, existing_cards, seen_cards):
    v = row.values
    if not v.get("full_name"):
        row.errors.append(_("Missing full name."))
    elif len(v["full_name"]) > 150:
        row.errors.append(_("The name is longer than 150 characters."))
    gender = v.get("gender", "")
    if gender and fold(gender) not in GENDERS:
        row.errors.append(_("Gender “%(value)s” is not Nam or Nữ.") % {"value": gender})
    dates = {}
    labels = {
        "birth_date": _("date of birth"),
        "admission_decision_date": _("admission decision date"),
        "admission_date": _("admission ceremony date"),
        "official_date": _("official date"),
    }
    for key, label in labels.items():
        try:
            dates[key] = parse_date(v.get(key, ""))
        except ValueError:
            row.errors.append(
                _("Bad %(field)s “%(value)s”: write it as dd/mm/yyyy.") % {"field": label, "value": v[key]}
            )
    if dates.get("birth_date") and dates["birth_date"] > timezone.localdate():
        # Member.clean refuses it too, but at confirm time and without the row number.
        row.errors.append(_("The date of birth cannot be in the future."))
    decided = dates.get("admission_decision_date")
    ceremony = dates.get("admission_date") or decided
    if ceremony and dates.get("official_date"):
        if dates["official_date"] < ceremony:
            row.errors.append(_("The official date is before the admission date."))
    if decided and ceremony and ceremony < decided:
        row.errors.append(_("The admission ceremony is before the admission decision."))
    for key, limit in LENGTHS.items():
        if len(v.get(key, "")) > limit:
            row.errors.append(
                _("The %(field)s is longer than %(max)d characters.")
                % {"field": Member._meta.get_field(key).verbose_name, "max": limit}
            )
    card = v.get("card_number", "")
    if card:
        if card in existing_cards:
            row.errors.append(_("Party card number %(card)s already belongs to a member.") % {"card": card})
        elif card in seen_cards:
            row.errors.append(
                _("Party card number %(card)s is repeated from row %(row)d.")
                % {"card": card, "row": seen_cards[card]}
            )
        else:
            seen_cards[card] = row.number
    if v.get("email"):
        try:
            validate_email(v["email"])
        except ValidationError:
            row.errors.append(_("Bad email address “%(value)s”.") % {"value": v["email"]})
    cell_name = v.get("cell", "")
    if cell_name:
        cell = by_name.get(fold(cell_name)) or by_name.get(fold(cell_name.removeprefix("Chi bộ ").strip()))
        if cell is None:
            row.errors.append(_("Unknown cell “%(name)s”.") % {"name": cell_name})
        else:
            v["cell_id"] = cell.pk
    else:
        v["cell_id"] = default_cell.pk


def member_from_row(values: dict) -> Member:
    official = parse_date(values.get("official_date", ""))
    decided = parse_date(values.get("admission_decision_date", ""))
    admission = parse_date(values.get("admission_date", "")) or decided
    return Member(
        full_name=" ".join(values["full_name"].split()),
        gender=GENDERS.get(fold(values.get("gender", "")), ""),
        birth_date=parse_date(values.get("birth_date", "")),
        card_number=values.get("card_number") or None,
        admission_decision_date=decided or admission,
        admission_date=admission,
        official_date=official,
        status=Member.Status.OFFICIAL if official or not admission else _probation_status(admission),
        cell_id=values["cell_id"],
        email=values.get("email", "")[:254],
        phone=values.get("phone", "")[:20],
        position=values.get("position", "")[:150],
    )


def _probation_status(admission: dt.date) -> str:
    """Admitted under a year ago and no official date: still probationary."""
    if (timezone.localdate() - admission).days < 366:
        return Member.Status.PROBATIONARY
    return Member.Status.OFFICIAL
