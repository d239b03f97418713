"""`manage.py seed_demo`: the seed article's Đảng ủy Khối, its model cell, and one login per persona."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from members.models import Member, Organization
from ops.demo import members as demo

# Where each demo login lands after logging in: the tree (starting at the organisation it reviews), or a
# page of the login's own cell.
LANDS_ON_TREE = {
    "quantri": demo.ROOT_NAME,
    "vanphong.duk": demo.ROOT_NAME,
    "dauyvien.truong": "Đảng bộ Trường Đại học Kỹ thuật - Công nghệ Cần Thơ",
}
LANDS_ON_OWN_CELL = {"bithu.dien", "thuky.dien", "dangvien.dien", "bithu.khtc"}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    """Rows of every model the demo writes (members, and whatever other apps add to the demo)."""
    models = [get_user_model()]
    for label in ("members", "meetings", "evaluations"):
        models += apps.get_app_config(label).get_models()
    return {model.__name__: model.objects.count() for model in models}


def log_in(client, username):
    client.force_login(get_user_model().objects.get(username=username))


@pytest.fixture
def seeded(demo_data, db):
    pass


def test_running_twice_keeps_one_copy(seeded):
    first = counts()

    output = seed()

    assert counts() == first
    assert Organization.objects.filter(name=demo.ROOT_NAME).count() == 1
    assert "nothing changed" in output


def test_model_cell_has_the_article_members(seeded, client):
    cell = Organization.objects.get(name=demo.MODEL_CELL)
    log_in(client, "bithu.dien")

    page = client.get(cell.get_absolute_url())

    assert page.context["n_members"] == 17
    assert {m.full_name for m in page.context["members"] if m.status == Member.Status.PROBATIONARY} == {
        "Dương Thị Mỹ Duyên",
        "Lâm Gia Huy",
    }
    assert page.context["n_probationary"] == 2
    assert page.context["n_exempt"] == 1
    exempt = [
        m.full_name for m in page.context["members"] if any(p.kind == "exempt" for p in m.current_periods)
    ]
    assert exempt == ["Tạ Văn Bảy"]


def test_model_cell_still_has_its_exempt_member_next_year(seeded, client, clock):
    clock.advance(days=400)
    cell = Organization.objects.get(name=demo.MODEL_CELL)
    log_in(client, "bithu.dien")

    assert client.get(cell.get_absolute_url()).context["n_exempt"] == 1


def test_every_persona_has_an_expected_landing_page():
    assert {username for username, _persona, _name in demo.PERSONAS} == set(LANDS_ON_TREE) | LANDS_ON_OWN_CELL


@pytest.mark.parametrize("username", [username for username, _persona, _name in demo.PERSONAS])
def test_demo_login_lands_where_its_persona_works(seeded, client, username):
    response = client.post(
        reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD}, follow=True
    )

    landed = response.redirect_chain[-1][0]
    assert response.status_code == 200
    if username in LANDS_ON_TREE:
        assert landed == reverse("members:tree")
        assert response.context["rows"][0]["org"].name == LANDS_ON_TREE[username]
    else:
        own_cell = Member.objects.get(user__username=username).cell
        assert landed != reverse("members:tree")
        assert (response.context.get("org") or response.context.get("cell")) == own_cell


def test_secretary_runs_the_model_cell_and_the_member_only_reads_it(seeded, client):
    cell = Organization.objects.get(name=demo.MODEL_CELL)
    manage = reverse("members:member_create", args=[cell.pk])

    log_in(client, "bithu.dien")
    assert manage in client.get(cell.get_absolute_url()).content.decode()
    assert client.get(manage).status_code == 200

    client.logout()
    log_in(client, "dangvien.dien")
    assert manage not in client.get(cell.get_absolute_url()).content.decode()
    assert client.get(manage).status_code == 403
