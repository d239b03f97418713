"""Journey d: the reviewer of the bloc committee finds a cell on the quality dashboard, narrows it to the
cell's grassroots committee, and drills down to the cell's months and then to a meeting."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from evaluations import indicators
from meetings import live
from meetings.models import Attendance
from meetings.services import plan_regular_meeting, publish_meeting

from ..meetings.pages import vi
from .conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def hold(world, clock, period):
    """Chi bộ A1's regular meeting of the month, held with three members present and closed (the
    indicators are refreshed on close, as in production, by the eager Celery task)."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=period)
    clock.set(meeting.scheduled_at - dt.timedelta(days=3))
    publish_meeting(meeting=meeting, by=world.secretary.user)
    clock.set(meeting.scheduled_at)
    live.open_meeting(meeting=meeting, chair=world.secretary, clerk=world.fellow, by=world.secretary.user)
    for member in (world.secretary, world.member, world.fellow):
        live.mark_attendance(
            attendance=meeting.attendances.get(member=member), status=Attendance.Status.PRESENT
        )
    clock.set(meeting.scheduled_at + dt.timedelta(minutes=110))
    live.close_meeting(meeting=meeting, by=world.secretary.user)
    return meeting


def test_reviewer_drills_down_from_the_dashboard_to_a_meeting(browse, world, clock):
    hold(world, clock, OCTOBER)
    november = hold(world, clock, NOVEMBER)
    clock.set(at(2026, 11, 20, 9, 0))
    indicators.refresh(NOVEMBER)  # every cell's row of the month, as the nightly job leaves them

    page = browse.open("reviewer")  # home: the organisations under review
    page.get_by_role("link", name=vi("Quality dashboard")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Quality of cell meetings"))
    table = page.get_by_role("table")
    for cell in (world.cell, world.cell_a2, world.other_cell):
        expect(table.get_by_role("link", name=cell.name, exact=True)).to_be_visible()

    page.get_by_label(vi("Committee")).select_option(label=world.branch_a.name)
    page.get_by_role("button", name=vi("Show")).click()
    expect(table.get_by_role("link", name=world.other_cell.name)).to_have_count(0)
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=world.cell.name, exact=True))
    expect(row).to_contain_text("75%")  # three of the four members on the roll were there

    row.get_by_role("link", name=world.cell.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Quality of the cell's meetings"))
    months = page.locator("main .list-group-item")
    expect(months).to_have_count(2)
    expect(months.first).to_contain_text("11/2026")
    expect(months.nth(1)).to_contain_text("10/2026")

    months.first.get_by_role("link", name=vi("Meeting")).click()
    expect(page).to_have_url(f"{browse.base_url}/meetings/{november.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(november.title)
