"""Members (and the superior officer) are told when the agenda and documents are published; publishing again
after a reopen tells them again."""

from django.urls import reverse

from meetings.models import Meeting
from notifications.models import Notification

from .conftest import at, told, vi


def test_publishing_tells_the_members_and_the_superior_officer(login, regular, clock):
    clock(at(2026, 12, 1, 9, 0))

    response = login("secretary").post(reverse("meetings:publish", args=[regular.pk]))

    assert response.status_code == 302
    assert sorted(u for u, _ in told("published")) == ["fellow", "member", "officer", "secretary"]
    notification = Notification.objects.get(kind="published", recipient__username="member")
    assert notification.title == vi(
        "Agenda published: %(title)s", title=vi("Regular meeting %(month)s", month="12/2026")
    )
    assert (
        vi(
            "The committee of %(cell)s has published the agenda and documents of the meeting of %(when)s. Please read "
            "them before the meeting.",
            cell="Chi bộ A1",
            when="14:00 05/12/2026",
        )
        in notification.body
    )
    assert notification.url == regular.get_absolute_url()


def test_publishing_again_after_a_reopen_is_a_new_notification(login, regular, clock):
    secretary = login("secretary")
    clock(at(2026, 12, 1, 9, 0))
    secretary.post(reverse("meetings:publish", args=[regular.pk]))
    clock(at(2026, 12, 1, 15, 0))
    secretary.post(reverse("meetings:reopen", args=[regular.pk]), {"reason": "Bổ sung tài liệu"})
    assert Meeting.objects.get(pk=regular.pk).status == Meeting.Status.PLANNED
    clock(at(2026, 12, 2, 8, 0))
    secretary.post(reverse("meetings:publish", args=[regular.pk]))

    member_told = Notification.objects.filter(kind="published", recipient__username="member")
    assert member_told.count() == 2
    assert Notification.objects.filter(kind="published").count() == 8


def test_a_refused_publish_tells_nobody(login, regular, clock):
    clock(at(2026, 12, 1, 9, 0))
    Meeting.objects.filter(pk=regular.pk).update(status=Meeting.Status.CANCELLED)

    login("secretary").post(reverse("meetings:publish", args=[regular.pk]))

    assert told("published") == []
