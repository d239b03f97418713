"""The meeting's documents: the minutes (draft, adopted versions, numbers), the PDFs rendered from the
record, and the yearly minutes books (DESIGN.md section 3, step 5). The tables keep the names they had in
meetings/ and archive/ (moved in migration 0001, no row copied)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import by_user
from core.storage import generated_storage
from meetings.models import Meeting
from members.models import Organization

from . import signals

# --- Minutes and their numbers --------------------------------------------------------------------


class DocumentNumber(models.Model):
    """ "Số 05-BB/CB": numbers run from 01 for each document type within one committee term (DOMAIN.md §4.2)."""

    class Kind(models.TextChoices):
        MINUTES = "BB", _("Minutes")
        RESOLUTION = "NQ", _("Resolution")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="document_numbers")
    term = models.CharField(max_length=20)
    kind = models.CharField(max_length=2, choices=Kind.choices)
    number = models.PositiveSmallIntegerField()
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="document_numbers")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "meetings_documentnumber"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "term", "kind", "number"], name="unique_document_number"
            ),
            models.UniqueConstraint(fields=["meeting", "kind"], name="one_number_per_meeting_and_kind"),
        ]

    def __str__(self):
        return f"Số {self.number:02d}-{self.kind}/{self.organization.code}"


class Minutes(models.Model):
    """The minutes' draft: the facts come from the record; `notes` hold the meeting secretary's own text."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    notes = models.JSONField(default=dict, blank=True)
    # A correction of adopted minutes, until the cell adopts it by vote: {"notes", "reason", "by", "at",
    # "after_vote"} (the adoption vote must come after it). The adopted version stays the official text.
    correction = models.JSONField(_("correction being drafted"), null=True, blank=True)
    # The record's last vote when the minutes were adopted: votes on corrections come later and are not
    # part of the meeting's record.
    votes_until = models.PositiveIntegerField(null=True, blank=True)
    # The meeting secretary's text as it stood at the cell's last vote on the minutes (what was read out and
    # voted on): the minutes are adopted only while the draft still says that. Empty: no vote yet.
    voted_notes = models.JSONField(null=True, blank=True)
    # What the minutes said of the record at that vote ({"content", "pending"}, see minutes.record_moved):
    # only what the usual end of an evening settles may differ at adoption. Empty: no vote yet.
    voted_record = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = by_user()

    history = HistoricalRecords(table_name="meetings_historicalminutes")

    class Meta:
        db_table = "meetings_minutes"
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting}"

    def note(self, key) -> str:
        return (self.notes or {}).get(str(key), "")


class MinutesVersion(models.Model):
    """An adopted, locked text of the minutes. A correction is a new version with who, when and why."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = by_user()
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)

    class Meta:
        db_table = "meetings_minutesversion"
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        ordering = ["minutes", "version"]
        constraints = [models.UniqueConstraint(fields=["minutes", "version"], name="unique_minutes_version")]

    def __str__(self):
        return f"{self.minutes} v{self.version}"


# --- Rendered files ---------------------------------------------------------------------------------------


class Rendered(models.Model):
    """Every file rendered from the record by a Celery job (a meeting's PDF, a cell's minutes book, a
    committee's ZIP of books), with its "being prepared" state. `request` marks it pending and asks for the
    job (documents.tasks, after commit); the job skips a file that `is_current` and `store`s the new one.
    A file keeps a fixed name and is replaced whole (core/storage.py): a failed render keeps the old one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    source_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of what the file was rendered from."
    )
    size = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def request(cls, defaults=None, **lookup):
        """Marks the file (found by `lookup`, made if new) as being prepared; it is rendered after commit."""
        fields = {
            "status": cls.Status.PENDING,
            "requested_at": timezone.now(),
            "error": "",
            **(defaults or {}),
        }
        rendered, _created = cls.objects.update_or_create(**lookup, defaults=fields)
        signals.render_requested.send(sender=cls, pk=rendered.pk)
        return rendered

    def is_current(self, name: str, digest: str) -> bool:
        """The stored file was rendered from this very source: nothing to do."""
        return (
            self.status == self.Status.READY
            and self.source_hash == digest
            and generated_storage().exists(name)
        )

    def store(self, name: str, content: bytes, digest: str, **fields) -> None:
        """Writes the file under its fixed name and marks it ready."""
        generated_storage().save(name, ContentFile(content))
        type(self).objects.filter(pk=self.pk).update(
            file=name,
            size=len(content),
            source_hash=digest,
            status=self.Status.READY,
            rendered_at=timezone.now(),
            error="",
            **fields,
        )


def _pdf_path(instance, filename):
    return f"pdf/{instance.meeting_id}/{filename}"


class GeneratedPdf(Rendered):
    """A meeting's minutes, resolution or programme as PDF; regenerating replaces the file."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Minutes")
        RESOLUTION = "resolution", _("Resolution")
        PROGRAMME = "programme", _("Programme and invitation")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pdfs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=_pdf_path, blank=True)
    # Who signed the stored file (the certificate's subject), empty when it is not digitally signed.
    signed_by = models.CharField(max_length=255, blank=True)

    class Meta:
        db_table = "meetings_generatedpdf"
        verbose_name = _("generated PDF")
        verbose_name_plural = _("generated PDFs")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="one_pdf_per_meeting_and_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.meeting}"


class VerificationCode(models.Model):
    """The code printed on an official PDF (an adopted version's minutes or resolution), with the SHA-256 of
    the file stored under it: the public page /xac-minh/<code> answers from this row (documents/verification.py)."""

    class Kind(models.TextChoices):
        MINUTES = GeneratedPdf.Kind.MINUTES.value, GeneratedPdf.Kind.MINUTES.label
        RESOLUTION = GeneratedPdf.Kind.RESOLUTION.value, GeneratedPdf.Kind.RESOLUTION.label

    code = models.CharField(max_length=10, unique=True)  # stored without its dashes: K7QXM4TR9B
    version = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="verification_codes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the file stored under this code."
    )
    # Files stored before under the same code (rendered again from the same version, signed anew): a copy
    # handed out earlier is still the adopted document.
    earlier_sha256 = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind"], name="one_verification_code_per_version_and_kind"
            )
        ]

    def __str__(self):
        return self.code

    @property
    def digests(self) -> set[str]:
        return {d for d in [self.sha256, *(self.earlier_sha256 or [])] if d}


# --- The yearly minutes books ---------------------------------------------------------------------------


class Prepared(Rendered):
    """A file of a year's minutes, asked for by someone (a book, an archive of books)."""

    year = models.PositiveSmallIntegerField()
    file = models.CharField(max_length=255, blank=True)
    requested_by = by_user(blank=True)

    class Meta:
        abstract = True


class MinutesBook(Prepared):
    """A cell's minutes book (sổ biên bản) for one year: cover, contents, every adopted minutes."""

    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="minutes_books")
    pages = models.PositiveSmallIntegerField(default=0)
    entries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "archive_minutesbook"
        constraints = [models.UniqueConstraint(fields=["cell", "year"], name="one_book_per_cell_and_year")]

    def __str__(self):
        return f"{self.cell} {self.year}"


class BookArchive(Prepared):
    """The minutes books of every cell under a committee for one year, as one ZIP."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="book_archives")
    books = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "archive_bookarchive"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="one_archive_per_committee_and_year"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"


# --- Digital signatures -----------------------------------------------------------------------------------


class SigningCertificate(models.Model):
    """A committee's certificate for signing its cells' adopted minutes and resolutions (PAdES, pyHanko).

    The PKCS#12 file is kept as uploaded; its passphrase only encrypted (Fernet, with a key derived from
    settings.SIGNING_KEY: documents/signing.py), never in the clear. Subject, validity and the certificate
    chain (public) are read from the file when it is uploaded, so choosing and verifying never decrypt it."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="signing_certificates",
        verbose_name=_("issuing committee"),
    )
    pkcs12 = models.BinaryField(_("PKCS#12 file"))
    passphrase_encrypted = models.TextField(editable=False)
    subject_cn = models.CharField(_("signer (certificate subject)"), max_length=255, editable=False)
    fingerprint = models.CharField(max_length=64, editable=False, help_text="SHA-256 of the certificate.")
    chain_pem = models.TextField(editable=False, help_text="The certificate and the chain in the file, PEM.")
    valid_from = models.DateTimeField(_("valid from"), editable=False)
    valid_until = models.DateTimeField(_("valid until"), editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    uploaded_by = by_user()

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["organization", "-valid_until"]

    def __str__(self):
        return f"{self.subject_cn} — {self.organization}"

    def is_valid_on(self, moment) -> bool:
        return self.valid_from <= moment <= self.valid_until
