from django.db import migrations


def load(apps, schema_editor):
    from evaluations import defaults

    defaults.load(apps.get_model("evaluations", "Rubric"), apps.get_model("evaluations", "CriterionGroup"),
                  apps.get_model("evaluations", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
