"""The cell committee is alerted about its members: a probation ending, three absences without reason, three
unpaid months, and a quarter ending without a thematic meeting."""

import datetime as dt

from meetings.models import Attendance, DuesEntry, Meeting
from notifications.models import Notification

from ..factories import thematic_row
from .conftest import at, meeting_of, run_at, told, vi


def test_a_probation_ending_within_30_days_is_announced_with_the_deadline(world):
    world.target.admission_date = dt.date(2025, 9, 15)  # probation ends Tuesday 15/09/2026
    world.target.save(update_fields=["admission_date"])

    run_at(2026, 8, 10, 8, 5)  # 36 days before
    assert told("probation_end") == []

    run_at(2026, 8, 20, 8, 5)
    run_at(2026, 8, 21, 8, 5)
    assert told("probation_end") == [("secretary", "2026-09-15")]
    alert = Notification.objects.get(kind="probation_end")
    name = "Dương Thị Mỹ Duyên"
    assert alert.title == vi("Recognition vote due for comrade %(name)s", name=name)
    # 30 working days after 15/09/2026 (no public holiday falls in between) is Tuesday 27/10/2026.
    assert (
        vi(
            "The probation of comrade %(name)s ends on %(ends)s. The cell must consider the recognition as an "
            'official member within %(days)s working days, by %(deadline)s. Suggested agenda item: "Recognition of '
            'comrade %(name)s as an official member".',
            name=name,
            ends="15/09/2026",
            deadline="27/10/2026",
            days=30,
        )
        in alert.body
    )
    assert alert.url == world.target.get_absolute_url()


def test_no_probation_alert_once_recognition_is_proposed(world):
    world.target.admission_date = dt.date(2025, 9, 15)
    world.target.recognition_proposed_on = dt.date(2026, 8, 15)
    world.target.save(update_fields=["admission_date", "recognition_proposed_on"])

    run_at(2026, 8, 20, 8, 5)
    run_at(2026, 9, 20, 8, 5)

    assert told("probation_end") == []


def absent(world, member, months, status=Attendance.Status.UNEXCUSED, year=2026):
    for month in months:
        meeting = meeting_of(world.cell, at(year, month, 5, 14, 0), status=Meeting.Status.ADOPTED)
        Attendance.objects.create(meeting=meeting, member=member, status=status)


def test_three_absences_without_reason_in_the_year_alert_the_committee(world):
    absent(world, world.member, [11, 12], year=2025)  # last year's do not count
    absent(world, world.member, [1, 2])
    absent(world, world.member, [3, 4], status=Attendance.Status.EXCUSED)
    absent(world, world.fellow, [5, 6])

    run_at(2026, 7, 1, 8, 5)
    assert told("absences") == []

    absent(world, world.member, [7])
    run_at(2026, 7, 8, 8, 5)
    run_at(2026, 7, 9, 8, 5)

    assert told("absences") == [("secretary", "2026")]
    alert = Notification.objects.get(kind="absences")
    assert alert.title == vi(
        "%(name)s: absent without reason in %(n)s months of %(year)s", name="Nguyễn Hoàng Nam", n=3, year=2026
    )
    assert alert.url == world.member.get_absolute_url()


def dues(world, member, months, *, paid=0, due=50_000, year=2026):
    for month in months:
        DuesEntry.objects.create(
            member=member, cell=world.cell, period=dt.date(year, month, 1), due=due, paid=paid
        )


def test_three_unpaid_months_alert_the_committee_but_the_current_month_does_not_count(world):
    dues(world, world.member, [10, 11, 12], year=2025)
    dues(world, world.member, [7, 8], paid=50_000)
    dues(world, world.member, [9, 10, 11])  # 11: the month still running
    dues(world, world.fellow, [8, 9], paid=20_000)
    dues(world, world.fellow, [10, 11], due=0)  # exempt

    run_at(2026, 11, 20, 8, 5)
    assert told("unpaid_dues") == []

    run_at(2026, 12, 1, 8, 5)  # November is over
    assert told("unpaid_dues") == [("secretary", "2026")]
    alert = Notification.objects.get(kind="unpaid_dues")
    assert alert.title == vi(
        "%(name)s: %(n)s months of dues unpaid in %(year)s", name="Nguyễn Hoàng Nam", n=3, year=2026
    )
    assert alert.url == f"/members/{world.member.pk}/dues/"


def test_a_quarter_ending_without_a_thematic_meeting_alerts_the_committee(world):
    thematic = dict(kind=Meeting.Kind.THEMATIC, topic="Học tập và làm theo tư tưởng Hồ Chí Minh")
    meeting_of(world.other_cell, at(2026, 9, 20, 14, 0), **thematic)  # last quarter's
    meeting_of(world.other_cell, at(2026, 10, 20, 14, 0), status=Meeting.Status.CANCELLED, **thematic)

    run_at(2026, 12, 15, 8, 5)  # 16 days before the end of the quarter
    assert told("thematic_missing") == []

    run_at(2026, 12, 16, 8, 5)
    run_at(2026, 12, 30, 8, 5)
    # Chi bộ A2 and the office cell have no committee with a login: nobody to tell there.
    assert told("thematic_missing") == [("outsider", "2026Q4"), ("secretary", "2026Q4")]
    alert = Notification.objects.get(kind="thematic_missing", recipient__username="outsider")
    assert alert.title == vi("%(cell)s: no thematic meeting this quarter", cell="Chi bộ B1")
    assert "31/12/2026" in alert.body
    assert vi("quarter %(roman)s of %(year)s", roman="IV", year=2026) in alert.body  # not "2026Q4"
    assert "2026Q4" not in alert.body
    assert alert.url == f"/cells/{world.other_cell.pk}/meetings/thematic/"


def test_a_thematic_meeting_held_in_the_quarter_means_no_alert(world):
    thematic_row(world.cell, at(2026, 11, 20, 14, 0), topic="Chuyển đổi số", status=Meeting.Status.ADOPTED)

    run_at(2026, 12, 20, 8, 5)

    assert [u for u, _ in told("thematic_missing")] == ["outsider"]


def test_two_absences_without_reason_in_one_month_count_as_one_month(world):
    # February: the regular meeting and a thematic one, both missed without reason; then March.
    absent(world, world.member, [2, 3])
    thematic = thematic_row(
        world.cell, at(2026, 2, 20, 14, 0), topic="Chuyển đổi số", status=Meeting.Status.ADOPTED
    )
    Attendance.objects.create(meeting=thematic, member=world.member, status=Attendance.Status.UNEXCUSED)

    run_at(2026, 4, 1, 8, 5)  # three meetings missed, but in two months
    assert told("absences") == []

    absent(world, world.member, [4])
    run_at(2026, 4, 8, 8, 5)  # the third month
    assert told("absences") == [("secretary", "2026")]
    assert Notification.objects.get(kind="absences").title == vi(
        "%(name)s: absent without reason in %(n)s months of %(year)s", name="Nguyễn Hoàng Nam", n=3, year=2026
    )


def test_a_member_absent_with_reason_from_more_than_3_meetings_in_a_row_is_flagged(world):
    meetings = {
        month: meeting_of(world.cell, at(2026, month, 5, 14, 0), status=Meeting.Status.ADOPTED)
        for month in (1, 2, 3, 4, 5)
    }
    excused, present = Attendance.Status.EXCUSED, Attendance.Status.PRESENT
    # Nam: absent with reason January to April. Hân: January to March, present in April, away again in May.
    for month, (nam, han) in {
        1: (excused, excused),
        2: (excused, excused),
        3: (excused, excused),
        4: (excused, present),
        5: (present, excused),
    }.items():
        Attendance.objects.create(meeting=meetings[month], member=world.member, status=nam, reason="Ốm")
        Attendance.objects.create(meeting=meetings[month], member=world.fellow, status=han, reason="Công tác")

    run_at(2026, 5, 10, 8, 5)

    assert told("excused_streak") == [("secretary", "2026")]
    alert = Notification.objects.get(kind="excused_streak")
    assert alert.title == vi(
        "%(name)s: %(n)s meetings in a row missed with reason in %(year)s",
        name="Nguyễn Hoàng Nam",
        n=4,
        year=2026,
    )
    assert alert.url == world.member.get_absolute_url()


def test_three_absences_with_reason_in_a_row_are_not_flagged(world):
    absent(world, world.member, [1, 2, 3], status=Attendance.Status.EXCUSED)
    absent(world, world.member, [11, 12], status=Attendance.Status.EXCUSED, year=2025)  # last year's run

    run_at(2026, 4, 1, 8, 5)

    assert told("excused_streak") == []
