import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import access
from core.spreadsheets import append_row

from .. import importing
from ..forms import ImportUploadForm
from ..models import Member, MemberImport
from ..services import apply_import


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    cell, _may = access.organization_for(request.user, pk, need="manage")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = importing.read_table(upload.read(), upload.name)
            importing.check_rows(table, default_cell=cell, cells=access.cells_managed_by(request.user, cell))
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            pending = MemberImport.objects.create(
                organization=cell, filename=upload.name[:255], table=table, created_by=request.user
            )
            return redirect("members:import_preview", pending.pk)
    return render(request, "members/import_upload.html", {"form": form, "cell": cell})


@login_required
def import_preview(request, pk):
    pending, may = access.import_for(request.user, pk)
    cells = list(may.cells)
    rows = importing.check_rows(pending.table, default_cell=pending.organization, cells=cells)
    names = {c.pk: c.name for c in cells}
    for row in rows:
        row.cell_name = names.get(row.values.get("cell_id"), "")
    context = {
        "pending": pending,
        "rows": rows,
        "n_bad": sum(1 for r in rows if not r.ok),
        "cell": pending.organization,
    }
    return render(request, "members/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request, pk):
    pending, may = access.import_for(request.user, pk)
    try:
        n = apply_import(member_import=pending, cells=list(may.cells), by=request.user)
    except (ValidationError, importing.ImportFileError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("members:import_preview", pending.pk)
    messages.success(request, _("%(n)d members were imported.") % {"n": n})
    return redirect(pending.organization)


@login_required
def export(request, pk):
    """The cell's roster as XLSX, with the same columns the import reads."""
    import openpyxl

    cell, _may = access.cell_for(request.user, pk, need="read")
    members = Member.objects.current().filter(cell=cell)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sach"
    append_row(
        sheet,
        [
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "Số thẻ đảng",
            "Ngày vào Đảng",
            "Ngày lễ kết nạp",
            "Ngày chính thức",
            "Chi bộ",
            "Email",
            "Điện thoại",
            "Chức vụ",
        ],
    )
    for m in members:
        append_row(
            sheet,
            [
                m.full_name,
                m.get_gender_display(),
                _d(m.birth_date),
                m.card_number or "",
                _d(m.admission_decision_date),
                _d(m.admission_date),
                _d(m.official_date),
                cell.name,
                m.email,
                m.phone,
                m.position,
            ],
        )
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="danh-sach-{cell.pk}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


def _d(day):
    return day.strftime("%d/%m/%Y") if day else ""
