"""The national HD 42-era rubric follows DOMAIN.md's sheet: the attendance point is for "no member absent with
reason more than 3 times in a row in the year" (not "no unexcused absence"), and no criterion needs full marks
for tốt (a committee that wants that condition issues its own version).

A rubric that sheets were scored with is kept as it is, and the corrected one is added as a newer version
(the same name and date; `Rubric.objects.for_date` takes the newest). One no sheet uses is replaced.
"""

from django.db import migrations
from django.db.models import Q


def follow_the_sheet(apps, schema_editor):
    from evaluations import defaults

    Rubric = apps.get_model("evaluations", "Rubric")
    CriterionGroup = apps.get_model("evaluations", "CriterionGroup")
    Criterion = apps.get_model("evaluations", "Criterion")
    Evaluation = apps.get_model("evaluations", "Evaluation")
    national = list(
        Rubric.objects.filter(
            organization=None,
            kind=defaults.HD42["kind"],
            name=defaults.HD42["name"],
            effective_from=defaults.HD42["effective_from"],
        ).order_by("pk")
    )
    if not national:
        return
    outdated = {
        r.pk
        for r in national
        if Criterion.objects.filter(group__rubric=r)
        .filter(Q(code="no_unexcused") | Q(required_for_top=True))
        .exists()
    }
    if national[-1].pk not in outdated:
        return  # the version in force already follows the sheet
    for rubric in national:
        if rubric.pk in outdated and not Evaluation.objects.filter(rubric=rubric).exists():
            rubric.delete()
    defaults.create(Rubric, CriterionGroup, Criterion, defaults.HD42)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0007_merge_record_rules")]
    operations = [migrations.RunPython(follow_the_sheet, migrations.RunPython.noop)]
