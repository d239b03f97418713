from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import access
from core.downloads import document_name
from meetings.uploads import ALLOWED

from ..forms import DocumentForm
from ..models import Document


def _store(form: DocumentForm, *, by, **owner) -> Document:
    upload = form.cleaned_data["file"]
    return Document.objects.create(
        title=form.cleaned_data["title"],
        file=upload,
        original_name=upload.name[:255],
        content_type=form.content_type,
        size=upload.size,
        uploaded_by=by,
        **owner,
    )


@login_required
@require_POST
def meeting_document_add(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="manage")
    form = DocumentForm(request.POST, request.FILES, meeting=meeting)
    try:
        meeting.check_allows("edit_agenda")
    except ValidationError as error:
        form.add_error(None, error)
    if form.is_valid():
        _store(form, by=request.user, meeting=meeting, agenda_item=form.cleaned_data["agenda_item"])
        messages.success(request, _("The document was attached."))
        return redirect(meeting)
    return render(request, "meetings/document_form.html", {"form": form, "meeting": meeting}, status=422)


@login_required
@require_POST
def guidance_document_add(request, pk):
    guidance, _may = access.guidance_for(request.user, pk, need="manage")
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        _store(form, by=request.user, guidance=guidance)
        messages.success(request, _("The document was attached."))
        return redirect(guidance)
    return render(request, "meetings/document_form.html", {"form": form, "guidance": guidance}, status=422)


@login_required
def document_download(request, pk):
    document, _may = access.document_for(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # The uploader's name, cleaned, under the extension of the checked type (never the name's own).
    filename = document_name(document.original_name, extension=ALLOWED.get(document.content_type, "bin"))
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=document.content_type)


@login_required
@require_POST
def document_delete(request, pk):
    document, _may = access.document_for(request.user, pk, need="manage")
    owner = document.meeting or document.guidance
    if document.meeting and not document.meeting.allows("edit_agenda"):
        messages.error(request, _("The agenda can only be changed before it is published; reopen it first."))
        return redirect(owner)
    document.file.delete(save=False)
    document.delete()
    messages.success(request, _("The document was removed."))
    return redirect(owner)
