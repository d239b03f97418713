"""A change made through the app is kept with who made it, when and which fields changed."""

import uuid

from django.urls import reverse

from meetings.models import AgendaItem, Comment
from members.models import Member

from ..live.pages import rows, vi


def changed_fields(record) -> list[str]:
    """The fields a record changed against the one before it (by insertion: the tests' clock stands still)."""
    before = type(record).objects.filter(id=record.id, history_id__lt=record.history_id).latest("history_id")
    return sorted(record.diff_against(before).changed_fields)


def history_rows(client, **filters):
    response = client.get(reverse("audit:history"), filters)
    assert response.status_code == 200
    return [" ".join(r) for r in rows(response)[1:]]


def test_an_agenda_item_edited_by_the_secretary_records_who_and_which_fields(world, login, clock):
    from ..live.conftest import plan

    meeting = plan(world, publish=False)
    item = meeting.agenda_items.order_by("position").first()
    client = login("secretary")
    prefix = f"item{item.pk}"

    response = client.post(
        reverse("meetings:item_edit", args=[item.pk]),
        {
            f"{prefix}-title": "Khai mạc, giới thiệu đại biểu",
            f"{prefix}-planned_minutes": "7",
            f"{prefix}-category": item.category,
            f"{prefix}-text": item.text,
        },
    )

    assert response.status_code == 302
    last = item.history.latest("history_id")
    assert (last.history_type, last.history_user) == ("~", world.secretary.user)
    assert changed_fields(last) == ["planned_minutes", "title"]
    shown = history_rows(login("admin"), model="meetings.agendaitem")[0]
    assert "Phạm Quốc Hùng" in shown and "Khai mạc, giới thiệu đại biểu" in shown
    assert vi("title") in shown and vi("planned minutes") in shown


def test_a_comment_posted_from_a_phone_is_recorded_with_its_author(world, login, opened):
    client = login("member")

    response = client.post(
        reverse("meetings:comment_post", args=[opened.pk]),
        {"text": "Đề nghị sửa đường ấp 3", "kind": "proposal", "client_id": str(uuid.uuid4())},
        HTTP_ACCEPT="application/json",
    )

    assert response.status_code == 201
    comment = Comment.objects.get(pk=response.json()["id"])
    created = comment.history.get()
    assert (created.history_type, created.history_user) == ("+", world.member.user)
    shown = history_rows(login("admin"), model="meetings.comment")[0]
    assert "Nguyễn Hoàng Nam" in shown and "Đề nghị sửa đường ấp 3" in shown and vi("created") in shown


def test_a_member_edited_in_the_admin_is_recorded(world, login):
    client = login("admin")
    url = reverse("admin:members_member_change", args=[world.target.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(
        full_name=world.target.full_name,
        cell=world.cell.pk,
        status="probationary",
        dues_category="salary",
        dues_basis="5000000",
        phone="0909 123 456",
        **{f"{p}-{k}": v for p in ("status_periods", "memberships") for k, v in _empty_inline().items()},
    )
    data.pop("user", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    last = Member.history.filter(id=world.target.pk).latest("history_id")
    assert last.history_user.username == "admin"
    assert "phone" in changed_fields(last)
    assert client.get(reverse("admin:members_member_history", args=[world.target.pk])).status_code == 200


def _empty_inline():
    return {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def test_a_deleted_agenda_item_is_still_in_the_history(world, login, clock):
    from ..live.conftest import plan

    meeting = plan(world, publish=False)
    item = meeting.agenda_items.order_by("position").last()

    assert login("secretary").post(reverse("meetings:item_delete", args=[item.pk])).status_code == 302

    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    gone = AgendaItem.history.filter(id=item.pk).latest("history_id")
    assert (gone.history_type, gone.history_user, gone.title) == ("-", world.secretary.user, item.title)


def test_the_history_of_a_comment_costs_one_insert_and_nothing_else(world, login, opened, settings):
    """The live comment post is a hot path: the audit history adds its own INSERT, no lookup of the user."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login("member")
    url = reverse("meetings:comment_post", args=[opened.pk])

    def post() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            data = {"text": "Ý kiến", "kind": "opinion", "client_id": str(uuid.uuid4())}
            assert client.post(url, data, HTTP_ACCEPT="application/json").status_code == 201
        return [q["sql"] for q in captured.captured_queries]

    post()  # warm the session
    with_history = post()
    settings.SIMPLE_HISTORY_ENABLED = False
    without = post()

    extra = [q for q in with_history if "historical" in q]
    assert len(with_history) == len(without) + 1
    assert len(extra) == 1 and extra[0].startswith("INSERT")
