"""Adoption: only after the cell's vote; it locks the text under a SHA-256 and issues the number
"Số 01-BB/CB", which runs per cell and committee term; corrections are new versions (DOMAIN.md §4)."""

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents import minutes
from documents.models import DocumentNumber, GeneratedPdf, MinutesVersion
from meetings import dues, live
from meetings.models import Meeting, Vote
from members.models import Organization

from .conftest import NOTES, adopt_vote, correct, dues_line, hold
from .pages import text, vi

NO_TERM = (
    "Record the cell's committee term (e.g. 2025–2030) in the cell's settings: "
    "minutes are numbered from 01 in each term."
)
OCTOBER, NOVEMBER, DECEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def minutes_url(meeting):
    return reverse("documents:minutes", args=[meeting.pk])


def adopt_url(meeting):
    return reverse("documents:minutes_adopt", args=[meeting.pk])


def sha256_of(content: dict) -> str:
    """The hash of the stored JSON, computed here from its canonical form (sorted keys, no spaces)."""
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- The vote comes first ---------------------------------------------------------------------------


def test_adoption_without_the_cells_vote_is_refused(closed, login):
    client = login("fellow")

    page = text(client.post(adopt_url(closed.meeting), follow=True))

    assert vi("Record the cell's vote adopting the minutes first; it must pass.") in page
    closed.meeting.refresh_from_db()
    assert closed.meeting.status == Meeting.Status.CLOSED
    assert not MinutesVersion.objects.filter(minutes__meeting=closed.meeting).exists()


def test_adoption_after_a_vote_that_failed_is_refused(closed, world, login):
    vote = adopt_vote(closed.meeting, by=world.fellow.user, votes_for=2)  # 2 of 5: not more than half
    assert not vote.passed

    page = text(login("fellow").post(adopt_url(closed.meeting), follow=True))

    assert vi("Record the cell's vote adopting the minutes first; it must pass.") in page
    closed.meeting.refresh_from_db()
    assert closed.meeting.status == Meeting.Status.CLOSED


def test_the_minutes_vote_is_taken_after_closing_but_no_other_vote_is(closed, world):
    vote = adopt_vote(closed.meeting, by=world.fellow.user)
    assert vote.passed
    assert vote.votes_for == 3 and vote.base == 5

    with pytest.raises(ValidationError) as refused:
        live.record_vote(
            meeting=closed.meeting,
            kind=Vote.Kind.RESOLUTION,
            question="Biểu quyết muộn",
            totals=(3, 0, 0),
            by=world.fellow.user,
        )
    assert refused.value.messages == [vi("Votes are taken only while the meeting is in progress.")]


def test_the_minutes_vote_is_recorded_on_the_votes_page_after_closing(closed, login):
    client = login("fellow")
    client.post(
        reverse("meetings:votes", args=[closed.meeting.pk]),
        {"kind": "minutes", "question": "Thông qua biên bản", "method": "totals", "votes_for": 3},
    )

    vote = minutes.adoption_vote(closed.meeting)
    assert vote is not None and vote.passed
    page = text(client.get(minutes_url(closed.meeting)))
    assert f"{vi('Adoption vote')}: {vi('passed')}" in page


# --- Adoption locks ---------------------------------------------------------------------------------


def test_adopting_locks_version_1_with_its_sha256_shown_on_the_page(closed, world, login):
    adopt_vote(closed.meeting, by=world.fellow.user)
    client = login("fellow")

    page = text(client.post(adopt_url(closed.meeting), follow=True))

    closed.meeting.refresh_from_db()
    assert closed.meeting.status == Meeting.Status.ADOPTED
    versions = list(MinutesVersion.objects.filter(minutes__meeting=closed.meeting))
    assert [v.version for v in versions] == [1]
    assert versions[0].sha256 == sha256_of(versions[0].content)
    assert f"SHA-256 {versions[0].sha256}" in page
    assert vi("Adopted text") in page
    assert "Số 01-BB/CB" in page
    assert "Phạm Quốc Hùng" in page and "3/5 đồng chí tán thành (60,0%)" in page


def test_a_draft_changed_after_the_adoption_vote_is_adopted_only_after_a_new_vote(closed, world, login):
    """The cell votes on the text read out to it. A sentence typed after that vote is not adopted on the
    strength of it: the page says why, the adoption is refused, and a new vote adopts the new text."""
    meeting, by = closed.meeting, world.fellow.user
    minutes.save_notes(meeting=meeting, notes=NOTES, by=by)
    adopt_vote(meeting, by=by)
    added = NOTES | {"conclusion": NOTES["conclusion"] + " Chi bộ giao đồng chí Nam làm trưởng đoàn."}
    minutes.save_notes(meeting=meeting, notes=added, by=by)
    client = login("fellow")

    warned = text(client.get(minutes_url(meeting)))
    refused = text(client.post(adopt_url(meeting), follow=True))

    assert (
        vi(
            "The draft was changed after this vote: read the changes out and take the vote again before adopting."
        )
        in warned
    )
    assert (
        vi(
            "The draft minutes were changed after the cell's vote adopting them: read the changes out and take "
            "the vote again."
        )
        in refused
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    assert not MinutesVersion.objects.filter(minutes__meeting=meeting).exists()

    adopt_vote(meeting, by=by)
    client.post(adopt_url(meeting))

    version = MinutesVersion.objects.get(minutes__meeting=meeting)
    assert "Chi bộ giao đồng chí Nam làm trưởng đoàn." in json.dumps(version.content, ensure_ascii=False)


def test_saving_the_draft_again_unchanged_after_the_vote_keeps_the_vote(closed, world):
    meeting, by = closed.meeting, world.fellow.user
    minutes.save_notes(meeting=meeting, notes=NOTES, by=by)
    adopt_vote(meeting, by=by)
    minutes.save_notes(meeting=meeting, notes=dict(NOTES), by=by)

    version = minutes.adopt(meeting=meeting, by=by)

    assert version.version == 1


def test_adopted_minutes_keep_their_text_when_the_record_moves_on(adopted, world, login):
    # A dues payment entered after adoption, for the meeting's month.
    entry = dues.ensure_ledger(cell=world.cell, period=NOVEMBER, members=[world.fellow])[0]
    dues.record_payment(entry=entry, method="cash", by=world.secretary.user)

    page = text(login("member").get(minutes_url(adopted.meeting)))

    assert dues_line() in page
    assert adopted.version.sha256 in page


def test_adopted_minutes_are_no_longer_a_draft(adopted, world):
    with pytest.raises(ValidationError) as refused:
        minutes.save_notes(meeting=adopted.meeting, notes={"opening": "Sửa sau."}, by=world.fellow.user)
    assert refused.value.messages == [
        vi("The draft minutes can be edited from the opening of the meeting until their adoption.")
    ]
    with pytest.raises(ValidationError):
        minutes.adopt(meeting=adopted.meeting, by=world.fellow.user)
    assert MinutesVersion.objects.filter(minutes__meeting=adopted.meeting).count() == 1


# --- Numbers ----------------------------------------------------------------------------------------


def adopt(meeting, by) -> str:
    return minutes.adopt(meeting=meeting, by=by).content["number"]


def test_numbers_run_per_cell_and_restart_with_a_new_committee_term(world, cell, clock):
    by = world.secretary.user
    a1 = {
        "chair": world.secretary,
        "clerk": world.fellow,
        "present": [world.secretary, world.member, world.fellow],
    }
    a2 = {"chair": world.officer, "clerk": world.officer, "present": [world.officer]}
    world.cell_a2.term = "2025–2030"
    world.cell_a2.save(update_fields=["term"])

    october = hold(cell, OCTOBER, clock=clock, by=by, **a1)
    november = hold(cell, NOVEMBER, clock=clock, by=by, **a1)
    assert adopt(october, by) == "01-BB/CB"
    assert adopt(november, by) == "02-BB/CB"
    # Another cell numbers its own documents.
    other = hold(world.cell_a2, NOVEMBER, clock=clock, by=by, **a2)
    assert adopt(other, by) == "01-BB/CB"
    # A new committee term starts again at 01.
    cell.term = "2027–2032"
    cell.save(update_fields=["term"])
    december = hold(cell, DECEMBER, clock=clock, by=by, **a1)
    assert adopt(december, by) == "01-BB/CB"


def test_numbering_runs_on_into_the_new_year_within_the_committee_term(world, cell, clock):
    by = world.secretary.user
    a1 = {"chair": world.secretary, "clerk": world.fellow, "present": [world.secretary, world.fellow]}

    december = hold(cell, DECEMBER, clock=clock, by=by, **a1)
    january = hold(cell, dt.date(2027, 1, 1), clock=clock, by=by, **a1)

    assert adopt(december, by) == "01-BB/CB"
    assert adopt(january, by) == "02-BB/CB"  # not 01 again: the term, not the calendar year, numbers


def test_adoption_in_a_cell_without_a_committee_term_is_refused_and_says_what_to_record(closed, world, login):
    Organization.objects.filter(pk=closed.meeting.cell_id).update(term="")
    adopt_vote(closed.meeting, by=world.fellow.user)

    page = text(login("fellow").post(adopt_url(closed.meeting), follow=True))

    assert vi(NO_TERM) in page  # it names the term and where to record it, with an example
    closed.meeting.refresh_from_db()
    assert closed.meeting.status == Meeting.Status.CLOSED
    assert not DocumentNumber.objects.filter(meeting=closed.meeting).exists()
    assert not MinutesVersion.objects.filter(minutes__meeting=closed.meeting).exists()


def test_the_resolution_of_a_cell_without_a_committee_term_is_refused(closed):
    Organization.objects.filter(pk=closed.meeting.cell_id).update(term="")
    meeting = Meeting.objects.get(pk=closed.meeting.pk)

    with pytest.raises(ValidationError) as refused:
        minutes.request_pdf(meeting=meeting, kind=GeneratedPdf.Kind.RESOLUTION)

    assert vi(NO_TERM) in " ".join(str(m) for m in refused.value.messages)
    assert not GeneratedPdf.objects.filter(meeting=meeting, kind=GeneratedPdf.Kind.RESOLUTION).exists()


def test_the_number_is_issued_once_and_stays_with_the_meeting(adopted, world):
    assert adopted.version.content["number"] == "01-BB/CB"
    version = correct(adopted.meeting, notes=NOTES, reason="Soát lại", by=world.fellow.user)
    assert version.content["number"] == "01-BB/CB"


# --- Corrections ------------------------------------------------------------------------------------


def test_a_correction_needs_a_reason(adopted, login):
    client = login("fellow")

    response = client.post(
        minutes_url(adopted.meeting), {**NOTES, "conclusion": "Sửa kết luận.", "reason": " "}
    )

    assert response.status_code == 422
    assert vi("Say why the minutes are corrected.") in text(response)
    assert MinutesVersion.objects.filter(minutes__meeting=adopted.meeting).count() == 1


def test_a_correction_is_version_2_with_who_when_why_and_version_1_stays_readable(adopted, login):
    client = login("fellow")
    v1 = adopted.version

    client.post(
        minutes_url(adopted.meeting),
        {
            **NOTES,
            "conclusion": "Chi bộ thống nhất hoàn thành nhiệm vụ quý IV.",
            "reason": "Ghi sót nội dung kết luận",
        },
    )
    adopt_vote(adopted.meeting, by=adopted.meeting.clerk.user)
    client.post(adopt_url(adopted.meeting))

    v2 = MinutesVersion.objects.get(minutes__meeting=adopted.meeting, version=2)
    assert v2.created_by == adopted.meeting.clerk.user
    assert v2.reason == "Ghi sót nội dung kết luận"
    assert v2.sha256 == sha256_of(v2.content) != v1.sha256
    page = text(client.get(minutes_url(adopted.meeting)))
    assert vi("Versions") in page
    when = timezone.localtime(v2.created_at).strftime("%H:%M %d/%m/%Y")
    assert f"{vi('Version %(n)s', n=2)} — {when}, fellow: Ghi sót nội dung kết luận" in page
    assert f"SHA-256 {v2.sha256}" in page
    assert "Chi bộ thống nhất hoàn thành nhiệm vụ quý IV." in page

    old = text(client.get(reverse("documents:minutes_version", args=[v1.pk])))
    assert f"SHA-256 {v1.sha256}" in old
    assert NOTES["conclusion"] in old
    assert "quý IV" not in old
    # A plain member reads the earlier version too.
    assert login("member").get(reverse("documents:minutes_version", args=[v1.pk])).status_code == 200


def test_equal_content_gives_equal_hashes_and_different_content_different_ones(adopted, world):
    same = correct(adopted.meeting, notes=NOTES, reason="Đọc lại, không đổi", by=world.fellow.user)
    changed = correct(
        adopted.meeting,
        notes={**NOTES, "closing": "Bế mạc lúc 16 giờ 05."},
        reason="Bổ sung",
        by=world.fellow.user,
    )

    assert same.content == adopted.version.content
    assert same.sha256 == adopted.version.sha256
    assert changed.sha256 != adopted.version.sha256
    assert minutes.content_hash({"a": 1, "b": "Ẩn"}) == minutes.content_hash({"b": "Ẩn", "a": 1})
