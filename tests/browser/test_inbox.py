"""Journey: the superior officer logs in, finds "Việc cần làm" in the bar with its count, and confirms the
score Chi bộ A1 adopted for November, answering the one question that names what it locks: three clicks after
logging in, on a phone as on a desktop (issue #18, items 3 and 10). The inbox passes axe."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from evaluations import defaults
from evaluations.models import Evaluation, Rubric
from meetings.models import Meeting
from meetings.services import plan_regular_meeting

from ..factories import EvaluationFactory
from ..meetings.pages import vi
from .axe import horizontal_overflow, serious_violations
from .conftest import DESKTOP, PASSWORD, PHONE, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOVEMBER = dt.date(2026, 11, 1)


def adopted_score(world, clock) -> Meeting:
    """Chi bộ A1's November meeting, held on the 5th; the cell adopted its score of 85 (Khá) by vote."""
    meeting, _created = plan_regular_meeting(cell=world.cell, period=NOVEMBER)
    start = meeting.scheduled_at
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CLOSED,
        published_at=start - dt.timedelta(days=3),
        started_at=start,
        ended_at=start + dt.timedelta(minutes=100),
    )
    rubric = Rubric.objects.filter(kind=Rubric.Kind.MEETING, organization=None).first()
    if rubric is None:  # a transactional test's database was emptied of the data migration's rubrics
        hd42 = defaults.HD42
        rubric = Rubric.objects.create(
            name=hd42["name"],
            effective_from=hd42["effective_from"],
            source_number=hd42["source_number"],
            source_date=hd42["source_date"],
            source_issuer=hd42["source_issuer"],
            levels=hd42["levels"],
        )
    EvaluationFactory(meeting=meeting, rubric=rubric, adopted_at=start + dt.timedelta(minutes=95))
    clock.set(at(2026, 11, 20, 9, 0))
    return meeting


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_the_superior_officer_confirms_a_score_in_three_clicks(
    browser, live_server, world, clock, shoot, phone
):
    meeting = adopted_score(world, clock)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **(PHONE if phone else DESKTOP))
    context.set_default_timeout(15_000)
    page = context.new_page()
    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()

    try:
        page.goto("/accounts/login/")
        page.get_by_label(vi("username")).fill("officer")
        page.get_by_label(vi("Password")).fill(PASSWORD)
        page.get_by_role("button", name=vi("Log in")).click()  # logging in: not counted

        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.wait_for_load_state()  # the stylesheet that folds the menu away on a phone
        # The link is both in the bar (phones) and in the menu (desktops): exactly one is seen,
        # on a phone too without opening the menu.
        todo = page.get_by_role("link", name=vi("To do")).filter(visible=True)
        expect(todo).to_have_count(1)
        expect(todo).to_contain_text("2")  # the score to confirm, the meeting without a chi ủy session
        click(todo)
        expect(page.get_by_role("heading", level=1)).to_have_text(vi("To do"))
        scores = page.locator("#inbox-scores")
        expect(scores).to_contain_text(world.cell.name)
        expect(scores).to_contain_text("11/2026")
        shoot(page, "inbox")
        assert not serious_violations(page)
        assert horizontal_overflow(page) <= 0

        click(scores.get_by_role("link", name=vi("Confirm"), exact=False).first)
        question = page.locator("#confirm-question")
        expect(question).to_contain_text(
            vi(
                "Confirm the score of %(cell)s for %(month)s: %(t)s points, %(l)s?",
                cell=world.cell.name,
                month="11/2026",
                t="85,0",
                l="Khá",
            )
        )
        expect(page.locator("#confirm-locks")).to_be_visible()
        shoot(page, "inbox-confirm")
        assert not serious_violations(page)

        click(page.get_by_role("button", name=vi("Confirm the score")))

        expect(page.get_by_role("status")).to_contain_text(vi("You confirmed the cell's score."))
        expect(page.locator("#inbox-scores")).not_to_contain_text(world.cell.name)
        assert clicks <= 3, f"{clicks} clicks from logging in to a confirmed score"
        evaluation = Evaluation.objects.get(meeting=meeting, kind=Evaluation.Kind.SELF)
        assert evaluation.confirmed_by == world.officer.user
    finally:
        context.close()


def test_members_have_no_to_do(browse, world, clock):
    adopted_score(world, clock)
    for persona in ("member", "secretary"):
        page = browse.open(persona, phone=True)
        expect(page.get_by_role("link", name=vi("To do"))).to_have_count(0)
        page.close()
