import django.utils.timezone
from django.db import migrations, models


def judge_existing_rows(apps, schema_editor):
    """Rows written before the field existed get their alerts as of today (the nightly rebuild keeps the
    recent months current)."""
    from evaluations.alerts import alerts_for

    CellMonth = apps.get_model("evaluations", "CellMonth")
    today = django.utils.timezone.localdate()
    batch = []
    for row in CellMonth.objects.select_related("cell").iterator(chunk_size=5000):
        row.alerts = " ".join(alerts_for(row, today))
        if row.alerts:
            batch.append(row)
        if len(batch) >= 5000:
            CellMonth.objects.bulk_update(batch, ["alerts"])
            batch = []
    CellMonth.objects.bulk_update(batch, ["alerts"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_default_rubrics"),
    ]

    operations = [
        migrations.AddField(
            model_name="cellmonth",
            name="alerts",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(judge_existing_rows, migrations.RunPython.noop),
    ]
