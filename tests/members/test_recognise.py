"""Recording the superior committee's decision that a probationary member is now official."""

import datetime as dt

from django.urls import reverse

from members.models import Member

from .pages import form_values, page_text, vi


def recognise(client, member, **data):
    return client.post(reverse("members:member_recognise", args=[member.pk]), data, follow=True)


def test_probationary_member_becomes_official(world, login):
    target = world.target
    target.admission_date = dt.date(2025, 11, 3)
    target.save()

    response = recognise(login("secretary"), target, official_date="03/11/2026")

    assert response.redirect_chain[-1][0] == target.get_absolute_url()
    assert vi("%(name)s is now an official member.", name=target.full_name) in page_text(response)
    target.refresh_from_db()
    assert target.status == Member.Status.OFFICIAL
    assert target.official_date == dt.date(2026, 11, 3)


def test_official_date_before_admission_is_refused(world, login):
    target = world.target
    target.admission_date = dt.date(2025, 11, 3)
    target.save()

    response = recognise(login("secretary"), target, official_date="02/11/2025")

    assert response.status_code == 422  # refused: the form again, with what was typed
    expected = vi("The official date cannot be before the admission date.")
    assert expected in response.context["form"].errors["official_date"]
    assert form_values(response) == {"official_date": "02/11/2025"}
    target.refresh_from_db()
    assert (target.status, target.official_date) == (Member.Status.PROBATIONARY, None)


def test_official_member_cannot_be_recognised_again(world, login):
    member = world.member
    before = member.official_date

    response = recognise(login("secretary"), member, official_date="01/01/2026")

    assert response.redirect_chain[-1][0] == member.get_absolute_url()
    assert vi("Only a probationary member can be recognised as official.") in page_text(response)
    member.refresh_from_db()
    assert (member.status, member.official_date) == (Member.Status.OFFICIAL, before)
