"""Adding and editing a member: bad input comes back with its error and with everything that was typed."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from members.models import Member

from ..factories import MemberFactory
from .pages import form_values, page_text, vi

TYPED = {
    "full_name": "Trương Quang Vinh",
    "gender": "male",
    "birth_date": "15/06/1993",
    "card_number": "93.061501",
    "status": "official",
    "admission_decision_date": "20/05/2018",
    "admission_date": "01/06/2018",
    "official_date": "01/06/2019",
    "position": "Giảng viên",
    "email": "vinh@example.vn",
    "phone": "0901 234 567",
    "dues_category": "salary",
    "dues_basis": "12500000",
}


def create(client, cell, data):
    return client.post(reverse("members:member_create", args=[cell.pk]), data)


def test_valid_member_is_added_with_dates_typed_as_dd_mm_yyyy(world, login):
    response = create(login("secretary"), world.cell, TYPED)

    vinh = Member.objects.get(card_number="93.061501")
    assert response["Location"] == vinh.get_absolute_url()
    assert (vinh.cell, vinh.birth_date, vinh.admission_date) == (
        world.cell,
        dt.date(1993, 6, 15),
        dt.date(2018, 6, 1),
    )
    assert vinh.memberships.get().cell == world.cell


def test_bad_date_is_refused_and_everything_typed_is_kept(world, login):
    before = Member.objects.count()
    typed = TYPED | {"birth_date": "31/02/1993"}

    response = create(login("secretary"), world.cell, typed)

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert response.context["form"].errors["birth_date"]
    assert form_values(response) == typed
    assert Member.objects.count() == before


def test_birth_date_in_the_future_is_refused_and_everything_typed_is_kept(world, login):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    typed = TYPED | {"birth_date": tomorrow}

    response = create(login("secretary"), world.cell, typed)

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("The date of birth cannot be in the future.") in response.context["form"].errors["birth_date"]
    assert form_values(response) == typed
    assert not Member.objects.filter(full_name="Trương Quang Vinh").exists()


def test_duplicate_card_number_is_refused_and_everything_typed_is_kept(world, login):
    MemberFactory(cell=world.other_cell, card_number="93.061501")
    typed = TYPED | {"card_number": " 93.061501 "}

    response = create(login("secretary"), world.cell, typed)

    assert response.status_code == 422  # refused: the form again, with what was typed
    expected = vi("Another member already has this party card number.")
    assert expected in response.context["form"].errors["card_number"]
    assert expected in page_text(response)
    assert form_values(response) == typed
    assert not Member.objects.filter(full_name="Trương Quang Vinh").exists()


def test_missing_name_is_refused_and_everything_else_kept(world, login):
    typed = TYPED | {"full_name": "  "}

    response = create(login("secretary"), world.cell, typed)

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("Please enter the member's full name.") in response.context["form"].errors["full_name"]
    assert form_values(response) == typed


def test_editing_to_a_duplicate_card_number_changes_nothing(world, login):
    MemberFactory(cell=world.other_cell, card_number="93.061501")
    target = world.target
    typed = TYPED | {"status": "probationary", "official_date": "", "card_number": "93.061501"}

    response = login("secretary").post(reverse("members:member_edit", args=[target.pk]), typed)

    assert response.status_code == 422  # refused: the form again, with what was typed
    assert vi("Another member already has this party card number.") in page_text(response)
    assert form_values(response) == typed
    target.refresh_from_db()
    assert (target.full_name, target.card_number) == ("Dương Thị Mỹ Duyên", None)


def test_both_admission_dates_are_kept_the_decision_for_party_age_and_the_ceremony_for_probation(
    world, login
):
    typed = TYPED | {
        "status": "probationary",
        "official_date": "",
        "admission_decision_date": "20/10/2025",
        "admission_date": "15/11/2025",
    }

    create(login("secretary"), world.cell, typed)

    vinh = Member.objects.get(card_number="93.061501")
    assert (vinh.admission_decision_date, vinh.admission_date) == (
        dt.date(2025, 10, 20),
        dt.date(2025, 11, 15),
    )
    assert vinh.probation_ends_on == dt.date(2026, 11, 15)
    assert vinh.party_years(dt.date(2026, 10, 20)) == 1


def test_a_ceremony_before_the_admission_decision_is_refused_and_everything_typed_is_kept(world, login):
    typed = TYPED | {"admission_decision_date": "20/06/2018", "admission_date": "01/06/2018"}

    response = create(login("secretary"), world.cell, typed)

    assert response.status_code == 422  # refused: the form again, with what was typed
    errors = response.context["form"].errors["admission_date"]
    assert vi("The admission ceremony cannot be before the admission decision.") in errors
    assert form_values(response) == typed
    assert not Member.objects.filter(full_name="Trương Quang Vinh").exists()
