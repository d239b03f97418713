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
