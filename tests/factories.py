import datetime as dt
import uuid

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.months import month_start
from evaluations.models import Evaluation
from meetings import live
from meetings.models import Comment, Meeting
from meetings.services import create_thematic_meeting, publish_meeting
from members.models import Member, Membership, Organization, Role, StatusPeriod, Supervision


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery")


def make_org(name: str, kind: str, parent: Organization | None = None, **extra) -> Organization:
    if kind in Organization.CELL_KINDS:
        extra.setdefault("term", "2025–2030")  # every cell has its committee term (numbering runs in it)
    if parent is None:
        return Organization.objects.add_root(instance=Organization(name=name, kind=kind, **extra))
    return Organization.objects.add_child(parent, instance=Organization(name=name, kind=kind, **extra))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thành {n}")
    gender = Member.Gender.MALE
    birth_date = dt.date(1985, 4, 30)
    admission_decision_date = factory.SelfAttribute("admission_date")
    admission_date = dt.date(2010, 5, 19)
    official_date = dt.date(2011, 5, 19)
    status = Member.Status.OFFICIAL
    dues_basis = 10_000_000

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.create(
                member=obj, cell=obj.cell, started_on=obj.admission_date or dt.date(2020, 1, 1)
            )


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    kind = Role.Kind.SECRETARY
    term = "2025–2030"
    starts_on = dt.date(2025, 1, 1)


class StatusPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusPeriod

    kind = StatusPeriod.Kind.EXEMPT
    starts_on = dt.date(2026, 1, 1)
    reason = "Tuổi cao, sức khỏe yếu"


class EvaluationFactory(factory.django.DjangoModelFactory):
    """A scored sheet of a meeting, the cell's own unless `kind` says otherwise; not adopted unless
    `adopted_at` is given."""

    class Meta:
        model = Evaluation

    kind = Evaluation.Kind.SELF
    total = 85
    level = "kha"
    level_label = "Khá"


class SupervisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervision

    starts_on = dt.date(2025, 1, 1)


def thematic_meeting(cell: Organization, *, published: bool = False, **fields) -> Meeting:
    """A thematic meeting planned (and, if told, published) through the services, by nobody in particular:
    thematic_meeting(cell, topic=..., scheduled_at=..., shares_session_with=regular)."""
    fields = {"place": "", "shares_session_with": None, **fields}
    meeting = create_thematic_meeting(cell=cell, by=None, **fields)
    if published:
        publish_meeting(meeting=meeting, by=None)
    return meeting


def thematic_row(cell: Organization, scheduled_at: dt.datetime, **fields) -> Meeting:
    """A thematic meeting written straight to the table (no agenda, no events) in the month of `scheduled_at`:
    thematic_row(cell, at(2026, 10, 5, 15, 45), topic="Chuyên đề quý IV", status=Meeting.Status.CLOSED)."""
    period = month_start(timezone.localtime(scheduled_at).date())
    return Meeting.objects.create(
        cell=cell, kind=Meeting.Kind.THEMATIC, period=period, scheduled_at=scheduled_at, **fields
    )


def post_comment(
    meeting: Meeting, speaker, text: str, *, kind=Comment.Kind.OPINION, by=None, **extra
) -> Comment:
    """A comment posted through the live service, with a fresh client id (never a retry)."""
    extra.setdefault("agenda_item", None)
    comment, _created = live.post_comment(
        meeting=meeting, speaker=speaker, text=text, kind=kind, client_id=uuid.uuid4(), by=by, **extra
    )
    return comment
