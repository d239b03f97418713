"""Every date a form accepts lies in a sensible range (1930-2100; births from 1900), as meeting dates do."""

import inspect

import pytest
from django import forms
from django.urls import reverse

import audit.forms
import meetings.forms
import members.forms
from meetings.forms import WhenFormMixin
from meetings.models import Task
from members.forms import SensibleDateField

MESSAGE = "Hãy chọn một ngày từ 01/01/1930 đến 31/12/2100."


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "01/01/0001", "31/12/9999"])
def test_a_task_due_date_out_of_range_is_refused_and_the_form_kept(day, world, login, in_progress):
    response = login("secretary").post(
        reverse("meetings:tasks", args=[in_progress.pk]),
        {"title": "Sửa mái nhà văn hóa", "assignee": world.member.pk, "due_on": day},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert MESSAGE in page and "Sửa mái nhà văn hóa" in page
    assert not Task.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_birth_date_out_of_range_is_refused(day, world, login):
    url = reverse("members:member_edit", args=[world.target.pk])
    response = login("secretary").post(
        url,
        {"full_name": "Dương Thị Mỹ Duyên", "gender": "female", "status": "probationary", "birth_date": day},
    )
    assert response.status_code in (200, 422)
    assert "Hãy chọn một ngày từ 01/01/1900 đến 31/12/2100." in response.content.decode()
    world.target.refresh_from_db()
    assert world.target.birth_date is None or world.target.birth_date.year not in (1, 9999)


def test_an_old_members_birth_date_is_accepted():
    field = members.forms.BirthDateField(required=False)
    assert field.clean("1925-05-19").year == 1925


def _forms():
    for module in (members.forms, meetings.forms, audit.forms):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_field_of_every_form_has_the_range():
    """A new form's date field without the range fails here (WhenFormMixin checks its own range)."""
    unbounded = [
        f"{cls.__name__}.{name}"
        for cls in _forms()
        if not issubclass(cls, WhenFormMixin)
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field, SensibleDateField)
    ]
    assert not unbounded
