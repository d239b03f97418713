"""The party tree and its members (DESIGN.md section 2)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.fields import by_user
from core.months import add_months

from . import rules as party_rules

# Minutes and resolutions are numbered from 01 in each committee term (DOMAIN.md §4.2), never per year.
NO_TERM = _(
    "Record the cell's committee term (e.g. 2025–2030) in the cell's settings: "
    "minutes are numbered from 01 in each term."
)


class OrganizationQuerySet(MP_NodeQuerySet):
    def cells(self):
        return self.filter(kind__in=Organization.CELL_KINDS)

    def under(self, organization: Organization):
        """The organisation and everything below it, at any depth, in one query."""
        return self.filter(path__startswith=organization.path)


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def cells(self):
        return self.get_queryset().cells()

    def under(self, organization):
        return self.get_queryset().under(organization)


class Organization(MP_Node):
    """A party organisation: Đảng ủy Khối, đảng bộ cơ sở or chi bộ, in a materialised-path tree."""

    class Kind(models.TextChoices):
        BLOC = "bloc", _("Bloc party committee")
        GRASSROOTS = "grassroots", _("Grassroots party committee")
        GRASSROOTS_CELL = "grassroots_cell", _("Grassroots party cell")
        CELL = "cell", _("Party cell")

    CELL_KINDS = (Kind.GRASSROOTS_CELL, Kind.CELL)

    name = models.CharField(_("name"), max_length=255)
    code = models.CharField(
        _("document code"),
        max_length=20,
        default="CB",
        help_text=_("Short code used in document numbers, e.g. CB in “Số 05-BB/CB”."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    place = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_("Written before the date on documents, e.g. “Cần Thơ”."),
    )
    meeting_day = models.PositiveSmallIntegerField(
        _("regular meeting day"),
        null=True,
        blank=True,
        help_text=_("Day of the month of the regular meeting (1–28)."),
    )
    meeting_time = models.TimeField(_("regular meeting time"), null=True, blank=True)
    meeting_place = models.CharField(_("regular meeting place"), max_length=255, blank=True)
    term = models.CharField(
        _("committee term"),
        max_length=20,
        blank=True,
        help_text=_("e.g. 2025–2030. Document numbers restart at 01 in each term."),
    )
    dues_retained_percent = models.PositiveSmallIntegerField(
        _("share of dues kept (%)"),
        null=True,
        blank=True,
        help_text=_("Set by the superior committee; empty: the rule set's default."),
    )

    # No node_order_by: ordering by name would rewrite the paths of existing siblings on every insert.
    objects = OrganizationManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organization", args=[self.pk])

    @property
    def is_cell(self) -> bool:
        return self.kind in self.CELL_KINDS

    def clean(self):
        errors = {}
        if self.meeting_day is not None and not 1 <= self.meeting_day <= 28:
            errors["meeting_day"] = _("The meeting day must be between 1 and 28.")
        if self.is_cell and not self.term.strip():
            errors["term"] = NO_TERM
        if errors:
            raise ValidationError(errors)


class MemberQuerySet(models.QuerySet):
    def current(self):
        """Members still on a cell's roll (not transferred out of the system, not deceased)."""
        return self.filter(left_on__isnull=True)

    def in_cells(self, cells):
        return self.filter(cell__in=cells)


class Member(models.Model):
    """A party member (đảng viên). Many never log in; the committee records for them."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("Probationary")
        OFFICIAL = "official", _("Official")

    class DuesCategory(models.TextChoices):
        SALARY = "salary", _("Salary with social insurance (1%)")
        PENSION = "pension", _("Pension (0.5%)")
        STUDENT = "student", _("Pupil or student (fixed amount)")
        ALLOWANCE_ABROAD = "allowance_abroad", _("Living allowance abroad (1%)")
        FIXED = "fixed", _("Fixed amount set by the cell")

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    card_number = models.CharField(_("party card number"), max_length=30, unique=True, null=True, blank=True)
    # Two dates of admission, which differ by up to 30 working days (QĐ 294): probation runs 12 months from the
    # ceremony, party age counts from the date in the decision (Điều lệ Điều 5; DOMAIN.md §2, §7).
    admission_decision_date = models.DateField(
        _("admission decision date"),
        null=True,
        blank=True,
        help_text=_("The date in the admission decision: party age counts from it."),
    )
    admission_date = models.DateField(
        _("admission ceremony date"),
        null=True,
        blank=True,
        help_text=_("Probation lasts 12 months from the admission ceremony."),
    )
    official_date = models.DateField(_("official membership date"), null=True, blank=True)
    status = models.CharField(_("membership"), max_length=20, choices=Status.choices, default=Status.OFFICIAL)
    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("party cell"),
        limit_choices_to={"kind__in": Organization.CELL_KINDS},
    )
    position = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    dues_category = models.CharField(
        _("dues category"), max_length=20, choices=DuesCategory.choices, default=DuesCategory.SALARY
    )
    dues_basis = models.PositiveBigIntegerField(
        _("dues basis (đồng)"),
        default=0,
        help_text=_("Salary, pension or allowance the dues are computed from, in whole đồng."),
    )
    left_on = models.DateField(_("left the roll on"), null=True, blank=True)
    recognition_proposed_on = models.DateField(
        _("recognition proposed on"),
        null=True,
        blank=True,
        help_text=_("The date the cell voted to propose recognition as an official member."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("login account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["full_name", "pk"]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("members:member", args=[self.pk])

    def clean(self):
        errors = {}
        if self.card_number == "":
            self.card_number = None
        if self.official_date and self.admission_date and self.official_date < self.admission_date:
            errors["official_date"] = _("The official date cannot be before the admission date.")
        decided = self.admission_decision_date
        if decided and self.admission_date and self.admission_date < decided:
            errors["admission_date"] = _("The admission ceremony cannot be before the admission decision.")
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        if self.status == self.Status.PROBATIONARY and self.official_date:
            errors["official_date"] = _("A probationary member has no official date yet.")
        if self.cell_id and not self.cell.is_cell:
            errors["cell"] = _("Members belong to a party cell, not to a committee.")
        if errors:
            raise ValidationError(errors)

    @property
    def probation_ends_on(self) -> dt.date | None:
        """The rule set's probation (12 months, Điều lệ Điều 5) after the admission ceremony."""
        if self.status != self.Status.PROBATIONARY or not self.admission_date:
            return None
        # The Charter's rule, the same in every cell: no organisation to look up (and no query for it).
        months = party_rules.for_date(None, self.admission_date).probation_months
        return add_months(self.admission_date, months)

    def recognise_official(self, *, on: dt.date) -> None:
        """Records the superior committee's decision: dự bị → chính thức from that date."""
        self.status = self.Status.OFFICIAL
        self.official_date = on
        self.save(update_fields=["status", "official_date", "updated_at"])

    def party_years(self, on: dt.date) -> int | None:
        """Party age (tuổi đảng) in whole years on a day, counted from the date in the admission decision, not
        from the ceremony (Điều lệ Điều 5)."""
        if not self.admission_decision_date:
            return None
        a = self.admission_decision_date
        return on.year - a.year - ((on.month, on.day) < (a.month, a.day))

    def cell_on(self, day: dt.date) -> Organization | None:
        """The cell the member belonged to on a day, from the membership history (`cell` is today's)."""
        membership = self.memberships.on(day).select_related("cell").first()
        return membership.cell if membership else None

    @property
    def pending_transfer(self) -> Membership | None:
        """A transfer dated in the future: the membership it will start."""
        return self.memberships.filter(started_on__gt=timezone.localdate()).select_related("cell").first()

    def active_status_periods(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return [p for p in self.status_periods.all() if p.covers(on)]


class DatedQuerySet(models.QuerySet):
    """Rows with a starts_on and an optional ends_on: status periods, posts, supervisions."""

    def active_on(self, day: dt.date):
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class StatusPeriod(models.Model):
    """A dated status that changes how a member counts: exempt, temporary activity, abroad, suspended."""

    class Kind(models.TextChoices):
        EXEMPT = "exempt", _("Exempt from activity")
        TEMPORARY_HERE = "temporary_here", _("Temporary activity in this cell")
        TEMPORARY_ELSEWHERE = "temporary_elsewhere", _("Temporary activity elsewhere")
        ABROAD = "abroad", _("Abroad for study or work")
        SUSPENDED = "suspended", _("Suspended")

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="status_periods", verbose_name=_("member")
    )
    kind = models.CharField(_("status"), max_length=30, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    detained = models.BooleanField(
        _("because of temporary detention"),
        default=False,
        help_text=_("A member suspended because of temporary detention pays no dues; other suspensions do."),
    )
    recorded_by = by_user(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status period")
        verbose_name_plural = _("status periods")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.starts_on:%d/%m/%Y})"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
        if self.kind == self.Kind.EXEMPT and not self.reason:
            raise ValidationError({"reason": _("An exemption needs a reason.")})
        if self.detained and self.kind != self.Kind.SUSPENDED:
            raise ValidationError({"detained": _("Only a suspension can be because of temporary detention.")})


class MembershipQuerySet(models.QuerySet):
    def on(self, day: dt.date):
        """The memberships in force on a day: from `started_on` to `ended_on`, both included."""
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class Membership(models.Model):
    """Which cell a member belonged to and when: past meetings keep the right roster. `ended_on` is the last
    day in the cell; a transfer dated D ends the old membership on D-1 and starts the new one on D, which may
    lie in the future (until then the member belongs to the old cell)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = by_user(blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cell membership")
        verbose_name_plural = _("cell memberships")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(ended_on__isnull=True), name="one_open_membership"
            )
        ]

    def __str__(self):
        return f"{self.member} — {self.cell}"


class Role(models.Model):
    """A member's post in an organisation for a term: it is what gives access to the tree."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY = "deputy", _("Deputy secretary")
        COMMITTEE = "committee", _("Committee member")
        REVIEWER = "reviewer", _("Reviewing officer")

    # Posts that run a cell (chi ủy); at a committee above, the same posts only read.
    MANAGING_KINDS = (Kind.SECRETARY, Kind.DEPUTY, Kind.COMMITTEE)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("post"), max_length=20, choices=Kind.choices)
    term = models.CharField(_("term"), max_length=20, blank=True, help_text=_("e.g. 2025–2030"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organization", "kind", "starts_on"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.organization}"


class Supervision(models.Model):
    """A superior committee member assigned to follow a cell (đảng ủy viên phụ trách chi bộ)."""

    officer = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="supervisions")
    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="supervisions")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")

    def __str__(self):
        return f"{self.officer} → {self.cell}"


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


class Invitation(models.Model):
    """A one-time code that lets a member choose their own login; only its hash is stored."""

    VALID_DAYS = 14

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = by_user()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.member} ({self.created_at:%d/%m/%Y})"

    @classmethod
    def issue(cls, *, member: Member, created_by) -> tuple[Invitation, str]:
        """Creates an invitation and returns it with the plain code, which is shown once."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed by older members
        code = "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
        cls.objects.filter(member=member, used_at__isnull=True).delete()
        invitation = cls.objects.create(
            member=member,
            code_hash=_hash_code(code),
            created_by=created_by,
            expires_at=timezone.now() + dt.timedelta(days=cls.VALID_DAYS),
        )
        return invitation, code

    @classmethod
    def find_valid(cls, code: str) -> Invitation | None:
        return (
            cls.objects.select_related("member")
            .filter(code_hash=_hash_code(code), used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )


class MemberImport(models.Model):
    """An uploaded member list waiting for confirmation: nothing is written before the user confirms."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    table = models.JSONField(default=list, help_text="The file's cells as text, header row first.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")

    def __str__(self):
        return self.filename
