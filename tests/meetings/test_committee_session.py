"""The chi ủy records its pre-meeting session; the meeting page shows it was held and how many days before."""

import datetime as dt

from django.urls import reverse

from meetings.models import CommitteeSession, Meeting

from .pages import fields, text, vi, vi_n

CONTENT = "Thống nhất nội dung sinh hoạt tháng 12: kiểm điểm cuối năm, phân công chuẩn bị báo cáo."
FOCUS = "Tình hình tư tưởng đảng viên trẻ."
DRAFT = "Dự thảo nghị quyết tháng 12/2026."


def record(client, meeting, world, **extra):
    data = {
        "held_on": "29/11/2026",
        "attendees": [world.secretary.pk, world.fellow.pk],
        "content": CONTENT,
        "focus": FOCUS,
        "draft_resolution": DRAFT,
    } | extra
    return client.post(reverse("meetings:committee_session", args=[meeting.pk]), data)


def test_recording_the_session_keeps_what_the_committee_agreed(login, world, regular):
    response = record(login("secretary"), regular, world)

    assert response.status_code == 302
    session = CommitteeSession.objects.get(meeting=regular)
    assert session.held_on == dt.date(2026, 11, 29)
    assert set(session.attendees.all()) == {world.secretary, world.fellow}
    assert (session.content, session.focus, session.draft_resolution) == (CONTENT, FOCUS, DRAFT)
    assert session.recorded_by == world.secretary.user


def test_the_meeting_page_shows_it_was_held_and_how_many_days_before(login, world, regular):
    client = login("secretary")
    assert vi("Not recorded yet.") in text(client.get(regular.get_absolute_url()))

    record(client, regular, world)

    page = text(client.get(regular.get_absolute_url()))
    assert (
        vi_n(
            "Held on %(day)s, %(counter)s day before the meeting.",
            "Held on %(day)s, %(counter)s days before the meeting.",
            6,
            day="29/11/2026",
        )
        in page
    )
    assert f"{vi('Attended')}: {world.secretary.full_name}, {world.fellow.full_name}" in page or (
        f"{vi('Attended')}: {world.fellow.full_name}, {world.secretary.full_name}" in page
    )
    assert CONTENT in page and FOCUS in page and DRAFT in page
    assert vi("Not recorded yet.") not in page


def test_correcting_the_record_keeps_one_session(login, world, regular):
    client = login("secretary")
    record(client, regular, world)
    record(client, regular, world, held_on="01/12/2026", attendees=[world.secretary.pk])

    session = CommitteeSession.objects.get(meeting=regular)
    assert session.held_on == dt.date(2026, 12, 1)
    assert list(session.attendees.all()) == [world.secretary]


def test_a_session_after_the_meeting_is_refused_and_the_text_is_kept(login, world, regular):
    response = record(login("secretary"), regular, world, held_on="06/12/2026")

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("The committee session is held before the meeting.") in text(response)
    typed = fields(response)
    assert (typed["content"], typed["focus"], typed["draft_resolution"]) == (CONTENT, FOCUS, DRAFT)
    assert not CommitteeSession.objects.filter(meeting=regular).exists()


def test_on_the_meeting_day_itself_is_still_before_the_meeting(login, world, regular):
    record(login("secretary"), regular, world, held_on="05/12/2026")
    assert CommitteeSession.objects.get(meeting=regular).days_before == 0


def test_only_the_cells_own_members_can_be_attendees(login, world, regular):
    response = record(login("secretary"), regular, world, attendees=[world.outsider.pk])
    assert response.status_code == 422  # refused: the form again, with what was typed
    assert not CommitteeSession.objects.filter(meeting=regular).exists()


def test_no_session_is_recorded_for_a_meeting_that_has_started(login, world, regular):
    Meeting.objects.filter(pk=regular.pk).update(status=Meeting.Status.IN_PROGRESS)

    response = record(login("secretary"), regular, world)

    assert vi("The committee session is recorded before the meeting starts.") in text(response)
    assert not CommitteeSession.objects.filter(meeting=regular).exists()
