"""Every cell gets a committee term: minutes are numbered from 01 in each term, and a cell without one
used to number by calendar year (restarting at 01 every January). The term comes from the cell's own posts
(Role.term), else the committee's above it, else the current term of grassroots congresses, 2025–2030.
Numbers already issued are left as they are: they are printed in adopted, locked minutes."""

from django.db import migrations

DEFAULT_TERM = "2025–2030"
CELL_KINDS = ("grassroots_cell", "cell")


def fill_terms(apps, schema_editor):
    Organization = apps.get_model("members", "Organization")
    Role = apps.get_model("members", "Role")
    terms = {o.path: o.term.strip() for o in Organization.objects.all()}
    for cell in Organization.objects.filter(kind__in=CELL_KINDS, term=""):
        term = (
            Role.objects.filter(organization=cell)
            .exclude(term="")
            .order_by("-starts_on", "-pk")
            .values_list("term", flat=True)
            .first()
        )
        if not term:
            above = [terms.get(cell.path[:i]) for i in range(len(cell.path) - 4, 0, -4)]
            term = next((t for t in above if t), DEFAULT_TERM)
        cell.term = term
        cell.save(update_fields=["term"])


class Migration(migrations.Migration):
    dependencies = [("members", "0004_history")]

    operations = [migrations.RunPython(fill_terms, migrations.RunPython.noop)]
