"""The #17 redesign moved models between apps (meetings → documents and notifications, archive → documents)
without moving their tables: a database filled at the old schema is migrated, and every row is found
through the models' new homes, with its history and the content types (so granted permissions) along."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from documents.models import BookArchive, DocumentNumber, GeneratedPdf, Minutes, MinutesBook, MinutesVersion
from notifications.models import CalendarFeed, Notification, ReminderPolicy

pytestmark = pytest.mark.django_db(transaction=True)

# The schema as it was before the move, and the apps the move added.
BEFORE = [
    ("meetings", "0008_merge_record_rules"),
    ("archive", "0003_indexed_meeting"),
    ("documents", None),
    ("notifications", None),
]
CONTENT_TYPES = ("contenttypes", "0002_remove_content_type_name")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _fill_old_schema(apps) -> dict:
    """One row in every moved table, written through the models as they were before the move."""
    user = apps.get_model("auth", "User").objects.create(username="old-schema")
    organization = apps.get_model("members", "Organization").objects.create(
        name="Chi bộ cũ", kind="cell", path="0001", depth=1, code="CB", term="2025-2030"
    )
    meeting = apps.get_model("meetings", "Meeting").objects.create(
        cell=organization, kind="regular", period=dt.date(2026, 11, 1), scheduled_at=timezone.now()
    )
    minutes = apps.get_model("meetings", "Minutes").objects.create(
        meeting=meeting, notes={"opening": "Khai mạc"}
    )
    apps.get_model("meetings", "HistoricalMinutes").objects.create(
        id=minutes.pk,
        meeting=meeting,
        notes={},
        updated_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
    )
    apps.get_model("meetings", "MinutesVersion").objects.create(
        minutes=minutes, version=1, content={}, sha256="0" * 64
    )
    apps.get_model("meetings", "DocumentNumber").objects.create(
        organization=organization, term="2025-2030", kind="BB", number=5, meeting=meeting
    )
    apps.get_model("meetings", "GeneratedPdf").objects.create(
        meeting=meeting, kind="minutes", source_hash="a" * 64
    )
    apps.get_model("meetings", "ReminderPolicy").objects.create(organization=organization, member_days=2)
    apps.get_model("meetings", "Notification").objects.create(
        key="old-key", kind="published", recipient=user, meeting=meeting, title="Đã công bố", body="..."
    )
    apps.get_model("meetings", "CalendarFeed").objects.create(user=user, token="t" * 40)
    apps.get_model("archive", "MinutesBook").objects.create(cell=organization, year=2026, entries=3)
    apps.get_model("archive", "BookArchive").objects.create(organization=organization, year=2026, books=1)
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, model in [
        ("meetings", "minutes"),
        ("meetings", "notification"),
        ("archive", "minutesbook"),
    ]:
        content_type.objects.get_or_create(app_label=app_label, model=model)
    return {"meeting": meeting.pk, "minutes": minutes.pk, "user": user.pk}


def test_a_database_filled_before_the_move_keeps_every_row_after_it():
    executor = _migrate(BEFORE)
    old = _fill_old_schema(executor.loader.project_state([*[t for t in BEFORE if t[1]], CONTENT_TYPES]).apps)

    _migrate(executor.loader.graph.leaf_nodes())

    minutes = Minutes.objects.get(pk=old["minutes"])
    assert minutes.meeting_id == old["meeting"]
    assert minutes.note("opening") == "Khai mạc"
    assert minutes.history.count() == 1
    assert MinutesVersion.objects.get(minutes=minutes).version == 1
    assert str(DocumentNumber.objects.get(meeting_id=old["meeting"])) == "Số 05-BB/CB"
    assert GeneratedPdf.objects.get(meeting_id=old["meeting"]).kind == GeneratedPdf.Kind.MINUTES
    assert ReminderPolicy.objects.get().member_days == 2
    assert Notification.objects.get(recipient_id=old["user"]).key == "old-key"
    assert CalendarFeed.objects.get(user_id=old["user"]).token == "t" * 40
    assert MinutesBook.objects.get(year=2026).entries == 3
    assert BookArchive.objects.get(year=2026).books == 1
    moved = ContentType.objects.filter(model__in=["minutes", "notification", "minutesbook"])
    assert sorted(moved.values_list("app_label", "model")) == [
        ("documents", "minutes"),
        ("documents", "minutesbook"),
        ("notifications", "notification"),
    ]
