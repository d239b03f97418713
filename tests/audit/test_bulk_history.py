"""The app's own bulk writes (roll call, closing, import, agenda order, dues ledger, score sheet) leave a
history row for every row they write, with the user who asked for them."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations.models import Score
from meetings import live
from meetings.models import AgendaItem, Attendance, DuesEntry
from members.models import Member, MemberImport, Membership

from ..live.conftest import mark, plan


def test_opening_the_meeting_records_every_roll_call_row(world, login, prepared):
    client = login("secretary")

    response = client.post(
        reverse("meetings:open", args=[prepared.pk]), {"chair": world.secretary.pk, "clerk": world.fellow.pk}
    )

    assert response.status_code == 302
    rows = list(prepared.attendances.all())
    assert len(rows) == 4  # the secretary, the member, the fellow and the probationary target
    created = Attendance.history.filter(meeting_id=prepared.pk, history_type="+")
    assert sorted(created.values_list("member_id", flat=True)) == sorted(a.member_id for a in rows)
    assert {h.history_user for h in created} == {world.secretary.user}


def test_closing_records_the_members_marked_absent(world, login, opened):
    mark(opened, world.secretary, world.member, world.fellow)
    client = login("secretary")

    assert client.post(reverse("meetings:close", args=[opened.pk])).status_code == 302

    closed = Attendance.history.filter(meeting_id=opened.pk, history_type="~", status="unexcused")
    assert [(h.member_id, h.history_user) for h in closed] == [(world.target.pk, world.secretary.user)]
    assert opened.attendances.get(member=world.target).status == Attendance.Status.UNEXCUSED


def test_confirming_an_import_records_every_member_and_membership(world, login):
    client = login("secretary")
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            ["Họ và tên", "Giới tính", "Ngày sinh"],
            ["Trần Văn Mới", "Nam", "01/02/1990"],
            ["Lê Thị Hoa", "Nữ", ""],
        ]
    )
    upload = SimpleUploadedFile("ds.csv", out.getvalue().encode(), content_type="text/csv")
    assert (
        client.post(reverse("members:import_upload", args=[world.cell.pk]), {"file": upload}).status_code
        == 302
    )
    pending = MemberImport.objects.latest("pk")

    assert client.post(reverse("members:import_confirm", args=[pending.pk])).status_code == 302

    new = Member.objects.filter(full_name__in=["Trần Văn Mới", "Lê Thị Hoa"])
    assert new.count() == 2
    for member in new:
        (created,) = Member.history.filter(id=member.pk)
        assert (created.history_type, created.history_user, created.full_name) == (
            "+",
            world.secretary.user,
            member.full_name,
        )
        membership = Membership.history.get(member_id=member.pk)
        assert (membership.history_type, membership.history_user) == ("+", world.secretary.user)


def test_moving_an_agenda_item_records_the_two_items_that_swapped(world, login, clock):
    meeting = plan(world, publish=False)
    first, second = meeting.agenda_items.order_by("position")[:2]
    before = AgendaItem.history.filter(meeting_id=meeting.pk).count()

    response = login("secretary").post(reverse("meetings:item_move", args=[first.pk, "down"]))

    assert response.status_code == 302
    moved = AgendaItem.history.filter(meeting_id=meeting.pk).order_by("history_id")[before:]
    assert sorted((h.id, h.position, h.history_type) for h in moved) == sorted(
        [(first.pk, second.position, "~"), (second.pk, first.position, "~")]
    )
    assert {h.history_user for h in moved} == {world.secretary.user}


def test_the_dues_ledger_records_each_row_it_creates_once(world, login, opened):
    client = login("secretary")

    assert client.get(reverse("meetings:dues", args=[opened.pk])).status_code == 200
    assert client.get(reverse("meetings:dues", args=[opened.pk])).status_code == 200

    entries = DuesEntry.objects.filter(cell=world.cell, period=opened.period)
    assert entries.count() == 4
    created = DuesEntry.history.filter(id__in=entries.values("pk"))
    assert sorted(created.values_list("id", flat=True)) == sorted(entries.values_list("pk", flat=True))
    assert {(h.history_type, h.history_user) for h in created} == {("+", world.secretary.user)}


def test_opening_a_score_sheet_records_every_score(world, login, opened):
    live.close_meeting(meeting=opened, by=world.secretary.user)

    assert login("secretary").get(reverse("evaluations:score", args=[opened.pk])).status_code == 200

    scores = Score.objects.filter(evaluation__meeting=opened)
    assert scores.exists()
    history = Score.history.filter(id__in=scores.values("pk"), history_type="+")
    assert history.count() == scores.count()
    assert {h.history_user for h in history} == {world.secretary.user}
