"""Comments posted at the same moment, from many phones or from one phone retrying, against PostgreSQL
(SQLite serialises writers, so it proves nothing here). Each thread has its own database connection."""

import threading
import uuid

import pytest
from django.db import connection

from meetings import live
from meetings.models import Comment, Meeting
from members.models import Member

from ..conftest import require_service
from ..factories import MemberFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def run_together(count, work):
    """Runs work(i) in `count` threads released at once; returns what they returned, re-raising errors."""
    barrier = threading.Barrier(count, timeout=30)
    results, errors = [None] * count, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    if errors:
        raise errors[0]
    return results


def post(meeting_id, speaker_id, text, client_id):
    meeting = Meeting.objects.get(pk=meeting_id)  # each thread reads its own copy, as each request does
    speaker = Member.objects.get(pk=speaker_id)
    return live.post_comment(
        meeting=meeting,
        speaker=speaker,
        text=text,
        kind=Comment.Kind.OPINION,
        client_id=client_id,
        agenda_item=None,
        by=None,
    )


def test_fifty_members_posting_at_once_lose_nothing_and_duplicate_nothing(on_postgres, world, opened):
    require_service(on_postgres, "PostgreSQL")
    members = [MemberFactory(full_name=f"Đảng viên {n:02d}", cell=world.cell) for n in range(50)]
    client_ids = [uuid.uuid4() for _ in members]

    results = run_together(
        50, lambda i: post(opened.pk, members[i].pk, f"Ý kiến của đồng chí số {i:02d}", client_ids[i])
    )

    assert all(created for _comment, created in results)
    stored = list(Comment.objects.filter(meeting=opened))
    assert len(stored) == 50
    assert {c.client_id for c in stored} == set(client_ids)
    assert {(c.speaker_id, c.text) for c in stored} == {
        (m.pk, f"Ý kiến của đồng chí số {i:02d}") for i, m in enumerate(members)
    }
    assert live.speaker_counts(opened) == (50, 50)


def test_ten_retries_of_the_same_comment_at_once_store_it_once(on_postgres, world, opened):
    require_service(on_postgres, "PostgreSQL")
    client_id = uuid.uuid4()

    results = run_together(10, lambda i: post(opened.pk, world.member.pk, "Gửi lại khi có sóng", client_id))

    stored = Comment.objects.get(meeting=opened)
    assert Comment.objects.filter(client_id=client_id).count() == 1
    assert [created for _comment, created in results].count(True) == 1
    assert {comment.pk for comment, _created in results} == {stored.pk}
    assert stored.text == "Gửi lại khi có sóng"


def test_a_phone_polling_after_the_newest_comment_it_heard_misses_none_committed_later(
    on_postgres, world, opened
):
    """Comment A draws its id first but its commit is slow; comment B, posted meanwhile, gets a larger id.
    A phone that heard B on its stream and then lost the stream polls for the ids above B's: A must not be
    committed after B, or no poll would ever bring it."""
    require_service(on_postgres, "PostgreSQL")
    speakers = [MemberFactory(full_name=f"Đảng viên {n}", cell=world.cell) for n in range(2)]
    a_drawn, b_posting = threading.Event(), threading.Event()
    seen = {}

    def slow_a():
        from django.db import transaction

        with transaction.atomic():
            seen["a"], _created = post(opened.pk, speakers[0].pk, "A: chậm", uuid.uuid4())
            a_drawn.set()
            b_posting.wait(10)
            threading.Event().wait(0.5)  # B tries to commit while A is still open

    def quick_b():
        a_drawn.wait(10)
        b_posting.set()
        seen["b"], _created = post(opened.pk, speakers[1].pk, "B: nhanh", uuid.uuid4())
        # What a poll after B's answer finds below B's id: A, committed first.
        seen["below_b"] = set(
            Comment.objects.filter(meeting=opened, pk__lt=seen["b"].pk).values_list("pk", flat=True)
        )

    run_together(2, lambda i: (slow_a, quick_b)[i]())

    assert seen["a"].pk < seen["b"].pk
    assert seen["a"].pk in seen["below_b"]
