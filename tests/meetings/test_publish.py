"""Publishing the agenda: the meeting is prepared, the page says how far ahead, and members can read it."""

import pytest
from django.urls import reverse

from meetings.models import Meeting

from ..clock import at
from .files import pdf, upload
from .pages import text, vi, vi_n

NOT_YET = "The agenda has not been published yet. You will be able to read it and its documents here when the committee publishes it."


def publish(client, meeting):
    return client.post(reverse("meetings:publish", args=[meeting.pk]), follow=True)


def test_publishing_prepares_the_meeting_and_says_how_far_ahead(login, regular, clock):
    clock(at(2026, 12, 2, 9, 0))

    response = publish(login("secretary"), regular)

    regular.refresh_from_db()
    assert (regular.status, regular.published_at) == (Meeting.Status.PREPARED, at(2026, 12, 2, 9, 0))
    assert regular.events.last().action == "publish"
    page = text(response)
    assert vi("The agenda was published to the cell's members and the superior officer.") in page
    assert vi("published %(when)s", when="09:00 02/12/2026") in page
    assert vi_n("%(counter)s day ahead", "%(counter)s days ahead", 3) in page
    assert vi("less than a day ahead") not in page


def test_publishing_on_the_day_is_flagged_as_late(login, regular, clock):
    clock(at(2026, 12, 5, 8, 0))

    page = text(publish(login("secretary"), regular))

    assert vi("less than a day ahead") in page
    assert Meeting.objects.get(pk=regular.pk).published_in_time() is False


def test_publishing_after_the_planned_day_says_so(login, regular, clock):
    """Published after the day the meeting was planned for (it was moved, or is being held late): the page says
    so, rather than "less than a day ahead"."""
    clock(at(2026, 12, 7, 8, 0))

    page = text(publish(login("secretary"), regular))

    assert vi("after the planned day") in page
    assert vi("less than a day ahead") not in page
    assert Meeting.objects.get(pk=regular.pk).published_in_time() is False


@pytest.mark.parametrize("reader", ["member", "officer"])
def test_members_and_the_superior_officer_read_the_agenda_only_once_published(login, regular, reader, clock):
    clock(at(2026, 12, 1, 9, 0))
    upload(login("secretary"), regular, "Dự thảo nghị quyết tháng 12.pdf", pdf())
    titles = list(regular.agenda_items.values_list("title", flat=True))

    before = text(login(reader).get(regular.get_absolute_url()))
    assert vi(NOT_YET) in before
    assert not [t for t in titles if t in before]
    assert "Dự thảo nghị quyết tháng 12" not in before

    publish(login("secretary"), regular)

    after = text(login(reader).get(regular.get_absolute_url()))
    assert vi(NOT_YET) not in after
    assert all(t in after for t in titles)
    assert "Dự thảo nghị quyết tháng 12" in after
