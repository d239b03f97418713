"""A transfer dated in the future takes effect on its date: until then the member belongs to the old cell,
for roll calls, dues and votes alike."""

import datetime as dt

from django.urls import reverse

from meetings import live
from meetings.models import Attendance, DuesEntry, Vote
from members import tasks
from members.services import transfer_member

from .conftest import NOVEMBER, mark
from .pages import text, vi

LATER = dt.date(2026, 11, 20)  # the clock stands at 05/11/2026


def test_a_member_leaving_later_this_month_is_on_the_old_cells_roll_pays_there_and_votes(
    prepared, world, login
):
    leaving = world.member
    transfer_member(member=leaving, to_cell=world.cell_a2, on=LATER, reason="Chuyển công tác", by=None)
    meeting = live.open_meeting(meeting=prepared, chair=world.secretary, clerk=world.fellow, by=None)
    mark(meeting, world.secretary, world.fellow)

    checked_in = login("member").post(reverse("meetings:check_in", args=[meeting.pk]), follow=True)  # phone

    assert vi("You are checked in. Welcome!") in text(checked_in)
    assert meeting.attendances.get(member=leaving).status == Attendance.Status.PRESENT
    assert leaving not in live.roster_on(world.cell_a2, dt.date(2026, 11, 5))
    login("fellow").get(reverse("meetings:dues", args=[meeting.pk]))
    assert DuesEntry.objects.get(member=leaving, period=NOVEMBER).cell == world.cell
    vote = live.record_vote(
        meeting=meeting, kind=Vote.Kind.RESOLUTION, question="Thông qua nghị quyết", totals=(3, 0, 0), by=None
    )
    assert (vote.eligible, vote.passed) == (3, True)


def test_a_probationary_member_leaving_later_can_still_be_recognised_by_the_old_cell(prepared, world, login):
    target = world.target
    transfer_member(member=target, to_cell=world.cell_a2, on=LATER, reason="Chuyển công tác", by=None)
    meeting = live.open_meeting(meeting=prepared, chair=world.secretary, clerk=world.fellow, by=None)
    mark(meeting, world.secretary, world.member, world.fellow, target)

    vote = live.record_vote(
        meeting=meeting,
        kind=Vote.Kind.RECOGNITION,
        question="Đề nghị công nhận đảng viên chính thức",
        subject=target,
        totals=(3, 0, 0),
        by=None,
    )

    assert (vote.subject, vote.passed) == (target, True)


def test_on_its_date_the_member_moves_to_the_new_cell(world, clock):
    transfer_member(member=world.member, to_cell=world.cell_a2, on=LATER, reason="Chuyển công tác", by=None)
    world.member.refresh_from_db()
    assert world.member.cell == world.cell

    assert tasks.apply_due_transfers.apply().get() == 0  # 05/11: not yet
    clock.set(clock.current + dt.timedelta(days=15))
    assert tasks.apply_due_transfers.apply().get() == 1

    world.member.refresh_from_db()
    assert world.member.cell == world.cell_a2
