"""Rubrics are data: versioned, citing their document, issued per organisation (DOMAIN.md §3.2, STYLE.md S14)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from evaluations import services
from evaluations.models import Criterion, CriterionGroup, Evaluation, Rubric

from .conftest import DECEMBER, NOVEMBER, hold, text, vi


def make_rubric(organization, effective, name, *, kind=Rubric.Kind.MEETING, points=100) -> Rubric:
    rubric = Rubric.objects.create(
        name=name,
        kind=kind,
        organization=organization,
        effective_from=effective,
        source_number="09-HD/ĐUK",
        source_date=effective,
        source_issuer="Đảng ủy Khối",
        levels=[
            {"code": "tot", "min": 90, "label": "Tốt"},
            {"code": "kha", "min": 70, "label": "Khá"},
            {"code": "tb", "min": 50, "label": "Trung bình"},
            {"code": "kem", "min": 0, "label": "Kém"},
        ],
    )
    group = CriterionGroup.objects.create(rubric=rubric, position=1, name="Đánh giá chung")
    Criterion.objects.create(group=group, position=1, code="all", name="Đánh giá chung", max_points=points)
    return rubric


def score_page(meeting):
    return reverse("evaluations:score", args=[meeting.pk])


def test_the_default_rubric_is_the_hd42_era_sheet_out_of_100(default):
    groups = list(CriterionGroup.objects.filter(rubric=default).prefetch_related("criteria"))
    points = [sum(c.max_points for c in g.criteria.all()) for g in groups]

    # duration 5 · attendance 5 · preparation 10 · conduct 40 · principles 5 · last resolution 30 · closing 5
    assert points == [5, 5, 10, 40, 5, 30, 5]
    assert sum(points) == 100
    assert [g.name for g in groups] == [
        "Thời gian sinh hoạt",
        "Tỷ lệ đảng viên dự họp",
        "Công tác chuẩn bị",
        "Tổ chức sinh hoạt",
        "Nguyên tắc sinh hoạt Đảng",
        "Kết quả thực hiện nghị quyết tháng trước",
        "Kết thúc buổi sinh hoạt",
    ]
    assert default.source == "42-HD/BTCTW (28/10/2025, Ban Tổ chức Trung ương)"
    assert default.effective_from == dt.date(2025, 10, 28)
    assert [(lv["label"], lv["min"]) for lv in default.levels] == [
        ("Tốt", 90),
        ("Khá", 70),
        ("Trung bình", 50),
        ("Kém", 0),
    ]
    # No "full marks needed for tốt" in the national sheet: only some committees add it (their own version).
    assert not Criterion.objects.filter(group__rubric=default, required_for_top=True).exists()


def test_the_score_sheet_names_its_rubric_and_cites_the_document(world, login, clock):
    meeting = hold(world.cell)

    page = text(login("secretary").get(score_page(meeting)))

    assert "Phiếu chấm điểm chất lượng sinh hoạt chi bộ (theo HD 42-HD/BTCTW)" in page
    assert "42-HD/BTCTW (28/10/2025, Ban Tổ chức Trung ương)" in page
    for group in ("Thời gian sinh hoạt", "Tổ chức sinh hoạt", "Kết thúc buổi sinh hoạt"):
        assert group in page


def test_without_a_rubric_of_its_own_a_cell_uses_the_default(world, default):
    assert Rubric.objects.for_date(world.cell, dt.date(2026, 11, 5), Rubric.Kind.MEETING) == default


def test_a_committee_rubric_applies_to_the_cells_below_it_only(world, default):
    branch = make_rubric(world.branch_a, dt.date(2026, 1, 1), "Phiếu của Đảng bộ A")

    day = dt.date(2026, 11, 5)
    assert Rubric.objects.for_date(world.cell, day, Rubric.Kind.MEETING) == branch
    assert Rubric.objects.for_date(world.cell_a2, day, Rubric.Kind.MEETING) == branch
    assert Rubric.objects.for_date(world.other_cell, day, Rubric.Kind.MEETING) == default


def test_the_nearest_issuer_wins_over_one_further_up(world, default):
    make_rubric(world.root, dt.date(2026, 6, 1), "Phiếu của Đảng ủy Khối")
    branch = make_rubric(world.branch_a, dt.date(2026, 1, 1), "Phiếu của Đảng bộ A")
    own = make_rubric(world.cell, dt.date(2025, 12, 1), "Phiếu riêng của Chi bộ A1")

    day = dt.date(2026, 11, 5)
    assert Rubric.objects.for_date(world.cell, day, Rubric.Kind.MEETING) == own
    assert Rubric.objects.for_date(world.cell_a2, day, Rubric.Kind.MEETING) == branch
    assert (
        Rubric.objects.for_date(world.other_cell, day, Rubric.Kind.MEETING).name == "Phiếu của Đảng ủy Khối"
    )


def test_a_rubric_applies_from_its_effective_date(world, default):
    first = make_rubric(world.branch_a, dt.date(2026, 1, 1), "Phiếu 2026")
    second = make_rubric(world.branch_a, dt.date(2027, 1, 1), "Phiếu 2027")

    assert Rubric.objects.for_date(world.cell, dt.date(2025, 12, 31), Rubric.Kind.MEETING) == default
    assert Rubric.objects.for_date(world.cell, dt.date(2026, 1, 1), Rubric.Kind.MEETING) == first
    assert Rubric.objects.for_date(world.cell, dt.date(2026, 12, 31), Rubric.Kind.MEETING) == first
    assert Rubric.objects.for_date(world.cell, dt.date(2027, 1, 1), Rubric.Kind.MEETING) == second
    # Before the HD 42 sheet took effect there is no meeting rubric at all.
    assert Rubric.objects.for_date(world.cell, dt.date(2025, 10, 27), Rubric.Kind.MEETING) is None


def test_a_meeting_before_any_rubric_cannot_be_scored_and_the_secretary_is_told(world, login, clock):
    meeting = hold(world.cell, dt.date(2025, 9, 1))

    response = login("secretary").get(score_page(meeting), follow=True)

    assert vi("No scoring rubric is in force for this meeting's date.") in text(response)
    assert not Evaluation.objects.filter(meeting=meeting).exists()


def test_a_scored_meeting_keeps_its_rubric_when_a_newer_one_takes_effect(world, default, login, clock):
    november = hold(world.cell, NOVEMBER)
    client = login("secretary")
    client.get(score_page(november))
    make_rubric(None, dt.date(2026, 12, 1), "Phiếu quốc gia 2027")

    december = hold(world.cell, DECEMBER)
    client.get(score_page(december))

    assert Evaluation.objects.get(meeting=november).rubric == default
    assert Evaluation.objects.get(meeting=december).rubric.name == "Phiếu quốc gia 2027"
    assert "42-HD/BTCTW (28/10/2025" in text(client.get(score_page(november)))


def test_an_adopted_sheet_stays_when_the_committee_issues_its_own_rubric_later(world, default, login, clock):
    """The committee's rubric is entered after November's meeting was scored, with an earlier effective date:
    the meeting keeps the sheet the cell adopted, it does not get a blank sheet under the new rubric."""
    meeting = hold(world.cell, NOVEMBER)
    evaluation = services.open_sheet(meeting=meeting)
    evaluation.adopted_at = clock.current
    evaluation.save(update_fields=["adopted_at"])
    total = evaluation.total

    make_rubric(world.branch_a, dt.date(2026, 1, 1), "Phiếu của Đảng bộ A")
    page = text(login("secretary").get(score_page(meeting)))

    assert Evaluation.objects.filter(meeting=meeting, kind=Evaluation.Kind.SELF).count() == 1
    assert Evaluation.objects.get(meeting=meeting).total == total
    assert "Phiếu của Đảng bộ A" not in page
    assert "42-HD/BTCTW (28/10/2025" in page


def test_the_four_good_rubric_works_through_the_same_sheet(world, login, clock):
    meeting = hold(world.cell)
    client = login("secretary")
    url = reverse("evaluations:four_good", args=[meeting.pk])

    page = text(client.get(url))
    assert "Tự đánh giá “chi bộ bốn tốt” hằng tháng" in page
    for criterion in (
        "Lãnh đạo thực hiện tốt nhiệm vụ chính trị",
        "Sinh hoạt chi bộ có chất lượng tốt",
        "Đoàn kết, kỷ luật tốt",
        "Đội ngũ cán bộ, đảng viên tốt",
    ):
        assert criterion in page
    evaluation = Evaluation.objects.get(meeting=meeting, rubric__kind=Rubric.Kind.FOUR_GOOD)
    criteria = list(evaluation.scores.values_list("criterion_id", flat=True))
    assert len(criteria) == 4
    assert evaluation.level_label == ""  # nothing can be read from the record: all judged by hand, none yet

    client.post(url, {f"points_{c}": "1" for c in criteria})
    evaluation.refresh_from_db()
    assert (evaluation.total, evaluation.level_label) == (Decimal("4"), "Đạt")

    client.post(url, {**{f"points_{c}": "1" for c in criteria}, f"points_{criteria[-1]}": "0"})
    evaluation.refresh_from_db()
    assert (evaluation.total, evaluation.level_label) == (Decimal("3"), "Chưa đạt")

    response = client.post(url, {f"points_{criteria[0]}": "2"})
    assert response.status_code == 422
    first = Criterion.objects.get(pk=criteria[0])
    assert vi(
        "“%(name)s”: between 0 and %(max)s points.",
        name=first.name,
        max=first.max_points,
    ) in text(response)
    assert first.name == "Lãnh đạo thực hiện tốt nhiệm vụ chính trị"
    # The four-good sheet is separate from the meeting's quality score.
    assert not Evaluation.objects.filter(meeting=meeting, rubric__kind=Rubric.Kind.MEETING).exists()
