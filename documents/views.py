"""The minutes page: the draft assembled from the record, the secretary's text, adoption, versions, PDFs."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import access
from core.downloads import download_name
from core.forms import error_text
from core.views import confirmation_page
from meetings.models import Meeting
from members import throttle

from . import minutes, pdf, signing, verification, word
from .forms import CodeForm, FileCheckForm
from .models import GeneratedPdf, Minutes, MinutesVersion


def _notes_from(request, meeting: Meeting, saved: dict) -> dict:
    """The text posted, over what was saved: a field the form did not send is kept, never blanked. A NUL
    cannot be stored by PostgreSQL (a 500 before); it is never part of what a secretary types."""
    notes = dict(saved)
    fields = {key: key for key in minutes.NOTE_FIELDS}
    fields.update({f"item_{item.pk}": str(item.pk) for item in meeting.agenda_items.all()})
    for name, key in fields.items():
        if name in request.POST:
            notes[key] = request.POST[name].replace("\x00", "").strip()[:20000]
    return notes


@login_required
@require_http_methods(["GET", "POST"])
def minutes_view(request, pk):
    meeting, may = access.minutes_for(request.user, pk, need=access.need_on(request, post="run"))
    runs = may.run
    record = Minutes.objects.filter(meeting=meeting).first()
    versions = list(
        MinutesVersion.objects.filter(minutes__meeting=meeting)
        .select_related("created_by")
        .order_by("-version")
    )
    correction = record.correction if record else None
    notes = dict((correction or {}).get("notes") or (record.notes if record else {}) or {})
    if request.method == "POST":
        notes = _notes_from(request, meeting, notes)
        reason = request.POST.get("reason", "") or (correction or {}).get("reason", "")
        try:
            if meeting.status == Meeting.Status.ADOPTED:
                minutes.propose_correction(meeting=meeting, notes=notes, reason=reason, by=request.user)
                messages.success(
                    request,
                    _(
                        "The correction is saved as a draft. The adopted version stays the official text "
                        "until the cell adopts the correction by vote."
                    ),
                )
            else:
                minutes.save_notes(meeting=meeting, notes=notes, by=request.user)
                messages.success(request, _("The draft minutes were saved."))
            return redirect("documents:minutes", meeting.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
    doc = versions[0].content if versions and request.method == "GET" else minutes.assemble(meeting, notes)
    # Between the cell's vote on the minutes and their adoption: what moved since that vote, if anything.
    voting = meeting.status in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED)
    context = {
        "meeting": meeting,
        "can_run": runs,
        "doc": doc,
        "notes": notes,
        "items": meeting.agenda_items.all(),
        "versions": versions,
        "adoption_vote": minutes.adoption_vote(meeting),
        "changed_since_vote": voting and minutes.changed_since_vote(record),
        "moved_since_vote": minutes.record_moved(record, doc) if voting else [],
        "correction": correction,
        "correction_vote": minutes.correction_vote(meeting) if correction else None,
        "correction_doc": minutes.with_notes(versions[0].content, correction["notes"])
        if correction
        else None,
        "pdfs": {p.kind: p for p in meeting.pdfs.all()},
        "minutes_code": verification.printed_code(versions[0]) if versions else "",
        "signing": signing.status(meeting) if versions else None,
        "editable": runs
        and meeting.status in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED, Meeting.Status.ADOPTED),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "meetings/minutes.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_adopt(request, pk):
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    if request.method == "GET":  # the confirmation, as a page when JavaScript does not open its dialog
        back = reverse("documents:minutes", args=[meeting.pk])
        return confirmation_page(request, meeting, "meetings/_confirm_adopt.html", back=back, meeting=meeting)
    try:
        if meeting.status == Meeting.Status.ADOPTED:  # a correction the cell has voted on
            version = minutes.adopt_correction(meeting=meeting, by=request.user)
        else:
            version = minutes.adopt(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        message = (
            _("The correction is adopted as version %(v)d (SHA-256 %(hash)s…).")
            if version.version > 1
            else _("The minutes are adopted and locked (SHA-256 %(hash)s…); the PDF is being prepared.")
        )
        messages.success(request, message % {"v": version.version, "hash": version.sha256[:12]})
    return redirect("documents:minutes", meeting.pk)


@login_required
@require_GET
def minutes_read(request, pk):
    """The text the meeting secretary reads out to the cell, in large type for a phone or the projector: the
    draft as the record stands (with what moved since the cell's vote on it), or after adoption the correction
    waiting for its vote, else the adopted version. The draft is the minutes page's readers' only."""
    meeting, _may = access.minutes_for(request.user, pk)
    record = Minutes.objects.filter(meeting=meeting).first()
    latest = MinutesVersion.objects.filter(minutes__meeting=meeting).order_by("-version").first()
    correction = record.correction if record and latest else None
    if correction:
        doc = minutes.with_notes(latest.content, correction["notes"])
    elif latest:
        doc = latest.content
    else:
        doc = minutes.assemble(meeting)
    voting = latest is None and meeting.status in (Meeting.Status.IN_PROGRESS, Meeting.Status.CLOSED)
    context = {
        "meeting": meeting,
        "doc": doc,
        "latest": latest,
        "correction": correction,
        "read_at": timezone.localtime(),
        "adoption_vote": minutes.adoption_vote(meeting) if voting else None,
        "changed_since_vote": voting and minutes.changed_since_vote(record),
        "moved_since_vote": minutes.record_moved(record, doc) if voting else [],
    }
    return render(request, "documents/minutes_read.html", context)


@login_required
def minutes_version(request, pk):
    version, _may = access.minutes_version_for(request.user, pk)
    meeting = version.minutes.meeting
    return render(
        request,
        "meetings/minutes_version.html",
        {"meeting": meeting, "version": version, "doc": version.content},
    )


def _kind(kind: str) -> str:
    if kind not in GeneratedPdf.Kind.values:
        raise Http404
    return kind


@login_required
@require_POST
def pdf_request(request, pk, kind):
    meeting, _may = access.meeting_for(request.user, pk, need="run")
    try:
        minutes.request_pdf(meeting=meeting, kind=_kind(kind))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.info(request, _("The PDF is being prepared; this page updates itself."))
    return redirect(
        "meetings:meeting" if request.POST.get("back") == "meeting" else "documents:minutes", meeting.pk
    )


@login_required
def pdf_status(request, pk, kind):
    """The "being prepared" indicator; htmx polls it until the file is ready."""
    meeting, may = access.meeting_for(request.user, pk)
    generated = GeneratedPdf.objects.filter(meeting=meeting, kind=_kind(kind)).first()
    return render(
        request,
        "meetings/_pdf_status.html",
        {"meeting": meeting, "pdf": generated, "kind": kind, "can_run": may.run},
    )


@login_required
def pdf_download(request, pk, kind):
    generated, _may = access.pdf_for(request.user, pk, kind)
    meeting = generated.meeting
    try:
        handle = pdf.pdf_storage().open(generated.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = download_name(kind, meeting.cell.code, f"{meeting.period:%Y-%m}", extension="pdf")
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
def docx_download(request, pk, kind):
    """The document as a Word file, rendered now from what its PDF is rendered from (documents/word.py).
    The minutes: their draft for those who write it, the adopted text for everyone who reads the meeting
    (`minutes_for`); the resolution and the programme: a copy of their PDF once it is ready, for whoever
    may download that PDF (`pdf_for`: it also issued the resolution's number)."""
    if kind == GeneratedPdf.Kind.MINUTES:
        meeting, _may = access.minutes_for(request.user, pk)
    else:
        generated, _may = access.pdf_for(request.user, pk, kind)
        meeting = generated.meeting
    try:
        source = word.source_for(meeting, kind)
    except ValidationError:
        raise Http404 from None
    draft = ["draft"] if word.is_draft(source) else []
    filename = download_name(kind, *draft, meeting.cell.code, f"{meeting.period:%Y-%m}", extension="docx")
    return FileResponse(
        BytesIO(word.render_docx(kind, source)),
        as_attachment=True,
        filename=filename,
        content_type=word.CONTENT_TYPE,
    )


# --- The public verification page (/xac-minh/): no login; what it shows depends on who asks -----------------


@require_GET
def verify_form(request):
    """/xac-minh/: type the code printed on the paper (a GET form: the address is the answer's address)."""
    form = CodeForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("documents:verify", verification.grouped(form.cleaned_data["code"]))
    return render(request, "documents/verify_form.html", {"form": form}, status=422 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def verify(request, code):
    """/xac-minh/<code>: valid, superseded or unknown, with the number and date; a user who sees the meeting
    also sees which it is. A POSTed file is compared with the document's stored SHA-256, never stored."""
    uploading = request.method == "POST"
    if throttle.is_blocked(verification.GUESSES, request) or (
        uploading and throttle.is_blocked(verification.UPLOADS, request)
    ):
        return render(request, "documents/verify.html", {"throttled": True}, status=429)
    code = verification.normalise(code)
    found, may = access.verification_for(request.user, code if verification.is_well_formed(code) else "")
    if found is None:
        throttle.record_failure(verification.GUESSES, request)
        context = {
            "unknown": True,
            "typed": verification.grouped(code) if verification.is_well_formed(code) else "",
        }
        return render(request, "documents/verify.html", context, status=404)
    form = FileCheckForm(request.POST, request.FILES) if uploading else FileCheckForm()
    context = {
        "code": verification.grouped(found.code),
        "document": verification.public(found),
        "may": may,
        "form": form,
        "version": found.version if may.read else None,
        "meeting": found.version.minutes.meeting if may.read else None,
    }
    if uploading:
        throttle.record_failure(verification.UPLOADS, request)  # each check hashes up to 20 MB: counted
        if form.is_valid():
            context["match"] = verification.match(found, verification.file_digest(form.cleaned_data["file"]))
    status = 422 if uploading and not form.is_valid() else 200
    return render(request, "documents/verify.html", context, status=status)
