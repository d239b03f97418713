"""The national HD 42-era rubric follows DOMAIN.md's sheet (§3.2): its fifth attendance point is for no member
absent with reason more than 3 times in a row, and it asks no full marks for tốt; a committee that requires
them issues its own version for the cells below it. The data migration keeps the version sheets were scored
with and adds the corrected one."""

import datetime as dt
import importlib
from decimal import Decimal

from django.apps import apps

from evaluations import defaults, services
from evaluations.models import Criterion, CriterionGroup, Evaluation, Rubric

from .conftest import full_marks_for_top, hold, roll

follow_the_sheet = importlib.import_module(
    "evaluations.migrations.0008_hd42_rubric_follows_the_sheet"
).follow_the_sheet


def national():
    return Rubric.objects.filter(kind=Rubric.Kind.MEETING, organization=None).order_by("pk")


def all_but(evaluation, **points):
    """Full marks on every criterion, except those given by code."""
    return {
        s.criterion_id: (Decimal(points.get(s.criterion.code, s.criterion.max_points)), "")
        for s in evaluation.scores.select_related("criterion")
    }


def test_the_default_gives_the_fifth_attendance_point_for_no_member_absent_with_reason_4_times_in_a_row(
    default,
):
    attendance = CriterionGroup.objects.get(rubric=default, name="Tỷ lệ đảng viên dự họp")

    assert [(c.code, c.max_points, c.fact) for c in attendance.criteria.all()] == [
        ("attendance", 4, "attendance_rate"),
        ("no_excused_streak", 1, "no_excused_streak"),
    ]


def test_on_the_national_sheet_99_points_with_attendance_short_is_tot(world, clock, default):
    meeting = hold(world.cell)
    roll(meeting, present=[world.secretary, world.member, world.fellow])
    evaluation = services.open_sheet(meeting=meeting)

    services.save_scores(evaluation=evaluation, values=all_but(evaluation, attendance=3))

    assert (evaluation.total, evaluation.level_label) == (Decimal("99.0"), "Tốt")


def test_a_committee_turns_on_full_marks_for_tot_for_its_cells_only(world, clock, default):
    own = full_marks_for_top(default, world)
    here, elsewhere = hold(world.cell), hold(world.other_cell)
    sheets = {}
    for meeting in (here, elsewhere):
        evaluation = services.open_sheet(meeting=meeting)
        sheets[meeting.cell_id] = services.save_scores(
            evaluation=evaluation, values=all_but(evaluation, attendance=3)
        )

    assert sheets[world.cell.pk].rubric == own
    assert sheets[world.cell.pk].level_label == "Khá"  # 99 without full marks on attendance
    assert sheets[world.other_cell.pk].rubric == default
    assert sheets[world.other_cell.pk].level_label == "Tốt"
    starred = set(
        Criterion.objects.filter(group__rubric=own, required_for_top=True).values_list("code", flat=True)
    )
    assert starred == set(defaults.FULL_MARKS_FOR_TOP)
    assert not Criterion.objects.filter(group__rubric=default, required_for_top=True).exists()


def make_outdated(rubric: Rubric) -> None:
    """The rubric as the first data migration wrote it: the unexcused point, and five starred criteria."""
    Criterion.objects.filter(group__rubric=rubric, code="no_excused_streak").update(
        code="no_unexcused", name="Không có đảng viên vắng không lý do", fact="no_unexcused"
    )
    Criterion.objects.filter(
        group__rubric=rubric, code__in=["duration", "attendance", "no_unexcused", "participation", "minutes"]
    ).update(required_for_top=True)


def test_the_migration_keeps_the_version_a_sheet_was_scored_with_and_adds_the_corrected_one(
    world, clock, default
):
    make_outdated(default)
    scored = services.open_sheet(meeting=hold(world.cell))
    codes_before = sorted(Criterion.objects.filter(group__rubric=default).values_list("code", flat=True))

    follow_the_sheet(apps, None)

    old, new = national()
    assert old == default and scored.rubric == default
    assert sorted(Criterion.objects.filter(group__rubric=old).values_list("code", flat=True)) == codes_before
    assert Criterion.objects.filter(group__rubric=new, code="no_excused_streak").exists()
    assert not Criterion.objects.filter(group__rubric=new, required_for_top=True).exists()
    assert Rubric.objects.for_date(world.cell, dt.date(2026, 12, 5), Rubric.Kind.MEETING) == new
    assert Evaluation.objects.get(pk=scored.pk).rubric == old  # the scored sheet keeps its version

    follow_the_sheet(apps, None)  # run again: nothing more
    assert national().count() == 2


def test_the_migration_replaces_a_version_no_sheet_uses(db, default):
    make_outdated(default)

    follow_the_sheet(apps, None)

    (only,) = national()
    assert only != default
    assert Criterion.objects.filter(group__rubric=only, code="no_excused_streak").exists()
    assert not Criterion.objects.filter(group__rubric=only, required_for_top=True).exists()
