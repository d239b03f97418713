"""A criterion nobody has scored is None, not zero; a sheet has a level only when complete, and keeps the
starred criteria that kept a top total from the top level."""

from decimal import Decimal

from django.db import migrations, models


def unscored_and_reasons(apps, schema_editor):
    Evaluation = apps.get_model("evaluations", "Evaluation")
    Score = apps.get_model("evaluations", "Score")
    # Sheets not adopted: a hand-judged line still at its old default (0, no note) was never scored. An adopted
    # sheet keeps its zeros: the cell voted on them.
    Score.objects.filter(
        prefilled=False, points=0, note="", evaluation__adopted_at__isnull=True
    ).update(points=None)
    for evaluation in Evaluation.objects.select_related("rubric").iterator():
        scores = list(Score.objects.filter(evaluation=evaluation).select_related("criterion"))
        total = sum((s.points for s in scores if s.points is not None), Decimal("0"))
        levels = evaluation.rubric.levels
        level, short = None, []
        if scores and all(s.points is not None for s in scores):
            missing = [
                s.criterion.name
                for s in scores
                if s.criterion.required_for_top and s.points < s.criterion.max_points
            ]
            level = next(
                (lv for i, lv in enumerate(levels) if float(total) >= lv["min"] and (i > 0 or not missing)),
                levels[-1],
            )
            if level is not levels[0] and float(total) >= levels[0]["min"]:
                short = missing
        elif not scores:
            continue  # a sheet written directly (seed data): left as it is
        evaluation.total = total
        evaluation.level = level["code"] if level else ""
        evaluation.level_label = level["label"] if level else ""
        evaluation.short_of_top = short
        evaluation.save(update_fields=["total", "level", "level_label", "short_of_top"])


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0005_verbose_names")]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="short_of_top",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="short_of_top",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="score",
            name="points",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name="points"),
        ),
        migrations.AlterField(
            model_name="historicalscore",
            name="points",
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name="points"),
        ),
        migrations.AlterField(
            model_name="evaluation",
            name="level_label",
            field=models.CharField(blank=True, max_length=50, verbose_name="level"),
        ),
        migrations.AlterField(
            model_name="historicalevaluation",
            name="level_label",
            field=models.CharField(blank=True, max_length=50, verbose_name="level"),
        ),
        migrations.RunPython(unscored_and_reasons, migrations.RunPython.noop),
    ]
