"""Parameters a URL or a button carries are read through forms: a clear message or a 400, never a 500."""

from django.urls import reverse

from meetings.models import DuesEntry, Task


def test_a_dues_year_out_of_range_is_a_400_that_says_why(world, login):
    client = login("secretary")
    for year in ("0", "-1", "99999", "9" * 40, "abc"):
        response = client.get(reverse("meetings:cell_dues", args=[world.cell.pk]), {"year": year})
        assert response.status_code == 400
        assert "Năm phải là một số từ 1930 đến 2100." in response.content.decode()
    assert (
        client.get(reverse("meetings:cell_dues", args=[world.cell.pk]), {"year": "2025"}).status_code == 200
    )


def test_a_rotation_year_out_of_range_is_a_400(world, login):
    client = login("secretary")
    url = reverse("meetings:rotation", args=[world.cell.pk])
    assert client.get(url, {"year": "0"}).status_code == 400
    assert client.post(url, {"year": "-1"}).status_code == 400
    assert client.get(url, {"year": "2026"}).status_code == 200


def test_a_dues_button_with_a_garbage_entry_says_why_and_records_nothing(world, login, in_progress):
    client = login("secretary")
    url = reverse("meetings:dues", args=[in_progress.pk])
    client.get(url)  # the ledger of the month exists once the page was seen
    response = client.post(url, {"entry": "abc", "method": "cash"}, follow=True)
    assert response.status_code == 200
    assert "Khoản đảng phí này không thuộc sổ của tháng này." in response.content.decode()
    assert not DuesEntry.objects.filter(paid__gt=0).exists()


def test_a_dues_button_still_records_a_payment(world, login, in_progress):
    client = login("secretary")
    url = reverse("meetings:dues", args=[in_progress.pk])
    client.get(url)
    entry = DuesEntry.objects.filter(cell=world.cell, period=in_progress.period).first()
    client.post(url, {"entry": entry.pk, "method": "cash"})
    entry.refresh_from_db()
    assert entry.method == "cash" and entry.paid == entry.due


def test_the_current_item_with_a_garbage_id_says_why(world, login, in_progress):
    client = login("secretary")
    response = client.post(
        reverse("meetings:current_item", args=[in_progress.pk]), {"item": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "Hãy chọn một mục trong chương trình của cuộc họp này." in response.content.decode()


def test_a_task_button_never_redirects_off_the_site_or_to_a_non_path(world, login, in_progress):
    client = login("secretary")
    task = Task.objects.create(
        meeting=in_progress, title="Việc", assignee=world.member, due_on=in_progress.period
    )
    url = reverse("meetings:task_status", args=[task.pk])
    tasks = reverse("meetings:tasks", args=[in_progress.pk])
    for bad in ("abc", "https://evil.example/", "//evil.example/x", "0"):
        response = client.post(url, {"status": "done", "next": bad})
        assert response.status_code == 302 and response["Location"] == tasks
    response = client.post(url, {"status": "done", "next": in_progress.get_absolute_url()})
    assert response["Location"] == in_progress.get_absolute_url()
