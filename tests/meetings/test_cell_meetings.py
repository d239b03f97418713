"""The cell's meetings page: the next meeting first, then every meeting with its state."""

import datetime as dt
import re

from django.urls import reverse

from meetings.models import CommitteeSession, Meeting
from meetings.services import plan_regular_meeting

from ..clock import at
from ..factories import thematic_meeting
from .pages import text, vi


def meetings_of_every_kind(world, regular):
    past, _ = plan_regular_meeting(cell=world.cell, period=dt.date(2026, 11, 1))
    Meeting.objects.filter(pk=past.pk).update(
        status=Meeting.Status.ADOPTED, published_at=at(2026, 11, 3, 9, 0)
    )
    CommitteeSession.objects.create(
        meeting=past, held_on=dt.date(2026, 10, 29), content="Thống nhất nội dung"
    )
    thematic = thematic_meeting(
        world.cell,
        topic="Xây dựng chi bộ bốn tốt",
        scheduled_at=at(2026, 12, 19, 8, 0),
        published=True,
    )
    january, _ = plan_regular_meeting(cell=world.cell, period=dt.date(2027, 1, 1))
    january.apply("cancel", by=None, cancel_reason="Nghỉ Tết")
    return past, thematic, january


def listing(page: str, titles: list[str]) -> dict[str, str]:
    """What the page says about each meeting: its text from its title up to the next title.
    Fails unless the titles come in this order, after the "All meetings" heading."""
    listed = page.split(vi("All meetings"), 1)[1]
    starts = [listed.index(t) for t in titles]
    assert starts == sorted(starts), "meetings are not listed latest first"
    ends = [*starts[1:], len(listed)]
    return {t: listed[a:b] for t, a, b in zip(titles, starts, ends, strict=True)}


JANUARY = vi("Regular meeting %(month)s", month="01/2027")
THEMATIC = vi("Thematic meeting %(month)s: %(topic)s", month="12/2026", topic="Xây dựng chi bộ bốn tốt")
DECEMBER_TITLE = vi("Regular meeting %(month)s", month="12/2026")
NOVEMBER = vi("Regular meeting %(month)s", month="11/2026")
LATEST_FIRST = [JANUARY, THEMATIC, DECEMBER_TITLE, NOVEMBER]


def test_every_meeting_is_listed_latest_first_with_its_date_and_state(login, world, regular, clock):
    clock(at(2026, 11, 25, 10, 0))
    meetings_of_every_kind(world, regular)

    page = text(login("member").get(reverse("meetings:cell", args=[world.cell.pk])))

    listed = listing(page, LATEST_FIRST)
    expected = {
        JANUARY: ("05/01/2027", vi("Cancelled")),
        THEMATIC: ("19/12/2026", vi("Prepared")),
        DECEMBER_TITLE: ("05/12/2026", vi("Planned")),
        NOVEMBER: ("05/11/2026", vi("Minutes adopted")),
    }
    for title, (day, state) in expected.items():
        assert day in listed[title], title
        assert state in listed[title], title


def test_the_next_meeting_comes_first(login, world, regular, clock):
    clock(at(2026, 11, 25, 10, 0))
    meetings_of_every_kind(world, regular)

    page = text(login("member").get(reverse("meetings:cell", args=[world.cell.pk])))

    next_card = page.split(vi("Next meeting"), 1)[1].split(vi("All meetings"), 1)[0]
    assert "14:00" in next_card and "05/12/2026" in next_card
    assert DECEMBER_TITLE in next_card


def next_card(page: str) -> str:
    """The card at the top: "Next meeting", or "Meeting not held yet" when its day has passed."""
    heading = vi("Meeting not held yet") if vi("Meeting not held yet") in page else vi("Next meeting")
    return page.split(heading, 1)[1].split(vi("All meetings"), 1)[0]


def test_a_planned_meeting_whose_time_has_passed_is_still_the_next_one(login, world, regular, clock):
    clock(at(2026, 12, 6, 14, 30))  # December's meeting was planned for yesterday and is not held yet

    page = text(login("member").get(reverse("meetings:cell", args=[world.cell.pk])))

    assert vi("No meeting is planned yet.") not in page
    assert DECEMBER_TITLE in next_card(page) and "05/12/2026" in next_card(page)


def test_a_meeting_in_progress_comes_first_whenever_it_started(login, world, regular, clock):
    clock(at(2026, 11, 25, 10, 0))
    _past, thematic, _january = meetings_of_every_kind(world, regular)
    Meeting.objects.filter(pk=thematic.pk).update(
        status=Meeting.Status.IN_PROGRESS, started_at=at(2026, 12, 19, 8, 0)
    )
    clock(at(2026, 12, 20, 9, 0))  # opened yesterday morning, still open

    page = text(login("member").get(reverse("meetings:cell", args=[world.cell.pk])))

    assert THEMATIC in next_card(page)


def test_the_committee_sees_which_meetings_had_their_chi_uy_session(login, world, regular, clock):
    clock(at(2026, 11, 25, 10, 0))
    meetings_of_every_kind(world, regular)

    page = text(login("secretary").get(reverse("meetings:cell", args=[world.cell.pk])))

    listed = listing(page, LATEST_FIRST)
    assert vi("held") in listed[NOVEMBER]
    assert vi("held") not in listed[DECEMBER_TITLE]


def test_a_cell_without_meetings_says_so(login, world):
    page = text(login("member").get(reverse("meetings:cell", args=[world.cell.pk])))
    assert vi("No meeting is planned yet.") in page
    assert vi("No meetings yet.") in page


# --- A planned meeting whose day has passed: overdue, to be held now or moved (issue #18 item 9) ---------


def link_to(response, label: str) -> str | None:
    """The address of the link the page labels so, or None."""
    found = re.search(
        r'<a [^>]*href="([^"]+)"[^>]*>\s*' + re.escape(label) + r"\s*</a>", response.content.decode()
    )
    return found.group(1) if found else None


def publish(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.PREPARED, published_at=at(2026, 12, 1, 9, 0)
    )


def test_a_meeting_whose_day_has_passed_is_shown_overdue_with_its_planned_day(login, world, regular, clock):
    publish(regular)
    clock(at(2026, 12, 7, 9, 0))  # planned for Saturday 05/12 at 14:00, neither opened nor cancelled

    response = login("member").get(reverse("meetings:cell", args=[world.cell.pk]))

    card = next_card(text(response))
    assert DECEMBER_TITLE in card
    assert vi("Overdue") in card
    assert vi("Planned for %(day)s; not held yet.", day="05/12/2026") in card
    assert vi("No meeting is planned yet.") not in text(response)
    # A member sees that it is overdue and who acts on it; the actions are the committee's.
    assert vi("The cell's committee will hold it or set a new day.") in card
    assert link_to(response, vi("Hold it now")) is None
    assert link_to(response, vi("Move it to another day")) is None
    assert vi("Overdue") in listing(text(response), [DECEMBER_TITLE])[DECEMBER_TITLE]


def test_the_secretary_holds_an_overdue_meeting_now_through_the_opening_form(login, world, regular, clock):
    publish(regular)
    clock(at(2026, 12, 7, 9, 0))
    client = login("secretary")

    response = client.get(reverse("meetings:cell", args=[world.cell.pk]))

    hold = link_to(response, vi("Hold it now"))
    assert hold == reverse("meetings:open", args=[regular.pk])
    assert link_to(response, vi("Move it to another day")) == reverse("meetings:move", args=[regular.pk])
    form = client.get(hold)
    assert vi("Yes, the meeting was moved to today") in text(form)
    opened = client.post(hold, {"chair": world.secretary.pk, "moved": "on", "moved_reason": "Mưa bão"})
    assert opened.status_code == 302
    regular.refresh_from_db()
    assert regular.status == Meeting.Status.IN_PROGRESS
    assert regular.scheduled_at == at(2026, 12, 5, 14, 0)  # the plan is kept; the journal says it moved
    assert vi("Overdue") not in next_card(text(client.get(reverse("meetings:cell", args=[world.cell.pk]))))


def test_the_secretary_moves_an_overdue_meeting_and_it_is_no_longer_overdue(login, world, regular, clock):
    clock(at(2026, 12, 7, 9, 0))
    client = login("secretary")
    move = link_to(client.get(reverse("meetings:cell", args=[world.cell.pk])), vi("Move it to another day"))

    client.post(move, {"date": "10/12/2026", "time": "14:00", "place": "", "reason": "Mưa bão"})

    page = text(client.get(reverse("meetings:cell", args=[world.cell.pk])))
    assert "10/12/2026" in next_card(page)
    assert vi("Overdue") not in page


def test_an_overdue_agenda_not_yet_published_is_published_before_it_is_held(login, world, regular, clock):
    clock(at(2026, 12, 7, 9, 0))  # still "planned": the opening needs a published agenda
    response = login("secretary").get(reverse("meetings:cell", args=[world.cell.pk]))

    assert vi("The agenda is not published yet: publish it first, then open the meeting.") in next_card(
        text(response)
    )
    assert link_to(response, vi("Hold it now")) == reverse("meetings:meeting", args=[regular.pk])


def test_a_meeting_is_not_overdue_on_its_own_day_nor_once_held_or_cancelled(login, world, regular, clock):
    publish(regular)
    clock(at(2026, 12, 5, 16, 0))  # two hours late, the same day: it may still open
    assert vi("Overdue") not in text(login("secretary").get(reverse("meetings:cell", args=[world.cell.pk])))

    clock(at(2026, 12, 7, 9, 0))
    regular.apply("cancel", by=None, cancel_reason="Nghỉ")
    page = text(login("secretary").get(reverse("meetings:cell", args=[world.cell.pk])))
    assert vi("Overdue") not in page
