"""Tasks from the chair's conclusion: assigned during the meeting with someone and a date, and reported on
at the next meeting."""

import datetime as dt

from django.urls import reverse

from meetings.models import Task

from .conftest import at, plan
from .pages import text, vi


def tasks_url(meeting):
    return reverse("meetings:tasks", args=[meeting.pk])


def assign(client, meeting, **data):
    data = {"title": "Xây dựng kế hoạch “chi bộ bốn tốt”", "due_on": "30/11/2026"} | data
    return client.post(tasks_url(meeting), data, follow=True)


def test_a_task_is_assigned_with_someone_and_a_due_date_during_the_meeting(opened, world, login):
    response = assign(login("fellow"), opened, assignee=world.member.pk)

    assert vi("Task assigned.") in text(response)
    task = Task.objects.get()
    assert (task.meeting, task.assignee, task.due_on, task.status) == (
        opened,
        world.member,
        dt.date(2026, 11, 30),
        Task.Status.OPEN,
    )
    assert f"Xây dựng kế hoạch “chi bộ bốn tốt” {world.member.full_name} · {vi('due')} 30/11/2026" in text(
        response
    )


def test_no_task_before_the_meeting_opens(prepared, world, login):
    response = login("secretary").post(
        tasks_url(prepared), {"title": "Sớm", "assignee": world.member.pk, "due_on": "30/11/2026"}
    )

    assert response.status_code == 422
    assert vi("Tasks are assigned during the meeting.") in text(response)
    assert not Task.objects.exists()


def test_a_task_needs_an_assignee_and_a_date(opened, login):
    response = login("secretary").post(tasks_url(opened), {"title": "Không ai làm"})

    assert response.status_code == 422
    assert not Task.objects.exists()


def test_a_plain_member_cannot_assign_tasks(opened, world, login):
    response = login("member").post(
        tasks_url(opened), {"title": "Tự giao", "assignee": world.member.pk, "due_on": "30/11/2026"}
    )

    assert response.status_code == 403
    assert not Task.objects.exists()


def test_tasks_come_back_in_the_next_meetings_report_with_their_status(world, prepared, login):
    september = plan(world, dt.date(2026, 9, 1), publish=False)
    october = plan(world, dt.date(2026, 10, 1), publish=False)

    def task(meeting, title, due, status=Task.Status.OPEN):
        return Task.objects.create(
            meeting=meeting, title=title, assignee=world.member, due_on=due, status=status
        )

    task(september, "Việc tháng 9 còn dở", dt.date(2026, 9, 30))
    task(september, "Việc tháng 9 đã xong", dt.date(2026, 9, 20), Task.Status.DONE)
    task(october, "Việc tháng 10 đã xong", dt.date(2026, 10, 20), Task.Status.DONE)
    task(october, "Việc tháng 10 chưa đến hạn", dt.date(2026, 11, 30))
    task(prepared, "Việc của chính buổi này", dt.date(2026, 12, 5))

    page = text(login("member").get(prepared.get_absolute_url()))

    report = prepared.agenda_items.get(section="report")
    following = prepared.agenda_items.filter(position__gt=report.position).first()
    section = page[page.index(report.title) : page.index(following.title)]
    heading = vi("Tasks from last month")
    assert heading in section
    name = world.member.full_name
    assert f"⚠ Việc tháng 9 còn dở — {name}, 30/09/2026 ({vi('Open')})" in section  # older, still open
    assert f"✔ Việc tháng 10 đã xong — {name}, 20/10/2026 ({vi('Done')})" in section
    assert f"• Việc tháng 10 chưa đến hạn — {name}, 30/11/2026 ({vi('Open')})" in section
    assert "Việc tháng 9 đã xong" not in page  # reported last month already
    assert "Việc của chính buổi này" not in page


def test_a_task_assigned_now_is_reported_at_next_months_meeting(opened, world, login, clock):
    assign(login("secretary"), opened, assignee=world.fellow.pk, title="Lập danh sách quần chúng ưu tú")
    clock.set(at(2026, 11, 25, 9, 0))
    december = plan(world, dt.date(2026, 12, 1), publish=False)

    page = text(login("secretary").get(december.get_absolute_url()))

    assert f"• Lập danh sách quần chúng ưu tú — {world.fellow.full_name}, 30/11/2026 ({vi('Open')})" in page


def test_done_and_reopen(opened, world, login, clock):
    task = Task.objects.create(
        meeting=opened, title="Việc", assignee=world.member, due_on=dt.date(2026, 11, 30)
    )
    client = login("fellow")
    url = reverse("meetings:task_status", args=[task.pk])
    clock.set(at(2026, 11, 12, 8, 0))

    done = client.post(url, {"status": "done"}, follow=True)

    task.refresh_from_db()
    assert (task.status, task.done_on) == (Task.Status.DONE, dt.date(2026, 11, 12))
    assert f"Việc {world.member.full_name} · {vi('due')} 30/11/2026 · {vi('Done')}" in text(done)

    client.post(url, {"status": "open"})

    task.refresh_from_db()
    assert (task.status, task.done_on) == (Task.Status.OPEN, None)


def test_marking_a_task_from_the_next_meeting_page_returns_there(opened, world, login):
    task = Task.objects.create(
        meeting=opened, title="Việc", assignee=world.member, due_on=dt.date(2026, 11, 30)
    )
    december = plan(world, dt.date(2026, 12, 1), publish=False)

    response = login("secretary").post(
        reverse("meetings:task_status", args=[task.pk]),
        {"status": "done", "next": december.get_absolute_url()},
    )

    assert response["Location"] == december.get_absolute_url()
    task.refresh_from_db()
    assert task.status == Task.Status.DONE


def test_a_member_cannot_mark_tasks(opened, world, login):
    task = Task.objects.create(
        meeting=opened, title="Việc", assignee=world.member, due_on=dt.date(2026, 11, 30)
    )

    response = login("member").post(reverse("meetings:task_status", args=[task.pk]), {"status": "done"})

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
